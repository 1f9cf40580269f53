/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal helpers of lib/image (fd-based file access inside untrusted trees). */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "fd-util.h"

/* openat2(dir_fd, path, flags | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS): path may not leave dir_fd, and no component (the last included) may be
 * a symlink. On kernels without openat2 (ENOSYS, or a seccomp filter returning it) each component
 * is opened with O_NOFOLLOW instead, refusing ".." and absolute paths. Returns the fd or -errno
 * (-ELOOP for a symlink, -EXDEV for a path that would leave dir_fd). */
int openat_beneath(int dir_fd, const char *path, int flags);

/* Remove dir_fd/name and, for a directory, everything below it, never following symlinks;
 * directories without owner rwx are chmod-ed first (they are ours). A missing name is not an
 * error. 0 or -errno. */
int rm_rf_at(int dir_fd, const char *name);

/* A printable rendering of a name from an untrusted file for a message: control characters,
 * backslashes and bytes ≥ 0x7f as \xNN, cut at about size-4 bytes with "...". */
void escape_name(const char *in, char *out, size_t size);

/* Hash the open blob fd (at offset 0) and compare with digest, reading at most size bytes (a file
 * that grew or shrank is refused). With copy_fd >= 0 every byte read is also written there and
 * copy_fd, not fd, is rewound to 0 on success: the caller then unpacks a private snapshot that
 * nobody else can change after the check. Otherwise fd is rewound. */
int image_blob_verify_fd(int fd, const char *digest, uint64_t size, int copy_fd,
                         struct sb_error *e);
