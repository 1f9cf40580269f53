/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "caps.h"
#include "env.h"
#include "exec-util.h"
#include "fd-util.h"
#include "join.h"
#include "proc-util.h"
#include "pty-relay.h"
#include "seccomp-dl.h"
#include "seccomp-policy.h"
#include "seccomp-program.h"

#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4) /* Linux 6.11 */
#endif
#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9) /* Linux 6.11 */
#endif

static int pidfd_open(pid_t pid)
{
        long fd = syscall(SYS_pidfd_open, pid, 0);

        return fd < 0 ? -errno : (int)fd;
}

static bool pidfd_alive(int fd)
{
        return syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) == 0;
}

/* PPid and whether all four uids of /proc/PID/status are uid. */
static int proc_status(pid_t pid, uid_t uid, pid_t *ret_ppid, bool *ret_owned)
{
        char buf[4096];
        const char *ppid_s, *uid_s;
        unsigned u[4];
        int ppid;
        ssize_t n = proc_status_read(pid, buf, sizeof(buf));

        if (n < 0)
                return (int)n;
        ppid_s = proc_status_field(buf, "PPid");
        uid_s = proc_status_field(buf, "Uid");
        if (!ppid_s || sscanf(ppid_s, "%d", &ppid) != 1 || !uid_s ||
            sscanf(uid_s, "%u %u %u %u", &u[0], &u[1], &u[2], &u[3]) != 4)
                return -EIO;
        *ret_ppid = ppid;
        *ret_owned = u[0] == uid && u[1] == uid && u[2] == uid && u[3] == uid;
        return 0;
}

/* Seccomp mode and the number of filters (-1 before Linux 5.9) of pid. */
static int proc_seccomp(pid_t pid, int *ret_mode, int *ret_filters)
{
        char buf[4096];
        const char *mode, *filters;
        ssize_t n = proc_status_read(pid, buf, sizeof(buf));

        if (n < 0)
                return (int)n;
        mode = proc_status_field(buf, "Seccomp");
        if (!mode || sscanf(mode, "%d", ret_mode) != 1)
                return -EIO;
        filters = proc_status_field(buf, "Seccomp_filters");
        if (!filters || sscanf(filters, "%d", ret_filters) != 1)
                *ret_filters = -1;
        return 0;
}

/* The capability bounding set of pid: what its sandbox let it keep at most (the app drops its
 * bounding set to the kept capabilities, and a bounding set only shrinks). */
static int proc_cap_bounding(pid_t pid, uint64_t *ret)
{
        char buf[4096];
        const char *bnd;
        ssize_t n = proc_status_read(pid, buf, sizeof(buf));

        if (n < 0)
                return (int)n;
        bnd = proc_status_field(buf, "CapBnd");
        if (!bnd || sscanf(bnd, "%" SCNx64, ret) != 1)
                return -EIO;
        return 0;
}

/* A pidfd of a direct child of PID 1 (see join.h for why not PID 1 itself). */
static int open_member(const struct instance *i, pid_t *ret_pid, struct sb_error *e)
{
        DIR *d = opendir("/proc");
        int found = -ESRCH;

        if (!d)
                return sb_error_set(e, -errno, "cannot read /proc: %m");
        for (struct dirent *de; found < 0 && (de = readdir(d));) {
                char *end;
                long pid = strtol(de->d_name, &end, 10);
                uint64_t start;
                pid_t ppid;
                bool owned;
                int fd;

                if (*end || pid <= 0 || pid > INT_MAX)
                        continue;
                if (proc_status((pid_t)pid, getuid(), &ppid, &owned) < 0 || ppid != i->init_pid)
                        continue;
                fd = pidfd_open((pid_t)pid);
                if (fd < 0)
                        continue;
                /* Checked again through the pidfd's lifetime: the pid is pinned now. */
                if (proc_status((pid_t)pid, getuid(), &ppid, &owned) < 0 || ppid != i->init_pid ||
                    proc_pid_start_time((pid_t)pid, &start) < 0 || start < i->init_start ||
                    !pidfd_alive(fd)) {
                        safe_close(fd);
                        continue;
                }
                if (!owned) {
                        safe_close(fd);
                        found = sb_error_set(e, -EPERM,
                                             "a process of the sandbox '%s' runs as another "
                                             "user; refusing to enter it",
                                             i->name);
                        break;
                }
                found = fd;
                *ret_pid = (pid_t)pid;
        }
        closedir(d);
        if (found == -ESRCH)
                sb_error_set(e, -ESRCH, "the sandbox '%s' has no process to join (is it ending?)",
                             i->name);
        return found;
}

