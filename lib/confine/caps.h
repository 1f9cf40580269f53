/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* Highest capability number the running kernel knows. */
int cap_last(void);

/* Parse a capability name ("CAP_NET_BIND_SERVICE", case-insensitive, "CAP_" optional) to its
 * number. Returns the number or -EINVAL. */
int cap_parse_name(const char *name);

/* The lower-case name without "cap_" of capability cap, or NULL if unknown. */
const char *cap_name(int cap);

/* Reduce this process to exactly the capabilities in keep (bit n = capability n):
 * the bounding set loses every other capability; keep becomes the permitted, effective,
 * inheritable and ambient sets, so a non-root program keeps them across execve and nothing
 * else; securebits are set and locked (NOROOT, NO_SETUID_FIXUP, KEEP_CAPS off,
 * NO_CAP_AMBIENT_RAISE) so a later setuid, execve of a setuid-root file or ambient raise cannot
 * bring a dropped capability back. Needs CAP_SETPCAP at entry (true right after the user
 * namespace is created). Returns 0 or -errno. */
int caps_reduce_to(uint64_t keep);

/* caps_reduce_to() in two steps, for a parent that shares the bounding set work with a child it
 * is about to fork: caps_bounding_drop() removes the capabilities in caps (bit n = capability n;
 * beyond cap_last() ignored) from the bounding set, one prctl each; caps_reduce_sets() does the
 * rest of caps_reduce_to(keep) and expects the bounding set to hold nothing but keep already.
 * Both need CAP_SETPCAP. 0 or -errno. */
int caps_bounding_drop(uint64_t caps);
int caps_reduce_sets(uint64_t keep);
