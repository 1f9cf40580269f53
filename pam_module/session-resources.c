/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-login.h>

#include "cgroup.h"
#include "session-resources.h"

/* pam_systemd's (and systemd's) range of CPUWeight= and IOWeight=. */
#define WEIGHT_MIN 1
#define WEIGHT_MAX 10000

int resources_systemd_data(const struct limits *l, struct systemd_datum ret[static 4],
                           struct sb_error *e)
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
        return n;
}

int resources_check_placement(uid_t uid, char **ret_where, struct sb_error *e)
{
        _cleanup_free_ char *session = NULL, *unit = NULL, *expected = NULL, *where = NULL;
        uid_t owner;
        int r;

        r = sd_pid_get_session(0, &session);
        if (r >= 0) {
                r = sd_session_get_uid(session, &owner);
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
                if (sd_pid_get_unit(0, &unit) < 0 || !streq(unit, expected))
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

int resources_apply_slice(uid_t uid, const struct limits *l, struct sb_error *e)
{
        char slice[64];

        snprintf(slice, sizeof(slice), "user-%u.slice", (unsigned)uid);
        return cgroup_set_slice_limits(slice, l, e);
}
