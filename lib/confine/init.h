/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>
#include <sys/types.h>

/* PID 1 of the sandbox. Called with every signal blocked (so none is lost between the fork of
 * the app and this loop, and so the kernel delivers signals to a PID 1 at all: an unhandled,
 * unblocked signal to a namespace's init is dropped). Forwards every catchable signal that
 * arrives (from the launcher or the terminal) to app, reaps every child (orphans are
 * reparented here), and returns app's status as an exit code: its own, or 128+N if a signal
 * N killed it. Remaining processes die with this init. */
int sandbox_init_loop(pid_t app);
