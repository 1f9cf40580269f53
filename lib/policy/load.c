/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Finding and trusting policy files.
 *
 * Admin files decide what users may do, so a file anyone but root could have written, or a
 * directory anyone but root could have replaced, is not a policy: it is refused (never skipped,
 * which would quietly lift its limits), and the message names it. Files are opened with O_NOFOLLOW
 * relative to their directory's fd and checked with fstat() on the opened fd, so what is checked is
 * what is read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy-internal.h"
#include "strv.h"

/* More files than this in one policy directory is a mistake, not a configuration. */
#define POLICY_DIR_ENTRIES_MAX 4096

static int check_trust(const struct stat *st, const struct policy_trust *t, const char *path,
                       struct sb_error *e)
{
        if (st->st_uid != 0 && st->st_uid != t->uid)
                return sb_error_set(e, -EPERM, "refusing %s: owned by uid %u, not by root%s", path,
                                    (unsigned)st->st_uid, t->uid != 0 ? " or the user" : "");
        if (st->st_mode & (S_IWGRP | S_IWOTH))
                return sb_error_set(e, -EPERM, "refusing %s: writable by %s (fix with chmod go-w)",
                                    path, (st->st_mode & S_IWOTH) ? "others" : "its group");
        return 0;
}

/* Every directory above the one holding the policies must be closed to others too: whoever may
 * rename or remove an entry in one of them can swap the policy directory (or a directory above it)
 * for one of their own, or for nothing, and so lift every limit in it without writing a single
 * policy file. The real parents are walked, through "..", from the directory opened: what is
 * checked is what holds the files. A sticky directory (/tmp) is fine: there only an entry's owner
 * may rename or remove it. */
static int check_ancestors(int dir_fd, const struct policy_trust *t, const char *path,
                           struct sb_error *e)
{
        _cleanup_close_ int fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0)
                return sb_error_set(e, negative_errno(), "cannot stat %s: %m", path);
        for (unsigned level = 1; level <= PATH_MAX / 2; level++) {
                _cleanup_close_ int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                struct stat ust;
                char proc[64], where[PATH_MAX] = "";
                ssize_t n;

                if (up < 0 || fstat(up, &ust) < 0)
                        return sb_error_set(e, negative_errno(), "cannot stat the parent of %s: %m",
                                            path);
                if (ust.st_dev == st.st_dev && ust.st_ino == st.st_ino)
                        return 0; /* the root: its own parent */
                if ((ust.st_uid != 0 && ust.st_uid != t->uid) ||
                    ((ust.st_mode & (S_IWGRP | S_IWOTH)) && !(ust.st_mode & S_ISVTX))) {
                        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", up);
                        n = readlink(proc, where, sizeof(where) - 1);
                        where[n > 0 ? n : 0] = '\0';
                        if (ust.st_uid != 0 && ust.st_uid != t->uid)
                                return sb_error_set(
                                    e, -EPERM,
                                    "refusing %s: the directory %s above it is owned by uid %u, "
                                    "not by root%s",
                                    path, where[0] ? where : "(unknown)", (unsigned)ust.st_uid,
                                    t->uid != 0 ? " or the user" : "");
                        return sb_error_set(e, -EPERM,
                                            "refusing %s: the directory %s above it is writable "
                                            "by %s (fix with chmod go-w, or +t)",
                                            path, where[0] ? where : "(unknown)",
                                            (ust.st_mode & S_IWOTH) ? "others" : "its group");
                }
                safe_close(fd);
                fd = TAKE_FD(up);
                st = ust;
        }
        return sb_error_set(e, -ELOOP, "refusing %s: too many directories above it", path);
}

/* Open directory path (trust-checked when trust is given, the directories above it too); -ENOENT
 * without a message when it is missing and missing_ok. */
static int open_dir(const char *path, const struct policy_trust *trust, bool missing_ok,
                    struct sb_error *e)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        int r;

        if (fd < 0 && errno == ENOENT && missing_ok)
                return -ENOENT;
        if (fd < 0)
                return sb_error_set(e, negative_errno(), "cannot open %s: %m", path);
        if (trust) {
                if (fstat(fd, &st) < 0)
                        return sb_error_set(e, negative_errno(), "cannot stat %s: %m", path);
                r = check_trust(&st, trust, path, e);
                if (r < 0)
                        return r;
                r = check_ancestors(fd, trust, path, e);
                if (r < 0)
                        return r;
        }
        return TAKE_FD(fd);
}

