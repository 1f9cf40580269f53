/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The INI tokenizer and the key table's value parsers.
 *
 * Strict on purpose: a typo in an admin's policy must not silently mean "no restriction". Every
 * error names the file, line and column of the offending word. Memory is bounded by the caps in
 * policy.h: one line buffer on the stack, lists of at most POLICY_LIST_MAX entries, system call
 * sets of names libseccomp knows. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "policy-internal.h"
#include "strv.h"

struct parser {
        struct policy *p;
        struct policy_origin here; /* source and current line */
        enum policy_section section;
        unsigned section_line[_SECTION_MAX];
        unsigned *reterr_line, *reterr_column;
        struct sb_error *e;
};

static int fail(struct parser *ps, size_t offset, int r, const char *fmt, ...) _printf_(4, 5);
static int fail(struct parser *ps, size_t offset, int r, const char *fmt, ...)
{
        char msg[SB_ERROR_MAX];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (ps->reterr_line)
                *ps->reterr_line = ps->here.line;
        if (ps->reterr_column)
                *ps->reterr_column = (unsigned)offset + 1;
        return sb_error_set(ps->e, r, "%s:%u:%zu: %s", ps->here.source->name, ps->here.line,
                            offset + 1, msg);
}

static int fail_word(struct parser *ps, int r, char bad, size_t offset)
{
        if (r == -ENOMEM)
                return sb_error_set(ps->e, r, "%s:%u: out of memory", ps->here.source->name,
                                    ps->here.line);
        if (bad == '"' || bad == '\'')
                return fail(ps, offset, r, "unterminated quote");
        return fail(ps, offset, r,
                    "unknown escape (known: \\\\ \\\" \\' \\t \\n, backslash space)");
}

/* Words of a value, with their offsets in the line for error messages. */
struct words {
        const char *s;
        size_t pos, base;
};

/* 1 with *ret (owned by the caller) and *ret_off; 0 at the end; <0 (already reported). */
static int next_word(struct parser *ps, struct words *w, char **ret, size_t *ret_off)
{
        size_t start = 0;
        int r = policy_extract_word(w->s, &w->pos, ret, &start);

        if (r < 0)
                return fail_word(ps, r, w->s[start], w->base + start);
        if (r > 0)
                *ret_off = w->base + start;
        return r;
}

static int check_list_size(struct parser *ps, enum policy_key k, size_t n, size_t off)
{
        if (n >= POLICY_LIST_MAX)
                return fail(ps, off, -E2BIG, "too many entries in %s= (at most %u)",
                            policy_keys[k].name, POLICY_LIST_MAX);
        return 0;
}

