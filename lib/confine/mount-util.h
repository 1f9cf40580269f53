/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The narrow interface through which the sandbox touches the mount table. Every operation takes
 * file descriptors (the new mount API: open_tree, fsmount, move_mount, mount_setattr), so no
 * path is resolved twice and nothing can be swapped in between. All return 0 or -errno and
 * describe failures in *e. Requires CAP_SYS_ADMIN over the current mount namespace. */

#include <stdbool.h>
#include "error.h"

/* Recursively clone the tree at src_fd, apply attrs (MOUNT_ATTR_*) to every mount in the clone
 * (so a read-only bind is read-only all the way down, submounts included) and attach it at
 * root_fd/dest, creating the mount point (a directory or an empty file, like the source). */
int bind_mount_fd(int src_fd, int root_fd, const char *dest, unsigned long long attrs,
                  struct sb_error *e);

/* Mount a fresh instance of fstype ("tmpfs", "proc", "devpts", ...) at root_fd/dest (created as
 * a directory). options is a NUL-separated list of key=value pairs ending in an empty string,
 * or NULL. */
int fs_mount_at(const char *fstype, const char *options, int root_fd, const char *dest,
                unsigned long long attrs, struct sb_error *e);

/* Attach the detached mount mnt_fd (see below) at root_fd/dest, resolved as open_in_root() does
 * and created (S_IFDIR or S_IFREG, as kind) if missing. */
int mount_attach_in_root(int mnt_fd, int root_fd, const char *dest, mode_t kind,
                         struct sb_error *e);

/* The same steps for mount points this code made itself, named relative to a directory fd it
 * holds: no path is resolved from the root again, and the last component is never followed.
 * what names the place in error messages. */

/* A detached recursive clone of the tree at dir_fd/name (not followed if it is a symlink) with
 * attrs applied to every mount in it. Returns its fd or -errno. */
int mount_clone_tree(int dir_fd, const char *name, unsigned long long attrs, const char *what,
                     struct sb_error *e);

/* A fresh, detached instance of fstype (options as for fs_mount_at()). Returns its fd, through
 * which it can be filled before it is attached, or -errno. */
int mount_new_fs(const char *fstype, const char *options, unsigned long long attrs,
                 const char *what, struct sb_error *e);

/* Attach the detached mount mnt_fd on dir_fd/name, which must exist. */
int mount_attach(int mnt_fd, int dir_fd, const char *name, const char *what, struct sb_error *e);
