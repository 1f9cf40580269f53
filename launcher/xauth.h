/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The X display a sandbox may be given, and only that display's cookies: DISPLAY parsed to a
 * display number, and an Xauthority file's contents filtered down to that number. Pure
 * functions over strings and buffers: the caller reads the file, asks for the host name and
 * writes the result; the Xauthority data is the caller's file, so it is untrusted input. */

#include <stddef.h>

/* The largest Xauthority file read: a real one holds a few cookies. */
#define XAUTH_SIZE_MAX (64U * 1024U)

/* DISPLAY=":N" or ":N.S" (N at most 65535; the screen S is ignored): *ret = N and 0.
 * Anything else, "host:N", "unix:N" and "" among them, is -EINVAL and *ret is untouched. */
int xauth_parse_display(const char *s, unsigned *ret);

/* From the Xauthority data in[0..n), the entries for display number display that this host
 * would use (FamilyLocal entries whose address is host, a NUL-terminated host name, and
 * FamilyWild entries), rewritten as FamilyWild with no address and the number, name and data
 * unchanged, in their order. The result (*ret_size bytes, never more than n; possibly 0 bytes)
 * is malloc()ed in *ret. Data that is not a sequence of whole records is -EBADMSG; nothing is
 * read outside in[0..n). 0, -EBADMSG or -ENOMEM; *ret and *ret_size are untouched on failure. */
int xauth_filter(const void *in, size_t n, unsigned display, const char *host, char **ret,
                 size_t *ret_size);
