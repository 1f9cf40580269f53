/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Provenance: a policy written back as a policy file (each setting under a "# FILE:LINE" comment
 * naming where it was decided) and as JSON. The text form parses back to the same values; the
 * fuzzer checks that on every input it manages to parse. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "policy-internal.h"

static int put(FILE *f, const char *s)
{
        return fputs(s, f) < 0 ? -EIO : 0;
}

static int write_size(FILE *f, uint64_t v)
{
        static const char suffixes[] = "KMGTPE";
        int best = -1;

        for (int i = 0; v > 0 && i < 6; i++)
                if (v % (UINT64_C(1) << (10 * (i + 1))) == 0)
                        best = i;
        if (best < 0)
                return fprintf(f, "%" PRIu64, v) < 0 ? -EIO : 0;
        return fprintf(f, "%" PRIu64 "%c", v >> (10 * (best + 1)), suffixes[best]) < 0 ? -EIO : 0;
}

static int write_permyriad(FILE *f, uint64_t v)
{
        int r;

        if (v % 100 == 0)
                r = fprintf(f, "%" PRIu64 "%%", v / 100);
        else if (v % 10 == 0)
                r = fprintf(f, "%" PRIu64 ".%" PRIu64 "%%", v / 100, (v % 100) / 10);
        else
                r = fprintf(f, "%" PRIu64 ".%02" PRIu64 "%%", v / 100, v % 100);
        return r < 0 ? -EIO : 0;
}

/* µs as systemd spells a time span, exact: "1h 30min", "2s 500ms", "1d 3us". */
static int write_timespan(FILE *f, uint64_t usec)
{
        static const struct {
                const char *unit;
                uint64_t usec;
        } units[] = {
            {"d", UINT64_C(86400000000)}, {"h", UINT64_C(3600000000)}, {"min", UINT64_C(60000000)},
            {"s", UINT64_C(1000000)},     {"ms", UINT64_C(1000)},      {"us", UINT64_C(1)},
        };
        bool first = true;

        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                uint64_t n = usec / units[i].usec;

                if (n == 0)
                        continue;
                if (fprintf(f, "%s%" PRIu64 "%s", first ? "" : " ", n, units[i].unit) < 0)
                        return -EIO;
                usec -= n * units[i].usec;
                first = false;
        }
        return first ? put(f, "0") : 0;
}

static int write_limit(FILE *f, const struct policy_limit *l, bool sizes)
{
        switch (l->kind) {
        case POLICY_LIMIT_ABSOLUTE:
                if (sizes)
                        return write_size(f, l->value);
                return fprintf(f, "%" PRIu64, l->value) < 0 ? -EIO : 0;
        case POLICY_LIMIT_PERMYRIAD:
                return write_permyriad(f, l->value);
        case POLICY_LIMIT_INFINITY:
                return put(f, "infinity");
        case POLICY_LIMIT_UNSET:
        default:
                return 0;
        }
}

/* List values may be long; in files they are wrapped over several "Key=" lines (the list keys
 * accumulate), so no line passes WRAP_COLUMN unless one word does, and none passes
 * POLICY_LINE_MAX unless a single word is that long. */
#define WRAP_COLUMN 100

struct wrap {
        FILE *f;
        const char *key;    /* NULL: one line, no wrapping */
        const char *prefix; /* repeated on every line ("~") */
        size_t column;
        bool first;
};

static int wrap_init(struct wrap *w, FILE *f, const char *key, const char *prefix)
{
        *w = (struct wrap){f, key, prefix, (key ? strlen(key) + 1 : 0) + strlen(prefix), true};
        return put(f, prefix);
}

