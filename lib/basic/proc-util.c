/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "fd-util.h"
#include "parse-util.h"
#include "proc-util.h"

int proc_stat_start_time(const char *stat, uint64_t *ret)
{
        const char *p;
        size_t n;

        /* The command name (field 2) may contain spaces and ')': skip to its last ')'. Each
         * later field follows a blank: from the one before field 3 (the state), the start time
         * is 19 blanks further. Never look past the end: a text that stops early (or right after
         * the ')') is refused, not read beyond. */
        p = strrchr(stat, ')');
        if (!p || p[1] != ' ')
                return -EIO;
        p++;
        for (int field = 3; field < 22; field++) {
                p = strchr(p + 1, ' ');
                if (!p)
                        return -EIO;
        }
        /* Decimal digits as the kernel prints them: no sign, no blanks (sscanf("%llu") would
         * take "-1" as 2^64-1). */
        p++;
        n = strspn(p, "0123456789");
        if (p[n] != ' ' && p[n] != '\n' && p[n] != '\0')
                return -EIO;
        return parse_uint_digits(p, n, ret) < 0 ? -EIO : 0;
}

int proc_pid_start_time(pid_t pid, uint64_t *ret)
{
        char path[64], buf[2048];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        n = read_small_file_at(AT_FDCWD, path, buf, sizeof(buf));
        if (n == -ENOENT)
                return -ESRCH;
        if (n < 0)
                return (int)n;
        return proc_stat_start_time(buf, ret);
}

bool proc_pid_matches(pid_t pid, uint64_t start)
{
        uint64_t s;

        return pid > 0 && proc_pid_start_time(pid, &s) >= 0 && s == start;
}

ssize_t proc_status_read(pid_t pid, char *buf, size_t size)
{
        char path[64];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        n = read_small_file_at(AT_FDCWD, path, buf, size);
        return n == -ENOENT ? -ESRCH : n;
}

const char *proc_status_field(const char *status, const char *name)
{
        size_t len = strlen(name);

        /* Field names start a line; "Uid:" must not match inside "PPid:" or a comm of that text. */
        for (const char *p = status; p; p = strchr(p, '\n')) {
                if (*p == '\n')
                        p++;
                if (strncmp(p, name, len) == 0 && p[len] == ':')
                        return p + len + 1 + strspn(p + len + 1, " \t");
        }
        return NULL;
}
