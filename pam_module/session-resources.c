/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "sd-dl.h"
#include "session-resources.h"

/* pam_systemd's (and systemd's) range of CPUWeight= and IOWeight=. */
#define WEIGHT_MIN 1
#define WEIGHT_MAX 10000

int resources_systemd_data(const struct limits *l, uint64_t runtime_max_usec,
                           struct systemd_datum ret[static SYSTEMD_DATA_MAX], struct sb_error *e)
{
        const struct {
                const char *name;
                uint64_t value;
                uint64_t min, max;
        } table[] = {
            {"systemd.memory_max", l->memory_max, 1, UINT64_MAX - 1},
            {"systemd.tasks_max", l->tasks_max, 1, UINT64_MAX - 1},
            {"systemd.cpu_weight", l->cpu_weight, WEIGHT_MIN, WEIGHT_MAX},
            {"systemd.io_weight", l->io_weight, WEIGHT_MIN, WEIGHT_MAX},
        };
        int n = 0;

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                if (table[i].value == LIMIT_UNSET)
                        continue;
                if (table[i].value < table[i].min || table[i].value > table[i].max)
                        return sb_error_set(e, -ERANGE, "%s: %" PRIu64 " is out of range",
                                            table[i].name, table[i].value);
                ret[n].name = table[i].name;
                snprintf(ret[n].value, sizeof(ret[n].value), "%" PRIu64, table[i].value);
                n++;
        }
        /* pam_systemd reads it with parse_sec(): a count of µs with their unit is exact. */
        if (runtime_max_usec != LIMIT_UNSET) {
                if (runtime_max_usec == 0)
                        return sb_error_set(e, -ERANGE,
                                            "systemd.runtime_max_sec: 0 is out of range");
                ret[n].name = "systemd.runtime_max_sec";
                snprintf(ret[n].value, sizeof(ret[n].value), "%" PRIu64 "us", runtime_max_usec);
                n++;
        }
        return n;
}

uint64_t resources_runtime_max_usec(const struct policy *p)
{
        if (!policy_is_set(p, POLICY_RUNTIME_MAX_SEC) ||
            p->runtime_max.kind != POLICY_LIMIT_ABSOLUTE)
                return LIMIT_UNSET;
        return p->runtime_max.value;
}

int session_of_self(char **ret)
{
        int r;

        if (!sd_dl_booted())
                return -ENODATA; /* no logind, so no session, and no libsystemd to load */
        r = sd_dl_open();
        if (r < 0)
                return r;
        return sym_sd_pid_get_session(0, ret);
}

int unit_of_self(char **ret)
{
        int r;

        if (!sd_dl_booted())
                return -ENODATA;
        r = sd_dl_open();
        if (r < 0)
                return r;
        return sym_sd_pid_get_unit(0, ret);
}

int resources_check_placement(uid_t uid, char **ret_where, struct sb_error *e)
{
        _cleanup_free_ char *session = NULL, *unit = NULL, *expected = NULL, *where = NULL;
        uid_t owner;
        int r;

        r = session_of_self(&session);
        if (r >= 0) {
                r = (sd_dl_open() < 0 ? -EOPNOTSUPP : sym_sd_session_get_uid(session, &owner));
                if (r < 0)
                        return sb_error_set(e, -EHOSTDOWN,
                                            "logind does not know the owner of session %s: %s",
                                            session, strerror(-r));
                if (owner != uid)
                        return sb_error_set(e, -EHOSTDOWN,
                                            "this process is in session %s of uid %u, not of "
                                            "uid %u",
                                            session, (unsigned)owner, (unsigned)uid);
                if (asprintf(&where, "session %s", session) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        } else {
                /* The systemd-user stack: systemd runs it in the user's manager unit, which is in
                 * user-UID.slice too. */
                if (asprintf(&expected, "user@%u.service", (unsigned)uid) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                if (unit_of_self(&unit) < 0 || !streq(unit, expected))
                        return sb_error_set(
                            e, -EHOSTDOWN,
                            "logind did not place this process in a session (sd_pid_get_session: "
                            "%s), so the policy's resource limits could not bind the user: put "
                            "pam_systemd.so before pam_sandbox.so phase=enter and make sure "
                            "systemd-logind runs",
                            strerror(-r));
                where = TAKE_PTR(expected);
        }
        if (ret_where)
                *ret_where = TAKE_PTR(where);
        return 0;
}

int resources_check_runtime(const struct policy *p, struct sb_error *e)
{
        _cleanup_free_ char *session = NULL, *unit = NULL;
        uint64_t want = resources_runtime_max_usec(p), have;
        int r;

        if (want == LIMIT_UNSET || session_of_self(&session) < 0)
                return 0;
        r = unit_of_self(&unit);
        if (r < 0)
                return sb_error_set(e, r, "cannot find the unit of session %s: %s", session,
                                    strerror(-r));
        r = cgroup_get_scope_runtime_max(unit, &have, e);
        if (r < 0)
                return r;
        if (have > want)
                return sb_error_set(e, -EPERM,
                                    "%s has RuntimeMaxUSec=%" PRIu64 ", not the policy's %" PRIu64
                                    " (RuntimeMaxSec=, set in %s:%u): put pam_sandbox.so "
                                    "phase=prepare before pam_systemd.so, whose "
                                    "systemd.runtime_max_sec sets it",
                                    unit, have, want,
                                    policy_origin_file(&p->origin[POLICY_RUNTIME_MAX_SEC]),
                                    p->origin[POLICY_RUNTIME_MAX_SEC].line);
        return 1;
}

int resources_apply_slice(uid_t uid, const struct limits *l, struct sb_error *e)
{
        char slice[64];

        snprintf(slice, sizeof(slice), "user-%u.slice", (unsigned)uid);
        return cgroup_set_slice_limits(slice, l, e);
}