/* Write a word (quoted as needed) or a name, starting a new line when this one is full. */
static int wrap_word(struct wrap *w, const char *word, bool quote)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *m;
        int r;

        if (quote) {
                m = open_memstream(&buf, &size);
                if (!m)
                        return -ENOMEM;
                r = policy_write_word(m, word);
                if (fclose(m) != 0 || r < 0) {
                        free(buf);
                        return -EIO;
                }
                word = buf;
        }
        if (!w->first && w->key && w->column + 1 + strlen(word) > WRAP_COLUMN) {
                r = fprintf(w->f, "\n%s=%s", w->key, w->prefix) < 0 ? -EIO : 0;
                w->column = strlen(w->key) + 1 + strlen(w->prefix);
        } else
                r = w->first ? 0 : put(w->f, " ");
        if (r >= 0)
                r = put(w->f, word);
        w->column += strlen(word) + (w->first ? 0 : 1);
        w->first = false;
        free(buf);
        return r;
}

static int write_words(FILE *f, char *const *l, const char *wrap_key)
{
        struct wrap w;
        int r = wrap_init(&w, f, wrap_key, "");

        for (size_t i = 0; r >= 0 && l && l[i]; i++)
                r = wrap_word(&w, l[i], true);
        return r;
}

char *policy_format_bind(const struct policy_path *x)
{
        char *s = NULL;
        bool dest = x->dest && (!streq(x->dest, x->path) || x->nonrecursive);

        if (asprintf(&s, "%s%s%s%s%s", x->ignore_missing ? "-" : "", x->path, dest ? ":" : "",
                     dest ? x->dest : "", x->nonrecursive ? ":norbind" : "") < 0)
                return NULL;
        return s;
}

/* Item i of a list value (Paths, Binds, Home, Environment) as the word a file would hold. */
static int list_item_word(enum policy_value_type t, const void *v, size_t i, char **ret)
{
        const struct policy_path *x = NULL;
        int r = 0;

        if (t != VT_ENV)
                x = &((const struct policy_path_list *)v)->items[i];
        switch (t) {
        case VT_PATHS:
                r = asprintf(ret, "%s%s", x->ignore_missing ? "-" : "", x->path);
                break;
        case VT_BINDS:
                *ret = policy_format_bind(x);
                break;
        case VT_HOME:
                r = asprintf(ret, "%s:%s", x->path, x->read_only ? "ro" : "rw");
                break;
        case VT_ENV: {
                const struct policy_env *env = &((const struct policy_env_list *)v)->items[i];
                r = asprintf(ret, "%s=%s", env->name, env->value);
                break;
        }
        default:
                return -EINVAL;
        }
        return r < 0 || !*ret ? -ENOMEM : 0;
}

/* A list value on one line, or only its item index (>= 0): what a file would say. */
static int write_list_items(FILE *f, enum policy_value_type t, const void *v, ssize_t index)
{
        size_t n = t == VT_ENV ? ((const struct policy_env_list *)v)->n
                               : ((const struct policy_path_list *)v)->n;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_free_ char *s = NULL;

                if (index >= 0 && (size_t)index != i)
                        continue;
                if (index < 0 && i > 0)
                        r = put(f, " ");
                if (r >= 0)
                        r = list_item_word(t, v, i, &s);
                if (r >= 0)
                        r = policy_write_word(f, s);
        }
        return r;
}

/* Capability names; a set with more than half of them as "~" and the ones missing. */
static int write_caps(FILE *f, uint64_t caps)
{
        bool invert = __builtin_popcountll(caps & POLICY_CAP_ALL) > POLICY_CAP_MAX / 2;
        bool first = true;

        if (invert) {
                caps = ~caps & POLICY_CAP_ALL;
                if (put(f, "~") < 0)
                        return -EIO;
        }
        for (unsigned i = 0; i < POLICY_CAP_MAX; i++) {
                if (!(caps & (UINT64_C(1) << i)))
                        continue;
                if (fprintf(f, "%s%s", first ? "" : " ", policy_cap_to_name(i)) < 0)
                        return -EIO;
                first = false;
        }
        return 0;
}

