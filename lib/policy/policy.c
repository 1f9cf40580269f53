/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The policy object: key table, origins, lists, copy, compare, free. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"
#include "strv.h"

#define KEY(n, s, t, field)                                                                        \
        {                                                                                          \
                n, s, t, offsetof(struct policy, field)                                            \
        }

const struct policy_key_info policy_keys[_POLICY_KEY_MAX] = {
    [POLICY_USER] = KEY("User", SECTION_MATCH, VT_NAMES, match_users),
    [POLICY_GROUP] = KEY("Group", SECTION_MATCH, VT_NAMES, match_groups),
    [POLICY_EXEC] = KEY("Exec", SECTION_APP, VT_EXEC, exec),
    [POLICY_DESCRIPTION] = KEY("Description", SECTION_APP, VT_STRING, description),
    [POLICY_MEMORY_MAX] = KEY("MemoryMax", SECTION_RESOURCES, VT_MEMORY, memory_max),
    [POLICY_MEMORY_HIGH] = KEY("MemoryHigh", SECTION_RESOURCES, VT_MEMORY, memory_high),
    [POLICY_CPU_QUOTA] = KEY("CPUQuota", SECTION_RESOURCES, VT_QUOTA, cpu_quota),
    [POLICY_CPU_WEIGHT] = KEY("CPUWeight", SECTION_RESOURCES, VT_WEIGHT, cpu_weight),
    [POLICY_TASKS_MAX] = KEY("TasksMax", SECTION_RESOURCES, VT_TASKS, tasks_max),
    [POLICY_IO_WEIGHT] = KEY("IOWeight", SECTION_RESOURCES, VT_WEIGHT, io_weight),
    [POLICY_RUNTIME_MAX_SEC] = KEY("RuntimeMaxSec", SECTION_RESOURCES, VT_TIMESPAN, runtime_max),
    [POLICY_PRIVATE_NETWORK] = KEY("PrivateNetwork", SECTION_SANDBOX, VT_BOOL, private_network),
    [POLICY_PRIVATE_TMP] = KEY("PrivateTmp", SECTION_SANDBOX, VT_BOOL, private_tmp),
    [POLICY_PRIVATE_IPC] = KEY("PrivateIPC", SECTION_SANDBOX, VT_BOOL, private_ipc),
    [POLICY_PROTECT_HOSTNAME] = KEY("ProtectHostname", SECTION_SANDBOX, VT_BOOL, protect_hostname),
    [POLICY_NO_NEW_PRIVILEGES] =
        KEY("NoNewPrivileges", SECTION_SANDBOX, VT_BOOL, no_new_privileges),
    [POLICY_PROTECT_SYSTEM] =
        KEY("ProtectSystem", SECTION_SANDBOX, VT_PROTECT_SYSTEM, protect_system),
    [POLICY_PROTECT_HOME] = KEY("ProtectHome", SECTION_SANDBOX, VT_PROTECT_HOME, protect_home),
    [POLICY_READ_ONLY_PATHS] = KEY("ReadOnlyPaths", SECTION_SANDBOX, VT_PATHS, read_only_paths),
    [POLICY_READ_WRITE_PATHS] = KEY("ReadWritePaths", SECTION_SANDBOX, VT_PATHS, read_write_paths),
    [POLICY_INACCESSIBLE_PATHS] =
        KEY("InaccessiblePaths", SECTION_SANDBOX, VT_PATHS, inaccessible_paths),
    [POLICY_BIND_PATHS] = KEY("BindPaths", SECTION_SANDBOX, VT_BINDS, bind_paths),
    [POLICY_BIND_READ_ONLY_PATHS] =
        KEY("BindReadOnlyPaths", SECTION_SANDBOX, VT_BINDS, bind_read_only_paths),
    [POLICY_CAPABILITY_BOUNDING_SET] =
        KEY("CapabilityBoundingSet", SECTION_SANDBOX, VT_CAPS, capability_bounding_set),
    [POLICY_AMBIENT_CAPABILITIES] =
        KEY("AmbientCapabilities", SECTION_SANDBOX, VT_CAPS, ambient_capabilities),
    [POLICY_SYSTEM_CALL_FILTER] =
        KEY("SystemCallFilter", SECTION_SANDBOX, VT_SYSCALLS, system_call_filter),
    [POLICY_RESTRICT_NAMESPACES] =
        KEY("RestrictNamespaces", SECTION_SANDBOX, VT_NAMESPACES, restrict_namespaces),
    [POLICY_ENVIRONMENT] = KEY("Environment", SECTION_SANDBOX, VT_ENV, environment),
    [POLICY_REQUIRE_SIGNED] = KEY("RequireSigned", SECTION_IMAGES, VT_BOOL, require_signed),
    [POLICY_TRUSTED_KEYS] = KEY("TrustedKeys", SECTION_IMAGES, VT_KEYS, trusted_keys),
    [POLICY_ALLOWED_ENVIRONMENTS] =
        KEY("AllowedEnvironments", SECTION_IMAGES, VT_ENVS, allowed_environments),
    [POLICY_ROLLBACK_PROTECTION] =
        KEY("RollbackProtection", SECTION_IMAGES, VT_ROLLBACK, rollback_protection),
    [POLICY_MAX_SIGNATURE_AGE] =
        KEY("MaxSignatureAge", SECTION_IMAGES, VT_DURATION, max_signature_age),
    [POLICY_WAYLAND] = KEY("Wayland", SECTION_DESKTOP, VT_GRANT, wayland),
    [POLICY_X11] = KEY("X11", SECTION_DESKTOP, VT_GRANT, x11),
    [POLICY_AUDIO] = KEY("Audio", SECTION_DESKTOP, VT_GRANT, audio),
    [POLICY_GPU] = KEY("GPU", SECTION_DESKTOP, VT_GRANT, gpu),
    [POLICY_FONTS] = KEY("Fonts", SECTION_DESKTOP, VT_GRANT, fonts),
    [POLICY_HOME] = KEY("Home", SECTION_DESKTOP, VT_HOME, home),
    [POLICY_DBUS] = KEY("DBus", SECTION_DESKTOP, VT_DBUS, dbus),
    [POLICY_DBUS_TALK] = KEY("DBusTalk", SECTION_DESKTOP, VT_BUS_NAMES, dbus_talk),
    [POLICY_DBUS_OWN] = KEY("DBusOwn", SECTION_DESKTOP, VT_BUS_NAMES, dbus_own),
};

