/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int sb_error_setv(struct sb_error *e, int r, const char *fmt, va_list ap)
{
        int saved = errno;

        if (!e)
                return r;
        e->err = r < 0 ? -r : r;
        errno = e->err; /* glibc expands %m from errno */
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        errno = saved;
        return r;
}

int sb_error_set(struct sb_error *e, int r, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        sb_error_setv(e, r, fmt, ap);
        va_end(ap);
        return r;
}
