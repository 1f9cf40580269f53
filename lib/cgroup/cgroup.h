/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Resource limits through cgroups: a transient, delegated systemd scope for each sandbox, a
 * cgroupfs fallback where there is no systemd manager, and limits on a user's slice for the PAM
 * module.
 *
 * The launcher calls cgroup_scope_enter() in its own process, before it clones the sandbox, so
 * the sandbox starts inside the scope and its cgroup namespace (CLONE_NEWCGROUP) is rooted there.
 * It keeps the struct scope until the sandbox has ended, asks scope_oom_killed() to explain a
 * SIGKILL, then calls scope_free().
 *
 * Who the limits bind: a scope of the user's own manager (or a cgroup in the user's own delegated
 * subtree) limits the app; it cannot limit the user, who owns that manager and may change its
 * units. What binds the user is the ceiling pam_sandbox puts on user-UID.slice through the system
 * manager (cgroup_set_slice_limits()). The app cannot lift its own limits: it has no capabilities,
 * no mount(2), and its cgroup namespace root is a delegation boundary.
 *
 * Fail closed: when limits are asked for and cannot be enforced, these functions fail with a
 * message that says why and what to do; they never let a limited sandbox run unlimited.
 *
 * Errors: negative errno; when e is not NULL it receives a one-line message. Nothing here prints,
 * logs or exits. Out parameters are written only on success. Not thread-safe; call these from the
 * launcher's single thread. */

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "cgroup-limits.h"

struct scope;

/* Put the calling process into a new scope for the sandbox of app_name, with limits l (NULL:
 * none).
 *
 * With a systemd manager (the system manager when we run as root, else the user's manager: its
 * user bus, or $XDG_RUNTIME_DIR/systemd/private when there is no bus, /run/user/UID when
 * $XDG_RUNTIME_DIR is unset): StartTransientUnit("sandbox-<app>-<random id>.scope", "fail") in
 * sandbox.slice with PIDs=[getpid()], Delegate=yes, CollectMode=inactive-or-failed, a Description
 * and the limits that are set, then wait for the job's JobRemoved signal (the match is added
 * before the call, so it cannot be missed) and require the result "done". app_name is escaped
 * into the unit name with unit_name_escape_app(), so admins can configure one app's sandboxes
 * with a drop-in directory "sandbox-<escaped app>-.scope.d/" and all with "sandbox-.scope.d/".
 * Then it checks that the scope's cgroup really has the controllers the limits need (a user
 * manager only has those user@.service delegates): -EOPNOTSUPP with a message naming the missing
 * controllers otherwise.
 *
 * Without a manager: cgroup_scope_enter_cgroupfs() when l sets anything; when l sets nothing,
 * success with *ret = NULL (there is nothing to enforce and nothing to clean up).
 *
 * On failure after the process has joined a transient scope, it stays there; the scope goes
 * away when the caller exits. */
int cgroup_scope_enter(const char *app_name, const struct limits *l, struct scope **ret,
                       struct sb_error *e);

/* The fallback alone, for systems without a systemd manager (and for tests that exercise it):
 * if our cgroup (the "0::" line of /proc/self/cgroup) is on a cgroup v2 hierarchy, delegated to
 * us (cgroup_check_delegated(): we own the directory, cgroup.procs and cgroup.subtree_control)
 * and its parent grants the controllers the limits need, create a child cgroup
 * "sandbox-<app>-<id>.scope" there, write memory.max, memory.high, cpu.max, cpu.weight, pids.max
 * and io.weight, and move the calling process into it.
 *
 * cgroup v2 lets a cgroup hand controllers to its children only while it has no processes of its
 * own. So when the controllers still have to be enabled in our cgroup's cgroup.subtree_control,
 * we first move into the child and then enable them; that works only when we were alone in our
 * cgroup (e.g. started by `systemd-run --user --scope -p Delegate=yes`, or as the only process
 * of a delegated cgroup). Otherwise the attempt is undone and -EBUSY says so. Any other failure:
 * -EOPNOTSUPP (no cgroup v2, controllers not available, e.g. a hybrid v1/v2 system),
 * -EPERM (not delegated), -errno; each with a message saying what to do. */