static const char *const section_names[_SECTION_MAX] = {
    [SECTION_NONE] = NULL,         [SECTION_MATCH] = "Match",
    [SECTION_APP] = "App",         [SECTION_RESOURCES] = "Resources",
    [SECTION_SANDBOX] = "Sandbox", [SECTION_IMAGES] = "Images",
    [SECTION_DESKTOP] = "Desktop",
};

const char *policy_section_name(enum policy_section s)
{
        return (unsigned)s < _SECTION_MAX ? section_names[s] : NULL;
}

int policy_section_from_name(const char *name)
{
        for (int i = SECTION_NONE + 1; i < _SECTION_MAX; i++)
                if (streq(name, section_names[i]))
                        return i;
        return -ENOENT;
}

const char *policy_key_name(enum policy_key key)
{
        return (unsigned)key < _POLICY_KEY_MAX ? policy_keys[key].name : NULL;
}

int policy_key_from_name(const char *name)
{
        for (int i = 0; i < _POLICY_KEY_MAX; i++)
                if (streq(name, policy_keys[i].name))
                        return i;
        return -ENOENT;
}

bool policy_type_is_list(enum policy_value_type t)
{
        switch (t) {
        case VT_NAMES:
        case VT_PATHS:
        case VT_BINDS:
        case VT_CAPS:
        case VT_SYSCALLS:
        case VT_NAMESPACES:
        case VT_ENV:
        case VT_KEYS:
        case VT_ENVS:
        case VT_HOME:
        case VT_BUS_NAMES:
                return true;
        case VT_GRANT:
        case VT_DBUS:
        case VT_EXEC:
        case VT_STRING:
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN:
        case VT_WEIGHT:
        case VT_BOOL:
        case VT_PROTECT_SYSTEM:
        case VT_PROTECT_HOME:
        case VT_ROLLBACK:
        case VT_DURATION:
                return false;
        default:
                return false;
        }
}

