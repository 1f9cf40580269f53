/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Value syntax, as systemd spells it: booleans, sizes, percentages, limits, weights, enums,
 * paths, words with quotes. Pure functions: they allocate only the strings they return. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy-internal.h"

int policy_parse_boolean(const char *s)
{
        static const char *const yes[] = {"1", "yes", "true", "on"};
        static const char *const no[] = {"0", "no", "false", "off"};

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        }
        return -EINVAL;
}

int policy_parse_size(const char *s, uint64_t *ret)
{
        static const char suffixes[] = "KMGTPE";
        size_t len = strlen(s), int_len, frac_len = 0;
        const char *dot, *frac = NULL;
        uint64_t mult = 1, v, f = 0, scale = 1, total;

        if (len == 0)
                return -EINVAL;
        const char *sfx = strchr(suffixes, s[len - 1]); /* s[len - 1] is never NUL */
        if (sfx) {
                for (const char *c = suffixes; c <= sfx; c++)
                        mult *= 1024;
                len--;
        }
        dot = memchr(s, '.', len);
        int_len = dot ? (size_t)(dot - s) : len;
        if (dot) {
                if (mult == 1)
                        return -EINVAL; /* a fraction of a byte */
                frac = dot + 1;
                frac_len = len - int_len - 1;
                if (frac_len == 0 || frac_len > 9)
                        return -EINVAL;
        }
        int r = parse_uint_digits(s, int_len, &v);
        if (r < 0)
                return r;
        if (frac) {
                r = parse_uint_digits(frac, frac_len, &f);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < frac_len; i++)
                        scale *= 10;
        }
        if (__builtin_mul_overflow(v, mult, &total))
                return -ERANGE;
        /* f < scale <= 10^9 and mult <= 2^60: compute f * mult / scale without overflow */
        if (frac) {
                unsigned __int128 part = (unsigned __int128)f * mult / scale;
                if (__builtin_add_overflow(total, (uint64_t)part, &total))
                        return -ERANGE;
        }
        *ret = total;
        return 0;
}

int policy_parse_permyriad(const char *s, uint64_t max, uint64_t *ret)
{
        size_t len = strlen(s), int_len;
        const char *dot;
        uint64_t v, f = 0, pm;

        if (len < 2 || s[len - 1] != '%')
                return -EINVAL;
        len--;
        dot = memchr(s, '.', len);
        int_len = dot ? (size_t)(dot - s) : len;
        int r = parse_uint_digits(s, int_len, &v);
        if (r < 0)
                return r;
        if (dot) {
                size_t frac_len = len - int_len - 1;
                if (frac_len < 1 || frac_len > 2 || parse_uint_digits(dot + 1, frac_len, &f) < 0)
                        return -EINVAL;
                if (frac_len == 1)
                        f *= 10;
        }
        if (__builtin_mul_overflow(v, 100, &pm) || __builtin_add_overflow(pm, f, &pm) || pm > max)
                return -ERANGE;
        *ret = pm;
        return 0;
}

/* "infinity", "N%" of the machine's total, or an absolute value read by parse_absolute: the shape
 * MemoryMax=, MemoryHigh= and TasksMax= share. zero_ok: whether 0 (and 0%) is a limit at all. */
static int parse_limit(const char *s, int (*parse_absolute)(const char *s, uint64_t *ret),
                       bool zero_ok, struct policy_limit *ret)
{
        bool percent = s[0] && s[strlen(s) - 1] == '%';
        uint64_t v;
        int r;

        if (streq(s, "infinity")) {
                *ret = (struct policy_limit){POLICY_LIMIT_INFINITY, 0};
                return 0;
        }
        r = percent ? policy_parse_permyriad(s, 10000, &v) : parse_absolute(s, &v);
        if (r < 0)
                return r;
        /* UINT64_MAX is how systemd spells infinity: not a value of its own */
        if ((v == 0 && !zero_ok) || (!percent && v == UINT64_MAX))
                return -ERANGE;
        *ret = (struct policy_limit){percent ? POLICY_LIMIT_PERMYRIAD : POLICY_LIMIT_ABSOLUTE, v};
        return 0;
}

