/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox enter NAME [--] [COMMAND [ARG...]] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "env.h"
#include "exec-util.h"
#include "instance.h"
#include "join.h"
#include "log.h"
#include "proc-util.h"
#include "verbs.h"

int verb_enter(int argc, char **argv)
{
        static const struct option options[] = {
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_(instance_done) struct instance i = {};
        _cleanup_close_ int dir_fd = -EBADF, init_fd = -EBADF;
        struct sb_error e = {};
        char *shell[2] = {NULL, NULL};
        char **command;
        int c, r, status;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("Usage: sandbox enter NAME [--] [COMMAND [ARG...]]\n\n"
                               "Run COMMAND (default: the sandbox's $SHELL, else /bin/sh) in "
                               "the running\nsandbox NAME, confined like its app. See "
                               "sandbox(1).\n");
                        return 0;
                default:
                        log_error("enter: option '%s' is unknown; see 'sandbox enter --help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (optind >= argc) {
                log_error("enter: no sandbox NAME given (see 'sandbox ps')");
                return EXIT_LAUNCHER_ERROR;
        }
        dir_fd = instance_dir_open(false, &e);
        if (dir_fd < 0 || instance_read(dir_fd, argv[optind], &i, &e) < 0) {
                log_error("enter: %s", e.msg);
                return EXIT_LAUNCHER_ERROR;
        }
        optind++;
        if (optind < argc && streq(argv[optind], "--"))
                optind++;
        if (optind < argc) {
                command = argv + optind;
        } else {
                const char *sh = env_get(i.env, "SHELL");
                shell[0] = (char *)(sh && sh[0] == '/' ? sh : "/bin/sh");
                command = shell;
        }
        if (!instance_is_alive(&i)) {
                log_error("enter: the sandbox '%s' has ended", i.name);
                return EXIT_LAUNCHER_ERROR;
        }

        /* Nothing the record names is acted on before the kernel confirms its PID 1 is our
         * sandbox's, and the cgroup we join must be that PID 1's: a record naming another cgroup
         * would take the command out of the sandbox's limits. */
        init_fd = instance_open_init(&i, &e);
        if (init_fd < 0) {
                log_error("enter: %s", e.msg);
                return EXIT_LAUNCHER_ERROR;
        }
        if (i.cgroup) {
                _cleanup_free_ char *actual = NULL;

                r = cgroup_pid_path(i.init_pid, &actual);
                if (r >= 0 && !proc_pid_matches(i.init_pid, i.init_start))
                        r = -ESRCH;
                if (r < 0)
                        return log_error_errno(r, "enter: cannot read the cgroup of '%s': %m",
                                               i.name),
                               EXIT_LAUNCHER_ERROR;
                if (!streq(actual, i.cgroup)) {
                        log_error("enter: the sandbox '%s' runs in the cgroup %s, not in %s as "
                                  "its record says; refusing",
                                  i.name, actual, i.cgroup);
                        return EXIT_LAUNCHER_ERROR;
                }
        }

        /* Into the sandbox's cgroup first, while cgroupfs is still the host's. A scope with
         * limits must bind what runs in it: if we cannot join it, we do not enter. */
        if (i.cgroup) {
                r = cgroup_join(i.cgroup, i.scope, &e);
                if (r < 0 && i.limits) {
                        log_error("enter: %s; the sandbox '%s' has resource limits that would "
                                  "not apply, refusing",
                                  e.msg, i.name);
                        return EXIT_LAUNCHER_ERROR;
                }
        }
        r = instance_enter(&i, command, &status, &e);
        if (r < 0)
                log_error("enter: %s", e.msg);
        return status;
}
