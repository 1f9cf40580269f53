/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a confined login changes in the calling process itself, inherited by the shell it forks
 * later: namespaces other than the mount namespace, the capability bounding set, no_new_privs and
 * seccomp filters.
 *
 * The calling process is the login program's privileged half (sshd's monitor, login, su's
 * watching parent, the gdm worker, systemd's exec child for user@.service): it keeps running as
 * root for the whole session and calls pam_close_session at its end. So:
 *  - never a user namespace (the caller would lose its privileges over the host) nor a pid
 *    namespace (its first child would become init, and later forks fail once it exits);
 *  - the bounding set only limits what the next execve can gain: the caller keeps its effective
 *    capabilities and can still drop to the user;
 *  - no_new_privs and seccomp bind the caller too; they leave what login programs do after
 *    pam_open_session (fork, setuid, pty and utmp handling, pam_close_session) working unless the
 *    policy itself denies those calls.
 *
 * All return 0 or -errno with a message in e. */

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "policy.h"

/* -EBUSY when the calling process has more than one thread: unshare(CLONE_NEWNS) fails in a
 * multithreaded process, and the namespaces, bounding set and filters we set would bind only the
 * calling thread while the others stay free. */
int process_check_single_threaded(struct sb_error *e);

/* A new network namespace with only the loopback interface, up. The caller's open sockets (the
 * ssh connection) keep working: a socket stays in the namespace it was created in. */
int process_private_network(struct sb_error *e);

/* New IPC (PrivateIPC=) and UTS (ProtectHostname=) namespaces. */
int process_unshare(int flags, const char *what, struct sb_error *e);

/* Drop every capability not in keep from the bounding set (CapabilityBoundingSet=). */
int process_bounding_set(uint64_t keep, struct sb_error *e);

/* prctl(PR_SET_NO_NEW_PRIVS). */
int process_no_new_privs(struct sb_error *e);

/* RestrictNamespaces=: a seccomp filter that fails unshare(), clone() and setns() with EPERM when
 * they would create or join a namespace type outside allowed (POLICY_NS_*), and clone3() with
 * ENOSYS (its flags sit in memory a filter cannot read; ENOSYS makes libc fall back to clone()).
 * The i386 and x32 ABIs get the same rules. */
int process_restrict_namespaces(unsigned allowed, struct sb_error *e);

/* SystemCallFilter=: lib/confine's policy filter (denied calls fail with EPERM). no_new_privs
 * must be set. */
int process_syscall_filter(const struct policy_syscalls *f, struct sb_error *e);