/* Names, with every group that is wholly in the set written as its @name. */
static int write_syscalls(FILE *f, const struct policy_syscalls *s, const char *wrap_key)
{
        _cleanup_free_ bool *covered = calloc(s->n + 1, sizeof(bool));
        struct wrap w;
        int r;

        if (!covered)
                return -ENOMEM;
        r = wrap_init(&w, f, wrap_key, s->allow_list ? "" : "~");
        for (size_t g = 0; r >= 0 && g < policy_syscall_groups_n; g++) {
                const struct policy_syscall_group *grp = &policy_syscall_groups[g];
                bool all = true;

                for (const char *const *m = grp->members; all && *m; m++)
                        all = policy_syscalls_contains(s, *m);
                if (!all)
                        continue;
                for (size_t i = 0; i < s->n; i++)
                        for (const char *const *m = grp->members; *m; m++)
                                if (streq(s->names[i], *m))
                                        covered[i] = true;
                r = wrap_word(&w, grp->name, false);
        }
        for (size_t i = 0; r >= 0 && i < s->n; i++)
                if (!covered[i])
                        r = wrap_word(&w, s->names[i], false);
        return r;
}

static int write_namespaces(FILE *f, unsigned allowed)
{
        bool first = true;

        if (allowed == 0)
                return put(f, "yes"); /* restricted: nothing allowed */
        if ((allowed & POLICY_NS_ALL) == POLICY_NS_ALL)
                return put(f, "no");
        for (unsigned bit = 1; bit & POLICY_NS_ALL; bit <<= 1) {
                if (!(allowed & bit))
                        continue;
                if (fprintf(f, "%s%s", first ? "" : " ", policy_namespace_to_name(bit)) < 0)
                        return -EIO;
                first = false;
        }
        return 0;
}

/* wrap_key: wrap list values over several lines of that key (files); NULL: one line. */
static int write_value(FILE *f, const struct policy *p, enum policy_key key, ssize_t index,
                       const char *wrap_key)
{
        const void *v = policy_field_const(p, key);

        switch (policy_keys[key].type) {
        case VT_NAMES:
        case VT_KEYS:
        case VT_ENVS:
                return write_words(f, *(char *const *const *)v, wrap_key);
        case VT_ROLLBACK:
                return put(f, policy_rollback_to_string(*(const enum policy_rollback *)v));
        case VT_DURATION:
                return policy_write_duration(f, *(const uint64_t *)v);
        case VT_BUS_NAMES:
                return write_words(f, *(char *const *const *)v, wrap_key);
        case VT_GRANT:
                return put(f, *(const bool *)v ? "yes" : "no");
        case VT_DBUS:
                return put(f, policy_dbus_to_string(*(const enum policy_dbus *)v));
        case VT_HOME:
                return write_list_items(f, VT_HOME, v, index);
        case VT_EXEC:
                return write_words(f, *(char *const *const *)v, NULL); /* not a list */
        case VT_STRING:
                return put(f, *(char *const *)v ? *(char *const *)v : "");
        case VT_MEMORY:
                return write_limit(f, v, true);
        case VT_TASKS:
        case VT_QUOTA:
                return write_limit(f, v, false);
        case VT_TIMESPAN: {
                const struct policy_limit *l = v;
                return l->kind == POLICY_LIMIT_ABSOLUTE ? write_timespan(f, l->value)
                                                        : write_limit(f, l, false);
        }
        case VT_WEIGHT:
                return fprintf(f, "%" PRIu64, *(const uint64_t *)v) < 0 ? -EIO : 0;
        case VT_BOOL:
                return put(f, *(const bool *)v ? "yes" : "no");
        case VT_PROTECT_SYSTEM:
                return put(f, protect_system_to_string(*(const enum protect_system *)v));
        case VT_PROTECT_HOME:
                return put(f, protect_home_to_string(*(const enum protect_home *)v));
        case VT_PATHS:
        case VT_BINDS:
        case VT_ENV:
                return write_list_items(f, policy_keys[key].type, v, index);
        case VT_CAPS:
                return write_caps(f, *(const uint64_t *)v);
        case VT_SYSCALLS:
                return write_syscalls(f, v, wrap_key);
        case VT_NAMESPACES:
                return write_namespaces(f, *(const unsigned *)v);
        default:
                return -EINVAL;
        }
}

