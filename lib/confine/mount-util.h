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

/* Make the mount at root_fd/path read-only etc. in place (recursively when recursive). */
int mount_set_attrs(int root_fd, const char *path, unsigned long long attrs, bool recursive,
                    struct sb_error *e);
