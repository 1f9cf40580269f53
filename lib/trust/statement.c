/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "parse-util.h"
#include "statement.h"

#define TIME_MAX_YEAR 9999

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}
static bool is_lower_alnum(char c)
{
        return is_digit(c) || (c >= 'a' && c <= 'z');
}
static bool is_alnum(char c)
{
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool name_valid(const char *s, size_t n)
{
        if (n == 0 || n > TRUST_NAME_MAX || !is_alnum(s[0]))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-' && s[i] != '+')
                        return false; /* (never strchr(set, c): it matches c == '\0') */
        return true;
}

static bool env_valid(const char *s, size_t n)
{
        if (n == 0 || n > TRUST_ENV_MAX || !is_lower_alnum(s[0]))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_lower_alnum(s[i]) && s[i] != '_' && s[i] != '-')
                        return false;
        return true;
}

static bool digest_valid(const char *s, size_t n)
{
        if (n != 71 || memcmp(s, "sha256:", 7) != 0)
                return false;
        for (size_t i = 7; i < n; i++)
                if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
                        return false;
        return true;
}

bool trust_name_is_valid(const char *s)
{
        return s && name_valid(s, strlen(s));
}
bool trust_env_is_valid(const char *s)
{
        return s && env_valid(s, strlen(s));
}
bool trust_digest_is_valid(const char *s)
{
        return s && digest_valid(s, strlen(s));
}

static int parse_version(const char *s, size_t n, uint64_t *ret)
{
        uint64_t v = 0;

        if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (!is_digit(s[i]))
                        return -EINVAL;
                v = v * 10 + (uint64_t)(s[i] - '0'); /* < 10^19 < 2^64: no overflow */
        }
        *ret = v;
        return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
        y -= m <= 2;
        int64_t era = y / 400;
        unsigned yoe = (unsigned)(y - era * 400);
        unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + (int64_t)doe - 719468;
}

static bool is_leap(unsigned y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *s, size_t n, unsigned *ret)
{
        unsigned v = 0;

        for (size_t i = 0; i < n; i++) {
                if (!is_digit(s[i]))
                        return -EINVAL;
                v = v * 10 + (unsigned)(s[i] - '0');
        }
        *ret = v;
        return 0;
}

int trust_time_parse(const char *s, size_t len, int64_t *ret)
{
        static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        unsigned y, mo, d, h, mi, se;

        if (len != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
            s[16] != ':' || s[19] != 'Z')
                return -EINVAL;
        if (digits(s, 4, &y) < 0 || digits(s + 5, 2, &mo) < 0 || digits(s + 8, 2, &d) < 0 ||
            digits(s + 11, 2, &h) < 0 || digits(s + 14, 2, &mi) < 0 || digits(s + 17, 2, &se) < 0)
                return -EINVAL;
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)) ||
            h > 23 || mi > 59 || se > 59)
                return -EINVAL;
        *ret = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
        return 0;
}

