/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `sandbox enter`: run a command inside a running sandbox, confined exactly like its app.
 *
 * Whom we join: PID 1 of a sandbox is not dumpable (so its app cannot ptrace it), which makes
 * the kernel refuse setns() through it to anyone without CAP_SYS_PTRACE over the host's user
 * namespace. So we join a direct child of PID 1 instead: the app (or a process the sandbox
 * orphaned), which exec'd inside the sandbox's user namespace and is therefore open to that
 * namespace's owner. Every process of the sandbox shares its namespaces: the seccomp filter
 * denies unshare(), setns() and clone() with namespace flags to all of them.
 *
 * Checks, all against pidfds (a recycled pid cannot be substituted after them): PID 1 started
 * at the recorded time; PID 1 and the process we join run with the caller's real, effective,
 * saved and filesystem uid; the joined process is a child of that PID 1 and not older than it;
 * its user namespace is owned by the caller and is not the caller's own; PID 1 carries exactly
 * the seccomp filters the record says we will load (the default one, plus one for a
 * SystemCallFilter=), so a record that would make us load less than the app has is refused;
 * the record's capabilities must lie within the joined process's bounding set; and the joined
 * process has a network namespace of its own exactly when the record says so (which decides
 * whether we join it).
 *
 * What is left to trust in the record is its SystemCallFilter= text (the kernel shows how many
 * filters a process has, not what they say). The record is the caller's own file: it can only
 * describe a weaker filter to the caller themselves, and no sandbox can write it (the launcher
 * keeps the registry read-only inside any bind of the runtime directory).
 * Then one setns(pidfd, CLONE_NEWUSER|...) joins all namespaces at once; the kernel joins the
 * user namespace first and checks the others with the capabilities gained there
 * (validate_nsset()), and fails as a whole if any is refused.
 *
 * A child of the caller joins (the caller itself stays on the host, namespaces and all) and
 * forks the command, which is then inside the pid namespace too. The command runs like the
 * app: it starts a new session, changes to the app's working directory, gets the app's
 * environment, is reduced to the app's capabilities with locked securebits, sets no_new_privs
 * and loads the same seccomp filters (the precompiled default and the recorded
 * SystemCallFilter=), and execs. The joining child drops every capability it gained, becomes
 * undumpable (like PID 1), forwards signals and passes the command's status on; the caller
 * forwards signals to it and returns that status (128+N for signal N).
 *
 * The caller joins the scope's cgroup itself, before this (cgroup_join()): it needs the host's
 * view of cgroupfs. */

#include "error.h"
#include "instance.h"

/* A pidfd of the sandbox's PID 1, once the kernel has confirmed through it what the record says:
 * started at the recorded time, all four uids the caller's, a child of the recorded monitor, and
 * PID 1 of a pid namespace of its own. The pidfd, or -errno with e set: -EAGAIN (still starting),
 * -ESRCH (gone), -EPERM (not a sandbox of the caller's), -EOPNOTSUPP (no pidfd_open). */
int instance_open_init(const struct instance *i, struct sb_error *e);

/* Run argv (argv[0] looked up in the sandbox's PATH) in the sandbox of i, wait for it. 0 with
 * the exit status in *ret_status, or -errno with a message (and 125, 126 or 127 in *ret_status
 * as for `sandbox run`): -ESRCH (gone), -EPERM (not the caller's), -EOPNOTSUPP (a kernel
 * without pidfd setns, before 5.8). */
int instance_enter(const struct instance *i, char **argv, int *ret_status, struct sb_error *e);
