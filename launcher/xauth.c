/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An Xauthority file is a sequence of records: a 16-bit family, then four counted strings
 * (address, display number, auth name, auth data), each a 16-bit big-endian length and that
 * many bytes (Xau's XauReadAuth). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "xauth.h"

#define FAMILY_LOCAL 256
#define FAMILY_WILD  65535

/* DISPLAY=":N" or ":N.S", nothing else: a TCP display (host:N) would need the network and has
 * no socket to bind; "unix:N" and friends are rare enough to refuse rather than guess. */
int xauth_parse_display(const char *s, unsigned *ret)
{
        unsigned long n;
        char *end;

        if (!s || s[0] != ':' || s[1] < '0' || s[1] > '9')
                return -EINVAL;
        errno = 0;
        n = strtoul(s + 1, &end, 10);
        if (errno != 0 || n > 65535)
                return -EINVAL;
        if (*end == '.') {
                char *e2;
                if (end[1] < '0' || end[1] > '9')
                        return -EINVAL;
                (void)strtoul(end + 1, &e2, 10);
                end = e2;
        }
        if (*end != '\0')
                return -EINVAL;
        *ret = (unsigned)n;
        return 0;
}

static uint16_t be16(const unsigned char *b)
{
        return (uint16_t)((b[0] << 8) | b[1]);
}

/* The cookies are rewritten as FamilyWild: the sandbox has its own host name, and Xlib looks
 * cookies up by host name. */
int xauth_filter(const void *data, size_t n, unsigned display, const char *host, char **ret,
                 size_t *ret_size)
{
        const unsigned char *in = data;
        char num[16];
        size_t pos = 0, out_n = 0;
        _cleanup_free_ char *out = malloc(n + 1);

        if (!out)
                return -ENOMEM;
        snprintf(num, sizeof(num), "%u", display);
        while (pos < n) {
                size_t field[4][2];
                uint16_t family;

                if (n - pos < 2)
                        return -EBADMSG;
                family = be16(in + pos);
                pos += 2;
                for (int i = 0; i < 4; i++) {
                        size_t len;
                        if (n - pos < 2)
                                return -EBADMSG;
                        len = be16(in + pos);
                        pos += 2;
                        if (n - pos < len)
                                return -EBADMSG;
                        field[i][0] = pos;
                        field[i][1] = len;
                        pos += len;
                }
                if (field[1][1] != strlen(num) || memcmp(in + field[1][0], num, field[1][1]) != 0)
                        continue;
                if (family != FAMILY_WILD &&
                    !(family == FAMILY_LOCAL && field[0][1] == strlen(host) &&
                      memcmp(in + field[0][0], host, field[0][1]) == 0))
                        continue;
                /* FamilyWild, no address, the same number, name and data: never longer than the
                 * record it came from (2 + 2 bytes here for at least 2 + 2 there). */
                out[out_n++] = (char)0xff;
                out[out_n++] = (char)0xff;
                out[out_n++] = 0;
                out[out_n++] = 0;
                for (int i = 1; i < 4; i++) {
                        out[out_n++] = (char)(field[i][1] >> 8);
                        out[out_n++] = (char)(field[i][1] & 0xff);
                        memcpy(out + out_n, in + field[i][0], field[i][1]);
                        out_n += field[i][1];
                }
        }
        *ret_size = out_n;
        *ret = TAKE_PTR(out);
        return 0;
}
