/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The part of the new root that comes from the host: its system directories and a curated /etc.
 *
 * Everything here is made inside a tmpfs this process mounted a moment ago in its own mount
 * namespace, relative to directory fds it holds, one path component at a time: no path is
 * resolved from the root again for each entry, and no last component is followed. That keeps
 * the work to a few system calls per entry, which is most of what a sandbox's start costs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-util.h"
#include "mount-util.h"
#include "rootfs-internal.h"

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

/* Files up to this size are copied into the sandbox's root instead of bound: a copy costs a
 * few system calls, a bind mount takes the namespace's mount locks several times and adds to
 * the teardown. The sandbox sees the file as it was at start, as containers see
 * /etc/resolv.conf. */
#define COPY_MAX (512 * 1024)

/* Copy the regular file dir_fd/name (size bytes when looked at) to dest_fd/name. */
static int copy_host_file(int dir_fd, int dest_fd, const char *name, const char *what,
                          struct sb_error *e)
{
        _cleanup_close_ int in = -EBADF, out = -EBADF;
        struct stat st;
        off_t total = 0;

        /* O_NONBLOCK and O_NOCTTY: had the entry become a FIFO or a terminal since it was looked
         * at, opening it neither blocks nor takes it over; fstat() then refuses it. */
        in = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (in < 0)
                return sb_error_set(e, -errno, "cannot read host %s: %m", what);
        if (fstat(in, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat host %s: %m", what);
        if (!S_ISREG(st.st_mode) || st.st_size > COPY_MAX)
                return sb_error_set(e, -EBUSY, "host %s changed while being copied", what);
        out = openat(dest_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (out < 0)
                return sb_error_set(e, -errno, "cannot create %s: %m", what);
        /* In the kernel, no copy through user space. What was there at fstat() time is copied;
         * a file that shrinks meanwhile ends early, one that grows is cut at its old size. */
        while (total < st.st_size) {
                ssize_t n = sendfile(out, in, NULL, (size_t)(st.st_size - total));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return sb_error_set(e, -errno, "cannot copy host %s: %m", what);
                if (n == 0)
                        break;
                total += n;
        }
        return 0;
}

/* Recreate host entry dir_fd/name as dest_fd/name: a symlink is copied as a symlink (it is
 * resolved later, inside the sandbox), a small regular file is copied when copy_files is set,
 * anything else is bound read-only. A missing entry is not an error: hosts differ. */
static int share_host_entry(int dir_fd, int dest_fd, const char *name, const char *what,
                            bool copy_files, struct sb_error *e)
{
        _cleanup_close_ int tree = -EBADF;
        struct stat st;
        int r;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0
                                       : sb_error_set(e, -errno, "cannot stat host %s: %m", what);
        if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(dir_fd, name, target, sizeof(target) - 1);

                if (n < 0)
                        return sb_error_set(e, -errno, "cannot read link %s: %m", what);
                target[n] = '\0';
                if (symlinkat(target, dest_fd, name) < 0)
                        return sb_error_set(e, -errno, "cannot create symlink %s: %m", what);
                return 0;
        }
        if (copy_files && S_ISREG(st.st_mode) && st.st_size <= COPY_MAX)
                return copy_host_file(dir_fd, dest_fd, name, what, e);

        tree = mount_clone_tree(dir_fd, name, ROOTFS_RO_ATTRS, what, e);
        if (tree < 0)
                return tree;
        /* The mount point, of the type looked at: had the entry been replaced since by one of
         * another type, attaching fails (ENOTDIR, EISDIR) rather than showing something else. */
        r = S_ISDIR(st.st_mode) ? mkdirat(dest_fd, name, 0755)
                                : mknodat(dest_fd, name, S_IFREG | 0644, 0);
        if (r < 0)
                return sb_error_set(e, -errno, "cannot create mount point %s: %m", what);
        return mount_attach(tree, dest_fd, name, what, e);
}

int rootfs_host_system(int root_fd, struct sb_error *e)
{
        _cleanup_close_ int host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (host_root < 0)
                return sb_error_set(e, -errno, "cannot open /: %m");
        for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++) {
                char what[64];
                int r;

                snprintf(what, sizeof(what), "/%s", system_dirs[i]);
                r = share_host_entry(host_root, root_fd, system_dirs[i], what, false, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int write_file_at(int dir_fd, const char *name, const char *content, const char *what,
                         struct sb_error *e)
{
        _cleanup_close_ int fd =
            openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        int r;

        if (fd < 0)
                return sb_error_set(e, -errno, "cannot create %s: %m", what);
        r = write_all(fd, content, strlen(content));
        if (r < 0)
                return sb_error_set(e, r, "cannot write %s: %m", what);
        return 0;
}

int rootfs_host_etc(const struct sandbox_spec *spec, int etc_fd, struct sb_error *e)
{
        _cleanup_close_ int host_etc = open("/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        char buf[2048];
        int r;

        if (host_etc < 0)
                return sb_error_set(e, -errno, "cannot open host /etc: %m");
        for (size_t i = 0; i < ELEMENTSOF(etc_entries); i++) {
                char what[PATH_MAX];

                snprintf(what, sizeof(what), "/etc/%s", etc_entries[i]);
                r = share_host_entry(host_etc, etc_fd, etc_entries[i], what, true, e);
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
        r = write_file_at(etc_fd, "passwd", buf, "/etc/passwd", e);
        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%s:x:%u:\nnogroup:x:65534:\n", spec->user_name,
                 (unsigned)spec->gid);
        r = write_file_at(etc_fd, "group", buf, "/etc/group", e);
        if (r < 0)
                return r;
        snprintf(buf, sizeof(buf), "%s\n", spec->hostname);
        r = write_file_at(etc_fd, "hostname", buf, "/etc/hostname", e);
        if (r < 0)
                return r;
        if (symlinkat("../proc/self/mounts", etc_fd, "mtab") < 0)
                return sb_error_set(e, -errno, "cannot create /etc/mtab: %m");
        return 0;
}
