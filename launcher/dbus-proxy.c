/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The proxy's lifetime is tied to a pipe (--fd=3): it writes one byte when it listens, and exits
 * when our end closes, so a launcher that dies for any reason takes its proxy with it. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dbus-proxy.h"
#include "fd-util.h"
#include "strv.h"

extern char **environ;

#define PROXY_READY_MS 10000

int dbus_proxy_check(const char *who, struct sb_error *e)
{
        if (access(DBUS_PROXY_PATH, X_OK) < 0)
                return sb_error_set(e, -ENOENT,
                                    "%s needs xdg-dbus-proxy (Debian package "
                                    "xdg-dbus-proxy) at %s: %m; refusing to run rather than "
                                    "give the app the unfiltered bus",
                                    who, DBUS_PROXY_PATH);
        return 0;
}

int dbus_proxy_start(struct dbus_proxy *p, const char *address, const char *sock, char *const *talk,
                     char *const *own, const char *who, struct sb_error *e)
{
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_close_ int rd = -EBADF, wr = -EBADF;
        posix_spawn_file_actions_t fa;
        int pipefd[2], r;
        char b, fdarg[32];
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return sb_error_set(e, -errno, "pipe: %m");
        rd = pipefd[0];
        wr = pipefd[1];
        /* The proxy's end is fd 3 (dup2 clears close-on-exec); keep ours off 3 first. */
        if (wr == 3) {
                int t = fcntl(wr, F_DUPFD_CLOEXEC, 10);
                if (t < 0)
                        return sb_error_set(e, -errno, "fcntl: %m");
                safe_close(wr);
                wr = t;
        }
        snprintf(fdarg, sizeof(fdarg), "--fd=3");
        if (strv_extend(&argv, DBUS_PROXY_PATH) < 0 || strv_extend(&argv, fdarg) < 0 ||
            strv_extend(&argv, address) < 0 || strv_extend(&argv, sock) < 0 ||
            strv_extend(&argv, "--filter") < 0)
                return -ENOMEM;
        for (char *const *n = talk; n && *n; n++) {
                _cleanup_free_ char *a = NULL;
                if (asprintf(&a, "--talk=%s", *n) < 0 || strv_extend(&argv, a) < 0)
                        return -ENOMEM;
        }
        for (char *const *n = own; n && *n; n++) {
                _cleanup_free_ char *a = NULL;
                if (asprintf(&a, "--own=%s", *n) < 0 || strv_extend(&argv, a) < 0)
                        return -ENOMEM;
        }
        if (posix_spawn_file_actions_init(&fa) != 0)
                return -ENOMEM;
        r = posix_spawn_file_actions_adddup2(&fa, wr, 3);
        if (r == 0)
                r = posix_spawn(&pid, DBUS_PROXY_PATH, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0)
                return sb_error_set(e, -r, "cannot start %s: %s", DBUS_PROXY_PATH, strerror(r));
        p->pid = pid;
        wr = safe_close(wr);

        /* Ready when it writes its byte; EOF means it gave up (it said why on stderr). */
        {
                struct pollfd pfd = {.fd = rd, .events = POLLIN};
                r = poll(&pfd, 1, PROXY_READY_MS);
        }
        if (r <= 0 || read(rd, &b, 1) != 1) {
                (void)kill(pid, SIGTERM); /* hung or failed: dbus_proxy_stop() reaps it */
                return sb_error_set(e, -EIO, "%s: xdg-dbus-proxy did not start (bus %s)", who,
                                    address);
        }
        p->sync = TAKE_FD(rd);
        return 0;
}

void dbus_proxy_stop(struct dbus_proxy *p)
{
        if (p->pid > 0) {
                /* Closing our end is its signal to exit (--fd); reap it. */
                p->sync = safe_close(p->sync);
                while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        p->sync = safe_close(p->sync);
        *p = (struct dbus_proxy)DBUS_PROXY_INIT;
}