/* The namespace of kind (ioctl: PIDFD_GET_*_NAMESPACE, file: "user", "net") of the process behind
 * pidfd, as a descriptor: asked of the pidfd, or before Linux 6.11 opened through /proc and the
 * process then checked to be still the one behind pidfd. */
static int pidfd_open_ns(int pidfd, pid_t pid, unsigned long ioctl_cmd, const char *kind,
                         const char *name, struct sb_error *e)
{
        int ns = ioctl(pidfd, ioctl_cmd, 0);

        if (ns < 0 && (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP)) {
                char path[64];

                snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, kind);
                ns = open(path, O_RDONLY | O_CLOEXEC);
                if (ns >= 0 && !pidfd_alive(pidfd)) {
                        safe_close(ns);
                        return sb_error_set(e, -ESRCH, "the sandbox '%s' has ended", name);
                }
        }
        if (ns < 0)
                return sb_error_set(e, -errno, "cannot inspect the %s namespace of '%s': %m", kind,
                                    name);
        return ns;
}

/* Is ns (a namespace descriptor of kind) our own? 1, 0, or -errno. */
static int ns_is_ours(int ns, const char *kind)
{
        char path[64];
        struct stat st, self;

        snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
        if (fstat(ns, &st) < 0 || stat(path, &self) < 0)
                return -errno;
        return st.st_ino == self.st_ino && st.st_dev == self.st_dev;
}

/* The user namespace of the process behind pidfd must be owned by us and not be our own. */
static int check_userns(int pidfd, pid_t pid, const char *name, struct sb_error *e)
{
        _cleanup_close_ int ns =
            pidfd_open_ns(pidfd, pid, PIDFD_GET_USER_NAMESPACE, "user", name, e);
        uid_t owner;
        int r;

        if (ns < 0)
                return ns;
        if (ioctl(ns, NS_GET_OWNER_UID, &owner) < 0)
                return sb_error_set(e, -errno, "cannot ask who owns the namespaces of '%s': %m",
                                    name);
        if (owner != getuid())
                return sb_error_set(e, -EPERM,
                                    "the sandbox '%s' belongs to uid %u, not to you; refusing",
                                    name, (unsigned)owner);
        r = ns_is_ours(ns, "user");
        if (r < 0)
                return sb_error_set(e, r, "cannot compare user namespaces: %m");
        if (r > 0)
                return sb_error_set(
                    e, -EPERM, "'%s' runs in your own user namespace: it is not a sandbox", name);
        return 0;
}

/* Whether the process behind pidfd has a network namespace of its own (another than ours). */
static int netns_is_private(int pidfd, pid_t pid, const char *name, bool *ret, struct sb_error *e)
{
        _cleanup_close_ int ns = pidfd_open_ns(pidfd, pid, PIDFD_GET_NET_NAMESPACE, "net", name, e);
        int r;

        if (ns < 0)
                return ns;
        r = ns_is_ours(ns, "net");
        if (r < 0)
                return sb_error_set(e, r, "cannot compare network namespaces: %m");
        *ret = r == 0;
        return 0;
}

struct report {
        int32_t err;
        int32_t status;
        char msg[SB_ERROR_MAX];
};

static _noreturn_ void fail(int fd, int status, int r, const char *what)
{
        struct report rep = {.err = -r, .status = status};

        snprintf(rep.msg, sizeof(rep.msg), "%s: %s", what, strerror(-r));
        if (write(fd, &rep, sizeof(rep)) < 0)
                _exit(status);
        _exit(status);
}

/* tty: the sandbox's pty for the command (-1: none), which becomes its controlling terminal
 * and replaces every one of its standard descriptors that is the caller's terminal. */
