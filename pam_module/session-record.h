/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The decision of a confined login, written for programs inside the session: `sandbox` reads it
 * to know the ceiling its login runs under (a process cannot ask its own namespaces which policy
 * made them). One JSON file per session in /run/sandbox/sessions/, named after logind's session
 * id ("3.json") or, without logind, after the process that opened the session ("pid-1234.json"),
 * so the two kinds of names never collide. A second login inside one logind session (su in one of
 * its terminals) finds the session's name taken by the first, still open: it takes its pid name.
 * The directory and files are root's and read-only for everyone else: nothing a user writes can
 * pass for a decision.
 *
 * {"version": 1, "user": "alice", "uid": 1001, "service": "sshd", "session": "3", "pid": 1234,
 *  "pid_start": 5678, "opened": 1700000000,
 *  "policy_files": ["/etc/sandbox/policy.d/50-students.policy"],
 *  "applied": ["PrivateTmp=yes", ...], "policy": {policy_write_json()}}
 *
 * A record lives as long as the process that opened the session ("pid", which every login
 * program keeps for the whole session: su, sshd's session process, the user manager itself), and
 * "pid_start" (the process's start time, field 22 of /proc/PID/stat) tells that process from a
 * later one with the same pid. close_session removes the record, but it cannot always: some
 * programs close unprivileged (systemd's (sd-pam) for the user manager). So every open, as root,
 * first removes the records whose process is gone (record_prune()), and whoever reads a record
 * must check the same (record_is_live()): a record whose process is gone is never trusted. */

#include <stdint.h>
#include <stdio.h>
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
        uint64_t pid_start; /* proc_pid_start_time() of pid */
        char *const *policy_files;
        char *const *applied;
        const struct policy *policy;
};

/* Open RECORD_DIR, creating it (and /run/sandbox) 0755 when missing; refuse it unless it is a
 * directory owned by root and writable by no one else. Returns the fd. */
int record_dir_open(struct sb_error *e);

/* "ID.json" for a logind session id made of letters and digits, else "pid-PID.json". */
int record_name(const char *session, pid_t pid, char **ret);

/* Write the record atomically (a temporary file renamed to name), mode 0644. A record already
 * there is replaced unless it belongs to another process that still runs: -EEXIST then. */
int record_write(int dir_fd, const char *name, const struct record_info *info, struct sb_error *e);

/* The record's text, as record_write() puts it in the file. 0 or -EIO. */
int record_format(FILE *f, const struct record_info *info);

/* "pid" and "pid_start" from the first line of a record's text (as record_format() wrote it):
 * 0, or -EBADMSG when the line has no such fields or the pid is not one. */
int record_parse_owner(const char *text, pid_t *ret_pid, uint64_t *ret_start);

/* record_write() under record_name(session, info->pid), or under "pid-PID.json" when that name
 * is another open login's (two logins in one logind session). *ret_name: the name written. */
int record_write_session(int dir_fd, const char *session, const struct record_info *info,
                         char **ret_name, struct sb_error *e);

/* Is the record text (as record_write() wrote it) about a process that still runs? Reads "pid"
 * and "pid_start" from its first line: 1 when that process runs, 0 when it is gone (or the
 * pid was reused), -EBADMSG when the text has no such fields. */
int record_is_live(const char *text);

/* Remove every record in the directory open at dir_fd whose process is gone, and leftover
 * temporary files of writers that are gone. Best effort: returns the number removed; files it
 * cannot read or parse are left alone. */
int record_prune(int dir_fd);

/* Remove RECORD_DIR/name. Unprivileged callers get -EACCES; a missing file is -ENOENT. */
int record_remove(const char *name);
