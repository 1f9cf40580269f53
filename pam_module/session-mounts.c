/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "mount-util.h"
#include "session-mounts.h"
#include "strv.h"

#define TMPFS_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define INACCESSIBLE_ATTRS                                                                         \
        (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* The directories ProtectHome= covers, as systemd's. */
/* Not /run/user: the session's own runtime directory must stay as logind made it (the user's
 * systemd manager, its bus and sandbox's scopes live there), and other users' directories in it
 * are theirs alone (mode 0700). */
static const char *const home_dirs[] = {"/home", "/root"};

/* What ProtectSystem=strict leaves writable: the API file systems, the temporary directories and
 * what the login program writes after pam_open_session (utmp lives in /run). */
static const char *const strict_writable[] = {"/dev", "/proc", "/sys", "/run", "/tmp", "/var/tmp"};
static const char *const login_records[] = {"/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog"};

bool mounts_needed(const struct policy *p)
{
        return p->private_tmp || p->protect_system != PROTECT_SYSTEM_NO ||
               p->protect_home != PROTECT_HOME_NO || p->read_only_paths.n > 0 ||
               p->inaccessible_paths.n > 0;
}

/* Replace e's message by "context: message". */
static int with_context(struct sb_error *e, int r, const char *key, const char *path,
                        const struct sb_error *inner)
{
        return sb_error_set(e, r, "%s: %s: %s", key, path,
                            inner->msg[0] ? inner->msg : strerror(r < 0 ? -r : r));
}

/* Open path as an O_PATH fd without following any symlink, into *ret_fd. Returns 1, or 0 (and
 * *ret_fd = -EBADF) when it does not exist and optional is set: the caller skips it. A missing
 * path that is not optional, or a symlink in it, is an error naming key. */
static int open_target(const char *path, const char *key, bool optional, int *ret_fd,
                       struct sb_error *e)
{
        _cleanup_free_ char *component = NULL;
        int fd = open_path_no_symlinks(path, &component);

        *ret_fd = -EBADF;
        if (fd >= 0) {
                *ret_fd = fd;
                return 1;
        }
        if ((fd == -ENOENT || fd == -ENOTDIR) && optional)
                return 0;
        if (fd == -ELOOP)
                return sb_error_set(e, fd,
                                    "%s: %s: %s is a symbolic link; paths in login policies are "
                                    "never resolved through symlinks",
                                    key, path, component ? component : path);
        if (fd == -ENOENT || fd == -ENOTDIR)
                return sb_error_set(e, fd,
                                    "%s: %s does not exist (prefix it with \"-\" to skip a missing "
                                    "path)",
                                    key, path);
        return sb_error_set(e, fd, "%s: cannot open %s: %m", key, path);
}

/* Mount a fresh tmpfs over the directory fd. options: NUL-separated, ending in an empty string
 * ("mode=1777\0"), as fs_mount_at() takes them. */
static int tmpfs_over(int fd, const char *options, unsigned long long attrs, const char *key,
                      const char *path, struct sb_error *e)
{
        struct sb_error inner = {};
        struct stat st;
        int r;

        if (fstat(fd, &st) < 0)
                return sb_error_set(e, -errno, "%s: cannot stat %s: %m", key, path);
        if (!S_ISDIR(st.st_mode))
                return sb_error_set(e, -ENOTDIR, "%s: %s is not a directory", key, path);
        /* "." inside fd: fs_mount_at resolves the mount point beneath fd, which is fd itself. */
        r = fs_mount_at("tmpfs", options, fd, ".", attrs, &inner);
        if (r < 0)
                return with_context(e, r, key, path, &inner);
        return 0;
}

/* Attach a detached tree (tree_fd) on the mount point fd. */
static int attach(int tree_fd, int fd, const char *key, const char *path, struct sb_error *e)
{
        if (move_mount(tree_fd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return sb_error_set(e, -errno, "%s: cannot mount on %s: %m", key, path);
        return 0;
}

/* A recursive copy of the mounts at fd, detached. AT_RECURSIVE: a copy without the submounts
 * would show what they hide. */
static int clone_tree(int fd, const char *key, const char *path, struct sb_error *e)
{
        int tree =
            open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);

        if (tree < 0)
                return sb_error_set(e, -errno, "%s: cannot copy the mounts at %s: %m", key, path);
        return tree;
}

/* Make the tree at fd (a file or directory, mount point or not) read-only, submounts included:
 * bind it onto itself and set the flag on the copy. mount_setattr() on a path that is not a mount
 * point would change the mount it lies on, so the bind comes first; the copy is taken and attached
 * through the same fd, so nothing can be swapped in between. */
static int make_read_only(int fd, const char *key, const char *path, struct sb_error *e)
{
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
        _cleanup_close_ int tree = -EBADF;

        if (streq(path, "/")) {
                /* The root is a mount point, and the process's root: a mount on top of it would
                 * never be seen. */
                if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                        return sb_error_set(e, -errno, "%s: cannot make / read-only: %m", key);
                return 0;
        }
        tree = clone_tree(fd, key, path, e);
        if (tree < 0)
                return tree;
        if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                return sb_error_set(e, -errno, "%s: cannot make %s read-only: %m", key, path);
        return attach(tree, fd, key, path, e);
}

/* ---- read-only and read-write rules ---------------------------------------------------------- */

enum rule_kind {
        RULE_READ_ONLY,
        RULE_READ_WRITE,
};

/* Where a rule comes from, strongest first. */
enum rule_origin {
        RULE_EXPLICIT, /* ReadOnlyPaths=, ReadWritePaths=: the admin named the path */
        RULE_IMPLIED,  /* ProtectSystem=, ProtectHome=, and the login records */
        RULE_HOLE,     /* what ProtectSystem=strict leaves writable for a login to work */
};

struct rule {
        const char *path;
        const char *key;
        enum rule_kind kind;
        enum rule_origin origin;
        bool optional;
        bool drop; /* redundant or overruled: nothing to do */
        unsigned depth;
        size_t order; /* insertion order: ties keep it */
        int pristine; /* READ_WRITE: copy of the host's mounts there, taken before any read-only */
};

struct rules {
        struct rule *items;
        size_t n;
};

static void rules_done(struct rules *l)
{
        for (size_t i = 0; i < l->n; i++)
                safe_close(l->items[i].pristine);
        free(l->items);
        *l = (struct rules){};
}

static unsigned path_depth(const char *path)
{
        unsigned n = 0;

        for (const char *p = path; *p;) {
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                n++;
                p += strcspn(p, "/");
        }
        return n;
}

/* Is path equal to prefix or below it? Paths are canonical (the policy parser made them so). */
static bool path_startswith(const char *path, const char *prefix)
{
        size_t n = strlen(prefix);

        if (streq(prefix, "/"))
                return true;
        return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int rules_add(struct rules *l, const char *path, const char *key, enum rule_kind kind,
                     enum rule_origin origin, bool optional)
{
        struct rule *m;

        /* The same path twice: read-only wins over read-write (the more restrictive of two equally
         * specific rules); a non-optional entry keeps its "must exist", the stronger origin
         * stays. */
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].path, path)) {
                        if (kind == RULE_READ_ONLY && l->items[i].kind == RULE_READ_WRITE) {
                                l->items[i].kind = kind;
                                l->items[i].key = key;
                        }
                        if (origin < l->items[i].origin)
                                l->items[i].origin = origin;
                        l->items[i].optional = l->items[i].optional && optional;
                        return 0;
                }
        m = reallocarray(l->items, l->n + 1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        l->items = m;
        l->items[l->n] = (struct rule){
            .path = path,
            .key = key,
            .kind = kind,
            .origin = origin,
            .optional = optional,
            .depth = path_depth(path),
            .order = l->n,
            .pristine = -EBADF,
        };
        l->n++;
        return 0;
}

static int cmp_rule(const void *a, const void *b)
{
        const struct rule *x = a, *y = b;

        if (x->depth != y->depth)
                return x->depth < y->depth ? -1 : 1;
        return x->order < y->order ? -1 : x->order > y->order;
}

/* Is a ReadOnlyPaths= entry at or above rule x? */
static bool under_explicit_read_only(const struct rules *l, const struct rule *x)
{
        for (size_t j = 0; j < l->n; j++)
                if (l->items[j].kind == RULE_READ_ONLY && l->items[j].origin == RULE_EXPLICIT &&
                    path_startswith(x->path, l->items[j].path))
                        return true;
        return false;
}

/* A rule is needed only where it changes something: a read-write rule under a read-only one, a
 * read-only rule not already covered by a read-only one. What covers a rule is the most specific
 * other rule at or above its path.
 *
 * ProtectSystem=strict's holes come first: they are there for the login to work, not because the
 * admin asked for them, so an admin's ReadOnlyPaths= at or above one wins over it however deep the
 * hole is. Otherwise ReadOnlyPaths=/home together with ProtectSystem=strict, the stricter
 * setting, would leave the user's home writable where the read-only path alone does not. */
static void rules_mark_redundant(struct rules *l)
{
        for (size_t i = 0; i < l->n; i++)
                l->items[i].drop = l->items[i].origin == RULE_HOLE &&
                                   l->items[i].kind == RULE_READ_WRITE &&
                                   under_explicit_read_only(l, &l->items[i]);
        for (size_t i = 0; i < l->n; i++) {
                const struct rule *cover = NULL;

                if (l->items[i].drop)
                        continue;
                for (size_t j = 0; j < l->n; j++) {
                        if (j == i || l->items[j].drop ||
                            !path_startswith(l->items[i].path, l->items[j].path))
                                continue;
                        if (!cover || l->items[j].depth > cover->depth)
                                cover = &l->items[j];
                }
                if (l->items[i].kind == RULE_READ_WRITE)
                        l->items[i].drop = !cover || cover->kind == RULE_READ_WRITE;
                else
                        l->items[i].drop = cover && cover->kind == RULE_READ_ONLY;
        }
}

static int rules_collect(const struct policy *p, const struct mounts_user *u, struct rules *l)
{
        const bool strict = p->protect_system == PROTECT_SYSTEM_STRICT;
        int r = 0;

#define ADD(path, key, kind, origin, optional)                                                     \
        do {                                                                                       \
                r = rules_add(l, (path), (key), (kind), (origin), (optional));                     \
                if (r < 0)                                                                         \
                        return r;                                                                  \
        } while (0)

        if (p->protect_system >= PROTECT_SYSTEM_YES) {
                const char *key = strict ? "ProtectSystem=strict"
                                  : p->protect_system == PROTECT_SYSTEM_FULL ? "ProtectSystem=full"
                                                                             : "ProtectSystem=yes";
                if (strict)
                        ADD("/", key, RULE_READ_ONLY, RULE_IMPLIED, false);
                ADD("/usr", key, RULE_READ_ONLY, RULE_IMPLIED, true);
                ADD("/boot", key, RULE_READ_ONLY, RULE_IMPLIED, true);
                ADD("/efi", key, RULE_READ_ONLY, RULE_IMPLIED, true);
                if (p->protect_system >= PROTECT_SYSTEM_FULL)
                        ADD("/etc", key, RULE_READ_ONLY, RULE_IMPLIED, true);
        }
        if (p->protect_home == PROTECT_HOME_READ_ONLY)
                for (size_t i = 0; i < ELEMENTSOF(home_dirs); i++)
                        ADD(home_dirs[i], "ProtectHome=read-only", RULE_READ_ONLY, RULE_IMPLIED,
                            true);
        for (size_t i = 0; i < p->read_only_paths.n; i++)
                ADD(p->read_only_paths.items[i].path, "ReadOnlyPaths", RULE_READ_ONLY,
                    RULE_EXPLICIT, p->read_only_paths.items[i].ignore_missing);
        for (size_t i = 0; i < p->read_write_paths.n; i++)
                ADD(p->read_write_paths.items[i].path, "ReadWritePaths", RULE_READ_WRITE,
                    RULE_EXPLICIT, p->read_write_paths.items[i].ignore_missing);
        if (strict) {
                for (size_t i = 0; i < ELEMENTSOF(strict_writable); i++)
                        ADD(strict_writable[i], "ProtectSystem=strict", RULE_READ_WRITE, RULE_HOLE,
                            true);
                if (p->protect_home == PROTECT_HOME_NO) {
                        for (size_t i = 0; i < ELEMENTSOF(home_dirs); i++)
                                ADD(home_dirs[i], "ProtectSystem=strict", RULE_READ_WRITE,
                                    RULE_HOLE, true);
                        if (u->home && path_is_safe_absolute(u->home) && !streq(u->home, "/"))
                                ADD(u->home, "ProtectSystem=strict", RULE_READ_WRITE, RULE_HOLE,
                                    true);
                }
        }
        /* Whatever made them read-only, the login program must still be able to close its records
         * (rules_mark_redundant() drops these where nothing read-only covers them). */
        for (size_t i = 0; i < ELEMENTSOF(login_records); i++)
                ADD(login_records[i], "login records", RULE_READ_WRITE, RULE_IMPLIED, true);
#undef ADD
        return 0;
}

static int rules_apply(struct rules *l, char ***skipped, struct sb_error *e)
{
        int r;

        rules_mark_redundant(l);
        qsort(l->items, l->n, sizeof(*l->items), cmp_rule);

        /* First copy what stays writable, while nothing is read-only yet... */
        for (size_t i = 0; i < l->n; i++) {
                struct rule *x = &l->items[i];
                _cleanup_close_ int fd = -EBADF;

                if (x->drop || x->kind != RULE_READ_WRITE)
                        continue;
                r = open_target(x->path, x->key, x->optional, &fd, e);
                if (r < 0)
                        return r;
                if (r == 0) {
                        x->drop = true;
                        continue;
                }
                x->pristine = clone_tree(fd, x->key, x->path, e);
                if (x->pristine < 0)
                        return x->pristine;
        }
        /* ...then, least specific first, make read-only what is, and put the writable copies back
         * where a more specific rule says so. */
        for (size_t i = 0; i < l->n; i++) {
                struct rule *x = &l->items[i];
                _cleanup_close_ int fd = -EBADF;

                if (x->drop)
                        continue;
                r = open_target(x->path, x->key, x->optional, &fd, e);
                if (r < 0)
                        return r;
                if (r == 0) {
                        if (x->kind == RULE_READ_ONLY && strv_extend(skipped, x->path) < 0)
                                return sb_error_set(e, -ENOMEM, "out of memory");
                        continue;
                }
                r = x->kind == RULE_READ_ONLY ? make_read_only(fd, x->key, x->path, e)
                                              : attach(x->pristine, fd, x->key, x->path, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- ProtectHome=yes|tmpfs and InaccessiblePaths= -------------------------------------------- */

/* mkdir -p of rel (a path relative to dir_fd, which is in a tmpfs we just mounted): parents
 * 0755 root, the last one mode and owned by uid:gid. */
static int create_owned_dir(int dir_fd, const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
        _cleanup_close_ int fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        const char *p = rel;

        if (fd < 0)
                return -errno;
        for (;;) {
                char name[NAME_MAX + 1];
                bool last;
                int n, next;

                n = path_next_component(&p, name, &last);
                if (n <= 0)
                        return n; /* 0: done; -ENAMETOOLONG */
                if (mkdirat(fd, name, last ? mode : 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (last) {
                        if (fchownat(fd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
                            fchmodat(fd, name, mode, 0) < 0)
                                return -errno;
                        return 0;
                }
                next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                safe_close(fd);
                fd = next;
        }
}

static int protect_home(const struct policy *p, const struct mounts_user *u, char ***skipped,
                        struct sb_error *e)
{
        const bool tmpfs = p->protect_home == PROTECT_HOME_TMPFS;
        const char *key = tmpfs ? "ProtectHome=tmpfs" : "ProtectHome=yes";
        int r;

        for (size_t i = 0; i < ELEMENTSOF(home_dirs); i++) {
                const char *dir = home_dirs[i];
                _cleanup_close_ int fd = -EBADF, top = -EBADF;
                const char *rel = NULL;

                r = open_target(dir, key, true, &fd, e);
                if (r < 0)
                        return r;
                if (r == 0) {
                        if (strv_extend(skipped, dir) < 0)
                                return sb_error_set(e, -ENOMEM, "out of memory");
                        continue;
                }
                r = tmpfs ? tmpfs_over(fd, "mode=0755\0", TMPFS_ATTRS, key, dir, e)
                          : tmpfs_over(fd, "mode=000\0", INACCESSIBLE_ATTRS, key, dir, e);
                if (r < 0)
                        return r;
                if (!tmpfs)
                        continue;

                /* A throwaway home for the user, so the login starts somewhere writable. */
                if (u->home && path_startswith(u->home, dir) && !streq(u->home, dir))
                        rel = u->home + strlen(dir);
                if (!rel)
                        continue;
                r = open_target(dir, key, false, &top, e); /* now the tmpfs we mounted */
                if (r < 0)
                        return r;
                r = create_owned_dir(top, rel, 0700, u->uid, u->gid);
                if (r < 0)
                        return sb_error_set(e, r, "%s: cannot create %s/%s in the new tmpfs: %m",
                                            key, dir, rel);
        }
        return 0;
}

/* n copies of an empty, mode-000 regular file, each a detached read-only bind mount.
 *
 * Why the detour: the file must live on a file system no one else can reach, and before Linux
 * 6.15 open_tree(OPEN_TREE_CLONE) refuses a mount that is not attached in our namespace. So the
 * tmpfs holding it is attached on /dev just long enough to copy the file from it, then detached
 * again; nothing else runs in this fresh namespace meanwhile. */
static int inaccessible_files(size_t n, int *ret, struct sb_error *e)
{
        _cleanup_close_ int fs = -EBADF, mnt = -EBADF, dev = -EBADF, f = -EBADF;
        struct mount_attr attr = {.attr_set = INACCESSIBLE_ATTRS};
        int r = 0;

        fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return sb_error_set(e, -errno, "InaccessiblePaths: cannot create a tmpfs: %m");
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
        if (mnt < 0)
                return sb_error_set(e, -errno, "InaccessiblePaths: cannot create a tmpfs: %m");
        f = openat(mnt, "inaccessible", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0000);
        if (f < 0 || fchmod(f, 0000) < 0)
                return sb_error_set(e, -errno,
                                    "InaccessiblePaths: cannot create an empty file: %m");
        dev = open_path_no_symlinks("/dev", NULL);
        if (dev < 0)
                return sb_error_set(e, dev, "InaccessiblePaths: cannot open /dev: %m");
        if (move_mount(mnt, "", dev, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return sb_error_set(e, -errno, "InaccessiblePaths: cannot attach a tmpfs: %m");
        for (size_t i = 0; i < n; i++) {
                ret[i] = open_tree(mnt, "inaccessible", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
                if (ret[i] < 0 ||
                    mount_setattr(ret[i], "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
                        r = sb_error_set(e, -errno,
                                         "InaccessiblePaths: cannot copy an empty file: %m");
                        break;
                }
        }
        /* Whatever happened, take the tmpfs off /dev again: it is the top mount there. */
        if (umount2("/dev", MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && r >= 0)
                r = sb_error_set(e, -errno, "InaccessiblePaths: cannot detach a tmpfs: %m");
        return r;
}

static int inaccessible_paths(const struct policy_path_list *l, char ***skipped, struct sb_error *e)
{
        const char *key = "InaccessiblePaths";
        _cleanup_free_ int *targets = NULL, *files = NULL;
        _cleanup_free_ bool *is_dir = NULL;
        size_t n_files = 0, k = 0;
        int r = 0;

        if (l->n == 0)
                return 0;
        targets = calloc(l->n, sizeof(int));
        files = calloc(l->n, sizeof(int));
        is_dir = calloc(l->n, sizeof(bool));
        if (!targets || !files || !is_dir)
                return sb_error_set(e, -ENOMEM, "out of memory");
        for (size_t i = 0; i < l->n; i++)
                targets[i] = files[i] = -EBADF;

        /* Resolve every target first: a target may lie below /dev, which inaccessible_files()
         * covers for a moment. */
        for (size_t i = 0; i < l->n && r >= 0; i++) {
                const struct policy_path *x = &l->items[i];
                struct stat st;

                r = open_target(x->path, key, x->ignore_missing, &targets[i], e);
                if (r == 0) {
                        if (strv_extend(skipped, x->path) < 0)
                                r = sb_error_set(e, -ENOMEM, "out of memory");
                        continue;
                }
                if (r < 0)
                        break;
                if (fstat(targets[i], &st) < 0)
                        r = sb_error_set(e, -errno, "%s: cannot stat %s: %m", key, x->path);
                else if (S_ISDIR(st.st_mode))
                        is_dir[i] = true;
                else
                        n_files++;
        }
        if (r >= 0 && n_files > 0)
                r = inaccessible_files(n_files, files, e);
        for (size_t i = 0; i < l->n && r >= 0; i++) {
                if (targets[i] < 0)
                        continue;
                r = is_dir[i] ? tmpfs_over(targets[i], "mode=000\0", INACCESSIBLE_ATTRS, key,
                                           l->items[i].path, e)
                              : attach(files[k++], targets[i], key, l->items[i].path, e);
        }
        for (size_t i = 0; i < l->n; i++) {
                safe_close(targets[i]);
                safe_close(files[i]);
        }
        return r < 0 ? r : 0;
}

/* ---- the working directory ------------------------------------------------------------------- */

/* The working directory stays what it was when the namespace changes under it: a reference to the
 * host's directory, not to what is mounted on that path now. The login program's children inherit
 * it (su without -l, runuser and sudo never change it), so a caller in the host's /tmp, or below a
 * path we make read-only or inaccessible, would hand the user's shell a way around the mounts.
 * Enter the same path again in the new view, as pam_namespace does; where it is gone or no longer
 * a plain path (a symlink now), "/". */
static int reenter_working_directory(const char *path, struct sb_error *e)
{
        _cleanup_close_ int fd = path ? open_path_no_symlinks(path, NULL) : -EBADF;

        if (fd >= 0 && fchdir(fd) >= 0)
                return 0;
        if (chdir("/") < 0)
                return sb_error_set(e, -errno, "cannot change the working directory to /: %m");
        return 0;
}

/* ---- all together ---------------------------------------------------------------------------- */

static int applied_add(char ***applied, const struct policy *p, enum policy_key key)
{
        _cleanup_free_ char *value = policy_format_value(p, key), *s = NULL;

        if (!value || asprintf(&s, "%s=%s", policy_key_name(key), value) < 0)
                return -ENOMEM;
        return strv_consume(applied, TAKE_PTR(s));
}

int mounts_apply(const struct policy *p, const struct mounts_user *u, char ***applied,
                 char ***skipped, struct sb_error *e)
{
        _cleanup_(rules_done) struct rules rules = {};
        _cleanup_free_ char *cwd = getcwd(NULL, 0); /* NULL when unreachable: "/" then */
        int r;

        if (unshare(CLONE_NEWNS) < 0)
                return sb_error_set(e, -errno, "cannot create a mount namespace: %m");
        /* Before any mount: nothing we do may propagate back to the host. */
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return sb_error_set(e, -errno, "cannot make / a slave mount: %m");

        if (p->private_tmp) {
                const char *const dirs[] = {"/tmp", "/var/tmp"};

                for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                        _cleanup_close_ int fd = -EBADF;

                        r = open_target(dirs[i], "PrivateTmp=yes", i > 0, &fd, e);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                continue;
                        r = tmpfs_over(fd, "mode=1777\0", TMPFS_ATTRS, "PrivateTmp=yes", dirs[i],
                                       e);
                        if (r < 0)
                                return r;
                }
                if (applied_add(applied, p, POLICY_PRIVATE_TMP) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }

        r = rules_collect(p, u, &rules);
        if (r < 0)
                return sb_error_set(e, r, "out of memory");
        r = rules_apply(&rules, skipped, e);
        if (r < 0)
                return r;

        if (p->protect_home == PROTECT_HOME_YES || p->protect_home == PROTECT_HOME_TMPFS) {
                r = protect_home(p, u, skipped, e);
                if (r < 0)
                        return r;
        }
        r = inaccessible_paths(&p->inaccessible_paths, skipped, e);
        if (r < 0)
                return r;
        r = reenter_working_directory(cwd, e);
        if (r < 0)
                return r;

        {
                const enum policy_key keys[] = {POLICY_PROTECT_SYSTEM, POLICY_PROTECT_HOME,
                                                POLICY_READ_ONLY_PATHS, POLICY_READ_WRITE_PATHS,
                                                POLICY_INACCESSIBLE_PATHS};
                for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                        if (!policy_is_set(p, keys[i]))
                                continue;
                        if (keys[i] == POLICY_PROTECT_SYSTEM &&
                            p->protect_system == PROTECT_SYSTEM_NO)
                                continue;
                        if (keys[i] == POLICY_PROTECT_HOME && p->protect_home == PROTECT_HOME_NO)
                                continue;
                        if (applied_add(applied, p, keys[i]) < 0)
                                return sb_error_set(e, -ENOMEM, "out of memory");
                }
        }
        return 0;
}