/* Read all of fd, at most POLICY_FILE_SIZE_MAX bytes, into a buffer of the size fstat() saw (a
 * policy is a few hundred bytes: no need to map the whole cap), grown if the file grew. */
static int read_capped(int fd, const char *path, off_t size_hint, char **ret, size_t *ret_size,
                       struct sb_error *e)
{
        size_t cap = size_hint > 0 && size_hint < POLICY_FILE_SIZE_MAX ? (size_t)size_hint + 1
                                                                       : POLICY_FILE_SIZE_MAX + 1;
        _cleanup_free_ char *buf = malloc(cap);
        size_t n = 0;

        if (!buf)
                return sb_error_set(e, -ENOMEM, "out of memory");
        for (;;) {
                ssize_t k;

                if (n == cap && cap < POLICY_FILE_SIZE_MAX + 1) {
                        size_t want =
                            cap * 2 < POLICY_FILE_SIZE_MAX + 1 ? cap * 2 : POLICY_FILE_SIZE_MAX + 1;
                        char *b = realloc(buf, want);

                        if (!b)
                                return sb_error_set(e, -ENOMEM, "out of memory");
                        buf = b;
                        cap = want;
                }
                k = read(fd, buf + n, cap - n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return sb_error_set(e, negative_errno(), "cannot read %s: %m", path);
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n > POLICY_FILE_SIZE_MAX)
                        return sb_error_set(e, -E2BIG, "refusing %s: larger than %u bytes", path,
                                            POLICY_FILE_SIZE_MAX);
        }
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

int policy_load_file(const char *path, enum policy_file_kind kind, const struct policy_trust *trust,
                     struct policy **ret, unsigned *reterr_line, unsigned *reterr_column,
                     struct sb_error *e)
{
        _cleanup_free_ char *dir = NULL, *data = NULL;
        _cleanup_close_ int dfd = -EBADF, fd = -EBADF;
        const char *slash = strrchr(path, '/'), *base;
        struct stat st;
        size_t size = 0;
        int r;

        dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
        if (!dir)
                return sb_error_set(e, -ENOMEM, "out of memory");
        base = slash ? slash + 1 : path;

        dfd = open_dir(dir, trust, false, e);
        if (dfd < 0)
                return dfd;

