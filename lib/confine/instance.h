/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The per-user registry of running sandboxes, for `sandbox ps`, `enter` and `stop`.
 *
 * One file per sandbox in $XDG_RUNTIME_DIR/sandbox/instances/ (else /run/user/UID/...), named
 * after the sandbox, written by its monitor (the `sandbox run` process) and removed by it when
 * the sandbox ends. The directories are created by fd (mkdirat/openat with O_NOFOLLOW), must
 * belong to the caller and be closed to group and others: a record steers `enter`, so nobody
 * else may plant one.
 *
 * A record is trusted only as far as the kernel confirms it: the monitor's and PID 1's start
 * times (field 22 of /proc/PID/stat, in clock ticks since boot) are stored next to their pids,
 * so a pid that was recycled by an unrelated process never matches. `enter` and `stop` also
 * check the processes' owners themselves; the registry is an index, not an authority.
 *
 * Format: "key=value" lines, values escaped with line_escape(); argv=, env= and syscall= repeat,
 * in order. Unknown keys are an error (a newer launcher's record is refused, not misread).
 *
 * Errors: negative errno, and a one-line message in e when it is not NULL. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "proc-util.h"

#define INSTANCE_NAME_MAX 64

struct instance {
        char *name;
        uid_t uid;
        pid_t monitor_pid; /* the `sandbox run` process */
        uint64_t monitor_start;
        pid_t init_pid; /* the sandbox's PID 1, host pid; 0 while it is being set up */
        uint64_t init_start;
        uint64_t started_usec; /* CLOCK_REALTIME when it started */
        char *app;             /* the app profile, or NULL for a plain command */
        char *scope;           /* the unit (or cgroupfs) scope's name, or NULL */
        char *cgroup;          /* that scope's path below the cgroup v2 root, or NULL */
        bool limits;           /* the scope enforces resource limits */
        bool private_network;  /* a network namespace of its own */
        uint64_t keep_caps;    /* the app's capabilities */
        bool syscall_filter;   /* a SystemCallFilter= stacked on the default filter */
        bool syscall_allow_list;
        char **syscall_names;
        char *workdir; /* the app's working directory inside */
        char **argv;
        char **env;
};

void instance_done(struct instance *i);

/* 1-64 characters of [A-Za-z0-9_.-], not starting with '.'. */
bool instance_name_is_valid(const char *name);

/* Open (with create: creating) the caller's instance directory. Refuses, naming the path, a
 * directory that is not the caller's, is writable by others, or a symlink. Returns the fd. */
int instance_dir_open(bool create, struct sb_error *e);

/* The host path of the registry's parent, $XDG_RUNTIME_DIR/sandbox (else /run/user/UID/sandbox),
 * which sandboxes must never see writable (a record written there could weaken a later `enter`).
 * -ENAMETOOLONG. */
int instance_registry_path(char *buf, size_t size);

/* Register i->name for i (which must have the monitor's pid and start time): atomically, so
 * that of two sandboxes started with one name only one wins. A record left by a sandbox that
 * is gone is replaced, under a lock on the directory (flock) that instance_remove() takes too.
 * -EEXIST when a live sandbox has the name. */
int instance_register(int dir_fd, const struct instance *i, struct sb_error *e);

/* Replace the record of i->name with i, atomically (rename). */
int instance_update(int dir_fd, const struct instance *i, struct sb_error *e);

/* Read the record of name. -ENOENT when there is none. */
int instance_read(int dir_fd, const char *name, struct instance *ret, struct sb_error *e);

/* The record of i, as instance_register() and instance_update() write it (a new buffer of
 * *ret_size bytes, NUL-terminated). 0 or -ENOMEM. */
int instance_format(const struct instance *i, char **ret, size_t *ret_size);

/* Parse size bytes of record text, which must describe the sandbox name of uid (instance_read()
 * after reading the file and checking its owner). -EINVAL for a malformed record or another
 * sandbox's, -ENOMEM; ret is written only on success. */
int instance_parse(const char *text, size_t size, const char *name, uid_t uid, struct instance *ret,
                   struct sb_error *e);

/* Is the sandbox of i still running (its monitor and, once set, its PID 1 unchanged)? */
bool instance_is_alive(const struct instance *i);

/* Remove the record of name if it still describes the sandbox whose monitor is monitor_pid
 * (a newer sandbox may have taken over the name of a stale one). */
int instance_remove(int dir_fd, const char *name, pid_t monitor_pid);

/* Every live sandbox, sorted by start time; records of sandboxes that are gone are removed, and
 * unreadable ones skipped. */
int instance_list(int dir_fd, struct instance **ret, size_t *ret_n);
void instance_list_free(struct instance *l, size_t n);
