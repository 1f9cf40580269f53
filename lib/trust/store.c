/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "strv.h"
#include "trust-util.h"
#include "trust.h"

#define LIST_FILE_MAX (1024U * 1024U)

struct trust_store *trust_store_free(struct trust_store *s)
{
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_keys; i++) {
                free(s->keys[i].name);
                free(s->keys[i].path);
        }
        free(s->keys);
        free(s->revoked_ids);
        strv_free(s->denied_digests);
        free(s);
        return NULL;
}

/* Root's (or owner's), and writable by nobody else: anyone who can write a key file or its
 * directory can make any image trusted. */
static bool trusted_stat(const struct stat *st, uid_t owner)
{
        return (st->st_uid == 0 || (owner != 0 && st->st_uid == owner)) && (st->st_mode & 022) == 0;
}

static int open_trusted_dir(const char *path, uid_t owner, int *ret_fd, struct sb_error *e)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;

        if (fd < 0) {
                if (errno == ENOENT) {
                        *ret_fd = -EBADF;
                        return 0;
                }
                return sb_error_set(e, -errno, "cannot open %s: %m", path);
        }
        if (fstat(fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat %s: %m", path);
        if (!trusted_stat(&st, owner))
                return sb_error_set(e, -EPERM,
                                    "%s must belong to %s and not be writable by group or "
                                    "others: refusing every key in it",
                                    path, owner ? "you or root" : "root");
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir_fd ending in suffix (and not starting with '.'). */
static int list_suffix(int dir_fd, const char *suffix, char ***ret)
{
        _cleanup_strv_free_ char **l = NULL;
        size_t slen = strlen(suffix);
        struct dirent *de;
        DIR *d;
        int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                if (de->d_name[0] == '.' || len <= slen || !streq(de->d_name + len - slen, suffix))
                        continue;
                if (strv_extend(&l, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        if (l)
                qsort(l, strv_length(l), sizeof(char *), compare_strings);
        *ret = TAKE_PTR(l);
        return 0;
}

/* Read dir/name: not a symlink, regular, trusted. */
static int read_trusted_file(int dir_fd, const char *dir, const char *name, uid_t owner, size_t max,
                             bool check_owner, char **ret, size_t *ret_size, struct sb_error *e)
{
        _cleanup_close_ int fd =
            openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t size;
        int r;

        if (fd < 0)
                return sb_error_set(e, -errno, "%s/%s: %s", dir, name,
                                    errno == ELOOP ? "is a symlink: refused" : strerror(errno));
        r = read_regular_fd(fd, max, &data, &size, &st);
        if (r == -EBADFD)
                return sb_error_set(e, -EBADMSG, "%s/%s: not a regular file", dir, name);
        if (r == -E2BIG)
                return sb_error_set(e, r, "%s/%s: larger than %zu bytes", dir, name, max);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s/%s: %m", dir, name);
        if (check_owner && !trusted_stat(&st, owner))
                return sb_error_set(e, -EPERM,
                                    "%s/%s must belong to %s and not be writable by group or "
                                    "others: refused",
                                    dir, name, owner ? "you or root" : "root");
        *ret = TAKE_PTR(data);
        *ret_size = size;
        return 0;
}

/* A trusted key and a revoked key are the same file: one minisign public key, read with the
 * owner and size checks every trust file gets, and named dir/name when it does not parse. */
static int read_trusted_pubkey(int dir_fd, const char *dir, const char *name, uid_t owner,
                               struct minisign_pubkey *ret, struct sb_error *e)
{
        _cleanup_free_ char *data = NULL;
        struct sb_error e2 = {};
        size_t size;
        int r;

        r = read_trusted_file(dir_fd, dir, name, owner, TRUST_KEY_FILE_MAX, true, &data, &size, e);
        if (r < 0)
                return r;
        r = minisign_pubkey_parse(data, size, ret, &e2);
        if (r < 0)
                return sb_error_set(e, r, "%s/%s: %s", dir, name, e2.msg);
        return 0;
}

static int add_revoked_id(struct trust_store *s, const uint8_t id[static MINISIGN_KEYID_BYTES])
{
        uint8_t(*n)[MINISIGN_KEYID_BYTES] =
            realloc(s->revoked_ids, (s->n_revoked_ids + 1) * sizeof(*s->revoked_ids));

        if (!n)
                return -ENOMEM;
        s->revoked_ids = n;
        memcpy(s->revoked_ids[s->n_revoked_ids++], id, MINISIGN_KEYID_BYTES);
        return 0;
}

static int load_keys(struct trust_store *s, const char *dir, uid_t owner, bool user,
                     struct sb_error *e)
{
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_strv_free_ char **names = NULL;
        int r;

        r = open_trusted_dir(dir, owner, &dfd, e);
        if (r < 0 || dfd < 0)
                return r;
        r = list_suffix(dfd, ".pub", &names);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s: %m", dir);
        STRV_FOREACH (name, names) {
                struct minisign_pubkey k;
                struct trust_key *nk;

                r = read_trusted_pubkey(dfd, dir, *name, owner, &k, e);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < s->n_keys; i++)
                        if (memcmp(s->keys[i].key.keyid, k.keyid, MINISIGN_KEYID_BYTES) == 0 &&
                            memcmp(s->keys[i].key.pk, k.pk, MINISIGN_PK_BYTES) != 0)
                                return sb_error_set(e, -EBADMSG,
                                                    "%s/%s and %s carry the same key id but "
                                                    "different keys",
                                                    dir, *name, s->keys[i].path);
                nk = realloc(s->keys, (s->n_keys + 1) * sizeof(*nk));
                if (!nk)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                s->keys = nk;
                nk = &s->keys[s->n_keys];
                *nk = (struct trust_key){.key = k, .user = user};
                nk->name = strndup(*name, strlen(*name) - strlen(".pub"));
                if (asprintf(&nk->path, "%s/%s", dir, *name) < 0)
                        nk->path = NULL;
                s->n_keys++;
                if (!nk->name || !nk->path)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }
        return 0;
}

static int parse_list(struct trust_store *s, const char *path, char *data, struct sb_error *e)
{
        unsigned line_no = 0;

        for (char *line = data, *next; line; line = next) {
                char *nl = strchr(line, '\n'), *arg;

                next = nl ? nl + 1 : NULL;
                if (nl)
                        *nl = '\0';
                line_no++;
                line += strspn(line, " \t");
                if (line[0] == '\0' || line[0] == '#')
                        continue;
                line[strcspn(line, "\r")] = '\0';
                /* trailing blanks */
                for (size_t n = strlen(line); n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t');)
                        line[--n] = '\0';
                if ((arg = (char *)startswith_lit(line, "key "))) {
                        uint8_t id[MINISIGN_KEYID_BYTES];
                        arg += strspn(arg, " \t");
                        if (minisign_keyid_parse(arg, id) < 0)
                                return sb_error_set(e, -EBADMSG,
                                                    "%s:%u: \"%.40s\" is not a key id (16 hex "
                                                    "digits)",
                                                    path, line_no, arg);
                        if (add_revoked_id(s, id) < 0)
                                return sb_error_set(e, -ENOMEM, "out of memory");
                } else if ((arg = (char *)startswith_lit(line, "manifest "))) {
                        arg += strspn(arg, " \t");
                        if (!trust_digest_is_valid(arg))
                                return sb_error_set(e, -EBADMSG,
                                                    "%s:%u: \"%.80s\" is not sha256: and 64 "
                                                    "lowercase hex digits",
                                                    path, line_no, arg);
                        if (strv_extend(&s->denied_digests, arg) < 0)
                                return sb_error_set(e, -ENOMEM, "out of memory");
                } else
                        return sb_error_set(e, -EBADMSG,
                                            "%s:%u: expected \"key KEYID\" or \"manifest "
                                            "sha256:HEX\"",
                                            path, line_no);
        }
        return 0;
}

static int load_revoked(struct trust_store *s, const char *dir, uid_t owner, struct sb_error *e)
{
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_strv_free_ char **pubs = NULL, **lists = NULL;
        int r;

        r = open_trusted_dir(dir, owner, &dfd, e);
        if (r < 0 || dfd < 0)
                return r;
        r = list_suffix(dfd, ".pub", &pubs);
        if (r >= 0)
                r = list_suffix(dfd, ".list", &lists);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s: %m", dir);
        STRV_FOREACH (name, pubs) {
                struct minisign_pubkey k;

                r = read_trusted_pubkey(dfd, dir, *name, owner, &k, e);
                if (r < 0)
                        return r;
                if (add_revoked_id(s, k.keyid) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }
        STRV_FOREACH (name, lists) {
                _cleanup_free_ char *data = NULL, *path = NULL;
                size_t size;

                r = read_trusted_file(dfd, dir, *name, owner, LIST_FILE_MAX, true, &data, &size, e);
                if (r < 0)
                        return r;
                if (memchr(data, '\0', size))
                        return sb_error_set(e, -EBADMSG, "%s/%s: contains a NUL byte", dir, *name);
                if (asprintf(&path, "%s/%s", dir, *name) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                r = parse_list(s, path, data, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The user's deny list: one *.list file in the directory it names, read like the admin's. */
static int load_user_revoked(struct trust_store *s, const char *path, uid_t owner,
                             struct sb_error *e)
{
        _cleanup_free_ char *dir = strdup(path), *data = NULL;
        _cleanup_close_ int dfd = -EBADF;
        const char *name;
        char *slash;
        size_t size;
        int r;

        if (!dir)
                return sb_error_set(e, -ENOMEM, "out of memory");
        slash = strrchr(dir, '/');
        if (!slash || slash == dir || !slash[1])
                return sb_error_set(e, -EINVAL, "%s: not an absolute file name", path);
        *slash = '\0';
        name = slash + 1;
        r = open_trusted_dir(dir, owner, &dfd, e);
        if (r < 0 || dfd < 0)
                return r;
        r = read_trusted_file(dfd, dir, name, owner, LIST_FILE_MAX, true, &data, &size, e);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (memchr(data, '\0', size))
                return sb_error_set(e, -EBADMSG, "%s: contains a NUL byte", path);
        return parse_list(s, path, data, e);
}

static char *user_config_path(const char *suffix)
{
        const char *base = secure_getenv("XDG_CONFIG_HOME"), *home;
        char *p = NULL;

        if (base && base[0] == '/')
                return asprintf(&p, "%s/sandbox/%s", base, suffix) < 0 ? NULL : p;
        home = secure_getenv("HOME");
        if (!home || home[0] != '/') {
                struct passwd *pw = getpwuid(getuid());
                home = pw ? pw->pw_dir : NULL;
        }
        if (!home || asprintf(&p, "%s/.config/sandbox/%s", home, suffix) < 0)
                return NULL;
        return p;
}

char *trust_user_keys_dir(void)
{
        return user_config_path("keys");
}

char *trust_user_revoked_file(void)
{
        return user_config_path("revoked.list");
}

int trust_store_load(const struct trust_store_options *o, struct trust_store **ret,
                     struct sb_error *e)
{
        struct trust_store *s = calloc(1, sizeof(*s));
        uid_t owner = o ? o->owner : 0;
        int r;

        if (!s)
                return sb_error_set(e, -ENOMEM, "out of memory");
        r = load_keys(s, o && o->keys_dir ? o->keys_dir : TRUST_KEYS_DIR, owner, false, e);
        if (r >= 0)
                r = load_revoked(s, o && o->revoked_dir ? o->revoked_dir : TRUST_REVOKED_DIR, owner,
                                 e);
        /* the admin's keys first: a user key with an admin key's id stays the admin's */
        if (r >= 0 && o && o->user_keys_dir)
                r = load_keys(s, o->user_keys_dir, o->user_uid, true, e);
        if (r >= 0 && o && o->user_revoked_file)
                r = load_user_revoked(s, o->user_revoked_file, o->user_uid, e);
        if (r < 0) {
                trust_store_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

int trust_pubkey_load(const char *path, struct minisign_pubkey *ret, struct sb_error *e)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        _cleanup_free_ char *data = NULL;
        struct sb_error e2 = {};
        size_t size;
        int r;

        if (fd < 0)
                return sb_error_set(e, -errno, "cannot open %s: %m", path);
        r = read_regular_fd(fd, TRUST_KEY_FILE_MAX, &data, &size, NULL);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s: %m", path);
        r = minisign_pubkey_parse(data, size, ret, &e2);
        if (r < 0)
                return sb_error_set(e, r, "%s: %s", path, e2.msg);
        return 0;
}

int trust_revocation_add(const char *dir, const char *name, const char *entry, struct sb_error *e)
{
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_free_ char *old = NULL, *path = NULL, *text = NULL;
        struct trust_store scratch = {}, one = {};
        uid_t me = geteuid();
        size_t size = 0, text_size = 0;
        char stamp[TRUST_TIME_STRING];
        bool present = false;
        FILE *f;
        int r;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        /* the entry itself must be what the store reads */
        text = strdup(entry);
        if (!text)
                return sb_error_set(e, -ENOMEM, "out of memory");
        r = parse_list(&one, "the new entry", text, e);
        if (r < 0)
                goto out;
        free(text);
        text = NULL;

        r = open_trusted_dir(dir, me, &dfd, e);
        if (r < 0)
                goto out;
        if (dfd < 0) {
                r = sb_error_set(e, -ENOENT, "%s does not exist", dir);
                goto out;
        }
        /* two revocations at once must not lose one: the rewrite happens under the lock */
        if (flock(dfd, LOCK_EX) < 0) {
                r = sb_error_set(e, -errno, "cannot lock %s: %m", dir);
                goto out;
        }
        r = read_trusted_file(dfd, dir, name, me, LIST_FILE_MAX, true, &old, &size, e);
        if (r == -ENOENT) {
                old = strdup("");
                size = 0;
                r = old ? 0 : sb_error_set(e, -ENOMEM, "out of memory");
        }
        if (r < 0)
                goto out;
        if (memchr(old, '\0', size)) {
                r = sb_error_set(e, -EBADMSG, "%s: contains a NUL byte; fix it first", path);
                goto out;
        }
        {
                _cleanup_free_ char *copy = strdup(old);
                if (!copy) {
                        r = sb_error_set(e, -ENOMEM, "out of memory");
                        goto out;
                }
                r = parse_list(&scratch, path, copy, e);
                if (r < 0)
                        goto out;
        }
        for (size_t i = 0; i < scratch.n_revoked_ids && one.n_revoked_ids; i++)
                present = present || memcmp(scratch.revoked_ids[i], one.revoked_ids[0],
                                            MINISIGN_KEYID_BYTES) == 0;
        if (one.denied_digests)
                present = strv_find(scratch.denied_digests, one.denied_digests[0]) >= 0;
        if (present) {
                r = 1;
                goto out;
        }

        (void)trust_time_format(time(NULL), stamp);
        f = open_memstream(&text, &text_size);
        if (!f) {
                r = sb_error_set(e, -ENOMEM, "out of memory");
                goto out;
        }
        fputs(old, f);
        if (size > 0 && old[size - 1] != '\n')
                fputc('\n', f);
        fprintf(f, "# sandbox trust revoke, %s\n%s\n", stamp, entry);
        if (fclose(f) != 0) {
                r = sb_error_set(e, -ENOMEM, "out of memory");
                goto out;
        }
        r = trust_write_atomic(dfd, name, text, text_size, 0644);
        if (r < 0)
                r = sb_error_set(e, r, "cannot write %s: %s", path, strerror(-r));
out:
        free(scratch.revoked_ids);
        strv_free(scratch.denied_digests);
        free(one.revoked_ids);
        strv_free(one.denied_digests);
        return r;
}
