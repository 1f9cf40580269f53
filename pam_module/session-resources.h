/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Resource limits of a confined login.
 *
 * Two places, because one is not enough:
 *  - prepare hands pam_systemd its systemd.memory_max / tasks_max / cpu_weight / io_weight /
 *    runtime_max_sec data, which it puts on the session's scope when it creates the session
 *    (RuntimeMaxSec= has no meaning on a slice: it is the session's lifetime, and only there).
 * pam_systemd ignores a value it cannot parse without a word, so we only ever hand it numbers we
 * produced.
 *  - enter puts the limits on user-UID.slice through the system manager. The session scope alone
 *    binds only that session: the user's own manager (user@UID.service, systemd-run --user,
 *    D-Bus activation, lingering services) runs beside it in the same slice, and only a limit on
 *    the slice, which the user cannot change, binds them all. */

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "cgroup-limits.h"

/* The pam_systemd data for l, as "name" / "value" pairs (at most SYSTEMD_DATA_MAX):
 * systemd.memory_max, systemd.tasks_max, systemd.cpu_weight, systemd.io_weight, for the limits l
 * sets, and systemd.runtime_max_sec unless runtime_max_usec is LIMIT_UNSET. Values are decimal
 * numbers checked against pam_systemd's ranges (the runtime as "Nus", which its parse_sec()
 * reads exactly). Returns the number of pairs, or -ERANGE with a message when a value is out of
 * range. */
#define SYSTEMD_DATA_MAX 5
struct systemd_datum {
        const char *name;
        char value[32];
};
int resources_systemd_data(const struct limits *l, uint64_t runtime_max_usec,
                           struct systemd_datum ret[static SYSTEMD_DATA_MAX], struct sb_error *e);

/* The policy's RuntimeMaxSec= in µs, LIMIT_UNSET when unset or infinity. */
uint64_t resources_runtime_max_usec(const struct policy *p);

/* sd_pid_get_session(0) and sd_pid_get_unit(0), through the libsystemd loaded on demand
 * (lib/cgroup/sd-dl.h), and -ENODATA at once without systemd: a login on a machine without it
 * never pays for loading libsystemd and the libraries it pulls in. */
int session_of_self(char **ret);
int unit_of_self(char **ret);

/* Check that logind placed the calling process where a limit on user-UID.slice binds it: in a
 * session of uid (sd_pid_get_session(), the session's owner checked), or in user@UID.service
 * (the systemd-user stack). ret_where (optional) receives "session 3" or "user@1000.service".
 * -EHOSTDOWN with a message naming what to fix otherwise. */
int resources_check_placement(uid_t uid, char **ret_where, struct sb_error *e);

/* When p sets RuntimeMaxSec= and the calling process is in a logind session: check that the
 * session's scope carries it (at most p's value), since pam_systemd ignores data it does not know
 * or cannot parse with a warning only. Returns 1 when checked, 0 when there is nothing to check
 * (no RuntimeMaxSec=, or the systemd-user stack, whose manager is no session and has no lifetime
 * of its own), -EPERM with a message naming what to fix when the scope lacks it. */
int resources_check_runtime(const struct policy *p, struct sb_error *e);

/* SetUnitProperties(user-UID.slice, runtime) with the limits l sets, over a fresh connection to
 * the system manager (lib/cgroup: cgroup_set_slice_limits()). */
int resources_apply_slice(uid_t uid, const struct limits *l, struct sb_error *e);
