/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unpack one OCI layer into a directory that overlayfs (mounted with "userxattr" in a user
 * namespace) stacks as a lower layer. See image_layer_unpack() in image.h for the rules. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "archive-dl.h"
#include "image-util.h"
#include "image.h"

#define STREAM_BUFFER_SIZE (256U * 1024U)
#define OPAQUE_XATTR       "user.overlay.opaque"
#define WH_PREFIX          ".wh."
#define WH_META_PREFIX     ".wh..wh."
#define WH_OPAQUE          ".wh..wh..opq"

/* Directory modes and times are applied when everything is written: a directory that is 0555 in
 * the image (/proc, /sys in most base images) must stay writable for us until then, and writing
 * a child changes its parent's mtime. */
struct dir_meta {
        char *path; /* relative to the layer root, "" for the root */
        mode_t mode;
        bool has_mtime;
        struct timespec mtime;
        size_t seq;
};

struct unpack {
        int root_fd;
        const struct image_unpack_limits *limits;
        image_notice_fn notice;
        void *userdata;
        struct image_unpack_stats stats;

        /* the last parent directory resolved: tar streams list a directory's entries together */
        char *cached_path;
        int cached_fd;

        struct dir_meta *dirs;
        size_t n_dirs, alloc_dirs;

        /* the decompressed tar stream, hashed as it is handed to the tar reader */
        struct archive *outer; /* the decompressor, or NULL for an uncompressed layer */
        int blob_fd;
        struct sha256_ctx *hash;
        uint64_t stream_bytes;
        char *buf;
};

/* The current entry's name, printable, for messages. */
struct entry_name {
        char s[256];
};

_printf_(4, 5) static int entry_error(struct sb_error *e, int r, const struct entry_name *n,
                                      const char *fmt, ...)
{
        char msg[SB_ERROR_MAX];
        va_list ap;

        va_start(ap, fmt);
        errno = r < 0 ? -r : r;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return sb_error_set(e, r, "entry '%s': %s", n->s, msg);
}

_printf_(3, 4) static void notice(struct unpack *u, const struct entry_name *n, const char *fmt,
                                  ...)
{
        char msg[SB_ERROR_MAX], line[SB_ERROR_MAX + 300];
        va_list ap;

        if (!u->notice)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        snprintf(line, sizeof(line), "entry '%s': %s", n->s, msg);
        u->notice(u->userdata, line);
}

/* Normalise an archive path: leading "./" and empty or "." components dropped. Returns NULL on
 * success, or why the path is refused. out receives "" for the layer root. */
static const char *normalize_path(const char *in, char *out, size_t size)
{
        size_t o = 0;

        if (!in || in[0] == '\0')
                return "empty path";
        if (in[0] == '/')
                return "absolute path: entries must be relative to the layer root";
        for (const char *p = in; *p;) {
                size_t n = strcspn(p, "/");

                if (n == 2 && p[0] == '.' && p[1] == '.')
                        return "'..' component: the path would leave the layer";
                if (n > NAME_MAX)
                        return "a path component is longer than NAME_MAX";
                if (n > 0 && !(n == 1 && p[0] == '.')) {
                        if (o + n + 2 > size)
                                return "path longer than PATH_MAX";
                        if (o > 0)
                                out[o++] = '/';
                        memcpy(out + o, p, n);
                        o += n;
                }
                p += n;
                while (*p == '/')
                        p++;
        }
        out[o] = '\0';
        return NULL;
}

static void split_path(char *path, const char **ret_parent, const char **ret_name)
{
        char *slash = strrchr(path, '/');

        if (!slash) {
                *ret_parent = "";
                *ret_name = path;
        } else {
                *slash = '\0';
                *ret_parent = path;
                *ret_name = slash + 1;
        }
}