static _noreturn_ void run_command(const struct instance *i, char **argv, const sigset_t *oldmask,
                                   int tty, int report_fd)
{
        static char *const empty_env[] = {(char *)"PATH=" SANDBOX_DEFAULT_PATH, NULL};
        char *const *env = i->env ? i->env : empty_env;
        const char *dir = i->workdir ? i->workdir : "/";
        struct sb_error e = {};
        char path[PATH_MAX];
        int r;

        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "PR_SET_PDEATHSIG");
        /* Like the app: a new session, no controlling terminal to push input into. */
        if (setsid() < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "setsid");
        if (tty >= 0) {
                if (ioctl(tty, TIOCSCTTY, 0) < 0)
                        fail(report_fd, EXIT_LAUNCHER_ERROR, -errno,
                             "cannot make the sandbox's terminal ours");
                for (int fd = 0; fd <= 2; fd++)
                        if (isatty(fd) && dup2(tty, fd) < 0)
                                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "dup2");
                if (tty > 2)
                        safe_close(tty);
        }
        if (sigprocmask(SIG_SETMASK, oldmask, NULL) < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "sigprocmask");
        if (chdir(dir) < 0 && chdir("/") < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "chdir");
        r = find_executable(argv[0], env_get(env, "PATH"), path, sizeof(path));
        if (r < 0) {
                struct report rep = {.err = -r,
                                     .status = r == -ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE};
                snprintf(rep.msg, sizeof(rep.msg),
                         r == -ENOENT ? "%s: command not found in the sandbox"
                                      : "%s: not executable (permission denied)",
                         argv[0]);
                if (write(report_fd, &rep, sizeof(rep)) < 0)
                        _exit(rep.status);
                _exit(rep.status);
        }
        r = caps_reduce_to(i->keep_caps);
        if (r < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, r, "cannot drop capabilities");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "cannot set no_new_privs");
        /* The same filters as the sandbox's: PID 1 loaded the default one and the policy's
         * SystemCallFilter= on itself before forking the app; the record says which. */
        r = seccomp_default_filter_install();
        if (r < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, r, "cannot load the seccomp filter");
        if (i->syscall_filter) {
                r = seccomp_policy_filter_install(i->syscall_allow_list, i->syscall_names, &e);
                if (r < 0)
                        fail(report_fd, EXIT_LAUNCHER_ERROR, r, e.msg);
        }
        if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "close_range");
        execve(path, argv, env);
        r = -errno;
        fail(report_fd, r == -ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE, r, path);
}

static volatile sig_atomic_t forward_to;

static volatile sig_atomic_t forward_from_kernel = 1;

static void forward_signal(int sig, siginfo_t *si, void *ctx)
{
        (void)ctx;
        /* A terminal signals its whole foreground process group (SI_KERNEL): the joining child
         * is in the caller's group and gets such a signal itself, so the caller passing it on
         * too would deliver it twice. */
        if (si->si_code == SI_KERNEL && !forward_from_kernel)
                return;
        if (forward_to > 0)
                (void)kill((pid_t)forward_to, sig);
}

/* Forward the signals a terminal or `sandbox stop` sends to pid (0: stop forwarding, back to
 * the defaults), then restore the signal mask mask (if not NULL). from_kernel: also those the
 * kernel sends (a terminal's), else only those a process sends. */
static void forward(pid_t pid, bool from_kernel, const sigset_t *mask)
{
        static const int forwarded[] = {SIGTERM, SIGINT,  SIGHUP,  SIGQUIT,
                                        SIGUSR1, SIGUSR2, SIGWINCH};
        struct sigaction sa = {};

        if (pid > 0) {
                sa.sa_sigaction = forward_signal;
                sa.sa_flags = SA_SIGINFO;
        } else {
                sa.sa_handler = SIG_DFL;
        }
        forward_to = pid;
        forward_from_kernel = from_kernel;
        sigemptyset(&sa.sa_mask);
        for (size_t k = 0; k < ELEMENTSOF(forwarded); k++)
                (void)sigaction(forwarded[k], &sa, NULL);
        if (mask)
                (void)sigprocmask(SIG_SETMASK, mask, NULL);
}