static int parse_count(const char *s, uint64_t *ret)
{
        return parse_uint_digits(s, strlen(s), ret);
}

int policy_parse_memory(const char *s, struct policy_limit *ret)
{
        return parse_limit(s, policy_parse_size, true, ret);
}

int policy_parse_tasks(const char *s, struct policy_limit *ret)
{
        return parse_limit(s, parse_count, false, ret);
}

/* CPUQuota= above 100% means more than one CPU; cap it at 10000 CPUs so the value stays sane. */
#define CPU_QUOTA_PERMYRIAD_MAX (UINT64_C(10000) * 10000)

int policy_parse_cpu_quota(const char *s, struct policy_limit *ret)
{
        uint64_t v;
        int r = policy_parse_permyriad(s, CPU_QUOTA_PERMYRIAD_MAX, &v);

        if (r < 0)
                return r;
        if (v == 0)
                return -ERANGE;
        *ret = (struct policy_limit){POLICY_LIMIT_PERMYRIAD, v};
        return 0;
}

int policy_parse_weight(const char *s, uint64_t *ret)
{
        uint64_t v;
        int r = parse_uint_digits(s, strlen(s), &v);

        if (r < 0)
                return r;
        if (v < 1 || v > 10000)
                return -ERANGE;
        *ret = v;
        return 0;
}

int policy_parse_runtime(const char *s, struct policy_limit *ret)
{
        uint64_t v;
        int r;

        if (streq(s, "infinity")) {
                *ret = (struct policy_limit){POLICY_LIMIT_INFINITY, 0};
                return 0;
        }
        r = parse_timespan(s, &v);
        if (r < 0)
                return r;
        /* 0 would end every session at once, and systemd reads UINT64_MAX as infinity. */
        if (v == 0 || v == UINT64_MAX)
                return -ERANGE;
        *ret = (struct policy_limit){POLICY_LIMIT_ABSOLUTE, v};
        return 0;
}

static const char *const protect_system_names[_PROTECT_SYSTEM_MAX] = {
    [PROTECT_SYSTEM_NO] = "no",
    [PROTECT_SYSTEM_YES] = "yes",
    [PROTECT_SYSTEM_FULL] = "full",
    [PROTECT_SYSTEM_STRICT] = "strict",
};
static const char *const protect_home_names[_PROTECT_HOME_MAX] = {
    [PROTECT_HOME_NO] = "no",
    [PROTECT_HOME_READ_ONLY] = "read-only",
    [PROTECT_HOME_TMPFS] = "tmpfs",
    [PROTECT_HOME_YES] = "yes",
};

int protect_system_from_string(const char *s)
{
        int b = policy_parse_boolean(s);

        if (b >= 0)
                return b ? PROTECT_SYSTEM_YES : PROTECT_SYSTEM_NO;
        for (int i = 0; i < _PROTECT_SYSTEM_MAX; i++)
                if (streq(s, protect_system_names[i]))
                        return i;
        return -EINVAL;
}

const char *protect_system_to_string(enum protect_system v)
{
        return (unsigned)v < _PROTECT_SYSTEM_MAX ? protect_system_names[v] : NULL;
}

int protect_home_from_string(const char *s)
{
        int b = policy_parse_boolean(s);

        if (b >= 0)
                return b ? PROTECT_HOME_YES : PROTECT_HOME_NO;
        for (int i = 0; i < _PROTECT_HOME_MAX; i++)
                if (streq(s, protect_home_names[i]))
                        return i;
        return -EINVAL;
}

const char *protect_home_to_string(enum protect_home v)
{
        return (unsigned)v < _PROTECT_HOME_MAX ? protect_home_names[v] : NULL;
}

int policy_path_canonicalize(const char *s, char **ret)
{
        size_t len = strlen(s), o = 0;
        char *out;

        if (s[0] != '/')
                return -EINVAL;
        if (len >= PATH_MAX)
                return -ENAMETOOLONG;
        out = malloc(len + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < len;) {
                size_t n;

                while (s[i] == '/')
                        i++;
                n = strcspn(s + i, "/");
                if (n == 0)
                        break;
                if ((n == 1 && s[i] == '.') || (n == 2 && s[i] == '.' && s[i + 1] == '.')) {
                        free(out);
                        return -EINVAL;
                }
                out[o++] = '/';
                memcpy(out + o, s + i, n);
                o += n;
                i += n;
        }
        if (o == 0)
                out[o++] = '/';
        out[o] = '\0';
        *ret = out;
        return 0;
}

