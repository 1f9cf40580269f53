/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/* Bring the loopback interface of the current network namespace up (a new namespace starts
 * with lo down, and many programs assume 127.0.0.1 works). Needs CAP_NET_ADMIN over the
 * namespace. Returns 0 or -errno. */
int loopback_up(void);

/* A new network namespace takes the kernel about a millisecond to set up (setup_net: the
 * loopback device, sysctl tables, per-protocol state), more than anything else in a sandbox's
 * start. So it is made by a helper process while the caller builds the root file system, not in
 * line: netns_prepare_start() forks the helper, which shares the caller's descriptor table,
 * creates the namespace (owned by the caller's user namespace), brings lo up in it and puts an
 * fd of it at *ret_slot (a descriptor reserved for it); netns_prepare_finish() waits for the
 * helper and moves the caller into the namespace, before anything else runs in the sandbox.
 * Both return 0 or -errno (for finish: what failed in the helper). */
int netns_prepare_start(pid_t *ret_helper, int *ret_slot);
int netns_prepare_finish(pid_t helper, int slot);
