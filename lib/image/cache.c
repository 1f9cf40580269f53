/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "image-util.h"
#include "image.h"
#include "strv.h"

#define ENTRY_PREFIX  "sha256-"
#define TMP_PREFIX    ".tmp-"
#define RM_PREFIX     ".rm-"
#define LOCK_NAME     ".lock"
#define INFO_FORMAT   "1"
#define INFO_SIZE_MAX 4096U

int image_cache_default_path(char **ret)
{
        return xdg_user_path("XDG_CACHE_HOME", ".cache", "sandbox/layers", ret);
}

int image_cache_open(const char *path, struct image_cache **ret, struct sb_error *e)
{
        _cleanup_free_ char *p = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct image_cache *c;
        struct stat st;
        int r;

        if (path) {
                p = strdup(path);
                if (!p)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        } else {
                r = image_cache_default_path(&p);
                if (r < 0)
                        return sb_error_set(e, r, "cannot find the cache directory: %m");
        }
        if (p[0] != '/')
                return sb_error_set(e, -EINVAL, "the cache directory %s is not absolute", p);
        r = mkdir_p(p, 0700);
        if (r < 0)
                return sb_error_set(e, r, "cannot create the cache directory %s: %m", p);
        fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return sb_error_set(e, -errno, "cannot open the cache directory %s: %m", p);
        if (fstat(fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat %s: %m", p);
        /* Unpacked trees hold world-writable directories (/tmp) and whatever the image brought:
         * nobody else may reach them, and nobody else may have planted anything here. */
        if (st.st_uid != geteuid())
                return sb_error_set(e, -EPERM,
                                    "the cache directory %s belongs to uid %u, not to you", p,
                                    (unsigned)st.st_uid);
        if ((st.st_mode & 077) && fchmod(fd, 0700) < 0)
                return sb_error_set(e, -errno, "cannot make %s private: %m", p);

        c = calloc(1, sizeof(*c));
        if (!c)
                return sb_error_set(e, -ENOMEM, "out of memory");
        c->dir_fd = TAKE_FD(fd);
        c->path = TAKE_PTR(p);
        *ret = c;
        return 0;
}

struct image_cache *image_cache_free(struct image_cache *c)
{
        if (!c)
                return NULL;
        safe_close(c->dir_fd);
        free(c->path);
        free(c);
        return NULL;
}

void image_layers_done(struct image_layers *l)
{
        if (!l)
                return;
        for (size_t i = 0; i < l->n; i++) {
                free(l->dirs ? l->dirs[i] : NULL);
                if (l->lock_fds)
                        safe_close(l->lock_fds[i]);
        }
        free(l->dirs);
        free(l->lock_fds);
        *l = (struct image_layers){};
}

static int lock_cache(struct image_cache *c, int how, struct sb_error *e)
{
        _cleanup_close_ int fd =
            openat(c->dir_fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

        if (fd < 0)
                return sb_error_set(e, -errno, "cannot open %s/%s: %m", c->path, LOCK_NAME);
        while (flock(fd, how) < 0)
                if (errno != EINTR)
                        return sb_error_set(e, -errno, "cannot lock %s: %m", c->path);
        return TAKE_FD(fd);
}

static int random_suffix(char out[static 13])
{
        uint8_t b[6];

        if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
                return -errno;
        snprintf(out, 13, "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
        return 0;
}

struct info {
        char digest[DIGEST_STRING_MAX];
        char diff_id[DIGEST_STRING_MAX];
        char *media_type;
        uint64_t unpacked_size, entries;
        time_t unpacked;
        bool root_opaque;
};

static int info_read(int entry_fd, struct info *ret)
{
        _cleanup_close_ int fd = openat(entry_fd, "info", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_free_ char *data = NULL;
        struct info i = {};
        bool format_ok = false;
        size_t size;
        char *line, *save = NULL;
        int r;

        if (fd < 0)
                return -errno;
        r = read_regular_fd(fd, INFO_SIZE_MAX, &data, &size, NULL);
        if (r < 0)
                return r;
        for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *v = strchr(line, '=');
                if (!v)
                        continue;
                *v++ = '\0';
                if (streq(line, "format"))
                        format_ok = streq(v, INFO_FORMAT);
                else if (streq(line, "digest") && digest_is_valid(v))
                        memcpy(i.digest, v, DIGEST_STRING_MAX);
                else if (streq(line, "diff-id") && digest_is_valid(v))
                        memcpy(i.diff_id, v, DIGEST_STRING_MAX);
                else if (streq(line, "media-type") && !i.media_type)
                        i.media_type = strdup(v);
                else if (streq(line, "unpacked-size"))
                        i.unpacked_size = strtoull(v, NULL, 10);
                else if (streq(line, "entries"))
                        i.entries = strtoull(v, NULL, 10);
                else if (streq(line, "unpacked"))
                        i.unpacked = (time_t)strtoll(v, NULL, 10);
                else if (streq(line, "root-opaque"))
                        i.root_opaque = streq(v, "1");
        }
        if (!format_ok || i.digest[0] == '\0') {
                free(i.media_type);
                return -EBADMSG;
        }
        *ret = i;
        return 0;
}

static int info_write(int entry_fd, const struct oci_layer *l, const char *diff_id,
                      const struct image_unpack_stats *st)
{
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        int n;

        n = asprintf(&text,
                     "format=" INFO_FORMAT "\n"
                     "digest=%s\n"
                     "media-type=%s\n"
                     "diff-id=%s\n"
                     "compressed-size=%" PRIu64 "\n"
                     "unpacked-size=%" PRIu64 "\n"
                     "entries=%" PRIu64 "\n"
                     "whiteouts=%" PRIu64 "\n"
                     "opaque-dirs=%" PRIu64 "\n"
                     "root-opaque=%d\n"
                     "unpacked=%jd\n",
                     l->desc.digest, l->desc.media_type, diff_id, l->desc.size, st->bytes,
                     st->entries, st->whiteouts, st->opaque_dirs, st->root_opaque ? 1 : 0,
                     (intmax_t)time(NULL));
        if (n < 0)
                return -ENOMEM;
        fd = openat(entry_fd, "info", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        return write(fd, text, (size_t)n) == n ? 0 : (errno ? -errno : -EIO);
}

static int touch_at(int dir_fd, const char *name)
{
        _cleanup_close_ int fd =
            openat(dir_fd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);

        if (fd < 0)
                return -errno;
        return futimens(fd, NULL) < 0 ? -errno : 0;
}

struct notice_prefix {
        image_notice_fn fn;
        void *userdata;
        const char *layer;
};

static void prefixed_notice(void *userdata, const char *msg)
{
        struct notice_prefix *p = userdata;
        char line[SB_ERROR_MAX + 64];

        snprintf(line, sizeof(line), "layer %s: %s", p->layer, msg);
        p->fn(p->userdata, line);
}

/* Verify layer i's blob and unpack it into a new cache entry. */
static int unpack_layer(struct image_cache *c, const struct image *img, size_t i,
                        struct image_prepare_options *opts, struct sb_error *e)
{
        const struct oci_layer *l = &img->manifest.layers[i];
        const char *diff_id = img->config.diff_ids[i];
        char tmp[128], name[80], label[64];
        char suffix[13];
        _cleanup_close_ int blob_fd = -EBADF, copy_fd = -EBADF, tfd = -EBADF, rfd = -EBADF;
        struct image_unpack_stats stats = {};
        struct sb_error e2 = {};
        bool created = false;
        int r;

        snprintf(label, sizeof(label), "%zu/%zu (%.19s)", i + 1, img->manifest.n_layers,
                 l->desc.digest);
        snprintf(name, sizeof(name), ENTRY_PREFIX "%s", digest_hex(l->desc.digest));

        blob_fd = image_blob_open(img->layout_fd, l->desc.digest, l->desc.size, &e2);
        if (blob_fd < 0)
                return sb_error_set(e, blob_fd, "layer %s: %s", label, e2.msg);
        /* Hash first, unpack after, and never from the file hashed: whoever can write the blob
         * (a process of the caller's, a sandboxed app given the layout's directory, a network or
         * FUSE file system serving other bytes on a second read) could change it in between,
         * and the unpacker (libarchive, here outside any sandbox) would parse bytes no one
         * vouched for before its stream hash refused them. The check and the unpack both read
         * a private copy, made while hashing, in the cache's own directory: one copy per layer
         * per cold start. */
        copy_fd = openat(c->dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (copy_fd < 0)
                return sb_error_set(e, -errno, "layer %s: cannot make a private copy: %m", label);
        r = image_blob_verify_fd(blob_fd, l->desc.digest, l->desc.size, copy_fd, &e2);
        if (r < 0)
                return sb_error_set(e, r, "layer %s: %s", label, e2.msg);
        /* An uncompressed layer is its own diff: its diff_id is the blob digest just checked.
         * It is still handed to the unpacker, which hashes the stream it unpacks, as it does for
         * every compressed layer: a tree unpacked from other bytes than those checked must never
         * become the cache entry of this digest, whatever happens to the copy. */
        if (l->compression == OCI_COMPRESSION_NONE && !streq(diff_id, l->desc.digest))
                return sb_error_set(e, -EBADMSG,
                                    "layer %s: uncompressed, but the config's rootfs.diff_ids "
                                    "says %s",
                                    label, diff_id);

        for (int tries = 0;; tries++) {
                r = random_suffix(suffix);
                if (r < 0)
                        return sb_error_set(e, r, "getrandom: %m");
                snprintf(tmp, sizeof(tmp), TMP_PREFIX "%s-%s", name, suffix);
                if (mkdirat(c->dir_fd, tmp, 0700) >= 0)
                        break;
                if (errno != EEXIST || tries > 10)
                        return sb_error_set(e, -errno, "cannot create %s/%s: %m", c->path, tmp);
        }
        tfd = openat(c->dir_fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (tfd < 0 || mkdirat(tfd, "root", 0700) < 0 ||
            (rfd = openat(tfd, "root", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
                r = sb_error_set(e, -errno, "cannot create %s/%s: %m", c->path, tmp);
                goto fail;
        }

        {
                struct notice_prefix np = {.fn = opts ? opts->notice : NULL,
                                           .userdata = opts ? opts->userdata : NULL,
                                           .layer = label};
                r = image_layer_unpack(copy_fd, l->compression, diff_id, rfd,
                                       opts ? opts->limits : NULL, np.fn ? prefixed_notice : NULL,
                                       &np, &stats, &e2);
        }
        if (r < 0) {
                r = sb_error_set(e, r, "layer %s: %s", label, e2.msg);
                goto fail;
        }
        r = info_write(tfd, l, img->config.diff_ids[i], &stats);
        if (r >= 0)
                r = touch_at(tfd, "used");
        if (r >= 0)
                r = touch_at(tfd, "lock");
        if (r < 0) {
                r = sb_error_set(e, r, "cannot write %s/%s: %m", c->path, tmp);
                goto fail;
        }
        if (renameat2(c->dir_fd, tmp, c->dir_fd, name, RENAME_NOREPLACE) < 0) {
                /* Another first start won the race: its entry is as good as ours. */
                if (errno != EEXIST && errno != ENOTEMPTY) {
                        r = sb_error_set(e, -errno, "cannot rename %s into place: %m", tmp);
                        goto fail;
                }
                (void)rm_rf_at(c->dir_fd, tmp);
        } else
                created = true;
        if (opts && created)
                opts->n_unpacked++;
        return 0;
fail:
        (void)rm_rf_at(c->dir_fd, tmp);
        return r;
}

int image_prepare_layers(const struct image *img, struct image_cache *c,
                         struct image_prepare_options *opts, struct image_layers *ret,
                         struct sb_error *e)
{
        _cleanup_close_ int lock_fd = -EBADF;
        struct image_layers out = {};
        size_t n = img->manifest.n_layers;
        int r;

        lock_fd = lock_cache(c, LOCK_SH, e);
        if (lock_fd < 0)
                return lock_fd;
        out.dirs = calloc(n + 1, sizeof(char *));
        out.lock_fds = calloc(n + 1, sizeof(int));
        if (!out.dirs || !out.lock_fds) {
                free(out.dirs);
                free(out.lock_fds);
                return sb_error_set(e, -ENOMEM, "out of memory");
        }

        for (size_t i = 0; i < n; i++) {
                const struct oci_layer *l = &img->manifest.layers[i];
                _cleanup_close_ int efd = -EBADF, lfd = -EBADF;
                char name[80];
                struct info info = {};

                snprintf(name, sizeof(name), ENTRY_PREFIX "%s", digest_hex(l->desc.digest));
                efd = openat(c->dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (efd < 0 && errno == ENOENT) {
                        r = unpack_layer(c, img, i, opts, e);
                        if (r < 0)
                                goto fail;
                        efd = openat(c->dir_fd, name,
                                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (efd < 0) {
                        r = sb_error_set(e, -errno, "cannot open %s/%s: %m", c->path, name);
                        goto fail;
                }
                r = info_read(efd, &info);
                free(info.media_type);
                if (r < 0 || !streq(info.digest, l->desc.digest)) {
                        r = sb_error_set(e, -EBADMSG,
                                         "%s/%s is damaged or from another version; remove it "
                                         "with 'sandbox image rm %.19s'",
                                         c->path, name, l->desc.digest);
                        goto fail;
                }
                /* Checked when the layer was unpacked; another image may pair the same blob with
                 * another diff_id, and a cache hit must not make that pass. */
                if (!streq(info.diff_id, img->config.diff_ids[i])) {
                        r = sb_error_set(e, -EBADMSG,
                                         "layer %zu/%zu (%.19s): the uncompressed layer hashes to "
                                         "%s, but the config's rootfs.diff_ids says %s",
                                         i + 1, n, l->desc.digest, info.diff_id,
                                         img->config.diff_ids[i]);
                        goto fail;
                }
                lfd = openat(efd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
                if (lfd < 0 || flock(lfd, LOCK_SH) < 0) {
                        r = sb_error_set(e, -errno, "cannot lock %s/%s: %m", c->path, name);
                        goto fail;
                }
                (void)touch_at(efd, "used");
                if (asprintf(&out.dirs[out.n], "%s/%s/root", c->path, name) < 0) {
                        out.dirs[out.n] = NULL;
                        r = sb_error_set(e, -ENOMEM, "out of memory");
                        goto fail;
                }
                out.lock_fds[out.n++] = TAKE_FD(lfd);
                if (info.root_opaque && out.n > 1) {
                        /* This layer replaces everything below it (overlayfs ignores opacity on
                         * a layer's root, so the lower layers are left out instead). */
                        for (size_t k = 0; k + 1 < out.n; k++) {
                                free(out.dirs[k]);
                                safe_close(out.lock_fds[k]);
                        }
                        out.dirs[0] = out.dirs[out.n - 1];
                        out.lock_fds[0] = out.lock_fds[out.n - 1];
                        out.dirs[out.n - 1] = NULL;
                        out.n = 1;
                }
        }
        *ret = out;
        return 0;
fail:
        image_layers_done(&out);
        return r;
}

/* A fresh DIR stream on the cache directory: list, remove and prune each walk it, and a stream
 * of its own (not c->dir_fd, whose offset they would share) lets each closedir() it. */
static int opendir_cache(struct image_cache *c, DIR **ret, struct sb_error *e)
{
        int fd = openat(c->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || !(*ret = fdopendir(fd))) {
                safe_close(fd);
                return sb_error_set(e, -errno, "cannot read %s: %m", c->path);
        }
        return 0;
}

static bool is_entry_name(const char *s)
{
        const char *hex = startswith_lit(s, ENTRY_PREFIX);
        char d[DIGEST_STRING_MAX];

        if (!hex || strlen(hex) != DIGEST_HEX_LEN)
                return false;
        snprintf(d, sizeof(d), "sha256:%s", hex);
        return digest_is_valid(d);
}

static int entry_compare(const void *a, const void *b)
{
        return strcmp(((const struct image_cache_entry *)a)->digest,
                      ((const struct image_cache_entry *)b)->digest);
}

void image_cache_entries_free(struct image_cache_entry *l, size_t n)
{
        for (size_t i = 0; l && i < n; i++)
                free(l[i].media_type);
        free(l);
}

int image_cache_list(struct image_cache *c, struct image_cache_entry **ret, size_t *ret_n,
                     struct sb_error *e)
{
        struct image_cache_entry *l = NULL;
        size_t n = 0, alloc = 0;
        struct dirent *de;
        DIR *d;
        int r;

        r = opendir_cache(c, &d, e);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                _cleanup_close_ int efd = -EBADF;
                struct info info = {};
                struct stat st;

                if (!is_entry_name(de->d_name))
                        continue;
                efd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (efd < 0 || info_read(efd, &info) < 0)
                        continue; /* damaged: `rm` still finds it */
                if (n == alloc) {
                        size_t na = alloc ? alloc * 2 : 16;
                        struct image_cache_entry *nl = realloc(l, na * sizeof(*nl));
                        if (!nl) {
                                free(info.media_type);
                                image_cache_entries_free(l, n);
                                closedir(d);
                                return sb_error_set(e, -ENOMEM, "out of memory");
                        }
                        l = nl;
                        alloc = na;
                }
                l[n] = (struct image_cache_entry){
                    .media_type = info.media_type,
                    .unpacked_size = info.unpacked_size,
                    .entries = info.entries,
                    .unpacked = info.unpacked,
                    .last_used = fstatat(efd, "used", &st, AT_SYMLINK_NOFOLLOW) == 0
                                     ? st.st_mtime
                                     : info.unpacked,
                };
                memcpy(l[n].digest, info.digest, DIGEST_STRING_MAX);
                n++;
        }
        closedir(d);
        if (n > 0)
                qsort(l, n, sizeof(*l), entry_compare);
        *ret = l;
        *ret_n = n;
        return 0;
}

/* Move entry name out of the way (atomically: it is either there and complete or gone), then
 * delete it. -EBUSY when a sandbox holds its lock. Call with the cache locked exclusively. */
static int remove_entry(struct image_cache *c, const char *name, struct sb_error *e)
{
        _cleanup_close_ int efd = -EBADF, lfd = -EBADF;
        char gone[NAME_MAX + 1], suffix[13];
        int r;

        efd = openat(c->dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (efd < 0)
                return sb_error_set(e, -errno, "cannot open %s/%s: %m", c->path, name);
        lfd = openat(efd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EWOULDBLOCK)
                        return sb_error_set(e, -EBUSY, "%s is in use by a running sandbox", name);
                return sb_error_set(e, -errno, "cannot lock %s: %m", name);
        }
        r = random_suffix(suffix);
        if (r < 0)
                return sb_error_set(e, r, "getrandom: %m");
        snprintf(gone, sizeof(gone), RM_PREFIX "%.64s-%s", name + strlen(ENTRY_PREFIX), suffix);
        if (renameat(c->dir_fd, name, c->dir_fd, gone) < 0)
                return sb_error_set(e, -errno, "cannot remove %s/%s: %m", c->path, name);
        r = rm_rf_at(c->dir_fd, gone);
        if (r < 0)
                return sb_error_set(e, r, "cannot remove %s/%s: %m", c->path, gone);
        return 0;
}

int image_cache_remove(struct image_cache *c, const char *digest, char *ret_digest,
                       struct sb_error *e)
{
        _cleanup_close_ int lock_fd = -EBADF;
        const char *hex = digest, *p;
        char found[NAME_MAX + 1] = "";
        struct dirent *de;
        size_t len;
        DIR *d;
        int r;

        if ((p = startswith_lit(digest, "sha256:")) || (p = startswith_lit(digest, ENTRY_PREFIX)))
                hex = p;
        len = strlen(hex);
        if (len < 4 || len > DIGEST_HEX_LEN || strspn(hex, "0123456789abcdef") != len)
                return sb_error_set(e, -EINVAL,
                                    "'%.80s' is not a layer digest (sha256:HEX, or at least 4 "
                                    "lowercase hex digits of one)",
                                    digest);
        lock_fd = lock_cache(c, LOCK_EX, e);
        if (lock_fd < 0)
                return lock_fd;
        r = opendir_cache(c, &d, e);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                if (!is_entry_name(de->d_name) ||
                    strncmp(de->d_name + strlen(ENTRY_PREFIX), hex, len) != 0)
                        continue;
                if (found[0]) {
                        r = sb_error_set(e, -EINVAL, "'%s' matches more than one layer", digest);
                        break;
                }
                snprintf(found, sizeof(found), "%s", de->d_name);
        }
        closedir(d);
        if (r < 0)
                return r;
        if (!found[0])
                return sb_error_set(e, -ENOENT, "no layer %s in the cache", digest);
        r = remove_entry(c, found, e);
        if (r < 0)
                return r;
        if (ret_digest)
                snprintf(ret_digest, DIGEST_STRING_MAX, "sha256:%.64s",
                         found + strlen(ENTRY_PREFIX));
        return 0;
}

int image_cache_prune(struct image_cache *c, time_t before, unsigned *ret_removed,
                      unsigned *ret_busy, struct sb_error *e)
{
        _cleanup_close_ int lock_fd = -EBADF;
        _cleanup_strv_free_ char **victims = NULL;
        unsigned removed = 0, busy = 0;
        struct dirent *de;
        DIR *d;
        int r = 0;

        /* Exclusive: no unpack is running, so every .tmp- directory is a crash's leftover. */
        lock_fd = lock_cache(c, LOCK_EX, e);
        if (lock_fd < 0)
                return lock_fd;
        r = opendir_cache(c, &d, e);
        if (r < 0)
                return r;
        while ((de = readdir(d))) {
                struct stat st;
                bool victim;

                if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0 ||
                    strncmp(de->d_name, RM_PREFIX, strlen(RM_PREFIX)) == 0)
                        victim = true;
                else if (is_entry_name(de->d_name)) {
                        char used[NAME_MAX + 8];
                        snprintf(used, sizeof(used), "%s/used", de->d_name);
                        victim = before == 0 ||
                                 fstatat(dirfd(d), used, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                                 st.st_mtime < before;
                } else
                        continue;
                if (victim && strv_extend(&victims, de->d_name) < 0) {
                        closedir(d);
                        return sb_error_set(e, -ENOMEM, "out of memory");
                }
        }
        closedir(d);

        STRV_FOREACH (v, victims) {
                struct sb_error e2 = {};
                int q;

                if (!is_entry_name(*v)) {
                        q = rm_rf_at(c->dir_fd, *v);
                        if (q < 0 && r == 0)
                                r = sb_error_set(e, q, "cannot remove %s/%s: %m", c->path, *v);
                        continue;
                }
                q = remove_entry(c, *v, &e2);
                if (q == -EBUSY)
                        busy++;
                else if (q < 0 && r == 0)
                        r = sb_error_set(e, q, "%s", e2.msg);
                else if (q >= 0)
                        removed++;
        }
        if (ret_removed)
                *ret_removed = removed;
        if (ret_busy)
                *ret_busy = busy;
        return r;
}
