/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"

size_t utf8_char_len(const unsigned char *s, size_t n)
{
        uint32_t cp;
        size_t len;

        if (n == 0)
                return 0;
        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf) {
                len = 2;
                cp = s[0] & 0x1f;
        } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                len = 3;
                cp = s[0] & 0x0f;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                len = 4;
                cp = s[0] & 0x07;
        } else {
                return 0;
        }
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0; /* overlong, out of range or a UTF-16 surrogate */
        return len;
}

int json_write_string(FILE *f, const char *s)
{
        const unsigned char *c = (const unsigned char *)s;
        size_t len = strlen(s);

        if (fputc('"', f) == EOF)
                return -EIO;
        for (size_t i = 0; i < len;) {
                size_t n = utf8_char_len(c + i, len - i);
                int r;

                if (n == 0) {
                        /* JSON text is UTF-8: a byte that is not (a file name, a command line)
                         * becomes U+FFFD rather than invalid output. */
                        r = fputs("\\ufffd", f);
                        i++;
                } else if (n > 1) {
                        r = fwrite(c + i, 1, n, f) == n ? 0 : EOF;
                        i += n;
                } else {
                        switch (c[i]) {
                        case '"':
                                r = fputs("\\\"", f);
                                break;
                        case '\\':
                                r = fputs("\\\\", f);
                                break;
                        case '\n':
                                r = fputs("\\n", f);
                                break;
                        case '\t':
                                r = fputs("\\t", f);
                                break;
                        case '\r':
                                r = fputs("\\r", f);
                                break;
                        default:
                                if (c[i] < 0x20 || c[i] == 0x7f)
                                        r = fprintf(f, "\\u%04x", c[i]);
                                else
                                        r = fputc(c[i], f);
                                break;
                        }
                        i++;
                }
                if (r < 0)
                        return -EIO;
        }
        return fputc('"', f) == EOF ? -EIO : 0;
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
