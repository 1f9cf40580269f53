/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The [Desktop] section of the effective policy made into mounts and environment: the display
 * sockets, audio, /dev/dri, the user's fonts and themes, named home subdirectories, and the
 * session bus through xdg-dbus-proxy's filter. See sandbox.policy(5). */

#include <sys/types.h>

#include "error.h"
#include "policy.h"
#include "spec.h"

/* Where the filtering D-Bus proxy lives. Fixed: a user-chosen binary in its place would be the
 * filter, and a missing one makes DBus=filter refuse rather than fall back to no filter. */
#define DBUS_PROXY_PATH "/usr/bin/xdg-dbus-proxy"

struct run_desktop {
        pid_t proxy_pid;  /* xdg-dbus-proxy, or 0 */
        int proxy_sync;   /* read end of its --fd pipe: it exits when this closes */
        char *proxy_dir;  /* the 0700 directory holding its socket */
        char *proxy_sock; /* the socket in proxy_dir */
};
#define RUN_DESKTOP_INIT                                                                           \
        {                                                                                          \
                .proxy_sync = -EBADF                                                               \
        }

/* Add what eff's [Desktop] keys grant to spec (mounts and environment; the inside home is
 * spec->home, the caller's uid spec->uid), reading the caller's session from the environment:
 * XDG_RUNTIME_DIR, WAYLAND_DISPLAY, DISPLAY, XAUTHORITY, DBUS_SESSION_BUS_ADDRESS. A key that
 * asks for something the session does not have is an error naming the key, the path and the
 * variable. DBus=filter starts the proxy (d tracks it); spec must then be run and d released with
 * run_desktop_done() afterwards. 0 or -errno with e set. */
int run_desktop_apply(const struct policy *eff, struct sandbox_spec *spec, struct run_desktop *d,
                      struct sb_error *e);

/* Stop the proxy (closing its pipe), reap it and remove its socket and directory. */
void run_desktop_done(struct run_desktop *d);
