/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "macro.h"
#include "parse-util.h"

/* Digits only, no sign, no leading '+' or whitespace that strtoull would accept. */
int parse_uint_digits(const char *s, size_t len, uint64_t *ret)
{
        uint64_t v = 0;

        if (len == 0)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                if (__builtin_mul_overflow(v, 10, &v) ||
                    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
                        return -ERANGE;
        }
        *ret = v;
        return 0;
}

/* systemd's time units (systemd.time(7)), longest spelling first where one is a prefix of
 * another, so "min" is not read as "m" followed by garbage. A month is 30.44 days and a year
 * 365.25 days, as systemd counts them. */
static const struct {
        const char *suffix;
        uint64_t usec;
} time_units[] = {
    {"seconds", USEC_PER_SEC},
    {"second", USEC_PER_SEC},
    {"sec", USEC_PER_SEC},
    {"s", USEC_PER_SEC},
    {"minutes", 60 * USEC_PER_SEC},
    {"minute", 60 * USEC_PER_SEC},
    {"min", 60 * USEC_PER_SEC},
    {"months", 2629800 * USEC_PER_SEC},
    {"month", 2629800 * USEC_PER_SEC},
    {"M", 2629800 * USEC_PER_SEC},
    {"msec", 1000},
    {"ms", 1000},
    {"m", 60 * USEC_PER_SEC},
    {"hours", 3600 * USEC_PER_SEC},
    {"hour", 3600 * USEC_PER_SEC},
    {"hr", 3600 * USEC_PER_SEC},
    {"h", 3600 * USEC_PER_SEC},
    {"days", 86400 * USEC_PER_SEC},
    {"day", 86400 * USEC_PER_SEC},
    {"d", 86400 * USEC_PER_SEC},
    {"weeks", 604800 * USEC_PER_SEC},
    {"week", 604800 * USEC_PER_SEC},
    {"w", 604800 * USEC_PER_SEC},
    {"years", 31557600 * USEC_PER_SEC},
    {"year", 31557600 * USEC_PER_SEC},
    {"y", 31557600 * USEC_PER_SEC},
    {"usec", 1},
    {"us", 1},
    {"\xc2\xb5s", 1}, /* µs */
};

static bool is_space(char c)
{
        return c == ' ' || c == '\t';
}

int parse_timespan(const char *s, uint64_t *ret)
{
        uint64_t total = 0;
        bool any = false;

        for (const char *p = s;;) {
                size_t int_len, frac_len = 0, unit_len = 0;
                uint64_t v, f = 0, scale = 1, mult = USEC_PER_SEC, part;
                const char *frac = NULL;
                int r;

                while (is_space(*p))
                        p++;
                if (!*p)
                        break;
                int_len = strspn(p, "0123456789");
                if (p[int_len] == '.') {
                        frac = p + int_len + 1;
                        frac_len = strspn(frac, "0123456789");
                        if (frac_len == 0 || frac_len > 9)
                                return -EINVAL;
                }
                r = parse_uint_digits(p, int_len, &v);
                if (r < 0)
                        return r;
                if (frac && parse_uint_digits(frac, frac_len, &f) < 0)
                        return -EINVAL;
                for (size_t i = 0; i < frac_len; i++)
                        scale *= 10;
                p = frac ? frac + frac_len : p + int_len;
                while (is_space(*p))
                        p++;
                /* The unit: the longest one that matches and is not followed by a letter. */
                for (size_t i = 0; i < ELEMENTSOF(time_units); i++) {
                        size_t n = strlen(time_units[i].suffix);
                        char next;

                        if (strncmp(p, time_units[i].suffix, n) != 0)
                                continue;
                        next = p[n]; /* p has at least n bytes before its NUL now */
                        if (next && !is_space(next) && (next < '0' || next > '9'))
                                continue;
                        mult = time_units[i].usec;
                        unit_len = n;
                        break;
                }
                if (unit_len == 0 && *p && (*p < '0' || *p > '9'))
                        return -EINVAL; /* a word that is no unit */
                p += unit_len;
                /* f < scale <= 10^9 and mult < 2^45: the fraction's part fits */
                part = (uint64_t)((unsigned __int128)f * mult / scale);
                if (__builtin_mul_overflow(v, mult, &v) || __builtin_add_overflow(v, part, &v) ||
                    __builtin_add_overflow(total, v, &total))
                        return -ERANGE;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

int parse_timespan_sec(const char *s, uint64_t max_sec, uint64_t *ret_sec)
{
        uint64_t usec;
        int r = parse_timespan(s, &usec);

        if (r < 0)
                return r;
        if (usec % USEC_PER_SEC != 0)
                return -EINVAL;
        if (usec == 0 || usec / USEC_PER_SEC > max_sec)
                return -ERANGE;
        *ret_sec = usec / USEC_PER_SEC;
        return 0;
}