int cgroup_scope_enter_cgroupfs(const char *app_name, const struct limits *l, struct scope **ret,
                                struct sb_error *e);

/* The unit name ("sandbox-firefox-0123456789abcdef.scope"; the cgroupfs fallback names its
 * cgroup the same way) and the cgroup's path below the cgroup v2 root ("/user.slice/…/sandbox-
 * firefox-….scope"). */
const char *scope_unit_name_get(const struct scope *s);
const char *scope_cgroup_path(const struct scope *s);
/* Was the scope created by a systemd manager (true) or by the cgroupfs fallback (false)? */
bool scope_is_transient_unit(const struct scope *s);

/* Has the kernel's OOM killer killed a process of the scope (oom_kill > 0 in its memory.events,
 * which counts the whole subtree)? Call it after the sandbox ended and before scope_free(): the
 * launcher then reports "out of memory: MemoryMax=… reached" and exits with 137. false for a
 * NULL scope or when memory.events cannot be read (no memory controller). */
bool scope_oom_killed(struct scope *s);

/* Release the scope. A transient unit goes away by itself once its last process (this one) has
 * exited. A cgroupfs child cgroup is removed here: the caller must call this after the sandbox has
 * ended; we disable again the controllers we enabled in our old cgroup, move the calling process
 * back there and rmdir the child (best effort: a failure leaves an empty cgroup behind, and the
 * limits stay as strict as they were). NULL-safe; returns NULL. */
struct scope *scope_free(struct scope *s);
static inline void scope_freep(struct scope **s)
{
        scope_free(*s);
}
#define _cleanup_scope_free_ _cleanup_(scope_freep)

/* Put the limits of l that are set on unit (the PAM module: "user-1000.slice") with
 * SetUnitProperties(runtime=true) on the system manager, over a fresh connection to the system
 * bus (or /run/systemd/private) that is closed again before returning: no connection is cached in
 * a host program's process, and nothing here forks. Limits that are not set are left as they are.
 * Nothing to set: 0 without connecting. -errno with the manager's error message otherwise. */
int cgroup_set_slice_limits(const char *unit, const struct limits *l, struct sb_error *e);

/* Move the calling process into the cgroup at path (below the cgroup v2 root, as
 * scope_cgroup_path() gives it) by writing to its cgroup.procs: how `sandbox enter` joins the
 * scope of a running sandbox. cgroup v2 only allows it when the caller may write cgroup.procs of
 * the target and of the common ancestor of both cgroups (a delegated subtree of the caller's).
 * When that is refused and unit (the scope's unit name) is not NULL, the systemd manager is asked
 * to move us (AttachProcessesToUnit), as it does for the PIDs= of a new scope.
 * -errno with a message otherwise. */
int cgroup_join(const char *path, const char *unit, struct sb_error *e);

/* The cgroup v2 path of the process pid, below the root of our cgroup namespace (as
 * scope_cgroup_path() gives it), from /proc/PID/cgroup: a new string in *ret and 0, or -errno
 * (-ESRCH when it is gone, -ENOMEDIUM without cgroup v2). The caller pins pid (a pidfd) and
 * checks it is still the process it means afterwards. */
int cgroup_pid_path(pid_t pid, char **ret);

/* The RuntimeMaxUSec= of a loaded scope of the system manager (the PAM module checks that
 * pam_systemd put a policy's RuntimeMaxSec= on the session's scope: a pam_systemd that does not
 * know the data, or cannot parse it, ignores it with a mere warning). UINT64_MAX is infinity.
 * Same connection rules as above. */
int cgroup_get_scope_runtime_max(const char *unit, uint64_t *ret, struct sb_error *e);
