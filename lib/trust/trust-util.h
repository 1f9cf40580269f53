/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "fd-util.h"

/* Internal helpers of lib/trust. */

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* openat2(dir_fd, path, flags, RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS), with
 * an O_NOFOLLOW walk where openat2 is missing. fd or -errno. */
int trust_openat_beneath(int dir_fd, const char *path, int flags);

/* Write data to dir_fd/name atomically: a temporary file beside it, fsync, rename. */
int trust_write_atomic(int dir_fd, const char *name, const char *data, size_t size, mode_t mode);
