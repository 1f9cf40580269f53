/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Run spec->argv confined as described by spec, and wait for it.
 *
 * Process model: the caller (the monitor) clones PID 1 of the sandbox into new user, mount,
 * pid, ipc, uts, cgroup (and, with NET_NONE, network) namespaces, writes its id maps, then
 * forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to it until it
 * exits. PID 1 builds the root file system, brings lo up, sets the host name, forks the app,
 * drops every capability, sets no_new_privs and the seccomp filter on itself, and reaps. The
 * app starts a new session, keeps exactly spec->keep_caps, sets no_new_privs and loads the
 * seccomp filter as the very last step before execve. PID 1 dies when the monitor dies
 * (PR_SET_PDEATHSIG), and every process of the sandbox with it.
 *
 * When this returns every process of the sandbox is gone (PID 1 kills and reaps them before it
 * reports the status); PID 1 itself may still be finishing the teardown of the namespaces and
 * is left for the caller's own exit to hand to init, as bubblewrap does.
 *
 * Bind sources are opened inside, by the sandbox's PID 1 (only its copy of spec changes).
 *
 * Returns 0 and the exit status in *ret_status (the app's own, or 128+N for signal N). Returns
 * -errno with a message in *e when the sandbox could not be set up, when the command was not
 * found or not executable; *ret_status then says which (125, 127, 126). */
int container_run(struct sandbox_spec *spec, int *ret_status, struct sb_error *e);

/* Called by the monitor once PID 1 exists (its host pid) and has its id maps, before it is let
 * go: a negative return stops the sandbox before anything runs in it, with the message in e. */
typedef int (*container_started_fn)(pid_t init_pid, void *userdata, struct sb_error *e);

/* container_run() with a started hook (the instance registry of `sandbox run --name`). */
int container_run_hooked(struct sandbox_spec *spec, container_started_fn started, void *userdata,
                         int *ret_status, struct sb_error *e);
