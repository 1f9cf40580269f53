/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>
#include "error.h"

/* Map uid and gid to themselves in the user namespace of pid, from its parent namespace:
 * setgroups "deny" first (an unprivileged writer of gid_map must do so, and it stops the
 * sandbox from dropping a supplementary group that a file's ACL denies), then gid_map, then
 * uid_map. */
int userns_map_self(pid_t pid, uid_t uid, gid_t gid, struct sb_error *e);

/* The same with the caller's ids appearing as inside_uid/inside_gid (an image's User=). pid 0:
 * the caller's own namespace, which a process may map itself into (its own ids only: what
 * `unshare -r` does). */
int userns_map_single(pid_t pid, uid_t inside_uid, uid_t uid, gid_t inside_gid, gid_t gid,
                      struct sb_error *e);

/* Map uid/gid to themselves plus the caller's /etc/subuid and /etc/subgid ranges, through the
 * setuid helpers newuidmap/newgidmap (run with a fixed argv, no shell). Fails with a message
 * naming what is missing: the helper, or the user's entry in /etc/subuid. The caller must not
 * have set no_new_privs, or the helpers lose their setuid bit. */
int userns_map_subids(pid_t pid, uid_t uid, gid_t gid, const char *user, struct sb_error *e);

/* Explain why creating a user namespace failed with -err on this host: disabled by sysctl,
 * restricted by AppArmor, too deeply nested, ... Always fills e; returns err. */
int userns_explain_failure(int err, struct sb_error *e);

/* Explain an EPERM from the first privileged operation inside a fresh user namespace
 * (Ubuntu's AppArmor policy lets the namespace be created but withholds its capabilities). */
int userns_explain_denied(int err, const char *what, struct sb_error *e);
