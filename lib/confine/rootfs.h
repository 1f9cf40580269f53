/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "error.h"
#include "spec.h"

/* Build the sandbox's root file system and enter it. Must run in the new user, mount and pid
 * namespaces with full capabilities there (before they are dropped), as PID 1 of the pid
 * namespace (so /proc shows the sandbox's processes).
 *
 * The new root is a tmpfs (never a path on the host a user could write: bubblewrap's
 * /tmp/.bubblewrap lesson) holding read-only binds of the host's /usr and system directories,
 * a small /etc, fresh /proc with /proc/sys and friends read-only, a minimal /dev with its own
 * devpts, tmpfs /tmp, /var/tmp and home, then the caller's own mounts in order. After
 * pivot_root the old root is detached and "/" is made read-only. */
int rootfs_setup(const struct sandbox_spec *spec, struct sb_error *e);
