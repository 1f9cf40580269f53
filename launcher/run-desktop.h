/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The [Desktop] section of the effective policy made into mounts and environment: the display
 * sockets, audio, /dev/dri, the user's fonts and themes, named home subdirectories, and the
 * session bus through xdg-dbus-proxy's filter. See sandbox.policy(5). */

#include <sys/types.h>

#include "dbus-proxy.h"
#include "error.h"
#include "policy.h"
#include "spec.h"

struct run_desktop {
        struct dbus_proxy proxy; /* xdg-dbus-proxy, for DBus=filter */
        char *proxy_dir;         /* this run's 0700 directory: proxy socket, cookie */
        char *proxy_sock;        /* the socket in proxy_dir */
};
#define RUN_DESKTOP_INIT                                                                           \
        {                                                                                          \
                .proxy = DBUS_PROXY_INIT                                                           \
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
