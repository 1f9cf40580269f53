/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource limits: systemd's value syntax (parsed by lib/policy, never a second parser that could
 * read "1.5G" or "150%" differently from the ceiling check) resolved to absolute numbers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup-limits.h"

#define USEC_PER_SEC UINT64_C(1000000)

bool limits_any(const struct limits *l)
{
        return l && (l->memory_max != LIMIT_UNSET || l->memory_high != LIMIT_UNSET ||
                     l->cpu_quota_per_sec_usec != LIMIT_UNSET || l->cpu_weight != LIMIT_UNSET ||
                     l->tasks_max != LIMIT_UNSET || l->io_weight != LIMIT_UNSET);
}

static int resolve_system(const struct policy_system *sys, struct policy_system *buf,
                          const struct policy_system **ret)
{
        int r;

        if (sys) {
                *ret = sys;
                return 0;
        }
        r = policy_system_detect(buf);
        if (r < 0)
                return r;
        *ret = buf;
        return 0;
}

/* CPUQuota= is kept by lib/policy in 1/10000 of a CPU; systemd and cpu.max want µs per second. */
static int cpu_quota_to_usec(const struct policy_limit *q, uint64_t *ret)
{
        uint64_t usec;

        switch (q->kind) {
        case POLICY_LIMIT_ABSOLUTE:
        case POLICY_LIMIT_PERMYRIAD:
                if (__builtin_mul_overflow(q->value, USEC_PER_SEC / 10000, &usec) ||
                    usec == LIMIT_UNSET)
                        return -ERANGE;
                if (usec == 0)
                        return -ERANGE;
                *ret = usec;
                return 0;
        case POLICY_LIMIT_UNSET:
        case POLICY_LIMIT_INFINITY:
        default:
                *ret = LIMIT_UNSET;
                return 0;
        }
}

int limits_from_policy(const struct policy *p, const struct policy_system *sys, struct limits *ret,
                       struct sb_error *e)
{
        const struct policy_system *s;
        struct policy_system buf;
        struct limits l = LIMITS_NONE;
        int r;

        r = resolve_system(sys, &buf, &s);
        if (r < 0)
                return sb_error_set(e, r,
                                    "cannot determine the machine's memory and task limit: %m");

        l.memory_max = policy_limit_resolve(&p->memory_max, s->memory_bytes);
        l.memory_high = policy_limit_resolve(&p->memory_high, s->memory_bytes);
        l.tasks_max = policy_limit_resolve(&p->tasks_max, s->tasks_max);
        if (policy_is_set(p, POLICY_CPU_WEIGHT))
                l.cpu_weight = p->cpu_weight;
        if (policy_is_set(p, POLICY_IO_WEIGHT))
                l.io_weight = p->io_weight;

        /* A limit of nothing is a configuration mistake, not a way to deny an app: systemd
         * refuses MemoryMax=0 anyway, and pids.max=0 would only make the launch fail obscurely. */
        if (l.memory_max == 0)
                return sb_error_set(e, -ERANGE, "MemoryMax= resolves to 0 bytes (set in %s:%u)",
                                    policy_origin_file(&p->origin[POLICY_MEMORY_MAX]),
                                    p->origin[POLICY_MEMORY_MAX].line);
        if (l.memory_high == 0)
                return sb_error_set(e, -ERANGE, "MemoryHigh= resolves to 0 bytes (set in %s:%u)",
                                    policy_origin_file(&p->origin[POLICY_MEMORY_HIGH]),
                                    p->origin[POLICY_MEMORY_HIGH].line);
        if (l.tasks_max == 0)
                return sb_error_set(e, -ERANGE,
                                    "TasksMax= resolves to 0 tasks on this machine (set in %s:%u)",
                                    policy_origin_file(&p->origin[POLICY_TASKS_MAX]),
                                    p->origin[POLICY_TASKS_MAX].line);
        r = cpu_quota_to_usec(&p->cpu_quota, &l.cpu_quota_per_sec_usec);
        if (r < 0)
                return sb_error_set(e, r, "CPUQuota= is out of range (set in %s:%u)",
                                    policy_origin_file(&p->origin[POLICY_CPU_QUOTA]),
                                    p->origin[POLICY_CPU_QUOTA].line);
        *ret = l;
        return 0;
}

static const enum policy_key limit_keys[] = {
    POLICY_MEMORY_MAX, POLICY_MEMORY_HIGH, POLICY_CPU_QUOTA,
    POLICY_CPU_WEIGHT, POLICY_TASKS_MAX,   POLICY_IO_WEIGHT,
};