        fd = openat(dfd, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
        if (fd < 0 && errno == ELOOP)
                return sb_error_set(e, -ELOOP, "refusing %s: it is a symbolic link", path);
        if (fd < 0)
                return sb_error_set(e, negative_errno(), "cannot open %s: %m", path);
        if (fstat(fd, &st) < 0)
                return sb_error_set(e, negative_errno(), "cannot stat %s: %m", path);
        if (!S_ISREG(st.st_mode))
                return sb_error_set(e, -EINVAL, "refusing %s: not a regular file", path);
        if (trust) {
                r = check_trust(&st, trust, path, e);
                if (r < 0)
                        return r;
        }
        r = read_capped(fd, path, st.st_size, &data, &size, e);
        if (r < 0)
                return r;
        return policy_parse_buffer(path, data, size, kind, ret, reterr_line, reterr_column, e);
}

/* Is name in dfd a symlink to /dev/null (systemd's way to mask a file of a lower directory)? */
static bool is_mask(int dfd, const char *name)
{
        char target[16];
        ssize_t n = readlinkat(dfd, name, target, sizeof(target));

        return n == 9 && memcmp(target, "/dev/null", 9) == 0;
}

struct entry {
        char *name;
        char *path;
        bool masked;
};

static void entries_free(struct entry *l, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(l[i].name);
                free(l[i].path);
        }
        free(l);
}

static int cmp_entry(const void *a, const void *b)
{
        return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static bool has_suffix(const char *name, const char *suffix)
{
        size_t n = strlen(name), s = strlen(suffix);

        return n > s && streq(name + n - s, suffix);
}

static int scan_dir(const char *dir, const char *subdir, const char *suffix,
                    const struct policy_trust *trust, struct entry **l, size_t *n,
                    struct sb_error *e)
{
        _cleanup_free_ char *path = NULL;
        DIR *d;
        int fd, r = 0;

        if (asprintf(&path, "%s/%s", dir, subdir) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        fd = open_dir(path, trust, true, e);
        if (fd == -ENOENT)
                return 0; /* no such directory: nothing to load from it */
        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                r = sb_error_set(e, negative_errno(), "cannot read %s: %m", path);
                safe_close(fd);
                return r;
        }
        for (;;) {
                struct dirent *de;
                struct entry *x = NULL;
                char *full = NULL;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno != 0)
                                r = sb_error_set(e, negative_errno(), "cannot read %s: %m", path);
                        break;
                }
                if (de->d_name[0] == '.' || !has_suffix(de->d_name, suffix))
                        continue;
                if (asprintf(&full, "%s/%s", path, de->d_name) < 0) {
                        r = sb_error_set(e, -ENOMEM, "out of memory");
                        break;
                }
                for (size_t i = 0; i < *n; i++)
                        if (streq((*l)[i].name, de->d_name))
                                x = &(*l)[i]; /* a later directory overrides by name */
                if (!x) {
                        struct entry *m = NULL;
                        char *name = NULL;

                        if (*n >= POLICY_DIR_ENTRIES_MAX)
                                r = sb_error_set(e, -E2BIG, "refusing %s: more than %d files", path,
                                                 POLICY_DIR_ENTRIES_MAX);
                        else if (!(name = strdup(de->d_name)) ||
                                 !(m = reallocarray(*l, *n + 1, sizeof(*m))))
                                r = sb_error_set(e, -ENOMEM, "out of memory");
                        if (r < 0) {
                                free(name);
                                free(full);
                                break;
                        }
                        *l = m;
                        x = &m[(*n)++];
                        *x = (struct entry){.name = name};
                }
                free(x->path);
                x->path = full;
                x->masked = is_mask(dirfd(d), de->d_name);
        }
        closedir(d);
        return r;
}

int policy_enumerate(char *const *dirs, const char *subdir, const char *suffix,
                     const struct policy_trust *trust, char ***ret_paths, struct sb_error *e)
{
        _cleanup_strv_free_ char **paths = NULL;
        struct entry *l = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t i = 0; r >= 0 && dirs && dirs[i]; i++)
                r = scan_dir(dirs[i], subdir, suffix, trust, &l, &n, e);
        if (r >= 0) {
                if (n > 0)
                        qsort(l, n, sizeof(*l), cmp_entry);
                paths = calloc(1, sizeof(char *));
                if (!paths)
                        r = sb_error_set(e, -ENOMEM, "out of memory");
        }
        for (size_t i = 0; r >= 0 && i < n; i++) {
                if (l[i].masked)
                        continue;
                if (strv_extend(&paths, l[i].path) < 0)
                        r = sb_error_set(e, -ENOMEM, "out of memory");
        }
        entries_free(l, n);
        if (r < 0)
                return r;
        *ret_paths = TAKE_PTR(paths);
        return 0;
}

static char *const default_admin_dirs[] = {(char *)POLICY_SHIPPED_DIR, (char *)POLICY_ADMIN_DIR,
                                           NULL};

static char *const *admin_dirs(const struct policy_dirs *dirs)
{
        return dirs->admin_dirs ? dirs->admin_dirs : default_admin_dirs;
}

int policy_load_ceiling(const struct policy_dirs *dirs, const char *user, char *const *groups,
                        const struct policy_system *sys, struct policy **ret, struct sb_error *e)
{
        struct policy_member who = {.user = user, .groups = groups, .groups_known = true};

        return policy_load_ceiling_member(dirs, &who, sys, ret, e);
}

int policy_load_ceiling_member(const struct policy_dirs *dirs, struct policy_member *who,
                               const struct policy_system *sys, struct policy **ret,
                               struct sb_error *e)
{
        const struct policy_trust trust = {dirs->admin_uid};
        _cleanup_strv_free_ char **paths = NULL;
        _cleanup_policy_free_ struct policy *ceiling = policy_new(POLICY_KIND_EFFECTIVE, NULL);
        int r;

