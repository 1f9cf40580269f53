/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libarchive, loaded with dlopen() when a layer is unpacked, and never otherwise: linked
 * normally, it and what it pulls in (libxml2 with ICU, libstdc++, nettle, liblzma, libacl, ...)
 * cost every start of sandbox-full about 4 ms of loading and relocation, and a warm image start
 * unpacks nothing. The sym_* pointers have the exact types of the real functions (typeof), so
 * the compiler checks every call as if it went to libarchive directly. */

#include <archive.h>
#include <archive_entry.h>

#define ARCHIVE_DL_FUNCTIONS(X)                                                                    \
        X(archive_entry_filetype)                                                                  \
        X(archive_entry_hardlink)                                                                  \
        X(archive_entry_mtime)                                                                     \
        X(archive_entry_mtime_nsec)                                                                \
        X(archive_entry_pathname)                                                                  \
        X(archive_entry_pathname_utf8)                                                             \
        X(archive_entry_perm)                                                                      \
        X(archive_entry_rdevmajor)                                                                 \
        X(archive_entry_rdevminor)                                                                 \
        X(archive_entry_size)                                                                      \
        X(archive_entry_symlink)                                                                   \
        X(archive_entry_symlink_utf8)                                                              \
        X(archive_errno)                                                                           \
        X(archive_error_string)                                                                    \
        X(archive_filter_code)                                                                     \
        X(archive_read_data)                                                                       \
        X(archive_read_data_block)                                                                 \
        X(archive_read_free)                                                                       \
        X(archive_read_new)                                                                        \
        X(archive_read_next_header)                                                                \
        X(archive_read_open)                                                                       \
        X(archive_read_open_fd)                                                                    \
        X(archive_read_support_filter_gzip)                                                        \
        X(archive_read_support_filter_zstd)                                                        \
        X(archive_read_support_format_empty)                                                       \
        X(archive_read_support_format_raw)                                                         \
        X(archive_read_support_format_tar)                                                         \
        X(archive_set_error)

#define ARCHIVE_DL_DECLARE(f) extern __typeof__(f) *sym_##f;
ARCHIVE_DL_FUNCTIONS(ARCHIVE_DL_DECLARE)
#undef ARCHIVE_DL_DECLARE

/* Load libarchive.so.13 and resolve every function above, once. 0 or -EOPNOTSUPP (the library
 * or a function is missing). */
int archive_dl_open(void);
