/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the number and time span parsers of lib/basic/parse-util.c, which read the values of
 * policy files and app profiles (a user writes their own profiles), command line flags, and
 * --expires/--max-age. The input, up to its first NUL, is the string. Oracles (abort() on
 * violation):
 *   - parse_uint_digits() agrees with a plain digit-by-digit reference, overflow included;
 *   - a time span that parses gives the same number of µs when spelled "Nus", and twice as many
 *     when written twice ("S S"), or -ERANGE when that overflows: components add up, whatever
 *     units and blanks they use;
 *   - parse_timespan_sec() is parse_timespan() in whole seconds, within its bounds. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse-util.h"

#define FUZZ_INPUT_MAX 4096U
#define SEC_MAX        (UINT64_C(100) * 366 * 86400) /* trust_duration_parse()'s bound */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_digits(const char *s, size_t len)
{
        uint64_t v = 0, ref = 0;
        int r = parse_uint_digits(s, len, &v), want = len == 0 ? -EINVAL : 0;

        for (size_t k = 0; want == 0 && k < len; k++) {
                if (s[k] < '0' || s[k] > '9')
                        want = -EINVAL;
                else if (ref > (UINT64_MAX - (uint64_t)(s[k] - '0')) / 10)
                        want = -ERANGE;
                else
                        ref = ref * 10 + (uint64_t)(s[k] - '0');
        }
        /* a non-digit after an overflow is still -EINVAL or -ERANGE: either is a refusal */
        if ((r == 0) != (want == 0) || (r == 0 && v != ref))
                abort();
}

static void check_timespan(const char *s, size_t len)
{
        uint64_t usec, again = 0, sec;
        char buf[32], *twice;
        int r;

        r = parse_timespan(s, &usec);
        if (r < 0) {
                if (r != -EINVAL && r != -ERANGE)
                        abort();
                if (parse_timespan_sec(s, SEC_MAX, &sec) >= 0)
                        abort();
                return;
        }
        snprintf(buf, sizeof(buf), "%" PRIu64 "us", usec);
        if (parse_timespan(buf, &again) < 0 || again != usec)
                abort();

        twice = malloc(2 * len + 2);
        if (!twice)
                return;
        memcpy(twice, s, len);
        twice[len] = ' ';
        memcpy(twice + len + 1, s, len);
        twice[2 * len + 1] = '\0';
        r = parse_timespan(twice, &again);
        if (usec > UINT64_MAX / 2 ? r != -ERANGE : (r < 0 || again != 2 * usec)) {
                fprintf(stderr, "\"%s\" is %" PRIu64 " us, \"%s\": %d, %" PRIu64 "\n", s, usec,
                        twice, r, again);
                abort();
        }
        free(twice);

        r = parse_timespan_sec(s, SEC_MAX, &sec);
        if (usec % USEC_PER_SEC != 0 || usec == 0 || usec / USEC_PER_SEC > SEC_MAX) {
                if (r >= 0)
                        abort();
        } else if (r < 0 || sec != usec / USEC_PER_SEC) {
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s;
        size_t len;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        s = strndup((const char *)data, size);
        if (!s)
                return 0;
        len = strlen(s);
        check_digits(s, len);
        check_timespan(s, len);
        free(s);
        return 0;
}
