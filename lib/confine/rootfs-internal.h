/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by rootfs.c and rootfs-host.c. */

#include <sys/mount.h>

#include "error.h"
#include "spec.h"

#define ROOTFS_RO_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

/* The host's /usr and the other system directories (or the symlinks into /usr that stand for
 * them), read-only, in root_fd: a tmpfs of our own. */
int rootfs_host_system(int root_fd, struct sb_error *e);

/* The curated /etc into etc_fd (a directory of that tmpfs): small host files copied, symlinks
 * recreated, directories bound read-only; passwd, group and hostname of the sandbox's own. */
int rootfs_host_etc(const struct sandbox_spec *spec, int etc_fd, struct sb_error *e);