struct policy_source *policy_source_new(const char *name)
{
        size_t n = strlen(name);
        struct policy_source *s = malloc(sizeof(*s) + n + 1);

        if (!s)
                return NULL;
        s->n_ref = 1;
        memcpy(s->name, name, n + 1);
        return s;
}

struct policy_source *policy_source_ref(struct policy_source *s)
{
        if (s)
                s->n_ref++;
        return s;
}

struct policy_source *policy_source_unref(struct policy_source *s)
{
        if (s && --s->n_ref == 0)
                free(s);
        return NULL;
}

void policy_origin_set(struct policy_origin *o, const struct policy_origin *from)
{
        struct policy_source *old = o->source;

        o->source = policy_source_ref(from->source);
        o->line = from->line;
        policy_source_unref(old);
}

void policy_origin_clear(struct policy_origin *o)
{
        o->source = policy_source_unref(o->source);
        o->line = 0;
}

void policy_path_done(struct policy_path *x)
{
        free(x->path);
        free(x->dest);
        policy_origin_clear(&x->origin);
        *x = (struct policy_path){};
}

void policy_path_list_clear(struct policy_path_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                policy_path_done(&l->items[i]);
        free(l->items);
        *l = (struct policy_path_list){};
}

int policy_path_list_append(struct policy_path_list *l, const struct policy_path *x)
{
        struct policy_path c = {.ignore_missing = x->ignore_missing,
                                .nonrecursive = x->nonrecursive,
                                .read_only = x->read_only};
        struct policy_path *m;

        c.path = strdup(x->path);
        c.dest = x->dest ? strdup(x->dest) : NULL;
        if (!c.path || (x->dest && !c.dest)) {
                free(c.path);
                free(c.dest);
                return -ENOMEM;
        }
        m = reallocarray(l->items, l->n + 1, sizeof(*m));
        if (!m) {
                free(c.path);
                free(c.dest);
                return -ENOMEM;
        }
        policy_origin_set(&c.origin, &x->origin);
        m[l->n++] = c;
        l->items = m;
        return 0;
}

ssize_t policy_path_list_find(const struct policy_path_list *l, const struct policy_path *x,
                              bool binds)
{
        for (size_t i = 0; i < l->n; i++) {
                if (!streq(l->items[i].path, x->path))
                        continue;
                if (binds && !streq(l->items[i].dest, x->dest))
                        continue;
                return (ssize_t)i;
        }
        return -1;
}

void policy_env_list_clear(struct policy_env_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].name);
                free(l->items[i].value);
                policy_origin_clear(&l->items[i].origin);
        }
        free(l->items);
        *l = (struct policy_env_list){};
}

ssize_t policy_env_list_find(const struct policy_env_list *l, const char *name)
{
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].name, name))
                        return (ssize_t)i;
        return -1;
}

int policy_env_list_set(struct policy_env_list *l, const char *name, const char *value,
                        const struct policy_origin *origin)
{
        ssize_t i = policy_env_list_find(l, name);
        char *v = strdup(value);

        if (!v)
                return -ENOMEM;
        if (i >= 0) {
                free(l->items[i].value);
                l->items[i].value = v;
                policy_origin_set(&l->items[i].origin, origin);
                return 0;
        }

        char *n = strdup(name);
        struct policy_env *m = n ? reallocarray(l->items, l->n + 1, sizeof(*m)) : NULL;
        if (!m) {
                free(n);
                free(v);
                return -ENOMEM;
        }
        m[l->n] = (struct policy_env){.name = n, .value = v};
        policy_origin_set(&m[l->n].origin, origin);
        l->n++;
        l->items = m;
        return 0;
}