static int compare_words(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* User= Group= (in the order given), TrustedKeys= AllowedEnvironments= DBusTalk= DBusOwn= (a
 * sorted set, so that equal sets compare equal and the merge can intersect them): words, each
 * checked by the rules of its key, duplicates dropped. */
static int parse_words(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        char ***l = policy_field(ps->p, k);
        struct words w = {value, 0, voff};
        size_t woff = 0;
        int r;

        for (;;) {
                _cleanup_free_ char *word = NULL;

                r = next_word(ps, &w, &word, &woff);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (policy_keys[k].type == VT_NAMES && !policy_account_name_valid(word))
                        return fail(ps, woff, -EINVAL, "invalid %s name \"%s\"",
                                    k == POLICY_USER ? "user" : "group", word);
                if (policy_keys[k].type == VT_KEYS && !policy_trusted_key_valid(word))
                        return fail(ps, woff, -EINVAL,
                                    "invalid %s= entry \"%s\": expected @admin, @user, a key id "
                                    "or the name of a key file in /etc/sandbox/keys.d (without "
                                    ".pub)",
                                    policy_keys[k].name, word);
                if (policy_keys[k].type == VT_ENVS && !policy_environment_name_valid(word))
                        return fail(ps, woff, -EINVAL,
                                    "invalid environment name \"%s\": expected 1 to 32 of "
                                    "a-z 0-9 _ -, starting with a letter or digit",
                                    word);
                if (policy_keys[k].type == VT_BUS_NAMES && !policy_bus_name_valid(word))
                        return fail(ps, woff, -EINVAL,
                                    "invalid D-Bus name \"%s\" in %s= (expected a well-known name "
                                    "such as org.freedesktop.Notifications, or a prefix such as "
                                    "org.mpris.MediaPlayer2.*)",
                                    word, policy_keys[k].name);
                if (strv_find(*l, word) >= 0)
                        continue;
                r = check_list_size(ps, k, strv_length(*l), woff);
                if (r < 0)
                        return r;
                if (strv_consume(l, word) < 0)
                        return fail(ps, woff, -ENOMEM, "out of memory");
                word = NULL; /* owned by the list now */
        }
        if (policy_keys[k].type != VT_NAMES)
                qsort(*l, strv_length(*l), sizeof(char *), compare_words);
        return 0;
}

static int parse_exec(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        _cleanup_strv_free_ char **argv = NULL;
        struct words w = {value, 0, voff};
        size_t woff = 0, n = 0;
        int r;

        for (;;) {
                _cleanup_free_ char *word = NULL;

                r = next_word(ps, &w, &word, &woff);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (n == 0 && !word[0])
                        return fail(ps, woff, -EINVAL, "%s= needs a command", policy_keys[k].name);
                r = check_list_size(ps, k, n++, woff);
                if (r < 0)
                        return r;
                if (strv_consume(&argv, word) < 0)
                        return fail(ps, woff, -ENOMEM, "out of memory");
                word = NULL; /* owned by the list now */
        }
        *(char ***)policy_field(ps->p, k) = TAKE_PTR(argv);
        return 0;
}

/* "-" prefix: ignore when missing (systemd). */
static const char *strip_ignore(const char *w, bool *ret_ignore)
{
        *ret_ignore = w[0] == '-';
        return w + (w[0] == '-');
}

static int canonical_path(struct parser *ps, enum policy_key k, const char *s, size_t off,
                          char **ret)
{
        int r = policy_path_canonicalize(s, ret);

        if (r == -ENOMEM)
                return fail(ps, off, r, "out of memory");
        if (r < 0)
                return fail(ps, off, r, "%s= takes absolute paths without \".\" or \"..\": \"%s\"",
                            policy_keys[k].name, s);
        return 0;
}

/* Append x (its strings are copied) to the list of k, unless it is there already. */
static int add_path(struct parser *ps, enum policy_key k, struct policy_path *x, size_t off,
                    bool binds)
{
        struct policy_path_list *l = policy_field(ps->p, k);
        int r;

        if (policy_path_list_find(l, x, binds) >= 0)
                return 0; /* said twice: once is enough */
        r = check_list_size(ps, k, l->n, off);
        if (r < 0)
                return r;
        x->origin = ps->here; /* borrowed: append takes its own reference */
        r = policy_path_list_append(l, x);
        x->origin = (struct policy_origin){};
        return r < 0 ? fail(ps, off, r, "out of memory") : 0;
}

static int parse_path(struct parser *ps, enum policy_key k, const char *word, size_t woff)
{
        _cleanup_free_ char *path = NULL;
        struct policy_path x = {};
        const char *s = strip_ignore(word, &x.ignore_missing);
        int r = canonical_path(ps, k, s, woff + (size_t)(s - word), &path);

        if (r < 0)
                return r;
        x.path = path;
        return add_path(ps, k, &x, woff, false);
}

/* [-]SRC[:DST[:rbind|norbind]]; DST defaults to SRC. */
static int parse_bind(struct parser *ps, enum policy_key k, const char *word, size_t woff)
{
        _cleanup_free_ char *src = NULL, *path = NULL, *dst = NULL, *dest = NULL;
        struct policy_path x = {};
        const char *s = strip_ignore(word, &x.ignore_missing);
        const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        int r;

        src = strndup(s, c1 ? (size_t)(c1 - s) : strlen(s));
        if (!src)
                return fail(ps, woff, -ENOMEM, "out of memory");
        r = canonical_path(ps, k, src, woff + (size_t)(s - word), &path);
        if (r < 0)
                return r;
        if (c1) {
                size_t doff = woff + (size_t)(c1 + 1 - word);

                dst = strndup(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1));
                if (!dst)
                        return fail(ps, doff, -ENOMEM, "out of memory");
                r = canonical_path(ps, k, dst, doff, &dest);
                if (r < 0)
                        return r;
        }
        if (c2) {
                if (streq(c2 + 1, "norbind"))
                        x.nonrecursive = true;
                else if (!streq(c2 + 1, "rbind"))
                        return fail(ps, woff + (size_t)(c2 + 1 - word), -EINVAL,
                                    "%s= options are rbind or norbind, not \"%s\"",
                                    policy_keys[k].name, c2 + 1);
        }
        x.path = path;
        x.dest = dest ? dest : path;
        return add_path(ps, k, &x, woff, true);
}

