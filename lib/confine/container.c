/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "container.h"
#include "env.h"
#include "exec-util.h"
#include "fd-util.h"
#include "init.h"
#include "net.h"
#include "rootfs.h"
#include "seccomp-dl.h"
#include "seccomp-policy.h"
#include "seccomp-program.h"
#include "userns.h"

/* What a process inside reports to the monitor, one packet each: an error (err != 0) before
 * it gives up, or, from PID 1 at the very end, the final status (err == 0). */
struct child_report {
        int32_t err;
        int32_t status;
        char msg[SB_ERROR_MAX];
};

static void report(int fd, const struct child_report *rep)
{
        /* One packet (O_DIRECT pipe); nothing more can be done if the monitor is gone. */
        if (write(fd, rep, sizeof(*rep)) < 0)
                return;
}

static _noreturn_ void child_fail(int fd, int status, const struct sb_error *e)
{
        struct child_report rep = {.err = e->err ? e->err : EIO, .status = status};

        memcpy(rep.msg, e->msg, sizeof(rep.msg));
        report(fd, &rep);
        _exit(status);
}

static _noreturn_ void run_app(const struct sandbox_spec *spec, const sigset_t *oldmask,
                               int report_fd)
{
        struct sb_error e = {};
        char path[PATH_MAX];
        const char *dir = spec->workdir ? spec->workdir : spec->home ? spec->home : "/";
        int r;

        /* A new session: the app has no controlling terminal, so TIOCSTI cannot push input
         * into the caller's shell even without the seccomp rule. */
        if (setsid() < 0)
                child_fail(report_fd, EXIT_LAUNCHER_ERROR,
                           &(struct sb_error){errno, "setsid failed"});
        if (sigprocmask(SIG_SETMASK, oldmask, NULL) < 0 || chdir(dir) < 0) {
                sb_error_set(&e, -errno, "cannot enter %s: %m", dir);
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }

        r = find_executable(spec->argv[0], env_get(spec->env, "PATH"), path, sizeof(path));
        if (r < 0) {
                sb_error_set(&e, r,
                             r == -ENOENT ? "%s: command not found in the sandbox"
                                          : "%s: not executable (permission denied)",
                             spec->argv[0]);
                child_fail(report_fd, r == -ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE, &e);
        }

        /* PID 1 has cut the bounding set down to keep_caps before starting us. */
        r = caps_reduce_sets(spec->keep_caps);
        if (r < 0) {
                sb_error_set(&e, r, "cannot drop capabilities: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                sb_error_set(&e, -errno, "cannot set no_new_privs: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        /* Nothing but stdio crosses into the app. The seccomp filter is already in place:
         * PID 1 loaded it before forking us, and nothing done here needs a denied call. */
        if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
                sb_error_set(&e, -errno, "cannot mark descriptors close-on-exec: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        execve(path, spec->argv, spec->env);
        r = -errno;
        sb_error_set(&e, r, "%s: cannot execute: %m", path);
        child_fail(report_fd, r == -ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE, &e);
}

/* The app is started with vfork(): it borrows PID 1's memory until its execve, so no page
 * tables are copied for it and none torn down at its execve, and PID 1, which has nothing to do
 * before the app runs, waits meanwhile. That is safe because run_app() keeps to the rules of a
 * vfork child: it writes only to its own stack frames (and errno), never returns, and ends in
 * execve() or _exit(). */
static pid_t spawn_app(const struct sandbox_spec *spec, const sigset_t *oldmask, int report_fd)
{
        pid_t pid = vfork();

        if (pid == 0)
                run_app(spec, oldmask, report_fd);
        return pid;
}

static _noreturn_ void run_init(struct sandbox_spec *spec, int sync_fd, int report_fd,
                                bool self_map, bool wait_go)
{
        struct sb_error e = {};
        sigset_t all, old;
        char go;
        pid_t app, net_helper = 0;
        int r, status, net_slot = -EBADF;

        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                _exit(EXIT_LAUNCHER_ERROR);
        /* We never exec, so close-on-exec protects nothing here: whatever the monitor had open
         * (descriptors its caller leaked to it, the D-Bus proxy's pipe, the scope's cgroup
         * directories) would stay open in the sandbox's PID 1 for its whole life, and the
         * O_PATH ones lead out of the new root. Only the two pipes to the monitor stay. */
        if (close_all_fds_except((const int[]){sync_fd, report_fd}, 2) < 0)
                _exit(EXIT_LAUNCHER_ERROR);
        for (size_t i = 0; i < spec->n_mounts; i++)
                spec->mounts[i].source_fd = -EBADF; /* the monitor's, closed just now */
        /* The network namespace is made on the side while the root is built (net.h says why);
         * nothing runs in the sandbox before we have entered it. */
        if (spec->net == NET_NONE) {
                r = netns_prepare_start(&net_helper, &net_slot);
                if (r < 0) {
                        sb_error_set(&e, r, "cannot create the network namespace: %m");
                        child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
                }
        }
        if (self_map) {
                struct pollfd p = {.fd = sync_fd, .events = POLLIN};

                /* Without a go byte to wait for, the monitor keeps its end open until it returns:
                 * a hangup here means it died before PR_SET_PDEATHSIG was in place. */
                if (!wait_go && poll(&p, 1, 0) != 0)
                        _exit(EXIT_LAUNCHER_ERROR);
                /* Our own ids, mapped by ourselves: no round trip through the monitor. */
                r = userns_map_single(0, spec->uid, spec->uid, spec->gid, spec->gid, &e);
                if (r < 0)
                        child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        /* The monitor writes our id maps (unless we did) and runs its started hook (a sandbox the
         * caller cannot register never runs), then one byte. EOF means it died or gave up. */
        if (wait_go && read(sync_fd, &go, 1) != 1)
                _exit(EXIT_LAUNCHER_ERROR);
        safe_close(sync_fd);

        /* Bind sources are opened here, in our own copy of the mount namespace: open_tree()
         * clones only mounts of the caller's namespace, and a path opened once and then used
         * by fd cannot be swapped between check and mount. */
        r = sandbox_spec_open_sources(spec, &e);
        if (r < 0)
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        r = rootfs_setup(spec, &e);
        if (r < 0) {
                if (r == -EPERM)
                        userns_explain_denied(r, e.msg, &e);
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        /* The bind sources are mounted: their fds are host paths outside the new root
         * (/proc/1/fd/N/.. climbs the host's tree), never to be held while the app runs. */
        sandbox_spec_close_sources(spec);
        if (spec->net == NET_NONE) {
                r = netns_prepare_finish(net_helper, net_slot);
                if (r < 0) {
                        sb_error_set(&e, r,
                                     "cannot create a network namespace with the loopback "
                                     "interface up: %m");
                        child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
                }
                net_slot = safe_close(net_slot);
        }
        if (sethostname(spec->hostname, strlen(spec->hostname)) < 0) {
                sb_error_set(&e, -errno, "cannot set the host name: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }

        /* The filter goes on before the fork so that PID 1 and the app share it and the
         * kernel checks it once; everything after this point (capability drops, setsid,
         * execve) is allowed by it. */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                sb_error_set(&e, -errno, "cannot set no_new_privs: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        r = seccomp_default_filter_install();
        if (r < 0) {
                sb_error_set(&e, r, "cannot load the seccomp filter: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        if (spec->syscall_filter) {
                r = seccomp_policy_filter_install(spec->syscall_allow_list, spec->syscall_names,
                                                  &e);
                if (r < 0)
                        child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }

        /* The bounding set is cut down once, here, for PID 1 and the app both: the app keeps
         * only what it was granted. */
        r = caps_bounding_drop(~spec->keep_caps);
        if (r < 0) {
                sb_error_set(&e, r, "cannot drop capabilities: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        /* Not dumpable before the app exists: PID 1 runs as the app's uid, and once it has
         * dropped its capabilities below (no longer more than the app's) a dumpable PID 1 is
         * open to the app through /proc/1/ (fd/, mem, environ) and process_vm_readv. The app
         * shares this memory, and the flag, only until its execve, which resets it. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
                sb_error_set(&e, -errno, "cannot make PID 1 undumpable: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }
        sigfillset(&all);
        if (sigprocmask(SIG_BLOCK, &all, &old) < 0)
                _exit(EXIT_LAUNCHER_ERROR);
        app = spawn_app(spec, &old, report_fd);
        if (app < 0) {
                sb_error_set(&e, -errno, "cannot fork: %m");
                child_fail(report_fd, EXIT_LAUNCHER_ERROR, &e);
        }

        /* PID 1 keeps nothing: no capabilities and no way to gain any. */
        if (caps_bounding_drop(spec->keep_caps) < 0 || caps_reduce_sets(0) < 0) {
                kill(app, SIGKILL);
                _exit(EXIT_LAUNCHER_ERROR);
        }
        status = sandbox_init_loop(app);

        /* The app is gone: end whatever it left behind and reap it all, then tell the monitor
         * the status. Once it has read it, no process of the sandbox runs any more, and the
         * monitor need not wait for the kernel to tear the namespaces down. */
        (void)kill(-1, SIGKILL);
        while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
                ;
        report(report_fd, &(struct child_report){.status = status});
        _exit(status);
}

static volatile sig_atomic_t forward_to;

static void forward_signal(int sig)
{
        if (forward_to > 0)
                (void)kill((pid_t)forward_to, sig);
}

static const int forwarded_signals[] = {SIGTERM, SIGINT,  SIGHUP,  SIGQUIT,
                                        SIGUSR1, SIGUSR2, SIGWINCH};

static void install_forwarding(pid_t pid, bool on)
{
        struct sigaction sa = {.sa_handler = on ? forward_signal : SIG_DFL};

        forward_to = on ? pid : 0;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < ELEMENTSOF(forwarded_signals); i++)
                (void)sigaction(forwarded_signals[i], &sa, NULL);
}

/* Read reports until PID 1's final one or EOF. Returns 1 with *ret_status set when the final
 * status came, 0 at EOF (PID 1 died without one, e.g. killed), or the error of an earlier
 * report (kept in *e, *ret_status) combined: an error report is remembered and returned after
 * the final status arrives. */
static int read_reports(int fd, int *ret_status, int *ret_err, struct sb_error *e)
{
        for (;;) {
                struct child_report rep;
                ssize_t n = read(fd, &rep, sizeof(rep));

                if (n < 0 && errno == EINTR)
                        continue; /* a forwarded signal */
                if (n != (ssize_t)sizeof(rep))
                        return 0;
                rep.msg[sizeof(rep.msg) - 1] = '\0';
                if (rep.err == 0) {
                        *ret_status = rep.status;
                        return 1;
                }
                *ret_err = sb_error_set(e, -rep.err, "%s", rep.msg);
                *ret_status = rep.status;
        }
}

int container_run(struct sandbox_spec *spec, int *ret_status, struct sb_error *e)
{
        return container_run_hooked(spec, NULL, NULL, ret_status, e);
}

int container_run_hooked(struct sandbox_spec *spec, container_started_fn started, void *userdata,
                         int *ret_status, struct sb_error *e)
{
        _cleanup_close_pair_ int sync_pipe[2] = {-EBADF, -EBADF};
        _cleanup_close_pair_ int report_pipe[2] = {-EBADF, -EBADF};
        /* No CLONE_NEWNET: PID 1 makes the network namespace itself, on the side (net.h). */
        const unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
                                    CLONE_NEWUTS | CLONE_NEWCGROUP | SIGCHLD;
        /* The caller's own ids only: PID 1 maps itself. Other ids (an image's User=, subordinate
         * ranges through the setuid helpers) need the monitor, from outside the namespace. */
        const bool self_map =
            !spec->subid_ranges && spec->inside_uid == spec->uid && spec->inside_gid == spec->gid;
        /* PID 1 waits for a go byte when the monitor has work to do before the sandbox may run. */
        const bool wait_go = !self_map || started;
        int status, r, err = 0;
        pid_t pid;

        *ret_status = EXIT_LAUNCHER_ERROR;

        /* libseccomp is loaded here, from the host's root, for PID 1 to inherit: PID 1 builds the
         * policy's filter inside the sandbox's root, where no library is loaded from. */
        if (spec->syscall_filter) {
                r = seccomp_dl_open();
                if (r < 0)
                        return sb_error_set(e, r, "SystemCallFilter= needs libseccomp.so.2: %m");
        }
        if (pipe2(sync_pipe, O_CLOEXEC) < 0 || pipe2(report_pipe, O_CLOEXEC | O_DIRECT) < 0)
                return sb_error_set(e, -errno, "cannot create pipes: %m");

        /* A fork-like clone (no new stack): the child gets a copy of our memory. */
        pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
        if (pid < 0)
                return userns_explain_failure(-errno, e);
        if (pid == 0) {
                sync_pipe[1] = safe_close(sync_pipe[1]);
                report_pipe[0] = safe_close(report_pipe[0]);
                run_init(spec, sync_pipe[0], report_pipe[1], self_map, wait_go);
        }
        sync_pipe[0] = safe_close(sync_pipe[0]);
        report_pipe[1] = safe_close(report_pipe[1]);

        r = self_map             ? 0
            : spec->subid_ranges ? userns_map_subids(pid, spec->uid, spec->gid, spec->user_name, e)
                                 : userns_map_single(pid, spec->inside_uid, spec->uid,
                                                     spec->inside_gid, spec->gid, e);
        if (r >= 0 && started)
                r = started(pid, userdata, e);
        if (wait_go) {
                if (r >= 0 && write(sync_pipe[1], "1", 1) != 1)
                        r = sb_error_set(e, -errno, "cannot start the sandbox: %m");
                sync_pipe[1] = safe_close(sync_pipe[1]);
        }
        if (r < 0) {
                (void)kill(pid, SIGKILL);
                (void)waitpid(pid, NULL, 0);
                return r;
        }

        install_forwarding(pid, true);
        r = read_reports(report_pipe[0], ret_status, &err, e);
        if (r == 0) {
                /* No final status: PID 1 died, take its wait status. */
                while (waitpid(pid, &status, 0) < 0)
                        if (errno != EINTR) {
                                r = -errno;
                                install_forwarding(pid, false);
                                return sb_error_set(e, r, "waiting for the sandbox: %m");
                        }
                if (!err)
                        *ret_status = exit_status_from_wait(status);
        } else {
                /* Reap PID 1 if it is already gone; otherwise it finishes tearing down the
                 * namespaces on its own and our caller, about to exit, leaves it to init. */
                (void)waitpid(pid, NULL, WNOHANG);
        }
        install_forwarding(pid, false);
        return err;
}