static bool is_whiteout_stat(const struct stat *st)
{
        return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static int record_dir(struct unpack *u, const char *path, mode_t mode, const struct timespec *mtime)
{
        struct dir_meta *m;

        if (u->n_dirs == u->alloc_dirs) {
                size_t n = u->alloc_dirs ? u->alloc_dirs * 2 : 64;
                struct dir_meta *nd = realloc(u->dirs, n * sizeof(*nd));
                if (!nd)
                        return -ENOMEM;
                u->dirs = nd;
                u->alloc_dirs = n;
        }
        m = &u->dirs[u->n_dirs];
        *m = (struct dir_meta){.mode = mode, .seq = u->n_dirs};
        m->path = strdup(path);
        if (!m->path)
                return -ENOMEM;
        if (mtime) {
                m->has_mtime = true;
                m->mtime = *mtime;
        }
        u->n_dirs++;
        return 0;
}

static void drop_cache(struct unpack *u)
{
        u->cached_fd = safe_close(u->cached_fd);
        free(u->cached_path);
        u->cached_path = NULL;
}

static int set_opaque(int dir_fd, struct unpack *u, const struct entry_name *n, struct sb_error *e)
{
        if (fsetxattr(dir_fd, OPAQUE_XATTR, "y", 1, 0) < 0) {
                if (errno == EOPNOTSUPP || errno == ENOTSUP)
                        return entry_error(
                            e, -errno, n,
                            "cannot mark a directory opaque: the cache's file system "
                            "does not support user extended attributes");
                return entry_error(e, -errno, n, "cannot set %s: %m", OPAQUE_XATTR);
        }
        u->stats.opaque_dirs++;
        return 0;
}

/* Open parent (relative, normalised) as a directory of the layer, creating what is missing.
 * Returns a borrowed fd (the root, or the cached parent). A whiteout in the way is replaced by an
 * opaque directory (whiteout "a" then "a/b" in one layer: lower "a" stays hidden, "b" shows); a
 * symlink in the way is the classic tar escape and is refused. */
static int open_parent(struct unpack *u, const char *parent, const struct entry_name *n,
                       struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        char walked[PATH_MAX];
        size_t wlen = 0;

        if (parent[0] == '\0')
                return u->root_fd;
        if (u->cached_path && streq(u->cached_path, parent))
                return u->cached_fd;

        fd = openat_beneath(u->root_fd, parent, O_RDONLY | O_DIRECTORY);
        if (fd < 0) {
                if (fd != -ENOENT && fd != -ENOTDIR && fd != -ELOOP && fd != -EXDEV)
                        return entry_error(e, fd, n, "cannot open its directory: %m");
                /* Walk it component by component to create what is missing, or to say what is in
                 * the way. */
                fd = fcntl(u->root_fd, F_DUPFD_CLOEXEC, 3);
                if (fd < 0)
                        return entry_error(e, -errno, n, "%m");
                for (const char *p = parent; *p;) {
                        size_t len = strcspn(p, "/");
                        char comp[NAME_MAX + 1];
                        struct stat st;
                        int next;

                        memcpy(comp, p, len);
                        comp[len] = '\0';
                        memcpy(walked + wlen, p, len);
                        wlen += len;
                        walked[wlen] = '\0';
                        p += len;
                        if (*p == '/')
                                p++;

                        if (startswith_lit(comp, WH_PREFIX))
                                return entry_error(e, -EINVAL, n,
                                                   "'%s' is a whiteout name used as a directory",
                                                   walked);
                        next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (next < 0 && errno == ENOENT) {
                                /* An implied directory is an inode like any entry's: counted,
                                 * or one entry with a deep path would make thousands. */
                                if (++u->stats.entries > u->limits->max_entries)
                                        return sb_error_set(e, -E2BIG,
                                                            "more than %ju entries in one layer "
                                                            "(counting implied directories)",
                                                            (uintmax_t)u->limits->max_entries);
                                if (mkdirat(fd, comp, 0700) < 0)
                                        return entry_error(e, -errno, n, "cannot create '%s': %m",
                                                           walked);
                                if (record_dir(u, walked, 0755, NULL) < 0)
                                        return entry_error(e, -ENOMEM, n, "out of memory");
                                next = openat(fd, comp,
                                              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        } else if (next < 0 && (errno == ELOOP || errno == ENOTDIR)) {
                                if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                        return entry_error(e, -errno, n, "cannot stat '%s': %m",
                                                           walked);
                                if (S_ISLNK(st.st_mode))
                                        return entry_error(e, -ELOOP, n,
                                                           "'%s' is a symlink: writing through it "
                                                           "could leave the layer (symlink escape)",
                                                           walked);
                                if (!is_whiteout_stat(&st))
                                        return entry_error(e, -ENOTDIR, n,
                                                           "'%s' is not a directory in this layer",
                                                           walked);
                                if (unlinkat(fd, comp, 0) < 0 || mkdirat(fd, comp, 0700) < 0)
                                        return entry_error(e, -errno, n,
                                                           "cannot replace whiteout '%s': %m",
                                                           walked);
                                if (record_dir(u, walked, 0755, NULL) < 0)
                                        return entry_error(e, -ENOMEM, n, "out of memory");
                                next = openat(fd, comp,
                                              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                                if (next >= 0) {
                                        int r = set_opaque(next, u, n, e);
                                        if (r < 0) {
                                                safe_close(next);
                                                return r;
                                        }
                                }
                        }
                        if (next < 0)
                                return entry_error(e, -errno, n, "cannot open '%s': %m", walked);
                        safe_close(fd);
                        fd = next;
                        if (*p)
                                walked[wlen++] = '/';
                }
        }
        drop_cache(u);
        u->cached_path = strdup(parent);
        if (!u->cached_path)
                return entry_error(e, -ENOMEM, n, "out of memory");
        u->cached_fd = TAKE_FD(fd);
        return u->cached_fd;
}

/* Make room for a new entry called name in dir_fd: whatever this layer put there before goes
 * (tar semantics: the later entry wins), except that an existing directory stays when a directory
 * is wanted. Returns 1 when a directory was kept, 0 when the name is free. */
static int make_room(struct unpack *u, int dir_fd, const char *name, const char *full,
                     bool want_dir, bool *ret_was_whiteout, const struct entry_name *n,
                     struct sb_error *e)
{
        struct stat st;
        int r;

        if (ret_was_whiteout)
                *ret_was_whiteout = false;
        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno == ENOENT)
                        return 0;
                return entry_error(e, -errno, n, "cannot stat: %m");
        }
        if (S_ISDIR(st.st_mode)) {
                size_t len = strlen(full);

                if (want_dir)
                        return 1;
                r = rm_rf_at(dir_fd, name);
                /* The cached parent may lie below what went away (dir_fd itself never does: it
                 * is this entry's parent). */
                if (u->cached_path && strncmp(u->cached_path, full, len) == 0 &&
                    (u->cached_path[len] == '\0' || u->cached_path[len] == '/'))
                        drop_cache(u);
        } else {
                if (ret_was_whiteout)
                        *ret_was_whiteout = is_whiteout_stat(&st);
                r = unlinkat(dir_fd, name, 0) < 0 ? -errno : 0;
        }
        if (r < 0)
                return entry_error(e, r, n, "cannot replace the earlier entry of this name: %m");
        return 0;
}

static int write_data(struct unpack *u, struct archive *a, int fd, uint64_t size,
                      const struct entry_name *n, struct sb_error *e)
{
        for (;;) {
                const void *buf;
                size_t len;
                la_int64_t off;
                int r = sym_archive_read_data_block(a, &buf, &len, &off);

                if (r == ARCHIVE_EOF)
                        break;
                if (r != ARCHIVE_OK)
                        return entry_error(e, -EBADMSG, n, "%s", sym_archive_error_string(a));
                if (off < 0 || (uint64_t)off > size || len > size - (uint64_t)off)
                        return entry_error(e, -EBADMSG, n, "data beyond the entry's size");
                for (const char *p = buf; len > 0;) {
                        ssize_t w = pwrite(fd, p, len, (off_t)off);
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w <= 0)
                                return entry_error(e, w < 0 ? -errno : -EIO, n, "cannot write: %m");
                        p += w;
                        len -= (size_t)w;
                        off += w;
                }
        }
        /* Sparse files end in a hole that no data block covers. */
        if (ftruncate(fd, (off_t)size) < 0)
                return entry_error(e, -errno, n, "cannot write: %m");
        u->stats.bytes += size;
        return 0;
}