/* The child: join the namespaces, fork the command (a child of ours is in the pid namespace,
 * we are not), give up what the join gave us, wait and pass its status on. With relay, the
 * command gets a terminal of the sandbox's devpts in place of each standard descriptor that is
 * the caller's terminal, and we pass the bytes between the two: the command never holds it. */
static _noreturn_ void join_and_run(const struct instance *i, char **argv, int flags, int pidfd,
                                    bool relay, const sigset_t *oldmask, int report_fd)
{
        int status, r, master = -EBADF, slave = -EBADF;
        /* Our standard descriptors that are the caller's terminal: input from one, output to
         * the other (-1: that side is a file or a pipe, which the command keeps as it is). */
        int tty_in = isatty(STDIN_FILENO) ? STDIN_FILENO : -1;
        int tty_out = isatty(STDOUT_FILENO)   ? STDOUT_FILENO
                      : isatty(STDERR_FILENO) ? STDERR_FILENO
                                              : -1;
        pid_t cmd;

        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "PR_SET_PDEATHSIG");
        /* Undumpable before we enter: from setns() on we are in the sandbox's user namespace
         * with all its capabilities and the caller's descriptors, and a process of the sandbox
         * (same uid) could otherwise ptrace us. Forks inherit it until their execve(). */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "PR_SET_DUMPABLE");
        /* One call for all: the kernel joins the user namespace first and checks the others
         * with the capabilities gained there (validate_nsset()); if any fails, none is
         * joined. */
        if (setns(pidfd, flags) < 0) {
                if (errno == EINVAL)
                        fail(report_fd, EXIT_LAUNCHER_ERROR, -EOPNOTSUPP,
                             "cannot join the namespaces: this kernel cannot setns() through a "
                             "pidfd (Linux 5.8), or this is not a sandbox");
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "cannot join the namespaces");
        }
        safe_close(pidfd);
        if (relay) {
                /* /dev/ptmx is the sandbox's now: its own devpts. */
                r = pty_open(&master, &slave);
                if (r < 0)
                        fail(report_fd, EXIT_LAUNCHER_ERROR, r,
                             "cannot open a terminal in the sandbox");
                (void)pty_copy_window_size(tty_in >= 0 ? tty_in : tty_out, master);
        }
        cmd = fork();
        if (cmd < 0)
                fail(report_fd, EXIT_LAUNCHER_ERROR, -errno, "cannot fork");
        if (cmd == 0) {
                safe_close(master);
                run_command(i, argv, oldmask, slave, report_fd);
        }
        safe_close(slave);
        safe_close(report_fd);

        /* Inside every namespace but the pid one, with all capabilities of the sandbox's user
         * namespace: drop them (we stay undumpable, like PID 1). */
        if (caps_reduce_to(0) < 0) {
                (void)kill(cmd, SIGKILL);
                _exit(EXIT_LAUNCHER_ERROR);
        }
        forward(cmd, true, oldmask);
        if (master >= 0) {
                _cleanup_close_ int cmd_fd = pidfd_open(cmd);
                sigset_t winch;

                /* A resized terminal: the relay copies the new size to the pty (whose kernel
                 * side then signals the command), so SIGWINCH waits for its signalfd. */
                sigemptyset(&winch);
                sigaddset(&winch, SIGWINCH);
                if (cmd_fd < 0 || sigprocmask(SIG_BLOCK, &winch, NULL) < 0 ||
                    pty_relay(master, tty_in, tty_out, cmd_fd) < 0)
                        (void)kill(cmd, SIGHUP); /* no terminal any more, as on a hangup */
                safe_close(master);
        }
        while (waitpid(cmd, &status, 0) < 0)
                if (errno != EINTR)
                        _exit(EXIT_LAUNCHER_ERROR);
        /* Re-raise nothing: the status travels as an exit code the parent decodes. */
        if (WIFSIGNALED(status))
                _exit(128 + WTERMSIG(status));
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_LAUNCHER_ERROR);
}

/* Is the process whose /proc/PID/status is status PID 1 of a pid namespace one level below the
 * reader's ("NSpid:\tHOSTPID\t1")? A process of the user's session has one pid there, the PID 1
 * of a sandbox two. */