int policy_write_value(FILE *f, const struct policy *p, enum policy_key key, ssize_t index)
{
        return write_value(f, p, key, index, NULL);
}

char *policy_format_value(const struct policy *p, enum policy_key key)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        if ((unsigned)key >= _POLICY_KEY_MAX || !policy_is_set(p, key))
                return NULL;
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        r = policy_write_value(f, p, key, -1);
        if (fclose(f) != 0 || r < 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* ---- text ---- */

/* A file name in a comment: control characters and invalid UTF-8 (which would end the comment or
 * make the text unparsable) are shown as '?'. */
static int write_comment_name(FILE *f, const char *s)
{
        const unsigned char *c = (const unsigned char *)s;
        size_t len = strlen(s);

        for (size_t i = 0; i < len;) {
                size_t n = utf8_char_len(c + i, len - i);

                if (n == 0 || (n == 1 && (c[i] < 0x20 || c[i] == 0x7f))) {
                        if (fputc('?', f) == EOF)
                                return -EIO;
                        i++;
                        continue;
                }
                if (fwrite(c + i, 1, n, f) != n)
                        return -EIO;
                i += n;
        }
        return 0;
}

static int write_origin(FILE *f, const struct policy_origin *o)
{
        const char *file = policy_origin_file(o);

        if (!file)
                return 0;
        if (put(f, "# ") < 0 || write_comment_name(f, file) < 0)
                return -EIO;
        return fprintf(f, ":%u\n", o->line) < 0 ? -EIO : 0;
}

static int write_setting(FILE *f, const struct policy *p, enum policy_key k, ssize_t index,
                         const struct policy_origin *o)
{
        int r = write_origin(f, o);

        if (r >= 0 && fprintf(f, "%s=", policy_keys[k].name) < 0)
                r = -EIO;
        if (r >= 0)
                r = write_value(f, p, k, index, policy_keys[k].name);
        if (r >= 0)
                r = put(f, "\n");
        return r;
}

static int write_key_text(FILE *f, const struct policy *p, enum policy_key k)
{
        const struct policy_key_info *ki = &policy_keys[k];
        int r = 0;

        if (ki->type == VT_PATHS || ki->type == VT_BINDS ||
            (ki->type == VT_HOME && p->home.n > 0)) {
                const struct policy_path_list *l = policy_field_const(p, k);
                for (size_t i = 0; r >= 0 && i < l->n; i++)
                        r = write_setting(f, p, k, (ssize_t)i, &l->items[i].origin);
                return r;
        }
        if (ki->type == VT_ENV) {
                for (size_t i = 0; r >= 0 && i < p->environment.n; i++)
                        r = write_setting(f, p, k, (ssize_t)i, &p->environment.items[i].origin);
                return r;
        }
        if (ki->type == VT_SYSCALLS && p->system_call_filter.allow_list &&
            p->system_call_filter.n == 0) {
                /* An empty allow-list has no spelling of its own: allow one call, take it away. */
                r = write_origin(f, &p->origin[k]);
                if (r >= 0)
                        r = put(f, "# an empty allow-list: no system call is allowed\n"
                                   "SystemCallFilter=exit\nSystemCallFilter=~exit\n");
                return r;
        }
        return write_setting(f, p, k, -1, &p->origin[k]);
}

int policy_write_text(const struct policy *p, FILE *f)
{
        static const enum policy_section order[] = {SECTION_MATCH,     SECTION_APP,
                                                    SECTION_RESOURCES, SECTION_SANDBOX,
                                                    SECTION_IMAGES,    SECTION_DESKTOP};
        int r;

        if (p->source)
                r = put(f, "# policy from ") < 0 || write_comment_name(f, p->source->name) < 0 ||
                            put(f, "\n") < 0
                        ? -EIO
                        : 0;
        else
                r = put(f, "# effective policy; each setting is preceded by the file and line "
                           "that decided it\n");
        for (size_t s = 0; r >= 0 && s < ELEMENTSOF(order); s++) {
                bool header = false;

                for (int k = 0; r >= 0 && k < _POLICY_KEY_MAX; k++) {
                        if (policy_keys[k].section != order[s] || !policy_is_set(p, k))
                                continue;
                        if (!header && p->kind != POLICY_KIND_FLAGS)
                                r = fprintf(f, "\n[%s]\n", policy_section_name(order[s])) < 0 ? -EIO
                                                                                              : 0;
                        header = true;
                        if (r >= 0)
                                r = write_key_text(f, p, k);
                }
        }
        if (r >= 0 && fflush(f) != 0)
                r = -EIO;
        return r < 0 ? -EIO : 0;
}

/* ---- JSON ---- */

/* A JSON string (RFC 8259): quotes, backslashes and control characters escaped, invalid UTF-8
 * replaced by U+FFFD so the output is always valid JSON. */
static int json_origin(FILE *f, const struct policy_origin *o)
{
        if (!o->source)
                return 0;
        if (put(f, ", \"file\": ") < 0 || json_write_string(f, o->source->name) < 0)
                return -EIO;
        return fprintf(f, ", \"line\": %u", o->line) < 0 ? -EIO : 0;
}

static int json_strv(FILE *f, char *const *l)
{
        if (put(f, "[") < 0)
                return -EIO;
        for (size_t i = 0; l && l[i]; i++)
                if ((i > 0 && put(f, ", ") < 0) || json_write_string(f, l[i]) < 0)
                        return -EIO;
        return put(f, "]");
}

/* The text form of the value as a JSON string. */
static int json_text_value(FILE *f, const struct policy *p, enum policy_key k)
{
        _cleanup_free_ char *s = policy_format_value(p, k);

        if (!s)
                return -ENOMEM;
        return json_write_string(f, s);
}

static int json_paths(FILE *f, const struct policy_path_list *l, bool bind)
{
        if (put(f, "[") < 0)
                return -EIO;
        for (size_t i = 0; i < l->n; i++) {
                const struct policy_path *x = &l->items[i];
                int r = i > 0 ? put(f, ", ") : 0;

                if (r >= 0)
                        r = put(f, bind ? "{\"source\": " : "{\"path\": ");
                if (r >= 0)
                        r = json_write_string(f, x->path);
                if (r >= 0 && bind)
                        r = put(f, ", \"destination\": ") < 0 ||
                                    json_write_string(f, x->dest) < 0 ||
                                    fprintf(f, ", \"recursive\": %s",
                                            x->nonrecursive ? "false" : "true") < 0
                                ? -EIO
                                : 0;
                if (r >= 0)
                        r = fprintf(f, ", \"ignore_missing\": %s",
                                    x->ignore_missing ? "true" : "false") < 0
                                ? -EIO
                                : 0;
                if (r >= 0)
                        r = json_origin(f, &x->origin);
                if (r >= 0)
                        r = put(f, "}");
                if (r < 0)
                        return r;
        }
        return put(f, "]");
}

static int json_value(FILE *f, const struct policy *p, enum policy_key k)
{
        const void *v = policy_field_const(p, k);

        switch (policy_keys[k].type) {
        case VT_NAMES:
        case VT_EXEC:
        case VT_KEYS:
        case VT_ENVS:
                return json_strv(f, *(char *const *const *)v);
        case VT_ROLLBACK:
                return json_text_value(f, p, k);
        case VT_DURATION: /* seconds, a number for programs */
                return fprintf(f, "%" PRIu64, *(const uint64_t *)v) < 0 ? -EIO : 0;
        case VT_BUS_NAMES:
                return json_strv(f, *(char *const *const *)v);
        case VT_GRANT:
                return put(f, *(const bool *)v ? "true" : "false");
        case VT_DBUS:
                return json_text_value(f, p, k);
        case VT_HOME: {
                const struct policy_path_list *l = v;
                if (put(f, "[") < 0)
                        return -EIO;
                for (size_t i = 0; i < l->n; i++)
                        if ((i > 0 && put(f, ", ") < 0) || put(f, "{\"path\": ") < 0 ||
                            json_write_string(f, l->items[i].path) < 0 ||
                            fprintf(f, ", \"read_only\": %s",
                                    l->items[i].read_only ? "true" : "false") < 0 ||
                            json_origin(f, &l->items[i].origin) < 0 || put(f, "}") < 0)
                                return -EIO;
                return put(f, "]");
        }
        case VT_STRING:
                return json_write_string(f, *(char *const *)v);
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN:
        case VT_PROTECT_SYSTEM:
        case VT_PROTECT_HOME:
                return json_text_value(f, p, k);
        case VT_WEIGHT:
                return fprintf(f, "%" PRIu64, *(const uint64_t *)v) < 0 ? -EIO : 0;
        case VT_BOOL:
                return put(f, *(const bool *)v ? "true" : "false");
        case VT_PATHS:
                return json_paths(f, v, false);
        case VT_BINDS:
                return json_paths(f, v, true);
        case VT_CAPS: {
                uint64_t caps = *(const uint64_t *)v;
                bool first = true;
                if (put(f, "[") < 0)
                        return -EIO;
                for (unsigned i = 0; i < POLICY_CAP_MAX; i++) {
                        if (!(caps & (UINT64_C(1) << i)))
                                continue;
                        if ((!first && put(f, ", ") < 0) ||
                            json_write_string(f, policy_cap_to_name(i)) < 0)
                                return -EIO;
                        first = false;
                }
                return put(f, "]");
        }
        case VT_SYSCALLS: {
                const struct policy_syscalls *s = v;
                if (fprintf(f, "{\"mode\": \"%s\", \"names\": ", s->allow_list ? "allow" : "deny") <
                    0)
                        return -EIO;
                if (put(f, "[") < 0)
                        return -EIO;
                for (size_t i = 0; i < s->n; i++)
                        if ((i > 0 && put(f, ", ") < 0) || json_write_string(f, s->names[i]) < 0)
                                return -EIO;
                return put(f, "]}");
        }
        case VT_NAMESPACES: {
                unsigned allowed = *(const unsigned *)v;
                bool first = true;
                if (put(f, "{\"allowed\": [") < 0)
                        return -EIO;
                for (unsigned bit = 1; bit & POLICY_NS_ALL; bit <<= 1) {
                        if (!(allowed & bit))
                                continue;
                        if ((!first && put(f, ", ") < 0) ||
                            json_write_string(f, policy_namespace_to_name(bit)) < 0)
                                return -EIO;
                        first = false;
                }
                return put(f, "]}");
        }
        case VT_ENV: {
                const struct policy_env_list *l = v;
                if (put(f, "[") < 0)
                        return -EIO;
                for (size_t i = 0; i < l->n; i++) {
                        if ((i > 0 && put(f, ", ") < 0) || put(f, "{\"name\": ") < 0 ||
                            json_write_string(f, l->items[i].name) < 0 ||
                            put(f, ", \"value\": ") < 0 ||
                            json_write_string(f, l->items[i].value) < 0 ||
                            json_origin(f, &l->items[i].origin) < 0 || put(f, "}") < 0)
                                return -EIO;
                }
                return put(f, "]");
        }
        default:
                return -EINVAL;
        }
}

int policy_write_json(const struct policy *p, FILE *f)
{
        bool first = true;
        int r = put(f, "{");

        for (int k = 0; r >= 0 && k < _POLICY_KEY_MAX; k++) {
                if (!policy_is_set(p, k))
                        continue;
                r = fprintf(f, "%s\n  \"%s\": {\"value\": ", first ? "" : ",",
                            policy_keys[k].name) < 0
                        ? -EIO
                        : 0;
                first = false;
                if (r >= 0)
                        r = json_value(f, p, k);
                if (r >= 0)
                        r = json_origin(f, &p->origin[k]);
                if (r >= 0)
                        r = put(f, "}");
        }
        if (r >= 0)
                r = put(f, first ? "}\n" : "\n}\n");
        if (r >= 0 && fflush(f) != 0)
                r = -EIO;
        return r < 0 ? -EIO : 0;
}
