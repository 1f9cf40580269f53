/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small, dependency-free escapers: JSON strings for `--json` output of the lean launcher (which
 * does not link jansson), and the one-line escaping of the instance registry's records. */

#include <stddef.h>
#include <stdio.h>

/* Length (1..4) of the valid UTF-8 sequence at s (n bytes available), or 0: overlong forms,
 * surrogates and code points above U+10FFFF are not valid. */
size_t utf8_char_len(const unsigned char *s, size_t n);

/* Write s as a JSON string (with the quotes) to f: '"', '\\' and control characters are
 * escaped (\n, \t, \uXXXX), a byte that is not part of valid UTF-8 becomes \ufffd. Returns 0
 * or -EIO when f reports an error. */
int json_write_string(FILE *f, const char *s);

/* Write s to f for a terminal: control characters (C0, DEL, and U+0080..U+009F, which terminals
 * take as C1 controls such as CSI) and bytes that are not valid UTF-8 become "\xNN"; the rest is
 * written as it is. For text others shape (file names in an image layout, its tags, messages
 * quoting them): it cannot move the cursor, clear lines or start lines of its own, so it cannot
 * forge what a report or an error says. 0 or -EIO. */
int terminal_write_string(FILE *f, const char *s);
/* The same into out (size bytes, NUL-terminated, cut at a character when it does not fit), with
 * no allocation: for log lines. */
void terminal_escape(const char *s, char *out, size_t size);

/* Escape s so it fits on one line: '\\' -> "\\\\", newline -> "\\n". Returns a new string or
 * NULL (ENOMEM). */
char *line_escape(const char *s);

/* Undo line_escape() into a new string: 0, -EINVAL (a '\\' not followed by '\\' or 'n', or a
 * trailing '\\') or -ENOMEM. *ret is untouched on failure. */
int line_unescape(const char *s, char **ret);
