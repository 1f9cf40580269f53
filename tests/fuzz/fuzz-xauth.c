/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz what the caller's Xauthority file and DISPLAY feed the launcher (launcher/xauth.c). The
 * first two bytes are the display number (big-endian), the rest the file. Oracles (abort() on
 * violation):
 *   - the filter succeeds or says -EBADMSG, and never returns more bytes than it was given;
 *   - what it returns is itself a valid file of FamilyWild entries for that display, which
 *     filters to exactly itself under any host name (one rewrite, nothing host-bound left);
 *   - a DISPLAY (the whole input as a string) that parses names a number that ":N" gives back. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xauth.h"

#define FUZZ_HOST "fuzz-host"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_filter(const uint8_t *data, size_t size)
{
        unsigned display = size >= 2 ? (unsigned)(data[0] << 8 | data[1]) : 0;
        const uint8_t *file = data + (size >= 2 ? 2 : size);
        size_t n = size >= 2 ? size - 2 : 0, out_n = 0, again_n = 0;
        char *out = NULL, *again = NULL;
        int r;

        r = xauth_filter(file, n, display, FUZZ_HOST, &out, &out_n);
        if (r == -EBADMSG && !out)
                return;
        if (r < 0 || !out || out_n > n)
                abort();
        if (xauth_filter(out, out_n, display, "", &again, &again_n) < 0 || again_n != out_n ||
            memcmp(out, again, out_n) != 0)
                abort();
        free(out);
        free(again);
}

static void check_display(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1), back[16];
        unsigned d = 0, d2 = 0;

        if (!s)
                return;
        memcpy(s, data, size);
        s[size] = '\0';
        if (xauth_parse_display(s, &d) == 0) {
                if (d > 65535 || s[0] != ':')
                        abort();
                snprintf(back, sizeof(back), ":%u", d);
                if (xauth_parse_display(back, &d2) < 0 || d2 != d)
                        abort();
        }
        free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size > XAUTH_SIZE_MAX + 2)
                return 0;
        check_filter(data, size);
        check_display(data, size);
        return 0;
}
