/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A terminal for a command that joins a running sandbox (`sandbox enter`), made of the sandbox's
 * own devpts, with its bytes relayed to and from the caller's terminal by a process the sandbox
 * cannot see. Handing the caller's terminal itself to the command would let every process of the
 * sandbox open it through /proc/PID/fd once the command runs (it is dumpable after its execve),
 * keep it after `enter` returns, and read what the user types into their shell from then on. */

/* Open a new pseudo-terminal in the current mount namespace's /dev/ptmx: the master, and its peer
 * (TIOCGPTPEER, so no path is looked up). Both close-on-exec. 0 or -errno. */
int pty_open(int *ret_master, int *ret_slave);

/* Give the pty the caller's window size (from tty_fd). 0 or -errno. */
int pty_copy_window_size(int tty_fd, int master);

/* Relay until the child behind child_pidfd has exited and the master has nothing more to say:
 * caller input (in_fd, -1: none) to the master, master output to out_fd (-1: dropped); on
 * SIGWINCH (which the caller must have blocked, so that a signalfd sees it) the window size of
 * the caller's terminal is copied again. 0 or -errno. */
int pty_relay(int master, int in_fd, int out_fd, int child_pidfd);

/* The caller's terminal in raw mode while a relay runs (saved into *saved), and back. */
struct termios;
int tty_make_raw(int fd, struct termios *saved);
void tty_restore(int fd, const struct termios *saved);
