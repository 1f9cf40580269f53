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
#include "rootfs.h"

#define RO_ATTRS  (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define TMP_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

/* Host directories shared read-only. On merged-/usr systems the top-level ones are symlinks
 * into /usr and are recreated as the same symlinks. */
static const char *const system_dirs[] = {
    "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32",
};

/* The /etc a program needs to run and to name users, hosts and time zones; nothing that holds
 * secrets or machine identity (shadow, ssh keys, machine-id). */
static const char *const etc_entries[] = {
    "alternatives",
    "bash.bashrc",
    "ca-certificates",
    "ca-certificates.conf",
    "debian_version",
    "fonts",
    "gai.conf",
    "host.conf",
    "hosts",
    "inputrc",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "locale.alias",
    "localtime",
    "magic",
    "mime.types",
    "nsswitch.conf",
    "os-release",
    "profile",
    "protocols",
    "resolv.conf",
    "services",
    "shells",
    "ssl",
    "terminfo",
    "timezone",
    "xdg",
};

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};

/* Files up to this size are copied into the sandbox's root instead of bound: a copy costs a
 * few reads and writes, a bind mount takes the namespace's mount locks several times. The
 * sandbox sees the file as it was at start, as containers see /etc/resolv.conf. */
#define COPY_MAX (512 * 1024)