static int parse_paths(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        struct words w = {value, 0, voff};
        size_t woff = 0;
        int r;

        for (;;) {
                _cleanup_free_ char *word = NULL;

                r = next_word(ps, &w, &word, &woff);
                if (r <= 0)
                        return r;
                if (policy_keys[k].type == VT_BINDS)
                        r = parse_bind(ps, k, word, woff);
                else
                        r = parse_path(ps, k, word, woff);
                if (r < 0)
                        return r;
        }
}

/* "~" before a list inverts it; returns the offset of what follows it. */
static size_t strip_invert(const char *value, bool *ret_invert)
{
        *ret_invert = value[0] == '~';
        return value[0] == '~' ? 1 : 0;
}

static int parse_caps(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        uint64_t *cur = policy_field(ps->p, k), mask = 0;
        bool invert;
        size_t skip = strip_invert(value, &invert), woff = 0;
        struct words w = {value + skip, 0, voff + skip};
        int r;

        for (;;) {
                _cleanup_free_ char *word = NULL;
                int c;

                r = next_word(ps, &w, &word, &woff);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                c = policy_cap_from_name(word);
                if (c < 0)
                        return fail(ps, woff, -EINVAL, "unknown capability \"%s\" in %s=", word,
                                    policy_keys[k].name);
                mask |= UINT64_C(1) << c;
        }
        /* systemd: the first assignment sets, later ones add (or, with "~", take away). */
        if (!policy_is_set(ps->p, k))
                *cur = invert ? POLICY_CAP_ALL & ~mask : mask;
        else if (invert)
                *cur &= ~mask;
        else
                *cur |= mask;
        return 0;
}

/* A growing array of borrowed names (group members are static, words are kept in owned). */
struct name_list {
        const char **v;
        size_t n, cap;
};

static int name_list_add(struct name_list *l, const char *s)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                const char **v = reallocarray(l->v, cap, sizeof(char *));
                if (!v)
                        return -ENOMEM;
                l->v = v;
                l->cap = cap;
        }
        l->v[l->n++] = s;
        return 0;
}

