/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* xdg-dbus-proxy, run outside the sandbox with --filter: the only way a sandboxed app reaches
 * the session bus (run-desktop.c binds its socket, never the bus's). */

#include <errno.h>
#include <sys/types.h>

#include "error.h"

/* Where the filtering D-Bus proxy lives. Fixed: a user-chosen binary in its place would be the
 * filter, and a missing one makes DBus=filter refuse rather than fall back to no filter. */
#define DBUS_PROXY_PATH "/usr/bin/xdg-dbus-proxy"

struct dbus_proxy {
        pid_t pid; /* the proxy, or 0 */
        int sync;  /* read end of its --fd pipe: it exits when this closes */
};
#define DBUS_PROXY_INIT                                                                            \
        {                                                                                          \
                .sync = -EBADF                                                                     \
        }

/* 0 if DBUS_PROXY_PATH can be run; else -ENOENT with e saying so, prefixed by who (the key that
 * asked for the proxy, for the message). */
int dbus_proxy_check(const char *who, struct sb_error *e);

/* Start the proxy on the bus at address (a D-Bus address), listening on the socket path sock,
 * with --filter, one --talk= per name in talk and one --own= per name in own (NULL-terminated,
 * either may be NULL), and wait until it is ready. p must be DBUS_PROXY_INIT. 0, or -errno with
 * e set (prefixed by who); a proxy that started but never became ready has been sent SIGTERM and
 * is still in p: dbus_proxy_stop() reaps it, as it stops one that runs. */
int dbus_proxy_start(struct dbus_proxy *p, const char *address, const char *sock, char *const *talk,
                     char *const *own, const char *who, struct sb_error *e);

/* Stop the proxy (closing its pipe) and reap it; p is DBUS_PROXY_INIT again. Idempotent. The
 * socket it made is the caller's to remove. */
void dbus_proxy_stop(struct dbus_proxy *p);
