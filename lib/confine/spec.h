/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What one sandbox is asked to be: filled by a front end (the launcher's options today, the
 * policy merge later), consumed by container_run(). Everything in here is already validated;
 * the confinement code trusts it and never widens it. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

enum mount_kind {
        MOUNT_RO_BIND,
        MOUNT_BIND,
        MOUNT_TMPFS,
        MOUNT_INACCESSIBLE, /* hide what is at dest (if anything): an empty, unreadable mount */
};

struct mount_request {
        enum mount_kind kind;
        char *source;  /* host path (binds only), absolute */
        char *dest;    /* path inside the sandbox, absolute */
        int source_fd; /* O_PATH fd of source, opened by mount_request_open_sources() */
        bool source_is_dir;
        bool ignore_missing; /* a missing source is skipped, not an error */
        bool socket_only;    /* binds only: the source must be a unix socket (a desktop's
                              * Wayland, X11, audio or filtered D-Bus socket) when it is
                              * opened, not whatever was put in its place since it was seen */
        bool allow_devices;  /* binds only: device nodes under it stay usable (no nodev);
                              * only for /dev/dri, which GPU= asks for by name */
};

enum net_mode {
        NET_NONE, /* new network namespace, loopback only, up */
        NET_HOST, /* share the host's network namespace */
};

struct sandbox_spec {
        char **argv; /* command and arguments; argv[0] looked up in PATH inside */
        char **env;  /* complete environment of the command */
        struct mount_request *mounts;
        size_t n_mounts;
        char *hostname; /* UTS name inside */
        enum net_mode net;
        uint64_t keep_caps; /* capability bits the command keeps (ambient); 0 = none */
        bool subid_ranges;  /* map /etc/subuid ranges through newuidmap/newgidmap */
        uid_t uid;          /* the caller, mapped to itself inside */
        gid_t gid;
        char *user_name;
        char *home;          /* where an empty private home is mounted, or NULL */
        char **image_layers; /* an image's unpacked layers, lowest first: the root is their
                              * overlay (with a tmpfs upper) instead of the host's /usr */
        char *workdir;       /* where the command starts, or NULL: home, else "/" */
        uid_t inside_uid;    /* what the caller is inside (the image's User=): uid/gid by default */
        gid_t inside_gid;
        bool syscall_filter;     /* a SystemCallFilter= to stack on the default filter */
        bool syscall_allow_list; /* syscall_names are the only ones allowed (else denied) */
        char **syscall_names;
};

void sandbox_spec_done(struct sandbox_spec *s);

/* Parse "SRC[:DST]" (DST defaults to SRC) for a bind of the given kind, or "DST" for a tmpfs or
 * an inaccessible path, and append it. Both paths must be absolute and free of "." and ".."
 * components. Returns 0, -EINVAL (bad spec) or -ENOMEM. */
int sandbox_spec_add_mount(struct sandbox_spec *s, enum mount_kind kind, const char *arg);

/* Open every bind source as an O_PATH fd, refusing symlinks anywhere in the path. */
struct sb_error;
int sandbox_spec_open_sources(struct sandbox_spec *s, struct sb_error *e);

/* Close the fds sandbox_spec_open_sources() opened, once they are mounted. */
void sandbox_spec_close_sources(struct sandbox_spec *s);
