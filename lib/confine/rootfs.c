/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fd-util.h"
#include "strv.h"
#include "fs-util.h"
#include "mount-util.h"
#include "rootfs-internal.h"
#include "rootfs.h"

#define RO_ATTRS  ROOTFS_RO_ATTRS
#define TMP_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

/* The first level of the host-based root, made at once so that everything after finds its
 * mount point in one lookup. */
static const char *const skeleton[] = {"etc", "dev", "proc", "tmp", "run", "var"};

static int make_skeleton(int root_fd, struct sb_error *e)
{
        _cleanup_close_ int var = -EBADF;

        for (size_t i = 0; i < ELEMENTSOF(skeleton); i++)
                if (mkdirat(root_fd, skeleton[i], 0755) < 0)
                        return sb_error_set(e, -errno, "cannot create /%s: %m", skeleton[i]);
        var = openat(root_fd, "var", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (var < 0 || mkdirat(var, "tmp", 0755) < 0)
                return sb_error_set(e, -errno, "cannot create /var/tmp: %m");
        return 0;
}

static int setup_dev(int root_fd, struct sb_error *e)
{
        static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
        static const char *const links[][2] = {
            {"ptmx", "pts/ptmx"},          {"fd", "/proc/self/fd"},
            {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
            {"stderr", "/proc/self/fd/2"},
        };
        _cleanup_close_ int host_dev = -EBADF, dev = -EBADF, pts = -EBADF, shm = -EBADF;
        int r;

        host_dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (host_dev < 0)
                return sb_error_set(e, -errno, "cannot open host /dev: %m");

        /* A tmpfs of its own, filled while still detached: nothing can look into it before it is
         * complete, and every entry is one call relative to its fd. */
        dev = mount_new_fs("tmpfs", "mode=0755\0size=64k\0", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
                           "/dev", e);
        if (dev < 0)
                return dev;
        for (size_t i = 0; i < ELEMENTSOF(nodes); i++)
                if (mknodat(dev, nodes[i], S_IFREG | 0644, 0) < 0)
                        return sb_error_set(e, -errno, "cannot create /dev/%s: %m", nodes[i]);
        if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 0755) < 0)
                return sb_error_set(e, -errno, "cannot create /dev/pts and /dev/shm: %m");
        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                if (symlinkat(links[i][1], dev, links[i][0]) < 0)
                        return sb_error_set(e, -errno, "cannot create /dev/%s: %m", links[i][0]);
        r = mount_attach_in_root(dev, root_fd, "/dev", S_IFDIR, e);
        if (r < 0)
                return r;

        /* The host's harmless character devices, each bound over its placeholder. */
        for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
                _cleanup_close_ int tree = -EBADF;
                char what[32];
                struct stat st;

                snprintf(what, sizeof(what), "/dev/%s", nodes[i]);
                tree = mount_clone_tree(host_dev, nodes[i], MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
                                        what, e);
                if (tree == -ENOENT ||
                    (tree >= 0 && (fstat(tree, &st) < 0 || !S_ISCHR(st.st_mode))))
                        return sb_error_set(e, tree < 0 ? tree : -ENODEV,
                                            "host %s is missing or not a device", what);
                if (tree < 0)
                        return tree;
                r = mount_attach(tree, dev, nodes[i], what, e);
                if (r < 0)
                        return r;
        }
        /* A devpts of our own: the host's ptys stay out of reach. (Every devpts mount is a new
         * instance since Linux 4.7; "newinstance" is implied.) */
        pts = mount_new_fs("devpts", "ptmxmode=0666\0mode=0620\0",
                           MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts", e);
        if (pts < 0)
                return pts;
        r = mount_attach(pts, dev, "pts", "/dev/pts", e);
        if (r < 0)
                return r;
        shm = mount_new_fs("tmpfs", "mode=1777\0", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "/dev/shm",
                           e);
        if (shm < 0)
                return shm;
        return mount_attach(shm, dev, "shm", "/dev/shm", e);
}

