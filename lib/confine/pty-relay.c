/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "fd-util.h"
#include "macro.h"
#include "pty-relay.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41) /* Linux 4.13 */
#endif

int pty_open(int *ret_master, int *ret_slave)
{
        _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        int slave, unlock = 0;

        if (master < 0)
                return -errno;
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
                return -errno;
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return -errno;
        *ret_master = TAKE_FD(master);
        *ret_slave = slave;
        return 0;
}

int pty_copy_window_size(int tty_fd, int master)
{
        struct winsize ws;

        if (ioctl(tty_fd, TIOCGWINSZ, &ws) < 0 || ioctl(master, TIOCSWINSZ, &ws) < 0)
                return -errno;
        return 0;
}

int tty_make_raw(int fd, struct termios *saved)
{
        struct termios raw;

        if (tcgetattr(fd, saved) < 0)
                return -errno;
        raw = *saved;
        cfmakeraw(&raw);
        /* Output processing stays on: the pty's line discipline already turned "\n" into
         * "\r\n", and what the caller's own programs print meanwhile keeps its layout. */
        raw.c_oflag = saved->c_oflag;
        if (tcsetattr(fd, TCSANOW, &raw) < 0)
                return -errno;
        return 0;
}

void tty_restore(int fd, const struct termios *saved)
{
        (void)tcsetattr(fd, TCSADRAIN, saved);
}

/* Copy what the master has now to out_fd (-1: drop it). false once the pty has no slave left
 * (EIO). */
static bool pass_output(int master, int out_fd)
{
        char buf[4096];

        for (;;) {
                ssize_t n = read(master, buf, sizeof(buf));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return true;
                if (n <= 0)
                        return false;
                if (out_fd >= 0 && write_all(out_fd, buf, (size_t)n) < 0)
                        out_fd = -1; /* nobody reads it any more: drop the rest */
        }
}

int pty_relay(int master, int in_fd, int out_fd, int child_pidfd)
{
        _cleanup_close_ int sfd = -EBADF;
        char in_buf[4096];
        size_t in_len = 0;
        bool in_open = in_fd >= 0, master_open = true;
        sigset_t winch;
        int flags;

        /* Our own descriptor of the master: non-blocking, so a command that reads nothing never
         * stops its output from reaching the caller. The caller's terminal is shared with their
         * shell and stays as it is; it is read only when poll() says there is input. */
        flags = fcntl(master, F_GETFL);
        if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        sigemptyset(&winch);
        sigaddset(&winch, SIGWINCH);
        sfd = signalfd(-1, &winch, SFD_NONBLOCK | SFD_CLOEXEC);
        if (sfd < 0)
                return -errno;

        for (;;) {
                struct pollfd p[4] = {
                    {.fd = in_open && in_len < sizeof(in_buf) ? in_fd : -1, .events = POLLIN},
                    {.fd = master_open ? master : -1, .events = POLLIN | (in_len ? POLLOUT : 0)},
                    {.fd = child_pidfd, .events = POLLIN},
                    {.fd = sfd, .events = POLLIN},
                };

                if (poll(p, 4, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (p[3].revents & POLLIN) {
                        struct signalfd_siginfo si;

                        while (read(sfd, &si, sizeof(si)) > 0)
                                ;
                        (void)pty_copy_window_size(in_fd >= 0 ? in_fd : out_fd, master);
                }
                if (p[0].revents) {
                        ssize_t n = read(in_fd, in_buf + in_len, sizeof(in_buf) - in_len);

                        if (n > 0)
                                in_len += (size_t)n;
                        else if (n == 0 || (errno != EINTR && errno != EAGAIN))
                                in_open = false;
                }
                if ((p[1].revents & POLLOUT) && in_len > 0) {
                        ssize_t n = write(master, in_buf, in_len);

                        if (n > 0) {
                                memmove(in_buf, in_buf + n, in_len - (size_t)n);
                                in_len -= (size_t)n;
                        } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
                                in_len = 0;
                        }
                }
                if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
                        master_open = pass_output(master, out_fd);
                if (p[2].revents & POLLIN) {
                        /* The command is gone: what it printed last is still in the master
                         * (anything of the sandbox's that keeps the slave open may print more,
                         * but the session is over). */
                        if (master_open)
                                (void)pass_output(master, out_fd);
                        return 0;
                }
        }
}
