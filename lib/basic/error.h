/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Library code never logs. When a caller needs to know more than an errno (which path, which
 * option, what to do about it), the library fills a struct sb_error and returns the negative
 * errno as usual; the program prints the message once. */

#include <stdarg.h>
#include "macro.h"

#define SB_ERROR_MAX 512

struct sb_error {
        int err;                /* positive errno, 0 when unset */
        char msg[SB_ERROR_MAX]; /* one line, no trailing newline, no "sandbox:" prefix */
};

/* Record "fmt..." and errno r (negative) in e (which may be NULL); returns r. A "%m" in fmt is
 * expanded from r, not from the current errno. */
int sb_error_set(struct sb_error *e, int r, const char *fmt, ...) _printf_(3, 4);
int sb_error_setv(struct sb_error *e, int r, const char *fmt, va_list ap) _printf_(3, 0);