        if (!ceiling)
                return sb_error_set(e, -ENOMEM, "out of memory");
        r = policy_enumerate(admin_dirs(dirs), "policy.d", ".policy", &trust, &paths, e);
        if (r < 0)
                return r;
        STRV_FOREACH (path, paths) {
                _cleanup_policy_free_ struct policy *p = NULL;
                struct policy *s = NULL;

                r = policy_load_file(*path, POLICY_KIND_POLICY, &trust, &p, NULL, NULL, e);
                if (r < 0)
                        return r;
                r = policy_member_matches(p, who);
                if (r < 0)
                        return sb_error_set(e, r,
                                            "cannot look up the groups of %s for the [Match] "
                                            "Group= of %s: %m",
                                            who->user, *path);
                if (r == 0)
                        continue;
                r = policy_stack(ceiling, p, sys, &s);
                if (r < 0)
                        return sb_error_set(e, r, "out of memory");
                policy_free(ceiling);
                ceiling = s;
        }
        *ret = TAKE_PTR(ceiling);
        return 0;
}

static bool app_name_valid(const char *app)
{
        size_t n = strlen(app);

        if (n == 0 || n > 128 || app[0] == '.')
                return false;
        for (const char *c = app; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || strchr("_.@+-", *c)))
                        return false;
        return true;
}

/* Load dir/apps/NAME if it exists: 0 with *ret NULL when it doesn't, 1 when loaded or masked
 * (*ret NULL), <0 on error. */
static int load_profile_in(const char *dir, const char *name, const struct policy_trust *trust,
                           struct policy **ret, struct sb_error *e)
{
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r;

        *ret = NULL;
        if (asprintf(&path, "%s/apps/%s", dir, name) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (lstat(path, &st) < 0) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return 0;
                return sb_error_set(e, negative_errno(), "cannot stat %s: %m", path);
        }
        if (S_ISLNK(st.st_mode) && is_mask(AT_FDCWD, path))
                return 1;
        r = policy_load_file(path, POLICY_KIND_PROFILE, trust, ret, NULL, NULL, e);
        return r < 0 ? r : 1;
}

int policy_load_profiles(const struct policy_dirs *dirs, const char *app, struct policy **ret_admin,
                         struct policy **ret_user, struct sb_error *e)
{
        _cleanup_policy_free_ struct policy *admin = NULL, *user = NULL;
        _cleanup_free_ char *name = NULL;
        char *const *ad = admin_dirs(dirs);
        int r;

        if (!app_name_valid(app))
                return sb_error_set(e, -EINVAL,
                                    "invalid app name \"%s\": use letters, digits and _.@+-", app);
        if (asprintf(&name, "%s.profile", app) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");

        /* the last directory that has the file wins */
        for (size_t i = strv_length(ad); i > 0; i--) {
                const struct policy_trust trust = {dirs->admin_uid};

                r = load_profile_in(ad[i - 1], name, &trust, &admin, e);
                if (r < 0)
                        return r;
                if (r > 0)
                        break;
        }
        if (dirs->user_dir) {
                const struct policy_trust trust = {dirs->user_uid};

                r = load_profile_in(dirs->user_dir, name, &trust, &user, e);
                if (r < 0)
                        return r;
        }
        *ret_admin = TAKE_PTR(admin);
        *ret_user = TAKE_PTR(user);
        return 0;
}

int policy_resolve(const struct policy_dirs *dirs, const struct policy_request *req,
                   const struct policy_system *sys, struct policy **ret, struct sb_error *e)
{
        _cleanup_policy_free_ struct policy *ceiling = NULL, *admin = NULL, *user = NULL;
        int r;

        r = policy_load_ceiling(dirs, req->user, req->groups, sys, &ceiling, e);
        if (r < 0)
                return r;
        if (req->app) {
                r = policy_load_profiles(dirs, req->app, &admin, &user, e);
                if (r < 0)
                        return r;
        }

        const struct policy *layers[] = {admin, user, req->flags};
        for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
                struct policy *t = NULL;

                if (!layers[i])
                        continue;
                r = policy_tighten(ceiling, layers[i], sys, &t, e);
                if (r < 0)
                        return r;
                policy_free(ceiling);
                ceiling = t;
        }
        *ret = TAKE_PTR(ceiling);
        return 0;
}
