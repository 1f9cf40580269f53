/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the files of lib/cgroup; not part of the API. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

struct scope {
        char *unit;        /* "sandbox-<app>-<id>.scope" */
        char *cgroup_path; /* below the cgroup v2 root */
        int cgroup_fd;     /* the scope's cgroup directory, for memory.events */
        bool transient;    /* a systemd unit (goes away by itself), else our cgroupfs child */

        /* cgroupfs fallback only: where we came from and what we changed there. */
        int parent_fd;              /* our cgroup before, the child's parent */
        bool created;               /* we made the child cgroup (rmdir it) */
        bool joined;                /* we moved into it (move back before the rmdir) */
        unsigned enabled_in_parent; /* CGROUP_CONTROLLER_* we enabled in its subtree_control */
};

/* An empty scope (fds closed), NULL on ENOMEM. */
struct scope *scope_new(void);

/* A random 64-bit id for unit names (getrandom(2)). 0 or -errno. */
int scope_random_id(uint64_t *ret);

/* The cgroup v2 root: /sys/fs/cgroup (unified), or /sys/fs/cgroup/unified (hybrid: the v1
 * controllers own the resources, so it usually has none). Returns the directory's fd and says
 * which it is; -ENOMEDIUM when neither is a cgroup2 file system. */
int cgroup2_open_root(const char **ret_where);

/* Our own cgroup v2 path (from /proc/self/cgroup). -ENOMEDIUM for v1 only. */
int cgroup_self_path(char **ret);

/* Open the cgroup directory path (absolute, below root_fd) without following any symlink and
 * without leaving root_fd's file system. fd or -errno. */
int cgroup_open_dir(int root_fd, const char *path);

/* Is pid listed in the cgroup.procs of the cgroup directory dir_fd? 1, 0 or -errno. */
int cgroup_contains_pid(int dir_fd, pid_t pid);

/* ---- cgroupfs.c ---- */

/* cgroup_scope_enter_cgroupfs() with the unit name already made. */
int cgroupfs_enter(const char *unit, const struct limits *l, struct scope **ret,
                   struct sb_error *e);
/* Undo what cgroupfs_enter() did to the cgroup tree (best effort); called by scope_free(). */
void cgroupfs_release(struct scope *s);
