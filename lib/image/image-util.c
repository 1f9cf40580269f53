/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs-util.h"
#include "image-util.h"
#include "macro.h"

/* Fallback for kernels without openat2: one component at a time, each with O_NOFOLLOW. */
static int openat_beneath_walk(int dir_fd, const char *path, int flags)
{
        _cleanup_close_ int fd = -EBADF;
        const char *p = path;

        if (path[0] == '/')
                return -EXDEV;
        for (;;) {
                char name[NAME_MAX + 1];
                bool last;
                int n, next;

                n = path_next_component(&p, name, &last);
                if (n == 0)
                        return fd >= 0 ? TAKE_FD(fd) : -EINVAL;
                if (n < 0)
                        return n;
                if (streq(name, ".."))
                        return -EXDEV;
                next = openat(fd >= 0 ? fd : dir_fd, name,
                              last ? flags | O_NOFOLLOW | O_CLOEXEC
                                   : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                              0);
                if (next < 0) {
                        if (errno == ENOTDIR && !last) {
                                struct stat st;
                                if (fstatat(fd >= 0 ? fd : dir_fd, name, &st,
                                            AT_SYMLINK_NOFOLLOW) == 0 &&
                                    S_ISLNK(st.st_mode))
                                        return -ELOOP;
                        }
                        return -errno;
                }
                safe_close(fd);
                fd = next;
                if (last)
                        return TAKE_FD(fd);
        }
}

int openat_beneath(int dir_fd, const char *path, int flags)
{
        struct open_how how = {
            .flags = (uint64_t)(flags | O_CLOEXEC),
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd;

        if (path[0] == '\0')
                return -EINVAL;
        fd = syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
        if (fd >= 0)
                return (int)fd;
        if (errno == ENOSYS)
                return openat_beneath_walk(dir_fd, path, flags);
        return -errno;
}

/* Best effort: if it fails, the removal that follows says why. */
static void chmod_quiet(int dir_fd, const char *name, mode_t mode)
{
        int r = fchmodat(dir_fd, name, mode & 07777, 0);
        (void)r;
}

static int rm_rf_children(int fd, unsigned depth)
{
        DIR *d;
        struct dirent *de;
        int r = 0;

        /* Bounded by PATH_MAX: a tree this deep cannot have been created through paths. */
        if (depth > PATH_MAX / 2)
                return -ELOOP;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        while ((errno = 0, de = readdir(d))) {
                int q;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) {
                        struct stat st;

                        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                                if (errno != ENOENT && r == 0)
                                        r = -errno;
                                continue;
                        }
                        if (S_ISDIR(st.st_mode)) {
                                int sub;

                                if ((st.st_mode & 0700) != 0700)
                                        chmod_quiet(dirfd(d), de->d_name, st.st_mode | 0700);
                                sub = openat(dirfd(d), de->d_name,
                                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                                if (sub < 0) {
                                        if (r == 0)
                                                r = -errno;
                                        continue;
                                }
                                q = rm_rf_children(sub, depth + 1);
                                if (q < 0 && r == 0)
                                        r = q;
                                if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 &&
                                    errno != ENOENT && r == 0)
                                        r = -errno;
                                continue;
                        }
                }
                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && r == 0)
                        r = -errno;
        }
        if (errno != 0 && r == 0)
                r = -errno;
        closedir(d);
        return r;
}

int rm_rf_at(int dir_fd, const char *name)
{
        struct stat st;
        int fd, r;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        if ((st.st_mode & 0700) != 0700)
                chmod_quiet(dir_fd, name, st.st_mode | 0700);
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = rm_rf_children(fd, 0);
        if (unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
                r = -errno;
        return r;
}

void escape_name(const char *in, char *out, size_t size)
{
        size_t o = 0;

        if (size == 0)
                return;
        for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
                char tmp[5];
                size_t n;

                if (*p < 0x20 || *p >= 0x7f || *p == '\\')
                        n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
                else {
                        tmp[0] = (char)*p;
                        n = 1;
                }
                if (o + n + 4 > size) {
                        if (o + 4 <= size) {
                                memcpy(out + o, "...", 3);
                                o += 3;
                        }
                        break;
                }
                memcpy(out + o, tmp, n);
                o += n;
        }
        out[o < size ? o : size - 1] = '\0';
}