bool policy_path_covers(const char *parent, const char *path)
{
        size_t n = strlen(parent);

        if (streq(parent, "/"))
                return true;
        return strncmp(parent, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool policy_env_name_valid(const char *s)
{
        if (!s[0] || (s[0] >= '0' && s[0] <= '9') || strlen(s) > 256)
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_'))
                        return false;
        return true;
}

bool policy_account_name_valid(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n > 256)
                return false;
        return strcspn(s, "\t\n:/") == n; /* "domain users" (SSSD, winbind) has a space */
}

int policy_extract_word(const char *s, size_t *pos, char **ret, size_t *ret_start)
{
        size_t i = *pos, start, o = 0, quote_start = 0;
        char quote = 0;
        _cleanup_free_ char *w = NULL;

        while (s[i] == ' ' || s[i] == '\t')
                i++;
        if (!s[i]) {
                *pos = i;
                return 0;
        }
        start = i;
        w = malloc(strlen(s + i) + 1); /* a word is never longer than what is left */
        if (!w)
                return -ENOMEM;
        for (;; i++) {
                char c = s[i];

                if (c == '\0') {
                        if (quote) {
                                *ret_start = quote_start;
                                return -EINVAL; /* unterminated quote */
                        }
                        break;
                }
                if (quote == '\'') {
                        if (c == '\'')
                                quote = 0;
                        else
                                w[o++] = c;
                        continue;
                }
                if (c == '\\') {
                        switch (s[i + 1]) {
                        case '\\':
                        case '"':
                        case '\'':
                        case ' ':
                                w[o++] = s[i + 1];
                                break;
                        case 't':
                                w[o++] = '\t';
                                break;
                        case 'n':
                                w[o++] = '\n';
                                break;
                        default:
                                *ret_start = i;
                                return -EINVAL;
                        }
                        i++;
                        continue;
                }
                if (quote == '"') {
                        if (c == '"')
                                quote = 0;
                        else
                                w[o++] = c;
                        continue;
                }
                if (c == ' ' || c == '\t')
                        break;
                if (c == '"' || c == '\'') {
                        quote = c;
                        quote_start = i;
                } else
                        w[o++] = c;
        }
        w[o] = '\0';
        *pos = i;
        *ret_start = start;
        *ret = TAKE_PTR(w);
        return 1;
}

int policy_write_word(FILE *f, const char *s)
{
        bool plain = s[0] != '\0' && strcspn(s, " \t\n\"'\\") == strlen(s);

        if (plain)
                return fputs(s, f) < 0 ? -EIO : 0;
        if (fputc('"', f) == EOF)
                return -EIO;
        for (const char *c = s; *c; c++) {
                int r;

                switch (*c) {
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
                default:
                        r = fputc(*c, f);
                        break;
                }
                if (r == EOF)
                        return -EIO;
        }
        return fputc('"', f) == EOF ? -EIO : 0;
}

static const char *const rollback_names[_POLICY_ROLLBACK_MAX] = {
    [POLICY_ROLLBACK_WARN_STALE] = "warn-stale",
    [POLICY_ROLLBACK_YES] = "yes",
};

int policy_rollback_from_string(const char *s)
{
        /* "no" is not a value: without rollback protection an attacker who can put an old,
         * genuinely signed image in front of the user wins; the admin's remedy for a false alarm
         * is a new version, not switching the check off. */
        if (streq(s, "yes") || streq(s, "true") || streq(s, "on") || streq(s, "1"))
                return POLICY_ROLLBACK_YES;
        if (streq(s, "warn-stale"))
                return POLICY_ROLLBACK_WARN_STALE;
        return -EINVAL;
}

const char *policy_rollback_to_string(enum policy_rollback v)
{
        return (unsigned)v < _POLICY_ROLLBACK_MAX ? rollback_names[v] : NULL;
}

static const struct {
        const char *suffix;
        uint64_t mult;
} duration_units[] = {
    /* largest first: policy_write_duration() picks the first that divides */
    {"w", 604800}, {"d", 86400}, {"h", 3600}, {"min", 60}, {"s", 1},
};

int policy_parse_duration(const char *s, uint64_t *ret)
{
        /* systemd's time span syntax, as RuntimeMaxSec= takes it, in whole seconds: a signature's
         * issue time is counted in seconds. A century at most. */
        return parse_timespan_sec(s, UINT64_C(100) * 366 * 86400, ret);
}

int policy_write_duration(FILE *f, uint64_t seconds)
{
        for (size_t u = 0; u < ELEMENTSOF(duration_units); u++)
                if (seconds % duration_units[u].mult == 0)
                        return fprintf(f, "%" PRIu64 "%s", seconds / duration_units[u].mult,
                                       duration_units[u].suffix) < 0
                                   ? -EIO
                                   : 0;
        return -EIO; /* not reached: "s" divides everything */
}

bool policy_trusted_key_valid(const char *s)
{
        size_t n = strlen(s);

        /* A key id (16 hex digits) passes as a name too: lib/trust matches either. */
        if (streq(s, POLICY_KEYS_ADMIN) || streq(s, POLICY_KEYS_USER))
                return true;
        if (n == 0 || n > 255 || s[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '+' || c == '-'))
                        return false;
        }
        return true;
}

