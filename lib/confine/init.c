/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-util.h"
#include "init.h"
#include "macro.h"

/* Returns 1 when app has been reaped (status stored), 0 otherwise. */
static int reap_children(pid_t app, int *ret_status)
{
        int found = 0;

        for (;;) {
                int status;
                pid_t p = waitpid(-1, &status, WNOHANG);

                if (p <= 0)
                        return found;
                if (p == app) {
                        *ret_status = exit_status_from_wait(status);
                        found = 1;
                }
        }
}

int sandbox_init_loop(pid_t app)
{
        _cleanup_close_ int sfd = -EBADF;
        sigset_t all;
        int status = EXIT_LAUNCHER_ERROR;

        sigfillset(&all);
        sfd = signalfd(-1, &all, SFD_CLOEXEC);
        if (sfd < 0)
                return EXIT_LAUNCHER_ERROR;

        /* The app may already be gone before the first signal is read. */
        if (reap_children(app, &status))
                return status;

        for (;;) {
                struct signalfd_siginfo si;
                ssize_t n = read(sfd, &si, sizeof(si));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n != sizeof(si))
                        return EXIT_LAUNCHER_ERROR;
                if (si.ssi_signo == SIGCHLD) {
                        if (reap_children(app, &status))
                                return status;
                        continue;
                }
                /* Job-control stops are meant for the terminal's foreground group, not us. */
                if (si.ssi_signo == SIGTSTP || si.ssi_signo == SIGTTIN || si.ssi_signo == SIGTTOU)
                        continue;
                (void)kill(app, (int)si.ssi_signo);
        }
}
