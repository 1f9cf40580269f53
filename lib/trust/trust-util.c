/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fd-util.h"
#include "fs-util.h"
#include "macro.h"
#include "trust-util.h"

int trust_openat_beneath(int dir_fd, const char *path, int flags)
{
        struct open_how how = {
            .flags = (uint64_t)(flags | O_CLOEXEC),
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        _cleanup_close_ int fd = -EBADF;
        long r;

        r = syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
        if (r >= 0)
                return (int)r;
        if (errno != ENOSYS)
                return -errno;
        /* No openat2: one component at a time, never following a symlink, never "..". */
        if (path[0] == '/')
                return -EXDEV;
        for (const char *p = path;;) {
                char name[NAME_MAX + 1];
                bool last;
                int next;

                if (path_next_component(&p, name, &last) <= 0)
                        return -EINVAL; /* empty, or a name longer than NAME_MAX */
                if (streq(name, ".."))
                        return -EXDEV;
                next = openat(fd >= 0 ? fd : dir_fd, name,
                              (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                safe_close(fd);
                fd = next;
                if (last)
                        return TAKE_FD(fd);
        }
}

int trust_write_atomic(int dir_fd, const char *name, const char *data, size_t size, mode_t mode)
{
        char tmp[NAME_MAX + 1];
        uint8_t rnd[6];
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
                return -errno;
        snprintf(tmp, sizeof(tmp), ".#%.200s.%02x%02x%02x%02x%02x%02x", name, rnd[0], rnd[1],
                 rnd[2], rnd[3], rnd[4], rnd[5]);
        fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0)
                return -errno;
        r = write_all(fd, data, size);
        if (r >= 0 && fchmod(fd, mode) < 0)
                r = -errno;
        /* fsync before rename: after a crash the file is the old one or the new one, whole. */
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
                r = -errno;
        if (r < 0)
                (void)unlinkat(dir_fd, tmp, 0);
        return r;
}
