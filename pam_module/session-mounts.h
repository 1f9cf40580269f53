/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The file system view of a confined login: a new mount namespace for the calling process (and so
 * for the shell it forks), built from the policy's PrivateTmp=, ProtectSystem=, ProtectHome=,
 * ReadOnlyPaths=, ReadWritePaths= and InaccessiblePaths=.
 *
 * The namespace is a slave of the host's ("/" MS_SLAVE|MS_REC, as pam_namespace and systemd do):
 * mounts the host makes later (a USB stick, logind's /run/user/UID) still appear, and nothing we
 * mount leaks out. Every path is opened component by component with O_NOFOLLOW and mounted by fd
 * (open_tree, move_mount, mount_setattr; lib/confine/mount-util.h), so a symlink a user plants in
 * a path never redirects a mount; a symlink in a configured path is an error, never followed.
 * Nothing is created on the host's file systems.
 *
 * What each setting does:
 *   PrivateTmp=yes         a new, empty tmpfs on /tmp and on /var/tmp (per session)
 *   ProtectSystem=yes      /usr /boot /efi read-only; full: and /etc; strict: everything but
 *                          /dev /proc /sys /run /tmp /var/tmp, the homes unless ProtectHome=
 *                          says otherwise (these "holes" only where no ReadOnlyPaths= covers
 *                          them), ReadWritePaths=, and the login records
 *                          /var/log/{wtmp,btmp,lastlog} the login program writes when the session
 *                          ends (their file permissions keep users out anyway)
 *   ProtectHome=read-only  /home /root read-only; yes: inaccessible; tmpfs: an empty, writable
 *                          tmpfs each, with the user's own home created in it, so the login
 *                          starts in a throwaway home (never /run/user: see home_dirs)
 *   ReadOnlyPaths=         read-only, recursively
 *   ReadWritePaths=        exceptions in a read-only tree, as they are on the host
 *   InaccessiblePaths=     an empty mode-000 directory or file mounted over it
 *
 * For read-only and read-write rules the most specific path decides (ReadWritePaths=/srv/data
 * opens a hole in ProtectSystem=strict, ReadOnlyPaths=/srv/data/keep closes one inside it), as
 * policy_path_access() defines it. Read-only is only ever added, never cleared: a read-write
 * exception is a copy of the host's own mounts taken before anything was made read-only, so a
 * mount the host has read-only stays read-only. Inaccessible paths and ProtectHome=yes|tmpfs
 * are applied last and hide everything below them, ReadWritePaths= entries included (stricter
 * than `sandbox run`, which can build such holes in its own root).
 *
 * The calling process's working directory is entered again by its path once the mounts are in
 * place ("/" when that path is gone): otherwise it would still be the host's directory, and the
 * shell forked with it (su without -l) would reach through it what the mounts hide. */

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "policy.h"

struct mounts_user {
        uid_t uid;
        gid_t gid;
        const char *home; /* the user's home directory (NSS), for ProtectHome= */
};

/* Does p ask for anything that needs a mount namespace? */
bool mounts_needed(const struct policy *p);

/* Unshare the calling process's mount namespace and apply p. Appends a short description of every
 * setting applied to *applied ("PrivateTmp=yes", "ProtectSystem=strict", ...) and of every optional
 * path that was skipped because it does not exist to *skipped. 0 or -errno with a message naming
 * the setting and the path; on failure the process may be left in a partly built namespace (the
 * session is refused). */
int mounts_apply(const struct policy *p, const struct mounts_user *u, char ***applied,
                 char ***skipped, struct sb_error *e);
