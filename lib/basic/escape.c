/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

int json_write_string(FILE *f, const char *s)
{
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                switch (*p) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                case '\r':
                        fputs("\\r", f);
                        break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fputc(*p, f);
                }
        }
        fputc('"', f);
        return ferror(f) ? -EIO : 0;
}

char *line_escape(const char *s)
{
        size_t n = 0;
        char *r, *q;

        for (const char *p = s; *p; p++)
                n += (*p == '\\' || *p == '\n') ? 2 : 1;
        r = q = malloc(n + 1);
        if (!r)
                return NULL;
        for (const char *p = s; *p; p++) {
                if (*p == '\\' || *p == '\n') {
                        *q++ = '\\';
                        *q++ = *p == '\n' ? 'n' : '\\';
                } else
                        *q++ = *p;
        }
        *q = '\0';
        return r;
}

int line_unescape(const char *s, char **ret)
{
        char *r = malloc(strlen(s) + 1), *q = r;

        if (!r)
                return -ENOMEM;
        for (const char *p = s; *p; p++) {
                if (*p != '\\') {
                        *q++ = *p;
                        continue;
                }
                p++;
                if (*p == '\\')
                        *q++ = '\\';
                else if (*p == 'n')
                        *q++ = '\n';
                else {
                        free(r);
                        return -EINVAL;
                }
        }
        *q = '\0';
        *ret = r;
        return 0;
}
