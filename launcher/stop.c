/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox stop NAME [--signal SIG] [--timeout SEC] */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec-util.h"
#include "fd-util.h"
#include "instance.h"
#include "join.h"
#include "log.h"
#include "verbs.h"

static int parse_signal(const char *s)
{
        static const struct {
                const char *name;
                int sig;
        } table[] = {{"TERM", SIGTERM}, {"KILL", SIGKILL}, {"INT", SIGINT},  {"HUP", SIGHUP},
                     {"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}};
        char *end;
        long n;

        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t k = 0; k < ELEMENTSOF(table); k++)
                if (strcasecmp(s, table[k].name) == 0)
                        return table[k].sig;
        n = strtol(s, &end, 10);
        return *s && !*end && n > 0 && n < NSIG ? (int)n : -EINVAL;
}

/* Wait until the process behind pidfd exits: 1, or 0 after timeout_ms. */
static int wait_exit(int pidfd, long timeout_ms)
{
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        int r;

        do
                r = poll(&p, 1, timeout_ms < 0 ? -1 : (int)timeout_ms);
        while (r < 0 && errno == EINTR);
        return r > 0;
}

int verb_stop(int argc, char **argv)
{
        static const struct option options[] = {
            {"signal", required_argument, NULL, 's'},
            {"timeout", required_argument, NULL, 't'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_(instance_done) struct instance i = {};
        _cleanup_close_ int dir_fd = -EBADF, pidfd = -EBADF;
        struct sb_error e = {};
        int sig = SIGTERM, c;
        long timeout_ms = 10000;
        char *end;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "+hs:t:", options, NULL)) >= 0)
                switch (c) {
                case 's':
                        sig = parse_signal(optarg);
                        if (sig < 0) {
                                log_error("stop: --signal %s: not a signal name or number", optarg);
                                return EXIT_LAUNCHER_ERROR;
                        }
                        break;
                case 't': {
                        double t = strtod(optarg, &end);
                        if (*end || end == optarg || !(t >= 0 && t <= 86400)) {
                                log_error("stop: --timeout %s: seconds from 0 to 86400", optarg);
                                return EXIT_LAUNCHER_ERROR;
                        }
                        timeout_ms = (long)(t * 1000);
                        break;
                }
                case 'h':
                        printf("Usage: sandbox stop NAME [--signal SIG] [--timeout SEC]\n\n"
                               "Send SIG (default TERM) to the sandbox NAME and wait for it to "
                               "end; SIGKILL\nit after SEC seconds (default 10).\n");
                        return 0;
                default:
                        log_error("stop: option '%s' is unknown or lacks its value; see "
                                  "'sandbox stop --help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (argc - optind != 1) {
                log_error("stop: expected one sandbox NAME (see 'sandbox ps')");
                return EXIT_LAUNCHER_ERROR;
        }
        dir_fd = instance_dir_open(false, &e);
        if (dir_fd < 0 || instance_read(dir_fd, argv[optind], &i, &e) < 0) {
                log_error("stop: %s", e.msg);
                return EXIT_LAUNCHER_ERROR;
        }
        if (i.init_pid <= 0 || !instance_is_alive(&i)) {
                log_error("stop: the sandbox '%s' has already ended", i.name);
                return EXIT_LAUNCHER_ERROR;
        }
        /* Through a pidfd that pins PID 1, once the kernel confirms it is our sandbox's: a
         * record naming another process of ours must not get that process killed. */
        pidfd = instance_open_init(&i, &e);
        if (pidfd < 0) {
                log_error("stop: %s", e.msg);
                return EXIT_LAUNCHER_ERROR;
        }
        /* PID 1 blocks every signal and reads them from a signalfd: it forwards this one to
         * the app, and ends the sandbox when the app has gone. */
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                return log_error_errno(-errno, "stop: cannot signal '%s': %m", i.name),
                       EXIT_LAUNCHER_ERROR;
        if (wait_exit(pidfd, timeout_ms))
                return 0;
        log_error("stop: '%s' still runs after %ld ms; killing it", i.name, timeout_ms);
        if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
                return log_error_errno(-errno, "stop: cannot kill '%s': %m", i.name),
                       EXIT_LAUNCHER_ERROR;
        wait_exit(pidfd, -1);
        return 0;
}
