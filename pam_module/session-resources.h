/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Resource limits of a confined login.
 *
 * Two places, because one is not enough:
 *  - prepare hands pam_systemd its systemd.memory_max / tasks_max / cpu_weight / io_weight data,
 *    which it puts on the session's scope when it creates the session. pam_systemd ignores a
 *    value it cannot parse without a word, so we only ever hand it numbers we produced.
 *  - enter puts the limits on user-UID.slice through the system manager. The session scope alone
 *    binds only that session: the user's own manager (user@UID.service, systemd-run --user,
 *    D-Bus activation, lingering services) runs beside it in the same slice, and only a limit on
 *    the slice, which the user cannot change, binds them all. */

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "cgroup-limits.h"

/* The pam_systemd data for l, as "name" / "value" pairs (at most 4): systemd.memory_max,
 * systemd.tasks_max, systemd.cpu_weight, systemd.io_weight, for the limits l sets. Values are
 * decimal numbers, checked against pam_systemd's ranges. Returns the number of pairs, or -ERANGE
 * with a message when a value is out of range. */
struct systemd_datum {
        const char *name;
        char value[24];
};
int resources_systemd_data(const struct limits *l, struct systemd_datum ret[static 4],
                           struct sb_error *e);

/* Check that logind placed the calling process where a limit on user-UID.slice binds it: in a
 * session of uid (sd_pid_get_session(), the session's owner checked), or in user@UID.service
 * (the systemd-user stack). ret_where (optional) receives "session 3" or "user@1000.service".
 * -EHOSTDOWN with a message naming what to fix otherwise. */
int resources_check_placement(uid_t uid, char **ret_where, struct sb_error *e);

/* SetUnitProperties(user-UID.slice, runtime) with the limits l sets, over a fresh connection to
 * the system manager (lib/cgroup: cgroup_set_slice_limits()). */
int resources_apply_slice(uid_t uid, const struct limits *l, struct sb_error *e);