void policy_syscalls_clear(struct policy_syscalls *s)
{
        for (size_t i = 0; i < s->n; i++)
                free(s->names[i]);
        free(s->names);
        *s = (struct policy_syscalls){};
}

static int cmp_strp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int policy_names_to_set(char *const *names, size_t n, char ***ret, size_t *ret_n)
{
        char **s = calloc(n + 1, sizeof(char *));
        size_t k = 0;

        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                s[i] = strdup(names[i]);
                if (!s[i]) {
                        strv_free(s);
                        return -ENOMEM;
                }
        }
        qsort(s, n, sizeof(char *), cmp_strp);
        for (size_t i = 0; i < n; i++) {
                char *t = s[i];

                s[i] = NULL;
                if (k > 0 && streq(s[k - 1], t))
                        free(t);
                else
                        s[k++] = t; /* k <= i: a slot already emptied */
        }
        s[k] = NULL;
        *ret = s;
        *ret_n = k;
        return 0;
}

int policy_syscalls_copy(const struct policy_syscalls *s, struct policy_syscalls *ret)
{
        struct policy_syscalls c = {.allow_list = s->allow_list};
        int r = policy_names_to_set(s->names, s->n, &c.names, &c.n);

        if (r < 0)
                return r;
        *ret = c;
        return 0;
}

bool policy_syscalls_contains(const struct policy_syscalls *s, const char *name)
{
        return s->n > 0 && bsearch(&name, s->names, s->n, sizeof(char *), cmp_strp) != NULL;
}

struct policy *policy_new(enum policy_file_kind kind, const char *source)
{
        struct policy *p = calloc(1, sizeof(*p));

        if (!p)
                return NULL;
        p->kind = kind;
        if (source) {
                p->source = policy_source_new(source);
                if (!p->source) {
                        free(p);
                        return NULL;
                }
        }
        return p;
}

void policy_key_reset(struct policy *p, enum policy_key k)
{
        void *f = policy_field(p, k);

        switch (policy_keys[k].type) {
        case VT_NAMES:
        case VT_EXEC:
        case VT_KEYS:
        case VT_ENVS:
        case VT_BUS_NAMES:
                *(char ***)f = strv_free(*(char ***)f);
                break;
        case VT_ROLLBACK:
                *(enum policy_rollback *)f = POLICY_ROLLBACK_WARN_STALE;
                break;
        case VT_DURATION:
                *(uint64_t *)f = 0;
                break;
        case VT_DBUS:
                *(enum policy_dbus *)f = POLICY_DBUS_NONE;
                break;
        case VT_STRING:
                free(*(char **)f);
                *(char **)f = NULL;
                break;
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN:
                *(struct policy_limit *)f = (struct policy_limit){};
                break;
        case VT_WEIGHT:
        case VT_CAPS:
                *(uint64_t *)f = 0;
                break;
        case VT_BOOL:
        case VT_GRANT:
                *(bool *)f = false;
                break;
        case VT_PROTECT_SYSTEM:
                *(enum protect_system *)f = PROTECT_SYSTEM_NO;
                break;
        case VT_PROTECT_HOME:
                *(enum protect_home *)f = PROTECT_HOME_NO;
                break;
        case VT_PATHS:
        case VT_BINDS:
        case VT_HOME:
                policy_path_list_clear(f);
                break;
        case VT_SYSCALLS:
                policy_syscalls_clear(f);
                break;
        case VT_NAMESPACES:
                *(unsigned *)f = 0;
                break;
        case VT_ENV:
                policy_env_list_clear(f);
                break;
        default:
                break;
        }
        policy_origin_clear(&p->origin[k]);
}

struct policy *policy_free(struct policy *p)
{
        if (!p)
                return NULL;
        for (int k = 0; k < _POLICY_KEY_MAX; k++)
                policy_key_reset(p, k);
        policy_source_unref(p->source);
        free(p);
        return NULL;
}

