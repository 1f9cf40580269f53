/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The decision of a confined login, written for programs inside the session: `sandbox` reads it
 * to know the ceiling its login runs under (a process cannot ask its own namespaces which policy
 * made them). One JSON file per session in /run/sandbox/sessions/, named after logind's session
 * id ("3.json") or, without logind, after the process that opened the session ("pid-1234.json"),
 * so the two kinds of names never collide. The directory and files are root's and read-only for
 * everyone else: nothing a user writes can pass for a decision.
 *
 * {"version": 1, "user": "alice", "uid": 1001, "service": "sshd", "session": "3", "pid": 1234,
 *  "opened": 1700000000, "policy_files": ["/etc/sandbox/policy.d/50-students.policy"],
 *  "applied": ["PrivateTmp=yes", ...], "policy": {policy_write_json()}} */

#include <sys/types.h>

#include "error.h"
#include "policy.h"

#define RECORD_DIR "/run/sandbox/sessions"

struct record_info {
        const char *user;
        uid_t uid;
        const char *service;
        const char *session; /* logind's session id, or NULL */
        pid_t pid;
        char *const *policy_files;
        char *const *applied;
        const struct policy *policy;
};

/* Open RECORD_DIR, creating it (and /run/sandbox) 0755 when missing; refuse it unless it is a
 * directory owned by root and writable by no one else. Returns the fd. */
int record_dir_open(struct sb_error *e);

/* "ID.json" for a logind session id made of letters and digits, else "pid-PID.json". */
int record_name(const char *session, pid_t pid, char **ret);

/* Write the record atomically (a temporary file renamed over name), mode 0644. */
int record_write(int dir_fd, const char *name, const struct record_info *info, struct sb_error *e);

/* Remove RECORD_DIR/name. Unprivileged callers get -EACCES; a missing file is -ENOENT. */
int record_remove(const char *name);
