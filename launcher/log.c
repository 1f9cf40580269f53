/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

_printf_(2, 0) static void log_va(int err, const char *fmt, va_list ap)
{
        char buf[1024];

        errno = err;
        vsnprintf(buf, sizeof(buf), fmt, ap);
        fprintf(stderr, "sandbox: %s\n", buf);
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