static int copy_host_file(int src_fd, int root_fd, const char *dest, struct sb_error *e)
{
        _cleanup_close_ int in = -EBADF, parent = -EBADF, out = -EBADF;
        char parent_path[PATH_MAX], buf[16384];
        const char *slash = strrchr(dest, '/');
        size_t total = 0;

        /* Reopen the O_PATH fd for reading through /proc/self/fd: no path lookup again. */
        snprintf(buf, sizeof(buf), "/proc/self/fd/%d", src_fd);
        in = open(buf, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (in < 0)
                return sb_error_set(e, -errno, "cannot read host %s: %m", dest);
        snprintf(parent_path, sizeof(parent_path), "%.*s", (int)(slash - dest), dest);
        parent = open_in_root(root_fd, parent_path[0] ? parent_path : "/", S_IFDIR);
        if (parent < 0)
                return sb_error_set(e, parent, "cannot create %s: %m", parent_path);
        out = openat(parent, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (out < 0)
                return sb_error_set(e, -errno, "cannot create %s: %m", dest);
        for (;;) {
                ssize_t n = read(in, buf, sizeof(buf));
                int r;

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return sb_error_set(e, -errno, "cannot read host %s: %m", dest);
                if (n == 0)
                        return 0;
                total += (size_t)n;
                if (total > COPY_MAX)
                        return sb_error_set(e, -EFBIG, "host %s grew while being copied", dest);
                r = write_all(out, buf, (size_t)n);
                if (r < 0)
                        return sb_error_set(e, r, "cannot write %s: %m", dest);
        }
}

/* Recreate host entry dir_fd/name inside root at dest: a symlink is copied as a symlink (it is
 * resolved later, inside the sandbox), a small regular file is copied when copy_files is set,
 * anything else is bound with attrs. A missing entry is not an error: hosts differ. */
static int share_host_entry(int dir_fd, const char *name, int root_fd, const char *dest,
                            unsigned long long attrs, bool copy_files, struct sb_error *e)
{
        _cleanup_close_ int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;

        if (fd < 0)
                return errno == ENOENT ? 0
                                       : sb_error_set(e, -errno, "cannot open host %s: %m", dest);
        if (fstat(fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat host %s: %m", dest);
        if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(dir_fd, name, target, sizeof(target) - 1);
                _cleanup_close_ int parent = -EBADF;
                char parent_path[PATH_MAX];
                const char *slash = strrchr(dest, '/');

                if (n < 0)
                        return sb_error_set(e, -errno, "cannot read link %s: %m", dest);
                target[n] = '\0';
                snprintf(parent_path, sizeof(parent_path), "%.*s", (int)(slash - dest), dest);
                parent = open_in_root(root_fd, parent_path[0] ? parent_path : "/", S_IFDIR);
                if (parent < 0)
                        return sb_error_set(e, parent, "cannot create %s: %m", parent_path);
                if (symlinkat(target, parent, slash + 1) < 0)
                        return sb_error_set(e, -errno, "cannot create symlink %s: %m", dest);
                return 0;
        }
        if (copy_files && S_ISREG(st.st_mode) && st.st_size <= COPY_MAX)
                return copy_host_file(fd, root_fd, dest, e);
        return bind_mount_fd(fd, root_fd, dest, attrs, e);
}

static int write_file_in_root(int root_fd, const char *dir, const char *name, const char *content,
                              struct sb_error *e)
{
        _cleanup_close_ int dfd = open_in_root(root_fd, dir, S_IFDIR), fd = -EBADF;
        int r;

        if (dfd < 0)
                return sb_error_set(e, dfd, "cannot create %s: %m", dir);
        fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return sb_error_set(e, -errno, "cannot create %s/%s: %m", dir, name);
        r = write_all(fd, content, strlen(content));
        if (r < 0)
                return sb_error_set(e, r, "cannot write %s/%s: %m", dir, name);
        return 0;
}

static int setup_etc(const struct sandbox_spec *spec, int root_fd, struct sb_error *e)
{
        _cleanup_close_ int host_etc = open("/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        char buf[2048];
        int r;

        if (host_etc < 0)
                return sb_error_set(e, -errno, "cannot open host /etc: %m");
        for (size_t i = 0; i < ELEMENTSOF(etc_entries); i++) {
                char dest[PATH_MAX];

                snprintf(dest, sizeof(dest), "/etc/%s", etc_entries[i]);
                r = share_host_entry(host_etc, etc_entries[i], root_fd, dest, RO_ATTRS, true, e);
                if (r < 0)
                        return r;
        }

        /* Only the caller and nobody exist inside: the host's account list is nobody's
         * business, and ids that are not mapped show up as nobody anyway. */
        snprintf(buf, sizeof(buf),
                 "%s:x:%u:%u::%s:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/"
                 "nologin\n",
                 spec->user_name, (unsigned)spec->uid, (unsigned)spec->gid,
                 spec->home ? spec->home : "/");
        r = write_file_in_root(root_fd, "/etc", "passwd", buf, e);
        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%s:x:%u:\nnogroup:x:65534:\n", spec->user_name,
                 (unsigned)spec->gid);
        r = write_file_in_root(root_fd, "/etc", "group", buf, e);
        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%s\n", spec->hostname);
        r = write_file_in_root(root_fd, "/etc", "hostname", buf, e);
        if (r < 0)
                return r;
        {
                _cleanup_close_ int etc = open_in_root(root_fd, "/etc", S_IFDIR);
                if (etc < 0 || symlinkat("../proc/self/mounts", etc, "mtab") < 0)
                        return sb_error_set(e, etc < 0 ? etc : -errno,
                                            "cannot create /etc/mtab: %m");
        }
        return 0;
}

static int setup_dev(int root_fd, struct sb_error *e)
{
        static const char *const links[][2] = {
            {"ptmx", "pts/ptmx"},          {"fd", "/proc/self/fd"},
            {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
            {"stderr", "/proc/self/fd/2"},
        };
        _cleanup_close_ int host_dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC), dev = -EBADF;
        int r;

        if (host_dev < 0)
                return sb_error_set(e, -errno, "cannot open host /dev: %m");
        r = fs_mount_at("tmpfs", "mode=0755\0size=64k\0", root_fd, "/dev",
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(dev_nodes); i++) {
                char dest[64];
                _cleanup_close_ int fd =
                    openat(host_dev, dev_nodes[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
                struct stat st;

                if (fd < 0 || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode))
                        return sb_error_set(e, fd < 0 ? -errno : -ENODEV,
                                            "host /dev/%s is missing or not a device",
                                            dev_nodes[i]);
                snprintf(dest, sizeof(dest), "/dev/%s", dev_nodes[i]);
                r = bind_mount_fd(fd, root_fd, dest, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
                if (r < 0)
                        return r;
        }
        /* A devpts of our own: the host's ptys stay out of reach. */
        r = fs_mount_at("devpts", "newinstance\0ptmxmode=0666\0mode=0620\0", root_fd, "/dev/pts",
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
        if (r < 0)
                return r;
        r = fs_mount_at("tmpfs", "mode=1777\0", root_fd, "/dev/shm",
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, e);
        if (r < 0)
                return r;
        dev = open_in_root(root_fd, "/dev", 0);
        if (dev < 0)
                return sb_error_set(e, dev, "cannot open /dev: %m");
        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                if (symlinkat(links[i][1], dev, links[i][0]) < 0)
                        return sb_error_set(e, -errno, "cannot create /dev/%s: %m", links[i][0]);
        return 0;
}

static int setup_proc(int root_fd, struct sb_error *e)
{
        /* What a process in a user namespace could otherwise reach through procfs: sysctls
         * of the namespaces it owns, the magic SysRq trigger, interrupt affinity, bus
         * devices. Bound read-only over themselves, as bubblewrap does. */
        static const char *const ro_paths[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
                                               "/proc/bus", "/proc/fs"};
        int r = fs_mount_at("proc", NULL, root_fd, "/proc",
                            MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(ro_paths); i++) {
                _cleanup_close_ int fd = open_in_root(root_fd, ro_paths[i], 0);
                if (fd == -ENOENT)
                        continue;
                if (fd < 0)
                        return sb_error_set(e, fd, "cannot open %s: %m", ro_paths[i]);
                r = bind_mount_fd(fd, root_fd, ro_paths[i], RO_ATTRS | MOUNT_ATTR_NOEXEC, e);
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
        blank = open_in_root(root_fd, "/run/.sandbox-inaccessible", S_IFREG);
        if (blank < 0)
                return sb_error_set(e, blank, "cannot create a placeholder to hide %s: %m", path);
        if (fchmodat(root_fd, "run/.sandbox-inaccessible", 0, 0) < 0)
                return sb_error_set(e, -errno, "cannot hide %s: %m", path);
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
        _cleanup_close_ int root_fd = -EBADF, host_root = -EBADF;
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
                host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (host_root < 0)
                        return sb_error_set(e, -errno, "cannot open /: %m");
                for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++) {
                        char dest[64];

                        snprintf(dest, sizeof(dest), "/%s", system_dirs[i]);
                        r = share_host_entry(host_root, system_dirs[i], root_fd, dest, RO_ATTRS,
                                             false, e);
                        if (r < 0)
                                return r;
                }
                r = setup_etc(spec, root_fd, e);
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
        {
                _cleanup_close_ int new_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (new_root < 0)
                        return sb_error_set(e, -errno, "cannot open the new root: %m");
                return mount_set_attrs(new_root, "/", RO_ATTRS, false, e);
        }
}