static bool status_is_child_ns_init(const char *status)
{
        const char *f = proc_status_field(status, "NSpid");
        long host, inner;
        int used = 0;

        return f && sscanf(f, "%ld %ld%n", &host, &inner, &used) == 2 && host > 0 && inner == 1 &&
               (f[used] == '\n' || f[used] == '\0');
}

int instance_open_init(const struct instance *i, struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        char buf[4096];
        pid_t ppid;
        bool owned;
        int r;

        if (i->init_pid <= 0)
                return sb_error_set(e, -EAGAIN, "the sandbox '%s' is still starting", i->name);
        fd = pidfd_open(i->init_pid);
        if (fd == -ENOSYS)
                return sb_error_set(e, -EOPNOTSUPP,
                                    "this kernel has no pidfd_open (Linux 5.3) and cannot reach "
                                    "a sandbox safely");
        /* The pidfd holds on to the process: what /proc shows under its pid is that process's
         * for as long as it is not reaped, which the last check below confirms. */
        if (fd < 0 || !proc_pid_matches(i->init_pid, i->init_start))
                return sb_error_set(e, -ESRCH, "the sandbox '%s' has ended", i->name);
        r = proc_status(i->init_pid, getuid(), &ppid, &owned);
        if (r >= 0 && proc_status_read(i->init_pid, buf, sizeof(buf)) < 0)
                r = -ESRCH;
        if (r < 0)
                return sb_error_set(e, -ESRCH, "the sandbox '%s' has ended", i->name);
        /* The record names the processes; the kernel must confirm they are a sandbox: a record
         * naming some other process of the user (whose pid and start time anyone can read) must
         * not make `stop` signal it, nor `enter` look at it. */
        if (!owned || ppid != i->monitor_pid || !status_is_child_ns_init(buf))
                return sb_error_set(e, -EPERM,
                                    "pid %d (recorded for '%s') is not a sandbox of yours started "
                                    "by pid %d; refusing",
                                    (int)i->init_pid, i->name, (int)i->monitor_pid);
        /* Not reaped yet, so what /proc showed under its pid was still this process. */
        if (!pidfd_alive(fd))
                return sb_error_set(e, -ESRCH, "the sandbox '%s' has ended", i->name);
        return TAKE_FD(fd);
}

