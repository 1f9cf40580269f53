/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox-scope-probe — drives lib/cgroup the way the launcher does, for the VM tier
 * (tests/vm/scenarios/20-scopes.sh), where systemd, delegation and limits are real.
 *
 *   sandbox-scope-probe [--cgroupfs] [--app NAME] [Name=Value...] MODE [ARG]
 *
 * Name=Value: MemoryMax= MemoryHigh= CPUQuota= CPUWeight= TasksMax= IOWeight= in systemd's syntax.
 * --cgroupfs: skip systemd, use the cgroupfs fallback (cgroup_scope_enter_cgroupfs()).
 *
 * It enters the scope, prints "unit=NAME", "cgroup=PATH" (below /sys/fs/cgroup) and
 * "transient=yes|no" (one per line, flushed), then runs MODE:
 *   hold       wait for EOF on stdin (the scenario inspects the scope meanwhile)
 *   hog MIB    a child touches up to MIB MiB of memory; prints "child=killed SIG" or
 *              "child=exited N", then "oom_killed=yes|no" (scope_oom_killed()); exit 0 only when
 *              the child died of SIGKILL and scope_oom_killed() says so
 *   forks N    fork children (they wait) until fork N; prints "forked=K" and "fork N: ERROR";
 *              exit 0 only when forks 1..N-1 worked and fork N failed with EAGAIN
 *   none       nothing
 *   slice UNIT do not enter a scope: put the limits on UNIT (cgroup_set_slice_limits(), what
 *              pam_sandbox does to user-UID.slice) and exit
 * After MODE it frees the scope and, for the cgroupfs fallback, prints "removed=yes|no" (is the
 * child cgroup gone?).
 *
 * Exit status: as above; 2 when the scope could not be entered (the message on stderr, as the
 * launcher would print it); 64 for bad usage. */
#include <errno.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"

static int usage(void)
{
        fprintf(stderr, "usage: sandbox-scope-probe [--cgroupfs] [--app NAME] [Name=Value...] "
                        "hold|hog MIB|forks N|none|slice UNIT\n");
        return 64;
}

static void hold(void)
{
        char buf[256];

        while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
                ;
}

static _noreturn_ void hog_child(unsigned long mib)
{
        /* Touch every page, so the memory is really charged to the cgroup. */
        for (unsigned long i = 0; i < mib; i++) {
                char *p =
                    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        _exit(4);
                memset(p, 0x5a, 1 << 20);
        }
        _exit(3); /* the limit never struck */
}

static int hog(struct scope *s, unsigned long mib)
{
        int status;
        pid_t pid = fork();

        if (pid < 0) {
                perror("fork");
                return 1;
        }
        if (pid == 0)
                hog_child(mib);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        perror("waitpid");
                        return 1;
                }
        if (WIFSIGNALED(status))
                printf("child=killed %d\n", WTERMSIG(status));
        else
                printf("child=exited %d\n", WEXITSTATUS(status));
        printf("oom_killed=%s\n", scope_oom_killed(s) ? "yes" : "no");
        return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && scope_oom_killed(s) ? 0 : 1;
}

static int forks(unsigned long n)
{
        int gate[2], err = 0, ok;
        unsigned long done = 0;
        pid_t pids[256];

        if (n < 1 || n > ELEMENTSOF(pids) || pipe(gate) < 0)
                return 1;
        for (unsigned long i = 1; i <= n; i++) {
                pid_t pid = fork();

                if (pid < 0) {
                        err = errno;
                        break;
                }
                if (pid == 0) {
                        char c;

                        close(gate[1]);
                        /* until the parent closes the gate */
                        while (read(gate[0], &c, 1) < 0 && errno == EINTR)
                                ;
                        _exit(0);
                }
                pids[done++] = pid;
        }
        close(gate[0]);
        close(gate[1]);
        for (unsigned long i = 0; i < done; i++)
                (void)waitpid(pids[i], NULL, 0);
        printf("forked=%lu\n", done);
        printf("fork %lu: %s\n", done + 1, err ? strerror(err) : "not tried");
        ok = done == n - 1 && err == EAGAIN;
        return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
        struct limits l = LIMITS_NONE;
        struct sb_error e = {};
        struct scope *s = NULL;
        const char *app = "scope-probe", *mode;
        char removed_path[4096] = "";
        bool cgroupfs = false;
        unsigned long arg = 0;
        int i, r, status = 0;

        setvbuf(stdout, NULL, _IOLBF, 0);
        for (i = 1; i < argc; i++) {
                if (streq(argv[i], "--cgroupfs"))
                        cgroupfs = true;
                else if (streq(argv[i], "--app") && i + 1 < argc)
                        app = argv[++i];
                else if (strchr(argv[i], '=')) {
                        r = limits_set_assignment(&l, argv[i], "command line", (unsigned)i, NULL,
                                                  &e);
                        if (r < 0) {
                                fprintf(stderr, "sandbox-scope-probe: %s\n", e.msg);
                                return 64;
                        }
                } else
                        break;
        }
        if (i >= argc)
                return usage();
        mode = argv[i++];
        if (streq(mode, "hog") || streq(mode, "forks")) {
                if (i >= argc)
                        return usage();
                arg = strtoul(argv[i++], NULL, 10);
        } else if (streq(mode, "slice")) {
                if (i + 1 != argc)
                        return usage();
                r = cgroup_set_slice_limits(argv[i], &l, &e);
                if (r < 0) {
                        fprintf(stderr, "sandbox-scope-probe: %s\n", e.msg);
                        return 2;
                }
                return 0;
        }
        if (i != argc)
                return usage();

        r = cgroupfs ? cgroup_scope_enter_cgroupfs(app, &l, &s, &e)
                     : cgroup_scope_enter(app, &l, &s, &e);
        if (r < 0) {
                fprintf(stderr, "sandbox-scope-probe: %s\n", e.msg);
                return 2;
        }
        printf("unit=%s\n", s ? scope_unit_name_get(s) : "");
        printf("cgroup=%s\n", s ? scope_cgroup_path(s) : "");
        printf("transient=%s\n", scope_is_transient_unit(s) ? "yes" : "no");

        if (streq(mode, "hold"))
                hold();
        else if (streq(mode, "hog"))
                status = hog(s, arg);
        else if (streq(mode, "forks"))
                status = forks(arg);
        else if (!streq(mode, "none"))
                status = usage();

        if (s && !scope_is_transient_unit(s)) {
                struct statfs sfs;
                bool unified =
                    statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;

                snprintf(removed_path, sizeof(removed_path), "/sys/fs/cgroup%s%s",
                         unified ? "" : "/unified", scope_cgroup_path(s));
        }
        s = scope_free(s);
        if (removed_path[0]) {
                struct stat st;
                printf("removed=%s\n",
                       lstat(removed_path, &st) < 0 && errno == ENOENT ? "yes" : "no");
        }
        return status;
}
