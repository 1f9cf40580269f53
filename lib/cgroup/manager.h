/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* sd-bus calls to systemd's managers; internal to lib/cgroup. */

#include <stddef.h>

#include "error.h"
#include "cgroup-limits.h"

/* Ask the manager for our uid (the system manager when we are root, else the user's) to start the
 * transient scope unit with the calling process in it (see cgroup_scope_enter()), and wait for the
 * job. Tries the bus first, then the manager's private socket. Returns 1 once the job ended with
 * "done"; 0 when no manager could be reached, with why saying where we looked and what happened
 * ("the user bus: No such file or directory; /run/user/1000/systemd/private: ..."); -errno with a
 * message in e when a manager answered but refused, failed or timed out. */
int manager_start_scope(const char *unit, const char *description, const struct limits *l,
                        char *why, size_t why_size, struct sb_error *e);

/* SetUnitProperties(unit, runtime=true, the limits of l that are set) on the system manager.
 * -EHOSTDOWN when no system manager could be reached. */
int manager_set_unit_properties(const char *unit, const struct limits *l, struct sb_error *e);

/* AttachProcessesToUnit(unit, "", [getpid()]) on our manager (the system manager as root, else
 * the user's): move the calling process into a running unit's cgroup. -EHOSTDOWN when there is
 * no manager to ask. */
int manager_attach_self(const char *unit, struct sb_error *e);

/* A property of type t of a loaded unit of the system manager (GetUnit, then Get on the unit's
 * object, over a fresh connection). -EHOSTDOWN when no system manager could be reached. */
int manager_get_unit_u64(const char *unit, const char *interface, const char *property,
                         uint64_t *ret, struct sb_error *e);
