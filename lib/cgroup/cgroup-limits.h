/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Resource limits for a sandbox's scope (or a user's slice), resolved to the absolute numbers the
 * kernel and systemd's D-Bus properties take.
 *
 * The value syntax is systemd's (systemd.resource-control(5)) and is parsed by lib/policy, so that
 * a limit given on the command line, in a policy file or here means exactly the same thing:
 *
 *   MemoryMax= MemoryHigh=   bytes with an optional K M G T P E suffix (1024-based), "N%" of the
 *                            physical RAM, or "infinity"
 *   TasksMax=                a number, "N%" of the kernel's task limit (the smaller of
 *                            kernel.threads-max and kernel.pid_max), or "infinity"
 *   CPUQuota=                "N%" of one CPU; may exceed 100% (200% = two CPUs)
 *   CPUWeight= IOWeight=     1..10000
 *
 * Percentages are resolved here, against struct policy_system (policy_system_detect()), the same
 * numbers the policy's ceiling rule compared them with. "infinity" and "not set" are the same
 * thing once resolved: no limit, LIMIT_UNSET, and no property is sent or file written for it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "policy.h"

#define LIMIT_UNSET UINT64_MAX

struct limits {
        uint64_t memory_max;             /* bytes: MemoryMax=, memory.max */
        uint64_t memory_high;            /* bytes: MemoryHigh=, memory.high */
        uint64_t cpu_quota_per_sec_usec; /* CPU time per second of wall time, µs:
                                          * CPUQuotaPerSecUSec= (CPUQuota=150% → 1500000) */
        uint64_t cpu_weight;             /* 1..10000: CPUWeight=, cpu.weight */
        uint64_t tasks_max;              /* tasks: TasksMax=, pids.max */
        uint64_t io_weight;              /* 1..10000: IOWeight=, io.weight */
};

#define LIMITS_NONE                                                                                \
        ((struct limits){                                                                          \
            .memory_max = LIMIT_UNSET,                                                             \
            .memory_high = LIMIT_UNSET,                                                            \
            .cpu_quota_per_sec_usec = LIMIT_UNSET,                                                 \
            .cpu_weight = LIMIT_UNSET,                                                             \
            .tasks_max = LIMIT_UNSET,                                                              \
            .io_weight = LIMIT_UNSET,                                                              \
        })

/* Does l set any limit at all? (A NULL l sets none.) */
bool limits_any(const struct limits *l);

/* Parse one "Name=Value" assignment of a resource limit (MemoryMax, MemoryHigh, CPUQuota,
 * CPUWeight, TasksMax, IOWeight) in systemd's syntax and set it in l; "infinity" resets it to
 * LIMIT_UNSET. The value is checked by lib/policy's parser, so errors read like its own,
 * "ORIGIN:INDEX:COLUMN: message" (for a command line: origin "command line" and the argument's
 * index). sys resolves percentages; NULL: this machine (policy_system_detect()). Errors: -ENOENT
 * for a key that is not a resource limit, -EINVAL / -ERANGE for a bad value, -ENOMEM. l is
 * unchanged on failure. */
int limits_set_assignment(struct limits *l, const char *assignment, const char *origin,
                          unsigned index, const struct policy_system *sys, struct sb_error *e);

/* The [Resources] of an (effective) policy as limits: keys the policy does not set and
 * "infinity" become LIMIT_UNSET. A memory limit that resolves to 0 bytes (MemoryMax=0, 0%) is
 * refused with -ERANGE, and so is a TasksMax= percentage that resolves to no task: neither
 * systemd nor a sandbox could do anything with them. sys: as above. */
int limits_from_policy(const struct policy *p, const struct policy_system *sys, struct limits *ret,
                       struct sb_error *e);

/* A size as the shortest exact systemd spelling: 67108864 → "64M", 1610612736 → "1536M",
 * 1000 → "1000", LIMIT_UNSET → "infinity". Returns buf. */
#define LIMITS_SIZE_STRING_MAX 24
const char *limits_format_size(uint64_t bytes, char buf[static LIMITS_SIZE_STRING_MAX]);

/* The limits l sets, as systemd assignments separated by spaces ("MemoryMax=64M TasksMax=8
 * CPUQuota=150%"), for messages; "" when none. Truncated to fit size. Returns buf. */
const char *limits_format(const struct limits *l, char *buf, size_t size);
