/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small, dependency-free escapers: JSON strings for `--json` output of the lean launcher (which
 * does not link jansson), and the one-line escaping of the instance registry's records. */

#include <stdio.h>

/* Write s as a JSON string (with the quotes) to f: '"', '\\' and control characters are
 * escaped (\n, \t, \uXXXX); bytes >= 0x80 pass unchanged (the caller's text is UTF-8 or it is
 * not our business to repair it). Returns 0 or -EIO when f reports an error. */
int json_write_string(FILE *f, const char *s);

/* Escape s so it fits on one line: '\\' -> "\\\\", newline -> "\\n". Returns a new string or
 * NULL (ENOMEM). */
char *line_escape(const char *s);

/* Undo line_escape() into a new string: 0, -EINVAL (a '\\' not followed by '\\' or 'n', or a
 * trailing '\\') or -ENOMEM. *ret is untouched on failure. */
int line_unescape(const char *s, char **ret);
