/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Field 22 of /proc/PID/stat, the start time in clock ticks after boot: with the pid it names one
 * process for the whole uptime. 0 or -errno (-ESRCH when the process is gone). */
int proc_pid_start_time(pid_t pid, uint64_t *ret);

/* The start time (field 22) in the text of a /proc/PID/stat file. 0 or -EIO. Field 2, the
 * command name, is whatever the process (any user's) set with prctl(PR_SET_NAME). */
int proc_stat_start_time(const char *stat, uint64_t *ret);

/* Is the process pid still the one that started at start? */
bool proc_pid_matches(pid_t pid, uint64_t start);

/* /proc/PID/status into buf (NUL-terminated). Its length or -errno (-ESRCH when gone). */
ssize_t proc_status_read(pid_t pid, char *buf, size_t size);

/* The text after "NAME:" and its blanks on a line of a /proc/PID/status buffer, or NULL. */
const char *proc_status_field(const char *status, const char *name);
