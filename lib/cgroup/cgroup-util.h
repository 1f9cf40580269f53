/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Pure helpers of lib/cgroup: names, the text formats of /proc and cgroupfs, and the few
 * directory checks the cgroupfs fallback makes. No D-Bus, no global state; each takes its input
 * as arguments so the unit tests can feed it fixtures. Internal to lib/cgroup and its tests. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "cgroup-limits.h"

/* ---- unit names ---------------------------------------------------------------------------- */

/* systemd's longest unit name, without the NUL (UNIT_NAME_MAX - 1). */
#define UNIT_NAME_LENGTH_MAX 255

/* Escape an app name for use inside a unit name, the way `systemd-escape` escapes a string:
 * ASCII letters, digits, ':' and '_' stay; '.' stays except at the start; everything else,
 * '-', '\\' and '@' included, becomes "\xNN" (lowercase hex), byte by byte. One difference:
 * systemd-escape turns '/' into '-'; here it becomes "\x2f", because '-' separates the parts of
 * our unit names and must stay unambiguous.
 *
 * Why it matters: systemd applies drop-ins of every '-'-prefix of a unit name, so
 * "sandbox-gnome\x2dcalculator-3f2a….scope" is configured by
 * "sandbox-gnome\x2dcalculator-.scope.d/" (this app only) and "sandbox-.scope.d/" (every sandbox),
 * never by "sandbox-gnome-.scope.d/". Returns 0 with a new string, -EINVAL for an empty name,
 * -ENOMEM. */
int unit_name_escape_app(const char *app, char **ret);

/* "sandbox-<escaped app>-<16 hex digits of id>.scope". -ENAMETOOLONG when it would be longer
 * than UNIT_NAME_LENGTH_MAX (an escaped app name of more than 224 bytes), -EINVAL, -ENOMEM. */
int scope_unit_name(const char *app, uint64_t id, char **ret);

/* Is s nothing but printable ASCII (and not empty)? Such an app name can be shown as it is in a
 * unit's Description=; any other is shown escaped. */
bool string_is_printable_ascii(const char *s);

/* Escape a socket path for a D-Bus address ("unix:path=..."): bytes other than ASCII letters,
 * digits and "-_/." become "%NN". -ENOMEM. */
int bus_address_escape(const char *s, char **ret);

/* ---- /proc/self/cgroup ------------------------------------------------------------------------
 */

/* The cgroup v2 path ("0::PATH" line) of the text of /proc/PID/cgroup: an absolute path relative
 * to the root of the reader's cgroup namespace, "/" for the root. Errors: -ENOMEDIUM when there is
 * no "0::" line (cgroup v1 only); -EINVAL for a malformed file, more than one "0::" line (a name
 * with a newline can fake one), a relative path, "." / ".." components (a cgroup outside our
 * cgroup namespace shows as "/../.."), or "//" or a trailing '/' (which the kernel never
 * prints); -ENOMEM. */
int cgroup_parse_proc_cgroup(const char *text, char **ret_path);

/* ---- controllers ---------------------------------------------------------------------------- */

enum {
        CGROUP_CONTROLLER_CPU = 1U << 0,
        CGROUP_CONTROLLER_IO = 1U << 1,
        CGROUP_CONTROLLER_MEMORY = 1U << 2,
        CGROUP_CONTROLLER_PIDS = 1U << 3,
        _CGROUP_CONTROLLER_ALL = (1U << 4) - 1,
};

/* The controllers the limits in l need: memory for MemoryMax/MemoryHigh, cpu for CPUQuota and
 * CPUWeight, pids for TasksMax, io for IOWeight. */
unsigned cgroup_controllers_for_limits(const struct limits *l);

/* The mask of the controllers we know named in a space-separated list, the format of
 * cgroup.controllers and cgroup.subtree_control; others are ignored. */
unsigned cgroup_controllers_parse(const char *text);

/* mask as names separated by sep, each preceded by prefix ("+" for a write to
 * cgroup.subtree_control, "" for a message): "+memory +pids", "memory, pids". Returns buf. */
#define CGROUP_CONTROLLERS_STRING_MAX 64
const char *cgroup_controllers_format(unsigned mask, const char *prefix, const char *sep,
                                      char buf[static CGROUP_CONTROLLERS_STRING_MAX]);

/* ---- interface files ---------------------------------------------------------------------- */

/* The value of key ("oom_kill") in a flat-keyed file such as memory.events ("key value" lines).
 * -ENOENT when key is not there, -EINVAL when its value is no number. */
int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret);

/* The cpu.max line for a quota in µs per second: "QUOTA 100000" for systemd's default period of
 * 100 ms, QUOTA at least the kernel's minimum of 1000 µs (as systemd writes it); "max 100000" for
 * LIMIT_UNSET. Returns buf. */
#define CGROUP_CPU_MAX_STRING_MAX 48
const char *cgroup_format_cpu_max(uint64_t usec_per_sec,
                                  char buf[static CGROUP_CPU_MAX_STRING_MAX]);

/* ---- delegation ---------------------------------------------------------------------------- */

/* Has a cgroup directory been delegated to uid, so that uid may create children and move
 * processes? The directory (dir_fd, opened by the caller) and its cgroup.procs and
 * cgroup.subtree_control must be owned by uid, the files regular (never symlinks: fstatat with
 * AT_SYMLINK_NOFOLLOW) and all three writable by us (faccessat AT_EACCESS). This is the same test
 * systemd's delegation passes (it chowns exactly these to the user). 0, or -EPERM / -errno with a
 * message naming path (the cgroup's path, for the message only), the file and its owner. */
int cgroup_check_delegated(int dir_fd, const char *path, uid_t uid, struct sb_error *e);