int instance_enter(const struct instance *i, char **argv, int *ret_status, struct sb_error *e)
{
        _cleanup_close_ int init_fd = -EBADF, member_fd = -EBADF;
        _cleanup_close_pair_ int report_pipe[2] = {-EBADF, -EBADF};
        int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
                    CLONE_NEWCGROUP;
        struct report rep;
        sigset_t all, old;
        pid_t child, member = 0;
        ssize_t n;
        int r, status, mode = 0, filters = -1;
        uint64_t bounding = 0;
        bool private_network = false, relay, raw;
        struct termios saved_tty;

        *ret_status = EXIT_LAUNCHER_ERROR;
        if (!argv || !argv[0])
                return sb_error_set(e, -EINVAL, "no command to run");
        init_fd = instance_open_init(i, e);
        if (init_fd < 0)
                return init_fd;

        /* Fail closed unless we can load what the sandbox has: PID 1 loaded the default filter
         * and, with a SystemCallFilter=, a second one, and it never loads another. A record
         * that claims fewer (or more) filters than that describes some other sandbox. */
        r = proc_seccomp(i->init_pid, &mode, &filters);
        if (r < 0)
                return sb_error_set(e, -ESRCH, "the sandbox '%s' has ended", i->name);
        if (mode != 2 || (filters >= 0 && filters != 1 + (int)i->syscall_filter))
                return sb_error_set(e, -EPERM,
                                    "the seccomp filters of '%s' (mode %d, %d filters) are not "
                                    "the ones its record describes; refusing to enter it",
                                    i->name, mode, filters);

        member_fd = open_member(i, &member, e);
        if (member_fd < 0)
                return member_fd;
        r = check_userns(member_fd, member, i->name, e);
        if (r < 0)
                return r;
        /* Which network the command gets is the kernel's to say, not the record's: a record that
         * says "the host's" of a sandbox with a network of its own would give the command the
         * host's network that the app does not have. */
        r = netns_is_private(member_fd, member, i->name, &private_network, e);
        if (r < 0)
                return r;
        if (private_network != i->private_network)
                return sb_error_set(e, -EPERM,
                                    "the network namespace of '%s' is not the one its record "
                                    "describes; refusing to enter it",
                                    i->name);
        /* The record is the user's file, and so is anything a sandbox with their runtime dir
         * bound in could write: it may not hand the joined command a capability the sandbox's
         * own app cannot have. */
        r = proc_cap_bounding(member, &bounding);
        if (r < 0 || !pidfd_alive(member_fd))
                return sb_error_set(e, -ESRCH, "the sandbox '%s' has ended", i->name);
        if (i->keep_caps & ~bounding)
                return sb_error_set(e, -EPERM,
                                    "the record of '%s' names capabilities its app cannot have; "
                                    "refusing to enter it",
                                    i->name);
        if (!pidfd_alive(init_fd))
                return sb_error_set(e, -ESRCH, "the sandbox '%s' has ended", i->name);

        /* libseccomp is loaded now, from the host's root: after setns() the sandbox's mount
         * namespace is ours, and a library of that name there is the sandbox's to choose. */
        if (i->syscall_filter) {
                r = seccomp_dl_open();
                if (r < 0)
                        return sb_error_set(e, r,
                                            "the sandbox '%s' has a SystemCallFilter=, which needs "
                                            "libseccomp.so.2: %m",
                                            i->name);
        }
        if (private_network)
                flags |= CLONE_NEWNET;
        if (pipe2(report_pipe, O_CLOEXEC | O_DIRECT) < 0)
                return sb_error_set(e, -errno, "cannot create a pipe: %m");
        /* On a terminal the command gets one of the sandbox's, relayed: never ours, which every
         * process of the sandbox could otherwise take from it through /proc and keep. Ours is
         * raw meanwhile (when we read from it), so that keys like Ctrl-C reach the pty's line
         * discipline as bytes. */
        relay = isatty(STDIN_FILENO) || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO);
        raw = isatty(STDIN_FILENO);
        if (raw && tty_make_raw(STDIN_FILENO, &saved_tty) < 0)
                return sb_error_set(e, -errno, "cannot set up the terminal: %m");
        sigfillset(&all);
        if (sigprocmask(SIG_BLOCK, &all, &old) < 0) {
                r = -errno;
                if (raw)
                        tty_restore(STDIN_FILENO, &saved_tty);
                return sb_error_set(e, r, "cannot block signals: %m");
        }
        /* The namespaces are joined by a child, so that the caller (and its error messages,
         * its exit path) stays on the host. */
        child = fork();
        if (child < 0) {
                r = -errno;
                (void)sigprocmask(SIG_SETMASK, &old, NULL);
                if (raw)
                        tty_restore(STDIN_FILENO, &saved_tty);
                return sb_error_set(e, r, "cannot fork: %m");
        }
        if (child == 0) {
                report_pipe[0] = safe_close(report_pipe[0]);
                join_and_run(i, argv, flags, member_fd, relay, &old, report_pipe[1]);
        }
        report_pipe[1] = safe_close(report_pipe[1]);
        forward(child, false, &old);

        do
                n = read(report_pipe[0], &rep, sizeof(rep));
        while (n < 0 && errno == EINTR);
        while (waitpid(child, &status, 0) < 0)
                if (errno != EINTR) {
                        r = -errno;
                        forward(0, false, NULL);
                        if (raw)
                                tty_restore(STDIN_FILENO, &saved_tty);
                        return sb_error_set(e, r, "waiting for the command: %m");
                }
        forward(0, false, NULL);
        if (raw)
                tty_restore(STDIN_FILENO, &saved_tty);
        if (n == (ssize_t)sizeof(rep) && rep.err) {
                rep.msg[sizeof(rep.msg) - 1] = '\0';
                *ret_status = rep.status;
                return sb_error_set(e, -rep.err, "%s", rep.msg);
        }
        *ret_status = exit_status_from_wait(status);
        return 0;
}
