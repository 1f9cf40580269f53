/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Write all of buf, retrying on EINTR and short writes. 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* Read exactly len bytes; -EIO on early EOF. 0 or -errno. */
int read_exact(int fd, void *buf, size_t len);

/* Open dir_fd/path (O_WRONLY|O_CLOEXEC|O_NOFOLLOW, no create) and write s in one write(2):
 * the kernel's id map and sysctl files need the whole value in one call. 0 or -errno. */
int write_string_file_at(int dir_fd, const char *path, const char *s);

/* Read at most max-1 bytes of dir_fd/path into a NUL-terminated buffer (O_NOFOLLOW).
 * Returns the length or -errno; -EFBIG when the file is larger. */
ssize_t read_small_file_at(int dir_fd, const char *path, char *buf, size_t max);

/* Close every descriptor from 3 up except the n_keep ones in keep (any order; negative entries
 * are ignored). For a process that never execs and must hold nothing it was handed (close-on-exec
 * protects only across execve). 0 or -errno (close_range(2), Linux 5.9). */
int close_all_fds_except(const int *keep, size_t n_keep);

/* Set or clear FD_CLOEXEC. 0 or -errno. */
int fd_set_cloexec(int fd, int on);

/* Read all of the regular file open at fd, at most max bytes (-E2BIG beyond, -EBADFD if it is
 * not a regular file), NUL-terminated; st_size is only a hint, the file may change while read.
 * ret_st (optional) receives the fstat() of fd. 0 or -errno; ret untouched on failure. */
int read_regular_fd(int fd, size_t max, char **ret, size_t *ret_size, struct stat *ret_st);