static int strv_copy(char *const *l, char ***ret)
{
        _cleanup_strv_free_ char **c = NULL;

        if (!l) {
                *ret = NULL;
                return 0;
        }
        c = calloc(strv_length(l) + 1, sizeof(char *));
        if (!c)
                return -ENOMEM;
        for (size_t i = 0; l[i]; i++) {
                c[i] = strdup(l[i]);
                if (!c[i])
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

static int copy_value(struct policy *dst, const struct policy *src, enum policy_key k)
{
        const void *from = policy_field_const(src, k);
        void *to = policy_field(dst, k);
        int r;

        switch (policy_keys[k].type) {
        case VT_NAMES:
        case VT_EXEC:
        case VT_KEYS:
        case VT_ENVS:
        case VT_BUS_NAMES:
                return strv_copy(*(char *const *const *)from, to);
        case VT_ROLLBACK:
                *(enum policy_rollback *)to = *(const enum policy_rollback *)from;
                return 0;
        case VT_DURATION:
                *(uint64_t *)to = *(const uint64_t *)from;
                return 0;
        case VT_STRING:
                if (*(char *const *)from) {
                        *(char **)to = strdup(*(char *const *)from);
                        if (!*(char **)to)
                                return -ENOMEM;
                }
                return 0;
        case VT_PATHS:
        case VT_BINDS:
        case VT_HOME: {
                const struct policy_path_list *l = from;
                for (size_t i = 0; i < l->n; i++) {
                        r = policy_path_list_append(to, &l->items[i]);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        case VT_SYSCALLS:
                return policy_syscalls_copy(from, to);
        case VT_ENV: {
                const struct policy_env_list *l = from;
                for (size_t i = 0; i < l->n; i++) {
                        r = policy_env_list_set(to, l->items[i].name, l->items[i].value,
                                                &l->items[i].origin);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN:
                *(struct policy_limit *)to = *(const struct policy_limit *)from;
                return 0;
        case VT_WEIGHT:
        case VT_CAPS:
                *(uint64_t *)to = *(const uint64_t *)from;
                return 0;
        case VT_BOOL:
        case VT_GRANT:
                *(bool *)to = *(const bool *)from;
                return 0;
        case VT_DBUS:
                *(enum policy_dbus *)to = *(const enum policy_dbus *)from;
                return 0;
        case VT_PROTECT_SYSTEM:
                *(enum protect_system *)to = *(const enum protect_system *)from;
                return 0;
        case VT_PROTECT_HOME:
                *(enum protect_home *)to = *(const enum protect_home *)from;
                return 0;
        case VT_NAMESPACES:
                *(unsigned *)to = *(const unsigned *)from;
                return 0;
        default:
                return -EINVAL;
        }
}

int policy_copy_key(struct policy *dst, const struct policy *src, enum policy_key k)
{
        int r;

        policy_key_reset(dst, k);
        if (!policy_is_set(src, k))
                return 0;
        r = copy_value(dst, src, k);
        if (r < 0) {
                policy_key_reset(dst, k);
                return r;
        }
        policy_origin_set(&dst->origin[k], &src->origin[k]);
        return 0;
}

int policy_copy(const struct policy *p, struct policy **ret)
{
        _cleanup_policy_free_ struct policy *c = policy_new(p->kind, NULL);
        int r;

        if (!c)
                return -ENOMEM;
        c->source = policy_source_ref(p->source);
        for (int k = 0; k < _POLICY_KEY_MAX; k++) {
                r = policy_copy_key(c, p, k);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

bool policy_strv_equal(char *const *a, char *const *b)
{
        size_t n = strv_length(a);

        if (n != strv_length(b))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!streq(a[i], b[i]))
                        return false;
        return true;
}

static bool str_equal_null(const char *a, const char *b)
{
        return (!a && !b) || (a && b && streq(a, b));
}

static bool key_equal(const struct policy *a, const struct policy *b, enum policy_key k)
{
        const void *x = policy_field_const(a, k), *y = policy_field_const(b, k);

        switch (policy_keys[k].type) {
        case VT_NAMES:
        case VT_EXEC:
        case VT_KEYS:
        case VT_ENVS:
        case VT_BUS_NAMES:
                return policy_strv_equal(*(char *const *const *)x, *(char *const *const *)y);
        case VT_ROLLBACK:
                return *(const enum policy_rollback *)x == *(const enum policy_rollback *)y;
        case VT_DURATION:
                return *(const uint64_t *)x == *(const uint64_t *)y;
        case VT_STRING:
                return str_equal_null(*(char *const *)x, *(char *const *)y);
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN: {
                const struct policy_limit *l = x, *m = y;
                return l->kind == m->kind && l->value == m->value;
        }
        case VT_WEIGHT:
        case VT_CAPS:
                return *(const uint64_t *)x == *(const uint64_t *)y;
        case VT_BOOL:
        case VT_GRANT:
                return *(const bool *)x == *(const bool *)y;
        case VT_DBUS:
                return *(const enum policy_dbus *)x == *(const enum policy_dbus *)y;
        case VT_PROTECT_SYSTEM:
                return *(const enum protect_system *)x == *(const enum protect_system *)y;
        case VT_PROTECT_HOME:
                return *(const enum protect_home *)x == *(const enum protect_home *)y;
        case VT_NAMESPACES:
                return *(const unsigned *)x == *(const unsigned *)y;
        case VT_PATHS:
        case VT_BINDS:
        case VT_HOME: {
                const struct policy_path_list *l = x, *m = y;
                if (l->n != m->n)
                        return false;
                for (size_t i = 0; i < l->n; i++)
                        if (!streq(l->items[i].path, m->items[i].path) ||
                            !str_equal_null(l->items[i].dest, m->items[i].dest) ||
                            l->items[i].ignore_missing != m->items[i].ignore_missing ||
                            l->items[i].nonrecursive != m->items[i].nonrecursive ||
                            l->items[i].read_only != m->items[i].read_only)
                                return false;
                return true;
        }
        case VT_SYSCALLS: {
                const struct policy_syscalls *l = x, *m = y;
                if (l->allow_list != m->allow_list || l->n != m->n)
                        return false;
                for (size_t i = 0; i < l->n; i++)
                        if (!streq(l->names[i], m->names[i]))
                                return false;
                return true;
        }
        case VT_ENV: {
                const struct policy_env_list *l = x, *m = y;
                if (l->n != m->n)
                        return false;
                for (size_t i = 0; i < l->n; i++)
                        if (!streq(l->items[i].name, m->items[i].name) ||
                            !streq(l->items[i].value, m->items[i].value))
                                return false;
                return true;
        }
        default:
                return false;
        }
}

bool policy_equal(const struct policy *a, const struct policy *b)
{
        for (int k = 0; k < _POLICY_KEY_MAX; k++) {
                if (policy_is_set(a, k) != policy_is_set(b, k))
                        return false;
                if (policy_is_set(a, k) && !key_equal(a, b, k))
                        return false;
        }
        return true;
}

bool policy_image_require_signed(const struct policy *p)
{
        return policy_is_set(p, POLICY_REQUIRE_SIGNED) ? p->require_signed : true;
}

enum policy_rollback policy_image_rollback(const struct policy *p)
{
        return policy_is_set(p, POLICY_ROLLBACK_PROTECTION) ? p->rollback_protection
                                                            : POLICY_ROLLBACK_YES;
}

char *const *policy_image_trusted_keys(const struct policy *p)
{
        static char *const none[] = {NULL};

        if (!policy_is_set(p, POLICY_TRUSTED_KEYS))
                return NULL;
        return p->trusted_keys ? p->trusted_keys : none;
}

bool policy_image_user_keys(const struct policy *p)
{
        return policy_is_set(p, POLICY_TRUSTED_KEYS) &&
               strv_find(p->trusted_keys, POLICY_KEYS_USER) >= 0;
}