static int unpack_whiteout(struct unpack *u, int parent_fd, const char *name,
                           const struct entry_name *n, struct sb_error *e)
{
        const char *target = name + strlen(WH_PREFIX);
        struct stat st;

        if (streq(name, WH_OPAQUE)) {
                if (parent_fd == u->root_fd) {
                        /* Overlayfs ignores opacity on a layer's root; the cache records it
                         * and image_prepare_layers() drops the layers below instead. */
                        u->stats.opaque_dirs++;
                        u->stats.root_opaque = true;
                        return fsetxattr(u->root_fd, OPAQUE_XATTR, "y", 1, 0) < 0
                                   ? entry_error(e, -errno, n, "cannot set %s: %m", OPAQUE_XATTR)
                                   : 0;
                }
                return set_opaque(parent_fd, u, n, e);
        }
        if (startswith_lit(name, WH_META_PREFIX)) {
                /* aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): meaningless here. */
                notice(u, n, "aufs metadata skipped");
                return 0;
        }
        if (target[0] == '\0' || streq(target, ".") || streq(target, ".."))
                return entry_error(e, -EINVAL, n, "whiteout of an invalid name");

        if (fstatat(parent_fd, target, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                /* Entries of this layer are never hidden by its own whiteouts (OCI layer spec);
                 * but a directory this layer made must still hide the lower layers' one. */
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int dfd = openat(
                            parent_fd, target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (dfd < 0)
                                return entry_error(e, -errno, n, "cannot open: %m");
                        return set_opaque(dfd, u, n, e);
                }
                return 0;
        } else if (errno != ENOENT)
                return entry_error(e, -errno, n, "cannot stat: %m");

        /* The one device node an unprivileged user may create (vfs_mknod() exempts 0/0). */
        if (mknodat(parent_fd, target, S_IFCHR | 0000, makedev(0, 0)) < 0)
                return entry_error(e, -errno, n, "cannot create the whiteout: %m");
        u->stats.whiteouts++;
        return 0;
}

static int unpack_hardlink(struct unpack *u, int parent_fd, const char *name, const char *full,
                           const char *link, const struct entry_name *n, struct sb_error *e)
{
        char target[PATH_MAX];
        const char *why = normalize_path(link, target, sizeof(target)), *tparent, *tname;
        _cleanup_close_ int tfd = -EBADF;
        struct stat st;
        int r;

        if (why)
                return entry_error(e, -EXDEV, n, "hardlink target refused: %s", why);
        if (target[0] == '\0')
                return entry_error(e, -EXDEV, n, "hardlink to the layer root");
        split_path(target, &tparent, &tname);
        /* The target must be a file this layer already holds, reached without symlinks: a
         * hardlink can never reach into the host or another layer. */
        if (tparent[0] == '\0')
                tfd = fcntl(u->root_fd, F_DUPFD_CLOEXEC, 3);
        else
                tfd = openat_beneath(u->root_fd, tparent, O_PATH | O_DIRECTORY);
        if (tfd == -ELOOP || tfd == -EXDEV)
                return entry_error(e, -EXDEV, n,
                                   "hardlink target '%s/%s' goes through a symlink (link escape)",
                                   tparent, tname);
        if (tfd < 0 || fstatat(tfd, tname, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return entry_error(e, -ENOENT, n, "hardlink target '%s%s%s' is not in this layer",
                                   tparent, tparent[0] ? "/" : "", tname);
        if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode) && !S_ISFIFO(st.st_mode))
                return entry_error(e, -EINVAL, n,
                                   "hardlink target '%s%s%s' is not a file of this layer", tparent,
                                   tparent[0] ? "/" : "", tname);
        {
                struct stat self;
                if (fstatat(parent_fd, name, &self, AT_SYMLINK_NOFOLLOW) == 0 &&
                    self.st_ino == st.st_ino && self.st_dev == st.st_dev)
                        return 0; /* a link to itself */
        }
        r = make_room(u, parent_fd, name, full, false, NULL, n, e);
        if (r < 0)
                return r;
        if (linkat(tfd, tname, parent_fd, name, 0) < 0)
                return entry_error(e, -errno, n, "cannot create the hardlink: %m");
        return 0;
}

static int unpack_entry(struct unpack *u, struct archive *a, struct archive_entry *entry,
                        struct sb_error *e)
{
        char path[PATH_MAX], full[PATH_MAX];
        struct entry_name n;
        const char *raw = sym_archive_entry_pathname(entry), *why, *parent, *name, *link;
        mode_t type = sym_archive_entry_filetype(entry);
        mode_t perm = sym_archive_entry_perm(entry) & 07777;
        struct timespec ts[2] = {{.tv_sec = sym_archive_entry_mtime(entry),
                                  .tv_nsec = sym_archive_entry_mtime_nsec(entry)}};
        int parent_fd, r;

        if (!raw)
                raw = sym_archive_entry_pathname_utf8(entry);
        escape_name(raw ? raw : "", n.s, sizeof(n.s));
        if (++u->stats.entries > u->limits->max_entries)
                return sb_error_set(e, -E2BIG, "more than %ju entries in one layer",
                                    (uintmax_t)u->limits->max_entries);
        why = normalize_path(raw, path, sizeof(path));
        if (why)
                return entry_error(e, -EXDEV, &n, "%s", why);
        if (ts[0].tv_nsec < 0 || ts[0].tv_nsec > 999999999)
                ts[0].tv_nsec = 0;
        ts[1] = ts[0];

        if (path[0] == '\0') {
                if (type != AE_IFDIR || sym_archive_entry_hardlink(entry))
                        return entry_error(e, -EINVAL, &n,
                                           "the layer root can only be a directory");
                return record_dir(u, "", perm & 01777, &ts[0]) < 0
                           ? entry_error(e, -ENOMEM, &n, "out of memory")
                           : 0;
        }
        memcpy(full, path, strlen(path) + 1);
        split_path(path, &parent, &name);
        parent_fd = open_parent(u, parent, &n, e);
        if (parent_fd < 0)
                return parent_fd;

        if (startswith_lit(name, WH_PREFIX))
                return unpack_whiteout(u, parent_fd, name, &n, e);

        link = sym_archive_entry_hardlink(entry);
        if (link)
                return unpack_hardlink(u, parent_fd, name, full, link, &n, e);

        /* setuid/setgid files would give whoever runs them the caller's ids anyway (nothing in a
         * cache of the caller's is more than the caller), but they have no business on the host
         * and a sandbox never needs them: cleared, and said. */
        if ((perm & (S_ISUID | S_ISGID)) && type == AE_IFREG) {
                notice(u, &n, "setuid/setgid bits cleared (mode %04o → %04o)", (unsigned)perm,
                       (unsigned)(perm & ~(mode_t)(S_ISUID | S_ISGID)));
                u->stats.neutralised++;
        }
        perm &= type == AE_IFDIR ? 01777 : 0777;

        switch (type) {
        case AE_IFDIR: {
                bool was_whiteout;
                r = make_room(u, parent_fd, name, full, true, &was_whiteout, &n, e);
                if (r < 0)
                        return r;
                if (r == 0 && mkdirat(parent_fd, name, 0700) < 0)
                        return entry_error(e, -errno, &n, "cannot create the directory: %m");
                if (was_whiteout) {
                        _cleanup_close_ int dfd = openat(
                            parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (dfd < 0)
                                return entry_error(e, -errno, &n, "cannot open: %m");
                        r = set_opaque(dfd, u, &n, e);
                        if (r < 0)
                                return r;
                }
                if (record_dir(u, full, perm, &ts[0]) < 0)
                        return entry_error(e, -ENOMEM, &n, "out of memory");
                return 0;
        }
        case AE_IFREG: {
                _cleanup_close_ int fd = -EBADF;
                int64_t size = sym_archive_entry_size(entry);

                if (size < 0 || (uint64_t)size > u->limits->max_entry_size)
                        return entry_error(e, -EFBIG, &n,
                                           "its header claims %jd bytes, more than the limit of "
                                           "%ju for one file",
                                           (intmax_t)size, (uintmax_t)u->limits->max_entry_size);
                if ((uint64_t)size > u->limits->max_total_size - u->stats.bytes)
                        return entry_error(e, -EFBIG, &n,
                                           "the layer's files would exceed %ju bytes in all",
                                           (uintmax_t)u->limits->max_total_size);
                r = make_room(u, parent_fd, name, full, false, NULL, &n, e);
                if (r < 0)
                        return r;
                fd = openat(parent_fd, name,
                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
                if (fd < 0)
                        return entry_error(e, -errno, &n, "cannot create: %m");
                r = write_data(u, a, fd, (uint64_t)size, &n, e);
                if (r < 0)
                        return r;
                if (fchmod(fd, perm) < 0 || futimens(fd, ts) < 0)
                        return entry_error(e, -errno, &n, "cannot set mode and times: %m");
                return 0;
        }
        case AE_IFLNK: {
                const char *target = sym_archive_entry_symlink(entry);

                if (!target)
                        target = sym_archive_entry_symlink_utf8(entry);
                if (!target || target[0] == '\0' || strlen(target) >= PATH_MAX)
                        return entry_error(e, -EINVAL, &n,
                                           "symlink with an empty or overlong target");
                r = make_room(u, parent_fd, name, full, false, NULL, &n, e);
                if (r < 0)
                        return r;
                /* Created, never followed: the target is resolved by the kernel inside the
                 * sandbox, where "/" and ".." stop at the image's root. */
                if (symlinkat(target, parent_fd, name) < 0)
                        return entry_error(e, -errno, &n, "cannot create the symlink: %m");
                (void)utimensat(parent_fd, name, ts, AT_SYMLINK_NOFOLLOW);
                return 0;
        }
        case AE_IFIFO:
                r = make_room(u, parent_fd, name, full, false, NULL, &n, e);
                if (r < 0)
                        return r;
                if (mknodat(parent_fd, name, S_IFIFO | perm, 0) < 0)
                        return entry_error(e, -errno, &n, "cannot create the FIFO: %m");
                (void)utimensat(parent_fd, name, ts, AT_SYMLINK_NOFOLLOW);
                return 0;
        case AE_IFCHR:
        case AE_IFBLK:
                return entry_error(e, -EPERM, &n,
                                   "%s device node %u:%u refused: a sandbox gets its devices from "
                                   "the launcher, never from an image",
                                   type == AE_IFCHR ? "character" : "block",
                                   (unsigned)sym_archive_entry_rdevmajor(entry),
                                   (unsigned)sym_archive_entry_rdevminor(entry));
        case AE_IFSOCK:
                return entry_error(e, -EINVAL, &n, "a socket cannot be unpacked");
        default:
                return entry_error(e, -EINVAL, &n, "unknown file type %#o", (unsigned)type);
        }
}

static int dir_meta_compare(const void *a, const void *b)
{
        const struct dir_meta *x = a, *y = b;
        int c = strcmp(x->path, y->path);

        if (c != 0)
                return c;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Children before parents (a path sorts after every prefix of it), the last record of a path
 * wins. */
static int apply_dir_meta(struct unpack *u, struct sb_error *e)
{
        if (u->n_dirs > 0)
                qsort(u->dirs, u->n_dirs, sizeof(*u->dirs), dir_meta_compare);
        for (size_t i = u->n_dirs; i-- > 0;) {
                const struct dir_meta *m = &u->dirs[i];
                _cleanup_close_ int fd = -EBADF;

                if (i + 1 < u->n_dirs && streq(m->path, u->dirs[i + 1].path))
                        continue;
                if (m->path[0] == '\0')
                        fd = fcntl(u->root_fd, F_DUPFD_CLOEXEC, 3);
                else
                        fd = openat_beneath(u->root_fd, m->path, O_RDONLY | O_DIRECTORY);
                if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
                        continue; /* replaced by a later entry */
                if (fd < 0)
                        return sb_error_set(e, fd, "cannot open directory '%s': %m", m->path);
                if (fchmod(fd, m->mode) < 0 ||
                    (m->has_mtime && futimens(fd, (struct timespec[2]){m->mtime, m->mtime}) < 0))
                        return sb_error_set(e, -errno, "cannot set mode and times of '%s': %m",
                                            m->path);
        }
        return 0;
}

static la_ssize_t stream_read(struct archive *a, void *userdata, const void **ret_buf)
{
        struct unpack *u = userdata;
        ssize_t n;

        if (u->outer) {
                n = sym_archive_read_data(u->outer, u->buf, STREAM_BUFFER_SIZE);
                if (n < 0) {
                        sym_archive_set_error(a, EIO, "decompression failed: %s",
                                              sym_archive_error_string(u->outer));
                        return -1;
                }
        } else {
                do
                        n = read(u->blob_fd, u->buf, STREAM_BUFFER_SIZE);
                while (n < 0 && errno == EINTR);
                if (n < 0) {
                        sym_archive_set_error(a, errno, "read error");
                        return -1;
                }
        }
        u->stream_bytes += (uint64_t)n;
        /* A decompression bomb is stopped here even when its tar entries are small; 1 MiB of
         * slack for headers and padding. */
        if (u->stream_bytes > u->limits->max_total_size + (UINT64_C(1) << 20)) {
                sym_archive_set_error(a, EFBIG, "the decompressed layer exceeds %ju bytes",
                                      (uintmax_t)u->limits->max_total_size);
                return -1;
        }
        if (u->hash)
                sha256_update(u->hash, u->buf, (size_t)n);
        *ret_buf = u->buf;
        return n;
}

static int open_decompressor(struct unpack *u, enum oci_compression compression, struct sb_error *e)
{
        struct archive_entry *entry;
        int want, r;

        u->outer = sym_archive_read_new();
        if (!u->outer)
                return sb_error_set(e, -ENOMEM, "out of memory");
        want = compression == OCI_COMPRESSION_GZIP ? ARCHIVE_FILTER_GZIP : ARCHIVE_FILTER_ZSTD;
        r = compression == OCI_COMPRESSION_GZIP ? sym_archive_read_support_filter_gzip(u->outer)
                                                : sym_archive_read_support_filter_zstd(u->outer);
        /* ARCHIVE_WARN here means "I would run an external program": never. */
        if (r != ARCHIVE_OK)
                return sb_error_set(e, -EOPNOTSUPP, "libarchive has no built-in %s decompressor",
                                    compression == OCI_COMPRESSION_GZIP ? "gzip" : "zstd");
        if (sym_archive_read_support_format_raw(u->outer) != ARCHIVE_OK ||
            sym_archive_read_open_fd(u->outer, u->blob_fd, STREAM_BUFFER_SIZE) != ARCHIVE_OK ||
            sym_archive_read_next_header(u->outer, &entry) != ARCHIVE_OK)
                return sb_error_set(e, -EBADMSG, "cannot decompress the layer: %s",
                                    sym_archive_error_string(u->outer));
        /* With only one filter enabled libarchive falls back to "no filter" for anything else:
         * the media type said compressed, so the data must be. */
        if (sym_archive_filter_code(u->outer, 0) != want)
                return sb_error_set(e, -EBADMSG,
                                    "the layer is not %s-compressed as its media "
                                    "type says",
                                    compression == OCI_COMPRESSION_GZIP ? "gzip" : "zstd");
        return 0;
}

int image_layer_unpack(int blob_fd, enum oci_compression compression, const char *diff_id,
                       int dest_fd, const struct image_unpack_limits *limits,
                       image_notice_fn notice_fn, void *userdata,
                       struct image_unpack_stats *ret_stats, struct sb_error *e)
{
        struct image_unpack_limits def = IMAGE_UNPACK_LIMITS_DEFAULT;
        struct unpack u = {
            .root_fd = dest_fd,
            .limits = limits ? limits : &def,
            .notice = notice_fn,
            .userdata = userdata,
            .cached_fd = -EBADF,
            .blob_fd = blob_fd,
        };
        struct archive *tar = NULL;
        struct archive_entry *entry;
        locale_t utf8, saved = (locale_t)0;
        int r;

        if (archive_dl_open() < 0)
                return sb_error_set(e, -EOPNOTSUPP,
                                    "cannot load libarchive.so.13, which unpacking layers needs "
                                    "(apt: libarchive13)");
        /* PAX headers carry paths in UTF-8, which libarchive converts to the thread's locale:
         * under "C" every non-ASCII name would fail. C.UTF-8 makes the conversion the identity
         * (the bytes reach the file system as the image has them); only this thread, only for
         * the duration of the unpack. */
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        if (utf8)
                saved = uselocale(utf8);

        u.buf = malloc(STREAM_BUFFER_SIZE);
        if (!u.buf) {
                r = sb_error_set(e, -ENOMEM, "out of memory");
                goto out;
        }
        if (diff_id) {
                u.hash = sha256_new();
                if (!u.hash) {
                        r = sb_error_set(e, -ENOMEM, "out of memory");
                        goto out;
                }
        }
        if (compression != OCI_COMPRESSION_NONE) {
                r = open_decompressor(&u, compression, e);
                if (r < 0)
                        goto out;
        }
        if (fchmod(dest_fd, 0755) < 0) {
                r = sb_error_set(e, -errno, "cannot set up the layer directory: %m");
                goto out;
        }

        /* Only the tar reader: no other archive format's parser is exposed to the layer. */
        tar = sym_archive_read_new();
        if (!tar || sym_archive_read_support_format_tar(tar) != ARCHIVE_OK ||
            sym_archive_read_support_format_empty(tar) != ARCHIVE_OK) {
                r = sb_error_set(e, -ENOMEM, "cannot set up libarchive");
                goto out;
        }
        if (sym_archive_read_open(tar, &u, NULL, stream_read, NULL) != ARCHIVE_OK) {
                r = sb_error_set(e, -EBADMSG, "not a tar archive: %s",
                                 sym_archive_error_string(tar));
                goto out;
        }
        for (;;) {
                r = sym_archive_read_next_header(tar, &entry);
                if (r == ARCHIVE_EOF)
                        break;
                if (r != ARCHIVE_OK) {
                        int err = sym_archive_errno(tar);
                        r = sb_error_set(e, err == EFBIG ? -EFBIG : -EBADMSG,
                                         "malformed tar stream after %ju entries: %s",
                                         (uintmax_t)u.stats.entries, sym_archive_error_string(tar));
                        goto out;
                }
                r = unpack_entry(&u, tar, entry, e);
                if (r < 0)
                        goto out;
        }
        /* The diff_id covers the whole decompressed stream, including what follows the tar's
         * end-of-archive blocks. */
        if (u.hash) {
                const void *b;
                la_ssize_t n;

                while ((n = stream_read(tar, &u, &b)) > 0)
                        ;
                if (n < 0) {
                        r = sb_error_set(e, -EBADMSG, "%s", sym_archive_error_string(tar));
                        goto out;
                }
        }
        r = apply_dir_meta(&u, e);
        if (r < 0)
                goto out;
        if (u.hash) {
                char got[DIGEST_STRING_MAX];

                sha256_final_string(TAKE_PTR(u.hash), got);
                if (!streq(got, diff_id)) {
                        r = sb_error_set(e, -EBADMSG,
                                         "the uncompressed layer hashes to %s, but the config's "
                                         "rootfs.diff_ids says %s",
                                         got, diff_id);
                        goto out;
                }
        }
        if (ret_stats)
                *ret_stats = u.stats;
        r = 0;
out:
        if (tar)
                sym_archive_read_free(tar);
        if (u.outer)
                sym_archive_read_free(u.outer);
        sha256_free(u.hash);
        drop_cache(&u);
        for (size_t i = 0; i < u.n_dirs; i++)
                free(u.dirs[i].path);
        free(u.dirs);
        free(u.buf);
        if (utf8) {
                uselocale(saved);
                freelocale(utf8);
        }
        return r;
}