static uint64_t *limits_field(struct limits *l, enum policy_key k)
{
        switch (k) {
        case POLICY_MEMORY_MAX:
                return &l->memory_max;
        case POLICY_MEMORY_HIGH:
                return &l->memory_high;
        case POLICY_CPU_QUOTA:
                return &l->cpu_quota_per_sec_usec;
        case POLICY_CPU_WEIGHT:
                return &l->cpu_weight;
        case POLICY_TASKS_MAX:
                return &l->tasks_max;
        case POLICY_IO_WEIGHT:
                return &l->io_weight;
        default:
                return NULL;
        }
}

int limits_set_assignment(struct limits *l, const char *assignment, const char *origin,
                          unsigned index, const struct policy_system *sys, struct sb_error *e)
{
        _cleanup_policy_free_ struct policy *p = NULL;
        const char *eq = strchr(assignment, '=');
        char name[64];
        struct limits parsed;
        int k, r;

        /* Only resource limits: lib/policy would take any [Sandbox] key here as well. */
        if (!eq || (size_t)(eq - assignment) >= sizeof(name))
                return sb_error_set(e, eq ? -ENOENT : -EINVAL,
                                    "%s:%u:1: expected Name=Value with Name one of MemoryMax, "
                                    "MemoryHigh, CPUQuota, CPUWeight, TasksMax, IOWeight",
                                    origin, index);
        memcpy(name, assignment, (size_t)(eq - assignment));
        name[eq - assignment] = '\0';
        k = policy_key_from_name(name);
        if (k < 0 || !limits_field(&parsed, (enum policy_key)k))
                return sb_error_set(e, -ENOENT,
                                    "%s:%u:1: %s is not a resource limit (MemoryMax, MemoryHigh, "
                                    "CPUQuota, CPUWeight, TasksMax, IOWeight)",
                                    origin, index, name);

        p = policy_new(POLICY_KIND_FLAGS, origin);
        if (!p)
                return sb_error_set(e, -ENOMEM, "out of memory");
        r = policy_parse_assignment(p, assignment, origin, index, e);
        if (r < 0)
                return r;
        r = limits_from_policy(p, sys, &parsed, e);
        if (r < 0)
                return r;
        *limits_field(l, (enum policy_key)k) = *limits_field(&parsed, (enum policy_key)k);
        return 0;
}

const char *limits_format_size(uint64_t bytes, char buf[static LIMITS_SIZE_STRING_MAX])
{
        static const char suffixes[] = "KMGTPE";
        int shift = 0;

        if (bytes == LIMIT_UNSET) {
                snprintf(buf, LIMITS_SIZE_STRING_MAX, "infinity");
                return buf;
        }
        /* The largest unit that divides the value exactly, so the text parses back to it. */
        for (int i = 6; i >= 1; i--)
                if (bytes != 0 && bytes % (UINT64_C(1) << (10 * i)) == 0) {
                        shift = i;
                        break;
                }
        if (shift == 0)
                snprintf(buf, LIMITS_SIZE_STRING_MAX, "%" PRIu64, bytes);
        else
                snprintf(buf, LIMITS_SIZE_STRING_MAX, "%" PRIu64 "%c", bytes >> (10 * shift),
                         suffixes[shift - 1]);
        return buf;
}

const char *limits_format(const struct limits *l, char *buf, size_t size)
{
        char tmp[LIMITS_SIZE_STRING_MAX];
        struct limits c = *l;
        size_t o = 0;

        if (size == 0)
                return buf;
        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(limit_keys); i++) {
                uint64_t v = *limits_field(&c, limit_keys[i]);
                const char *name = policy_key_name(limit_keys[i]);
                int n;

                if (v == LIMIT_UNSET)
                        continue;
                switch (limit_keys[i]) {
                case POLICY_MEMORY_MAX:
                case POLICY_MEMORY_HIGH:
                        n = snprintf(buf + o, size - o, "%s%s=%s", o ? " " : "", name,
                                     limits_format_size(v, tmp));
                        break;
                case POLICY_CPU_QUOTA: {
                        /* µs per second → percent with up to two decimals, as CPUQuota= reads. */
                        uint64_t pm = v / 100;
                        if (pm % 100 == 0)
                                n = snprintf(buf + o, size - o, "%s%s=%" PRIu64 "%%", o ? " " : "",
                                             name, pm / 100);
                        else
                                n = snprintf(buf + o, size - o, "%s%s=%" PRIu64 ".%02" PRIu64 "%%",
                                             o ? " " : "", name, pm / 100, pm % 100);
                        break;
                }
                default:
                        n = snprintf(buf + o, size - o, "%s%s=%" PRIu64, o ? " " : "", name, v);
                        break;
                }
                if (n < 0 || (size_t)n >= size - o) {
                        buf[o] = '\0'; /* never half an assignment */
                        break;
                }
                o += (size_t)n;
        }
        return buf;
}