int trust_time_format(int64_t t, char out[static TRUST_TIME_STRING])
{
        int64_t days, rem;
        unsigned yoe, doy, mp, d, m;
        int64_t era, y, z;

        if (t < 0 || t > days_from_civil(TIME_MAX_YEAR, 12, 31) * 86400 + 86399)
                return -ERANGE;
        days = t / 86400;
        rem = t % 86400;
        /* civil_from_days */
        z = days + 719468;
        era = z / 146097;
        unsigned doe = (unsigned)(z - era * 146097);
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = (int64_t)yoe + era * 400;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        d = doy - (153 * mp + 2) / 5 + 1;
        m = mp < 10 ? mp + 3 : mp - 9;
        y += m <= 2;
        {
                char buf[64]; /* what the compiler cannot know: y has 4 digits here */
                snprintf(buf, sizeof(buf), "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ", y, m, d,
                         (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
                if (strlen(buf) != TRUST_TIME_STRING - 1)
                        return -ERANGE;
                memcpy(out, buf, TRUST_TIME_STRING);
        }
        return 0;
}

enum field {
        F_NAME,
        F_ENV,
        F_VERSION,
        F_ISSUED,
        F_EXPIRES,
        F_MANIFEST,
        _F_MAX,
};
static const char *const field_names[_F_MAX] = {"name",   "env",     "version",
                                                "issued", "expires", "manifest"};

int trust_statement_parse(const char *s, size_t len, struct trust_statement *ret,
                          struct sb_error *e)
{
        struct trust_statement st = {};
        bool seen[_F_MAX] = {};
        size_t tag = strlen(TRUST_STATEMENT_TAG), pos, idx = 0;

        if (len < tag || memcmp(s, TRUST_STATEMENT_TAG, tag) != 0 || (len > tag && s[tag] != '\t'))
                return sb_error_set(e, -EBADMSG,
                                    "trusted comment: not a sandbox statement (it must start with "
                                    "\"" TRUST_STATEMENT_TAG "\" and a tab)");
        for (pos = tag; pos < len;) {
                const char *f, *colon, *v;
                size_t flen, klen, vlen;
                int k;

                /* s[pos] is the tab before a field */
                pos++;
                idx++;
                f = s + pos;
                {
                        const char *tab = memchr(f, '\t', len - pos);
                        flen = tab ? (size_t)(tab - f) : len - pos;
                }
                pos += flen;
                colon = memchr(f, ':', flen);
                if (!colon)
                        return sb_error_set(e, -EBADMSG,
                                            "trusted comment: field %zu is not key:value", idx);
                klen = (size_t)(colon - f);
                v = colon + 1;
                vlen = flen - klen - 1;
                for (k = 0; k < _F_MAX; k++)
                        if (strlen(field_names[k]) == klen && memcmp(field_names[k], f, klen) == 0)
                                break;
                if (k == _F_MAX)
                        return sb_error_set(e, -EBADMSG,
                                            "trusted comment: field %zu: unknown key \"%.*s\"", idx,
                                            (int)(klen > 32 ? 32 : klen), f);
                if (seen[k])
                        return sb_error_set(e, -EBADMSG, "trusted comment: duplicate key \"%s\"",
                                            field_names[k]);
                seen[k] = true;

                switch ((enum field)k) {
                case F_NAME:
                        if (!name_valid(v, vlen))
                                goto bad_value;
                        memcpy(st.name, v, vlen);
                        break;
                case F_ENV:
                        if (!env_valid(v, vlen))
                                goto bad_value;
                        memcpy(st.env, v, vlen);
                        break;
                case F_VERSION:
                        if (parse_version(v, vlen, &st.version) < 0)
                                goto bad_value;
                        break;
                case F_ISSUED:
                        if (trust_time_parse(v, vlen, &st.issued) < 0)
                                goto bad_value;
                        break;
                case F_EXPIRES:
                        if (trust_time_parse(v, vlen, &st.expires) < 0)
                                goto bad_value;
                        break;
                case F_MANIFEST:
                        if (!digest_valid(v, vlen))
                                goto bad_value;
                        memcpy(st.manifest, v, vlen);
                        break;
                case _F_MAX:
                default:
                        abort();
                }
                continue;
        bad_value:
                return sb_error_set(e, -EBADMSG, "trusted comment: invalid %s \"%.*s\"",
                                    field_names[k], (int)(vlen > 80 ? 80 : vlen), v);
        }
        for (int k = 0; k < _F_MAX; k++)
                if (!seen[k])
                        return sb_error_set(e, -EBADMSG, "trusted comment: missing key \"%s\"",
                                            field_names[k]);
        if (st.expires <= st.issued)
                return sb_error_set(e, -EBADMSG,
                                    "trusted comment: expires is not later than issued");
        *ret = st;
        return 0;
}

int trust_statement_format(const struct trust_statement *st, char **ret)
{
        char issued[TRUST_TIME_STRING], expires[TRUST_TIME_STRING];

        if (!trust_name_is_valid(st->name) || !trust_env_is_valid(st->env) ||
            !trust_digest_is_valid(st->manifest) || st->version >= UINT64_C(10000000000000000000) ||
            trust_time_format(st->issued, issued) < 0 ||
            trust_time_format(st->expires, expires) < 0 || st->expires <= st->issued)
                return -EINVAL;
        if (asprintf(ret,
                     TRUST_STATEMENT_TAG "\tname:%s\tenv:%s\tversion:%" PRIu64
                                         "\tissued:%s\texpires:%s\tmanifest:%s",
                     st->name, st->env, st->version, issued, expires, st->manifest) < 0)
                return -ENOMEM;
        return 0;
}

int trust_duration_parse(const char *s, uint64_t *ret_seconds)
{
        /* The same time spans as the policy's MaxSignatureAge= takes: one syntax everywhere. */
        return s && parse_timespan_sec(s, UINT64_C(100) * 366 * 86400, ret_seconds) >= 0 ? 0
                                                                                         : -EINVAL;
}
