/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
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

/* The length (1..4) of the character at c and whether terminal output escapes it: C0, DEL,
 * U+0080..U+009F (C1), and a byte that is not valid UTF-8 (length 1). */
static size_t terminal_char(const unsigned char *c, size_t n, bool *ret_escape)
{
        size_t len = utf8_char_len(c, n);

        *ret_escape = len == 0 || (len == 1 && (c[0] < 0x20 || c[0] == 0x7f)) ||
                      (len == 2 && c[0] == 0xc2 && c[1] <= 0x9f);
        return len ? len : 1;
}

int terminal_write_string(FILE *f, const char *s)
{
        const unsigned char *c = (const unsigned char *)s;
        size_t len = strlen(s);

        for (size_t i = 0; i < len;) {
                bool esc;
                size_t n = terminal_char(c + i, len - i, &esc);

                for (size_t k = 0; esc && k < n; k++)
                        if (fprintf(f, "\\x%02x", c[i + k]) < 0)
                                return -EIO;
                if (!esc && fwrite(c + i, 1, n, f) != n)
                        return -EIO;
                i += n;
        }
        return 0;
}

void terminal_escape(const char *s, char *out, size_t size)
{
        const unsigned char *c = (const unsigned char *)s;
        size_t len = strlen(s), o = 0;

        if (size == 0)
                return;
        for (size_t i = 0; i < len;) {
                bool esc;
                size_t n = terminal_char(c + i, len - i, &esc), need = esc ? 4 * n : n;

                if (o + need >= size)
                        break; /* truncated, at a character */
                for (size_t k = 0; k < n; k++) {
                        if (esc)
                                o += (size_t)snprintf(out + o, size - o, "\\x%02x", c[i + k]);
                        else
                                out[o++] = (char)c[i + k];
                }
                i += n;
        }
        out[o] = '\0';
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