bool policy_environment_name_valid(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n > 32)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                if (!alnum && (i == 0 || (c != '_' && c != '-')))
                        return false;
        }
        return true;
}

/* ---- [Desktop] ---- */

static const char *const dbus_names[_POLICY_DBUS_MAX] = {
    [POLICY_DBUS_NONE] = "none",
    [POLICY_DBUS_FILTER] = "filter",
};

int policy_dbus_from_string(const char *s)
{
        for (int i = 0; i < _POLICY_DBUS_MAX; i++)
                if (streq(s, dbus_names[i]))
                        return i;
        return -EINVAL;
}

const char *policy_dbus_to_string(enum policy_dbus v)
{
        return (unsigned)v < _POLICY_DBUS_MAX ? dbus_names[v] : NULL;
}

static bool bus_element_valid(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
                        return false;
        return true;
}

bool policy_bus_name_valid(const char *s)
{
        /* The D-Bus specification's rules for well-known names; a unique name (":1.42") changes
         * with every connection and has no place in a policy. */
        size_t len = strlen(s), elements = 0;

        if (len == 0 || len > 255)
                return false;
        if (len > 2 && streq(s + len - 2, ".*"))
                len -= 2;
        for (size_t i = 0; i < len;) {
                size_t n = strcspn(s + i, ".");

                if (i + n > len)
                        n = len - i;
                if (!bus_element_valid(s + i, n))
                        return false;
                elements++;
                i += n;
                if (i < len) {
                        i++; /* the dot */
                        if (i == len)
                                return false; /* trailing dot */
                }
        }
        /* "org.*" is one element plus a wildcard: still a two-element name space */
        return elements >= 2 || (elements == 1 && len + 2 == strlen(s));
}

bool policy_bus_name_covers(const char *pattern, const char *name)
{
        size_t n = strlen(pattern);

        if (streq(pattern, name))
                return true;
        if (n < 2 || !streq(pattern + n - 2, ".*"))
                return false;
        /* "org.a.*" covers "org.a" itself too (xdg-dbus-proxy: the name and everything below) */
        n -= 2;
        return strncmp(pattern, name, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

int policy_home_dir_canonicalize(const char *s, char **ret)
{
        _cleanup_free_ char *abs = NULL, *c = NULL;
        int r;

        if (s[0] == '/' || s[0] == '\0' || s[0] == '~')
                return -EINVAL;
        if (asprintf(&abs, "/%s", s) < 0)
                return -ENOMEM;
        r = policy_path_canonicalize(abs, &c);
        if (r < 0)
                return r;
        if (streq(c, "/"))
                return -EINVAL; /* the home itself is ProtectHome='s business */
        *ret = strdup(c + 1);
        return *ret ? 0 : -ENOMEM;
}