static int setup_proc(int root_fd, struct sb_error *e)
{
        /* What a process in a user namespace could otherwise reach through procfs: sysctls
         * of the namespaces it owns, the magic SysRq trigger, interrupt affinity, bus
         * devices. Bound read-only over themselves, as bubblewrap does. */
        static const char *const ro_paths[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
        _cleanup_close_ int proc = -EBADF;
        int r;

        proc = mount_new_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                            "/proc", e);
        if (proc < 0)
                return proc;
        /* Attached first: only a mount in our namespace can be cloned for the binds below. */
        r = mount_attach_in_root(proc, root_fd, "/proc", S_IFDIR, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(ro_paths); i++) {
                _cleanup_close_ int tree = -EBADF;
                char what[32];

                snprintf(what, sizeof(what), "/proc/%s", ro_paths[i]);
                tree = mount_clone_tree(proc, ro_paths[i], RO_ATTRS | MOUNT_ATTR_NOEXEC, what, e);
                if (tree == -ENOENT)
                        continue; /* not in every kernel's procfs */
                if (tree < 0)
                        return tree;
                r = mount_attach(tree, proc, ro_paths[i], what, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Hide whatever the sandbox would see at path: an empty read-only tmpfs with mode 0000 over a
 * directory, an empty mode-0000 file over anything else (systemd's InaccessiblePaths= way). */
static int mask_path(int root_fd, const char *path, struct sb_error *e)
{
        _cleanup_close_ int fd = open_in_root(root_fd, path, 0), blank = -EBADF;
        struct stat st;

        if (fd == -ENOENT)
                return 0;
        if (fd < 0 || fstat(fd, &st) < 0)
                return sb_error_set(e, fd < 0 ? fd : -errno, "cannot open %s to hide it: %m", path);
        if (S_ISDIR(st.st_mode))
                return fs_mount_at("tmpfs", "mode=0000\0size=4k\0", root_fd, path,
                                   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                       MOUNT_ATTR_NOEXEC,
                                   e);
        /* The placeholder is made and chmod-ed through fds resolved inside the root: an image's
         * /run may be a symlink, and a path relative to root_fd would follow it from the host's
         * root (we have not pivoted yet). */
        {
                _cleanup_close_ int run = open_in_root(root_fd, "/run", S_IFDIR);
                struct stat bst;

                if (run < 0)
                        return sb_error_set(e, run, "cannot create /run to hide %s: %m", path);
                blank =
                    openat(run, ".sandbox-inaccessible",
                           O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
                if (blank < 0)
                        return sb_error_set(e, -errno, "cannot create a placeholder to hide %s: %m",
                                            path);
                if (fstat(blank, &bst) < 0 || !S_ISREG(bst.st_mode))
                        return sb_error_set(e, -EEXIST,
                                            "cannot hide %s: /run/.sandbox-inaccessible is not "
                                            "a regular file",
                                            path);
                if (fchmod(blank, 0) < 0)
                        return sb_error_set(e, -errno, "cannot hide %s: %m", path);
        }
        return bind_mount_fd(blank, root_fd, path, RO_ATTRS | MOUNT_ATTR_NOEXEC, e);
}

/* Mount the image's layers as an overlay (lowest layer last in lowerdir=, as overlayfs wants)
 * with upper and work directories on the tmpfs at tmp_fd, and return an O_PATH fd of its root.
 * Unprivileged overlayfs needs "userxattr": whiteouts and opaque directories are then read from
 * user.overlay.* attributes, which is how the layer cache stores them. The lower directories go
 * by /proc/self/fd paths: short, and resolved once, by fd. */
static int setup_image_root(const int *fds, size_t n, int tmp_fd, struct sb_error *e)
{
        _cleanup_close_ int fs = -EBADF, mnt = -EBADF, upper = -EBADF, work = -EBADF, root = -EBADF;
        char lower[4096], path[64];
        size_t len = 0;
        int r = 0;

        for (size_t i = 0; i < n && r >= 0; i++) {
                /* overlayfs lists the highest layer first */
                int fd = fds[n - 1 - i];

                if ((size_t)snprintf(lower + len, sizeof(lower) - len, "%s/proc/self/fd/%d",
                                     i ? ":" : "", fd) >= sizeof(lower) - len)
                        r = sb_error_set(e, -E2BIG, "too many image layers");
                else
                        len += strlen(lower + len);
        }
        if (r >= 0) {
                upper = open_in_root(tmp_fd, "/upper", S_IFDIR);
                work = open_in_root(tmp_fd, "/work", S_IFDIR);
                root = open_in_root(tmp_fd, "/root", S_IFDIR);
                if (upper < 0 || work < 0 || root < 0)
                        r = sb_error_set(e, -EIO, "cannot create the overlay's directories");
        }
        if (r >= 0) {
                fs = fsopen("overlay", FSOPEN_CLOEXEC);
                if (fs < 0)
                        r = sb_error_set(e, -errno, "cannot create an overlay for the image: %m");
        }
        if (r >= 0) {
                char up[64], wk[64];

                snprintf(up, sizeof(up), "/proc/self/fd/%d", upper);
                snprintf(wk, sizeof(wk), "/proc/self/fd/%d", work);
                if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
                    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", up, 0) < 0 ||
                    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", wk, 0) < 0 ||
                    fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
                    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                        r = sb_error_set(e, -errno,
                                         "cannot assemble the image's overlay (needs Linux >= "
                                         "5.11 for overlayfs in a user namespace): %m");
        }
        if (r >= 0) {
                mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
                if (mnt < 0 || move_mount(mnt, "", root, "",
                                          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                        r = sb_error_set(e, -errno, "cannot mount the image's overlay: %m");
        }
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "/tmp/root");
        r = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        return r < 0 ? sb_error_set(e, -errno, "cannot open the image's root: %m") : r;
}

static int setup_user_mounts(const struct sandbox_spec *spec, int root_fd, struct sb_error *e)
{
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct mount_request *m = &spec->mounts[i];
                int r;

                if (m->kind <= MOUNT_BIND && m->source_fd < 0)
                        continue; /* a missing source marked ignore_missing */
                switch (m->kind) {
                case MOUNT_INACCESSIBLE:
                        r = mask_path(root_fd, m->dest, e);
                        break;
                case MOUNT_TMPFS:
                        r = fs_mount_at("tmpfs", "mode=0755\0", root_fd, m->dest, TMP_ATTRS, e);
                        break;
                case MOUNT_RO_BIND:
                        r = bind_mount_fd(m->source_fd, root_fd, m->dest, RO_ATTRS, e);
                        break;
                case MOUNT_BIND:
                        r = bind_mount_fd(m->source_fd, root_fd, m->dest,
                                          m->allow_devices ? MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC
                                                           : TMP_ATTRS,
                                          e);
                        break;
                default:
                        r = sb_error_set(e, -EINVAL, "unknown mount kind for %s", m->dest);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static int enter_root(int root_fd, struct sb_error *e)
{
        /* pivot_root(".", "."): the old root ends up stacked on "." and is detached at once;
         * no directory for it is needed in the new root. */
        if (fchdir(root_fd) < 0)
                return sb_error_set(e, -errno, "cannot enter the new root: %m");
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return sb_error_set(e, -errno, "pivot_root failed: %m");
        if (umount2(".", MNT_DETACH) < 0)
                return sb_error_set(e, -errno, "cannot detach the old root: %m");
        if (chdir("/") < 0)
                return sb_error_set(e, -errno, "chdir / failed: %m");
        return 0;
}

static void close_fds(int **fds)
{
        for (size_t i = 0; *fds && (*fds)[i] != INT_MIN; i++)
                safe_close((*fds)[i]);
        free(*fds);
}

int rootfs_setup(const struct sandbox_spec *spec, struct sb_error *e)
{
        _cleanup_close_ int root_fd = -EBADF;
        _cleanup_(close_fds) int *layer_fds = NULL;
        size_t n_layers;
        int r;

        /* Nothing we mount may propagate back to the host, and host mounts appearing later
         * should not leak in either; MS_SLAVE keeps the host's unmounts flowing in. */
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return sb_error_set(e, -errno, "cannot make / a slave mount: %m");

        /* An image's layers are opened now: the tmpfs below may cover where they are. */
        n_layers = strv_length(spec->image_layers);
        layer_fds = calloc(n_layers + 1, sizeof(int));
        if (!layer_fds)
                return sb_error_set(e, -ENOMEM, "out of memory");
        for (size_t i = 0; i < n_layers; i++)
                layer_fds[i] = -EBADF;
        layer_fds[n_layers] = INT_MIN; /* end marker for close_fds() */
        for (size_t i = 0; i < n_layers; i++) {
                layer_fds[i] =
                    open(spec->image_layers[i], O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (layer_fds[i] < 0)
                        return sb_error_set(e, -errno, "cannot open image layer %s: %m",
                                            spec->image_layers[i]);
        }

        /* The new root lives on a tmpfs mounted over /tmp in our private mount namespace (the
         * host's /tmp is untouched; bind sources were opened as fds before this). */
        if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=8m") < 0)
                return sb_error_set(e, -errno, "cannot mount the root tmpfs: %m");
        root_fd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (root_fd < 0)
                return sb_error_set(e, -errno, "cannot open the new root: %m");

        if (spec->image_layers) {
                /* The image's layers become the root; the tmpfs only holds its upper layer. */
                int overlay = setup_image_root(layer_fds, n_layers, root_fd, e);
                if (overlay < 0)
                        return overlay;
                safe_close(root_fd);
                root_fd = overlay;
        } else {
                _cleanup_close_ int etc = -EBADF;

                r = make_skeleton(root_fd, e);
                if (r < 0)
                        return r;
                r = rootfs_host_system(root_fd, e);
                if (r < 0)
                        return r;
                etc = openat(root_fd, "etc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (etc < 0)
                        return sb_error_set(e, -errno, "cannot open /etc: %m");
                r = rootfs_host_etc(spec, etc, e);
                if (r < 0)
                        return r;
        }
        r = setup_proc(root_fd, e);
        if (r < 0)
                return r;
        r = setup_dev(root_fd, e);
        if (r < 0)
                return r;
        r = fs_mount_at("tmpfs", "mode=1777\0", root_fd, "/tmp", TMP_ATTRS, e);
        if (r < 0)
                return r;
        r = fs_mount_at("tmpfs", "mode=1777\0", root_fd, "/var/tmp", TMP_ATTRS, e);
        if (r < 0)
                return r;
        {
                _cleanup_close_ int run = open_in_root(root_fd, "/run", S_IFDIR);
                if (run < 0)
                        return sb_error_set(e, run, "cannot create /run: %m");
        }
        if (spec->home) {
                r = fs_mount_at("tmpfs", "mode=0700\0", root_fd, spec->home, TMP_ATTRS, e);
                if (r < 0)
                        return r;
        }
        r = setup_user_mounts(spec, root_fd, e);
        if (r < 0)
                return r;

        r = enter_root(root_fd, e);
        if (r < 0)
                return r;
        /* An image's root stays writable (its upper layer is a throwaway tmpfs), as in other
         * container engines; the host-based root is read-only. */
        if (spec->image_layers)
                return 0;
        /* root_fd is the new "/" now. Not recursive: the mounts on it keep their own flags. */
        if (mount_setattr(root_fd, "", AT_EMPTY_PATH, &(struct mount_attr){.attr_set = RO_ATTRS},
                          sizeof(struct mount_attr)) < 0)
                return sb_error_set(e, -errno, "cannot make the new root read-only: %m");
        return 0;
}
