/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "escape.h"
#include "log.h"

_printf_(2, 0) static void log_va(int err, const char *fmt, va_list ap)
{
        char buf[1024], line[4 * sizeof(buf)];

        errno = err;
        vsnprintf(buf, sizeof(buf), fmt, ap);
        /* Messages quote what others wrote (an image layout's file names and tags, a policy's
         * values): their control characters are escaped, so they cannot forge or hide lines. */
        terminal_escape(buf, line, sizeof(line));
        fprintf(stderr, "sandbox: %s\n", line);
}

void log_error(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_va(errno, fmt, ap);
        va_end(ap);
}

int log_error_errno(int r, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_va(r < 0 ? -r : r, fmt, ap);
        va_end(ap);
        return r;
}
