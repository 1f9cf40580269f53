/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd-util.h"
#include "macro.h"

int write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/* read(2), retried on EINTR: the count (0 at EOF) or -errno. */
static ssize_t read_retry(int fd, void *buf, size_t len)
{
        ssize_t n;

        do
                n = read(fd, buf, len);
        while (n < 0 && errno == EINTR);
        return n < 0 ? -errno : n;
}

int read_exact(int fd, void *buf, size_t len)
{
        char *p = buf;

        while (len > 0) {
                ssize_t n = read_retry(fd, p, len);
                if (n < 0)
                        return (int)n;
                if (n == 0)
                        return -EIO;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int write_string_file_at(int dir_fd, const char *path, const char *s)
{
        _cleanup_close_ int fd = openat(dir_fd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        size_t len = strlen(s);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, s, len);
        if (n < 0)
                return -errno;
        return (size_t)n == len ? 0 : -EIO;
}

ssize_t read_small_file_at(int dir_fd, const char *path, char *buf, size_t max)
{
        _cleanup_close_ int fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        size_t len = 0;

        if (fd < 0)
                return -errno;
        if (max == 0)
                return -EINVAL;
        for (;;) {
                ssize_t n = read_retry(fd, buf + len, max - 1 - len);
                if (n < 0)
                        return n;
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len == max - 1) {
                        char c;
                        if (read_retry(fd, &c, 1) > 0)
                                return -EFBIG;
                        break;
                }
        }
        buf[len] = '\0';
        return (ssize_t)len;
}

static int compare_int(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;

        return x < y ? -1 : x > y;
}

int close_all_fds_except(const int *keep, size_t n_keep)
{
        int sorted[16];
        size_t n = 0;
        unsigned from = 3;

        if (n_keep > ELEMENTSOF(sorted))
                return -E2BIG;
        for (size_t i = 0; i < n_keep; i++)
                if (keep[i] >= 3)
                        sorted[n++] = keep[i];
        qsort(sorted, n, sizeof(int), compare_int);
        /* Close the gaps between the kept descriptors, then everything above the last. */
        for (size_t i = 0; i < n; i++) {
                if ((unsigned)sorted[i] > from &&
                    syscall(SYS_close_range, from, (unsigned)sorted[i] - 1, 0) < 0)
                        return -errno;
                from = (unsigned)sorted[i] + 1;
        }
        return syscall(SYS_close_range, from, ~0U, 0) < 0 ? -errno : 0;
}

int fd_set_cloexec(int fd, int on)
{
        int flags = fcntl(fd, F_GETFD);

        if (flags < 0)
                return -errno;
        flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (fcntl(fd, F_SETFD, flags) < 0)
                return -errno;
        return 0;
}

int read_regular_fd(int fd, size_t max, char **ret, size_t *ret_size, struct stat *ret_st)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, alloc;
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((uint64_t)st.st_size > max)
                return -E2BIG;
        /* st_size is a hint: the file may change while we read it. */
        alloc = (size_t)st.st_size < 64 ? 64 : (size_t)st.st_size + 1;
        buf = malloc(alloc + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n;

                if (size == alloc) {
                        char *nb;
                        if (alloc > max)
                                return -E2BIG;
                        alloc = alloc * 2 > max + 1 ? max + 1 : alloc * 2;
                        nb = realloc(buf, alloc + 1);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                }
                n = read_retry(fd, buf + size, alloc - size);
                if (n < 0)
                        return (int)n;
                if (n == 0)
                        break;
                size += (size_t)n;
                if (size > max)
                        return -E2BIG;
        }
        buf[size] = '\0';
        if (ret_st)
                *ret_st = st;
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}