static int cmp_name(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int parse_syscalls(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        struct policy_syscalls *cur = policy_field(ps->p, k);
        struct name_list add = {}, owned = {}, merged = {};
        char **set = NULL;
        size_t n_set = 0, skip, woff = 0, u = 0;
        bool invert, allow;
        int r;

        skip = strip_invert(value, &invert);
        struct words w = {value + skip, 0, voff + skip};
        for (;;) {
                _cleanup_free_ char *word = NULL;
                const struct policy_syscall_group *g;

                r = next_word(ps, &w, &word, &woff);
                if (r <= 0)
                        break;
                if (word[0] == '@') {
                        g = policy_syscall_group_find(word);
                        if (!g) {
                                r = fail(ps, woff, -EINVAL,
                                         "unknown system call group \"%s\" in %s=", word,
                                         policy_keys[k].name);
                                break;
                        }
                        for (const char *const *x = g->members; r >= 0 && *x; x++)
                                r = name_list_add(&add, *x);
                } else if ((r = policy_syscall_name_valid(word)) <= 0) {
                        r = r < 0
                                ? fail(ps, woff, r,
                                       "cannot check system call names in %s=: libseccomp "
                                       "(libseccomp.so.2) cannot be loaded",
                                       policy_keys[k].name)
                                : fail(ps, woff, -EINVAL, "unknown system call \"%s\" in %s=", word,
                                       policy_keys[k].name);
                        break;
                } else {
                        r = name_list_add(&owned, word);
                        if (r >= 0) {
                                const char *name = TAKE_PTR(word); /* owned now */
                                r = name_list_add(&add, name);
                        }
                }
                if (r < 0) {
                        r = fail(ps, woff, r, "out of memory");
                        break;
                }
        }
        if (r < 0)
                goto finish;

        /* sorted and unique, so what follows is n log n however often a group is repeated */
        if (add.n > 0)
                qsort(add.v, add.n, sizeof(char *), cmp_name);
        for (size_t i = 0; i < add.n; i++)
                if (u == 0 || !streq(add.v[u - 1], add.v[i]))
                        add.v[u++] = add.v[i];
        add.n = u;

        if (!policy_is_set(ps->p, k)) {
                /* The first assignment decides: an allow-list, or with "~" a deny-list. */
                allow = !invert;
                r = policy_names_to_set((char *const *)add.v, add.n, &set, &n_set);
        } else if (cur->allow_list == !invert) {
                /* same polarity as the first assignment: add to the set */
                allow = cur->allow_list;
                for (size_t i = 0; r >= 0 && i < cur->n; i++)
                        r = name_list_add(&merged, cur->names[i]);
                for (size_t i = 0; r >= 0 && i < add.n; i++)
                        r = name_list_add(&merged, add.v[i]);
                if (r >= 0)
                        r = policy_names_to_set((char *const *)merged.v, merged.n, &set, &n_set);
        } else {
                /* the other polarity takes names away again (systemd) */
                allow = cur->allow_list;
                for (size_t i = 0; r >= 0 && i < cur->n; i++)
                        if (add.n == 0 ||
                            !bsearch(&cur->names[i], add.v, add.n, sizeof(char *), cmp_name))
                                r = name_list_add(&merged, cur->names[i]);
                if (r >= 0)
                        r = policy_names_to_set((char *const *)merged.v, merged.n, &set, &n_set);
        }
        if (r < 0) {
                r = fail(ps, voff, r, "out of memory");
                goto finish;
        }
        policy_syscalls_clear(cur);
        *cur = (struct policy_syscalls){.allow_list = allow, .names = set, .n = n_set};
        r = 0;
finish:
        for (size_t i = 0; i < owned.n; i++)
                free((char *)owned.v[i]);
        free(owned.v);
        free(add.v);
        free(merged.v);
        return r;
}

static int parse_namespaces(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        unsigned *cur = policy_field(ps->p, k), mask = 0;
        int b = policy_parse_boolean(value), r;
        bool invert;
        size_t skip = strip_invert(value, &invert), woff = 0;
        struct words w = {value + skip, 0, voff + skip};

        if (b >= 0) {
                /* yes: restrict all (none allowed); no: restrict none */
                *cur = b ? 0 : POLICY_NS_ALL;
                return 0;
        }
        for (;;) {
                _cleanup_free_ char *word = NULL;
                int ns;

                r = next_word(ps, &w, &word, &woff);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                ns = policy_namespace_from_name(word);
                if (ns < 0)
                        return fail(ps, woff, -EINVAL,
                                    "unknown namespace type \"%s\" in %s= (cgroup ipc net mnt pid "
                                    "user uts, or yes/no)",
                                    word, policy_keys[k].name);
                mask |= (unsigned)ns;
        }
        if (!policy_is_set(ps->p, k))
                *cur = invert ? POLICY_NS_ALL & ~mask : mask;
        else if (invert)
                *cur &= ~mask;
        else
                *cur |= mask;
        return 0;
}

static int parse_env(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        struct policy_env_list *l = policy_field(ps->p, k);
        struct words w = {value, 0, voff};
        size_t woff = 0;
        int r;

        for (;;) {
                _cleanup_free_ char *word = NULL;
                char *eq;

                r = next_word(ps, &w, &word, &woff);
                if (r <= 0)
                        return r;
                eq = strchr(word, '=');
                if (eq)
                        *eq = '\0';
                if (!eq || !policy_env_name_valid(word))
                        return fail(ps, woff, -EINVAL,
                                    "%s= takes NAME=VALUE with NAME of letters, digits and '_', "
                                    "not starting with a digit",
                                    policy_keys[k].name);
                if (policy_env_list_find(l, word) < 0) {
                        r = check_list_size(ps, k, l->n, woff);
                        if (r < 0)
                                return r;
                }
                if (policy_env_list_set(l, word, eq + 1, &ps->here) < 0)
                        return fail(ps, woff, -ENOMEM, "out of memory");
        }
}

/* Home=DIR[:ro|:rw] ...: subdirectories of the home, read-only unless ":rw" says otherwise. */
static int parse_home(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        struct policy_path_list *l = policy_field(ps->p, k);
        struct words w = {value, 0, voff};
        size_t woff = 0;
        int r;

        for (;;) {
                _cleanup_free_ char *word = NULL, *dir = NULL;
                struct policy_path x = {.read_only = true};
                size_t len;
                ssize_t i;

                r = next_word(ps, &w, &word, &woff);
                if (r <= 0)
                        return r;
                len = strlen(word);
                if (len > 3 && (streq(word + len - 3, ":ro") || streq(word + len - 3, ":rw"))) {
                        x.read_only = word[len - 1] == 'o';
                        word[len - 3] = '\0';
                } else if (strchr(word, ':')) {
                        return fail(ps, woff + (size_t)(strrchr(word, ':') - word), -EINVAL,
                                    "%s= entries are DIR, DIR:ro or DIR:rw, not \"%s\"",
                                    policy_keys[k].name, word);
                }
                r = policy_home_dir_canonicalize(word, &dir);
                if (r == -ENOMEM)
                        return fail(ps, woff, r, "out of memory");
                if (r < 0)
                        return fail(ps, woff, -EINVAL,
                                    "%s= takes directories relative to the home (\"Downloads\", "
                                    "not \"/home/me/Downloads\" or \"~/Downloads\"), without "
                                    "\".\" or \"..\": \"%s\"",
                                    policy_keys[k].name, word);
                x.path = dir;
                i = policy_path_list_find(l, &x, false);
                if (i >= 0) {
                        /* said twice: the read-only one counts */
                        l->items[i].read_only = l->items[i].read_only || x.read_only;
                        continue;
                }
                r = add_path(ps, k, &x, woff, false);
                if (r < 0)
                        return r;
        }
}

static int parse_scalar(struct parser *ps, enum policy_key k, const char *value, size_t voff)
{
        const struct policy_key_info *ki = &policy_keys[k];
        void *f = policy_field(ps->p, k);
        const char *expect = "";
        int r = 0;

        switch (ki->type) {
        case VT_STRING:
                *(char **)f = strdup(value);
                return *(char **)f ? 0 : fail(ps, voff, -ENOMEM, "out of memory");
        case VT_MEMORY:
                r = policy_parse_memory(value, f);
                expect = "a size in bytes with an optional K, M, G, T, P or E suffix (1024-based), "
                         "a percentage of RAM up to 100%, or infinity";
                break;
        case VT_TASKS:
                r = policy_parse_tasks(value, f);
                expect = "a number of tasks above 0, a percentage of the system's limit, "
                         "or infinity";
                break;
        case VT_QUOTA:
                r = policy_parse_cpu_quota(value, f);
                expect = "a percentage above 0% (100% = one CPU)";
                break;
        case VT_WEIGHT:
                r = policy_parse_weight(value, f);
                expect = "a weight from 1 to 10000";
                break;
        case VT_TIMESPAN:
                r = policy_parse_runtime(value, f);
                expect = "a time span above 0 in systemd's syntax (\"90\", \"30min\", "
                         "\"1h 30min\"; no unit = seconds), or infinity";
                break;
        case VT_BOOL:
        case VT_GRANT:
                r = policy_parse_boolean(value);
                if (r >= 0)
                        *(bool *)f = r;
                expect = "yes or no (true/false, on/off, 1/0)";
                break;
        case VT_DBUS:
                r = policy_dbus_from_string(value);
                if (r >= 0)
                        *(enum policy_dbus *)f = r;
                expect = "none or filter";
                break;
        case VT_PROTECT_SYSTEM:
                r = protect_system_from_string(value);
                if (r >= 0)
                        *(enum protect_system *)f = r;
                expect = "no, yes, full or strict";
                break;
        case VT_PROTECT_HOME:
                r = protect_home_from_string(value);
                if (r >= 0)
                        *(enum protect_home *)f = r;
                expect = "no, yes, read-only or tmpfs";
                break;
        case VT_ROLLBACK:
                r = policy_rollback_from_string(value);
                if (r >= 0)
                        *(enum policy_rollback *)f = r;
                expect = "yes or warn-stale (rollback protection cannot be switched off)";
                break;
        case VT_DURATION:
                r = policy_parse_duration(value, f);
                expect = "a duration from 1s to 100 years: a number of seconds with an optional "
                         "s, min, h, d or w suffix";
                break;
        case VT_NAMES:
        case VT_EXEC:
        case VT_PATHS:
        case VT_BINDS:
        case VT_CAPS:
        case VT_SYSCALLS:
        case VT_NAMESPACES:
        case VT_ENV:
        case VT_HOME:
        case VT_BUS_NAMES:
        default:
                return -EINVAL;
        }
        if (r < 0)
                return fail(ps, voff, -EINVAL, "invalid %s=%s: %s%s", ki->name, value,
                            r == -ERANGE ? "out of range; expected " : "expected ", expect);
        return 0;
}

static int apply(struct parser *ps, enum policy_key k, size_t koff, const char *value, size_t voff)
{
        const struct policy_key_info *ki = &policy_keys[k];
        bool list = policy_type_is_list(ki->type);
        int r;

        if (!list && policy_is_set(ps->p, k))
                return fail(ps, koff, -EINVAL, "duplicate %s=, already set at line %u", ki->name,
                            ps->p->origin[k].line);
        if (!value[0]) {
                if (!list)
                        return fail(ps, voff, -EINVAL, "%s= needs a value", ki->name);
                /* Empty assignment: forget what this file assigned so far (systemd). For the
                 * capability sets, the image trust sets, Home= and the D-Bus name lists the empty
                 * set is a value of its own: no capabilities, no trusted key, no allowed
                 * environment, no directory, no name. */
                policy_key_reset(ps->p, k);
                if (ki->type == VT_CAPS || ki->type == VT_KEYS || ki->type == VT_ENVS ||
                    ki->type == VT_HOME || ki->type == VT_BUS_NAMES)
                        policy_origin_set(&ps->p->origin[k], &ps->here);
                return 0;
        }
        switch (ki->type) {
        case VT_EXEC:
                r = parse_exec(ps, k, value, voff);
                break;
        case VT_PATHS:
        case VT_BINDS:
                r = parse_paths(ps, k, value, voff);
                break;
        case VT_CAPS:
                r = parse_caps(ps, k, value, voff);
                break;
        case VT_SYSCALLS:
                r = parse_syscalls(ps, k, value, voff);
                break;
        case VT_NAMESPACES:
                r = parse_namespaces(ps, k, value, voff);
                break;
        case VT_ENV:
                r = parse_env(ps, k, value, voff);
                break;
        case VT_NAMES:
        case VT_KEYS:
        case VT_ENVS:
        case VT_BUS_NAMES:
                r = parse_words(ps, k, value, voff);
                break;
        case VT_HOME:
                r = parse_home(ps, k, value, voff);
                break;
        case VT_GRANT:
        case VT_DBUS:
        case VT_STRING:
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN:
        case VT_WEIGHT:
        case VT_BOOL:
        case VT_PROTECT_SYSTEM:
        case VT_PROTECT_HOME:
        default:
                r = parse_scalar(ps, k, value, voff);
                break;
        }
        if (r < 0)
                return r;
        policy_origin_set(&ps->p->origin[k], &ps->here);
        return 0;
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t';
}

static bool section_allowed(enum policy_file_kind kind, enum policy_section s)
{
        switch (s) {
        case SECTION_MATCH:
                return kind == POLICY_KIND_POLICY;
        case SECTION_APP:
                return kind == POLICY_KIND_PROFILE || kind == POLICY_KIND_EFFECTIVE;
        case SECTION_RESOURCES:
        case SECTION_SANDBOX:
        case SECTION_IMAGES:
        case SECTION_DESKTOP:
                return true;
        case SECTION_NONE:
        default:
                return false;
        }
}

static int parse_section(struct parser *ps, char *line, size_t start, size_t end)
{
        char *name = line + start + 1;
        size_t n;
        int s;

        if (end - start < 2 || line[end - 1] != ']')
                return fail(ps, end - 1, -EINVAL, "expected ']' at the end of a section header");
        n = end - start - 2; /* without the brackets */
        line[end - 1] = '\0';
        for (size_t i = 0; i < n; i++)
                if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z')))
                        return fail(ps, start + 1 + i, -EINVAL, "invalid section name");
        s = policy_section_from_name(name);
        if (s < 0)
                return fail(
                    ps, start + 1, -EINVAL,
                    "unknown section [%s] (known: [Match] [App] [Resources] [Sandbox] [Images] "
                    "[Desktop])",
                    name);
        if (!section_allowed(ps->p->kind, s))
                return fail(ps, start + 1, -EINVAL, "section [%s] is only allowed in %s", name,
                            s == SECTION_MATCH ? "admin policies (.policy)"
                                               : "app profiles (.profile)");
        if (ps->section_line[s])
                return fail(ps, start + 1, -EINVAL, "duplicate section [%s], first at line %u",
                            name, ps->section_line[s]);
        ps->section_line[s] = ps->here.line;
        ps->section = s;
        return 0;
}

/* line: NUL-terminated, no newline, validated characters. */
static int parse_line(struct parser *ps, char *line, size_t len)
{
        size_t i = 0, end = len, kend, voff;
        char *eq;
        int k;

        while (i < end && is_blank(line[i]))
                i++;
        while (end > i && is_blank(line[end - 1]))
                end--;
        line[end] = '\0';
        if (i == end || line[i] == '#' || line[i] == ';')
                return 0;
        if (line[i] == '[') {
                if (ps->p->kind == POLICY_KIND_FLAGS)
                        return fail(ps, i, -EINVAL, "expected Key=Value");
                return parse_section(ps, line, i, end);
        }

        eq = strchr(line + i, '=');
        if (!eq)
                return fail(ps, i, -EINVAL, "expected Key=Value or [Section]");
        kend = (size_t)(eq - line);
        while (kend > i && is_blank(line[kend - 1]))
                kend--;
        if (kend == i)
                return fail(ps, i, -EINVAL, "missing key name before '='");
        line[kend] = '\0';
        voff = (size_t)(eq - line) + 1;
        while (is_blank(line[voff]))
                voff++;

        k = policy_key_from_name(line + i);
        if (k < 0) {
                for (int j = 0; j < _POLICY_KEY_MAX; j++)
                        if (strcasecmp(line + i, policy_keys[j].name) == 0)
                                return fail(ps, i, -EINVAL, "unknown key %s= (did you mean %s=?)",
                                            line + i, policy_keys[j].name);
                return fail(ps, i, -EINVAL, "unknown key %s=", line + i);
        }
        if (ps->p->kind == POLICY_KIND_FLAGS) {
                if (policy_keys[k].section != SECTION_RESOURCES &&
                    policy_keys[k].section != SECTION_SANDBOX &&
                    policy_keys[k].section != SECTION_IMAGES &&
                    policy_keys[k].section != SECTION_DESKTOP)
                        return fail(ps, i, -EINVAL, "%s= can only be set in a file",
                                    policy_keys[k].name);
        } else if (ps->section == SECTION_NONE) {
                return fail(ps, i, -EINVAL, "%s= outside of a section (it belongs in [%s])",
                            policy_keys[k].name, policy_section_name(policy_keys[k].section));
        } else if (policy_keys[k].section != ps->section) {
                if (!section_allowed(ps->p->kind, policy_keys[k].section))
                        return fail(ps, i, -EINVAL, "%s= is not allowed in this kind of file",
                                    policy_keys[k].name);
                return fail(ps, i, -EINVAL, "%s= belongs in [%s], not [%s]", policy_keys[k].name,
                            policy_section_name(policy_keys[k].section),
                            policy_section_name(ps->section));
        }
        return apply(ps, k, i, line + voff, voff);
}

/* Check one raw line for NUL bytes, control characters and invalid UTF-8. */
static int validate_line(struct parser *ps, const char *s, size_t len)
{
        for (size_t i = 0; i < len;) {
                unsigned char c = (unsigned char)s[i];
                size_t n;

                if (c == '\0')
                        return fail(ps, i, -EINVAL, "NUL byte");
                if ((c < 0x20 && c != '\t') || c == 0x7f)
                        return fail(ps, i, -EINVAL, "control character 0x%02x%s", c,
                                    c == '\r' ? " (carriage return: DOS line ends?)" : "");
                n = utf8_char_len((const unsigned char *)s + i, len - i);
                if (n == 0)
                        return fail(ps, i, -EINVAL, "invalid UTF-8");
                i += n;
        }
        return 0;
}

int policy_parse_buffer(const char *name, const char *data, size_t size, enum policy_file_kind kind,
                        struct policy **ret, unsigned *reterr_line, unsigned *reterr_column,
                        struct sb_error *e)
{
        _cleanup_policy_free_ struct policy *p = NULL;
        char line[POLICY_LINE_MAX + 1];
        struct parser ps = {.reterr_line = reterr_line, .reterr_column = reterr_column, .e = e};
        size_t pos = 0;
        int r;

        if ((unsigned)kind >= _POLICY_KIND_MAX || kind == POLICY_KIND_EFFECTIVE)
                kind = POLICY_KIND_PROFILE; /* effective policies are written as profiles */
        p = policy_new(kind, name);
        if (!p)
                return sb_error_set(e, -ENOMEM, "%s: out of memory", name);
        ps.p = p;
        ps.here.source = p->source;

        if (size > POLICY_FILE_SIZE_MAX) {
                ps.here.line = 1;
                return fail(&ps, 0, -E2BIG, "file is larger than %u bytes", POLICY_FILE_SIZE_MAX);
        }
        while (pos < size) {
                const char *nl = memchr(data + pos, '\n', size - pos);
                size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;

                ps.here.line++;
                if (len > POLICY_LINE_MAX)
                        return fail(&ps, POLICY_LINE_MAX, -E2BIG, "line longer than %u bytes",
                                    POLICY_LINE_MAX);
                r = validate_line(&ps, data + pos, len);
                if (r < 0)
                        return r;
                memcpy(line, data + pos, len);
                line[len] = '\0';
                r = parse_line(&ps, line, len);
                if (r < 0)
                        return r;
                pos += len + 1;
        }
        *ret = TAKE_PTR(p);
        return 0;
}

int policy_parse_assignment(struct policy *p, const char *assignment, const char *origin_name,
                            unsigned index, struct sb_error *e)
{
        _cleanup_policy_free_ struct policy *c = NULL;
        char line[POLICY_LINE_MAX + 1];
        struct parser ps = {.e = e};
        size_t len = strlen(assignment);
        struct policy tmp;
        int r;

        r = policy_copy(p, &c);
        if (r < 0)
                return sb_error_set(e, r, "out of memory");
        /* Flags are checked like a file's lines, with the caller's name for the origin. */
        policy_source_unref(c->source);
        c->source = policy_source_new(origin_name);
        if (!c->source)
                return sb_error_set(e, -ENOMEM, "out of memory");
        c->kind = POLICY_KIND_FLAGS;
        ps.p = c;
        ps.here = (struct policy_origin){.source = c->source, .line = index};
        ps.section = SECTION_NONE;

        if (len > POLICY_LINE_MAX)
                return fail(&ps, POLICY_LINE_MAX, -E2BIG, "longer than %u bytes", POLICY_LINE_MAX);
        r = validate_line(&ps, assignment, len);
        if (r < 0)
                return r;
        memcpy(line, assignment, len + 1);
        if (!strchr(line, '='))
                return fail(&ps, 0, -EINVAL, "expected Key=Value");
        r = parse_line(&ps, line, len);
        if (r < 0)
                return r;

        /* Commit: p takes c's values, keeps its own identity (kind and source). */
        policy_source_unref(c->source);
        c->source = policy_source_ref(p->source);
        c->kind = p->kind;
        tmp = *p;
        *p = *c;
        *c = tmp;
        return 0;
}
