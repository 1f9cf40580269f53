/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the readers of /proc/PID/stat and /proc/PID/status (lib/basic/proc-util.c). The kernel
 * writes those files, but one field of each is any user's to choose: the command name, which a
 * process sets to up to 15 arbitrary bytes (spaces, ')', newlines) with prctl(PR_SET_NAME). The
 * start time read from stat is what tells a sandbox's monitor and PID 1 from a recycled pid, and
 * status gives the uids `sandbox enter` checks. The first byte picks the mode:
 *   even: the rest is the text of either file: whatever it holds, the readers stay inside it and
 *         a status field found starts a line;
 *   odd:  8 bytes of start time, then a command name (up to 64 bytes, to NUL): the stat and
 *         status lines the kernel writes for a process of that name must give back that start
 *         time, that parent and those uids, whatever the name holds. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc-util.h"

#define FUZZ_INPUT_MAX (16U * 1024U)
#define COMM_MAX       64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const status_fields[] = {"Uid",    "PPid", "Seccomp", "Seccomp_filters",
                                            "CapBnd", "Name"};

static void check_any(const char *text)
{
        size_t len = strlen(text);
        uint64_t start;

        (void)proc_stat_start_time(text, &start);
        for (size_t k = 0; k < sizeof(status_fields) / sizeof(status_fields[0]); k++) {
                const char *name = status_fields[k], *v = proc_status_field(text, name);
                size_t n = strlen(name);
                const char *key;

                if (!v)
                        continue;
                if (v < text || v > text + len)
                        abort();
                /* back over the blanks and "NAME:" to the start of a line */
                key = v;
                while (key > text && (key[-1] == ' ' || key[-1] == '\t'))
                        key--;
                if ((size_t)(key - text) < n + 1 || key[-1] != ':')
                        abort();
                key -= n + 1;
                if (memcmp(key, name, n) != 0 || (key != text && key[-1] != '\n'))
                        abort();
        }
}

/* The command name as the kernel shows it in status: '\n' and '\\' escaped (proc_task_name()). */
static void escape_comm(const char *comm, char *out)
{
        for (; *comm; comm++) {
                if (*comm == '\n' || *comm == '\\') {
                        *out++ = '\\';
                        *out++ = *comm == '\n' ? 'n' : '\\';
                } else {
                        *out++ = *comm;
                }
        }
        *out = '\0';
}

static void check_kernel_format(const uint8_t *data, size_t size)
{
        char comm[COMM_MAX + 1], escaped[2 * COMM_MAX + 1], stat[512], status[1024];
        uint64_t start = 0, got;
        const char *v, *e;
        size_t n;

        for (size_t k = 0; k < 8 && k < size; k++)
                start = start << 8 | data[k];
        data += size < 8 ? size : 8;
        size -= size < 8 ? size : 8;
        n = strnlen((const char *)data, size < COMM_MAX ? size : COMM_MAX);
        memcpy(comm, data, n);
        comm[n] = '\0';

        snprintf(stat, sizeof(stat),
                 "4242 (%s) S 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 %" PRIu64
                 " 9367552 896 18446744073709551615 1 1 0 0 0 0 0 4096 17 1 0 0 0 0 0\n",
                 comm, start);
        if (proc_stat_start_time(stat, &got) < 0 || got != start)
                abort();

        escape_comm(comm, escaped);
        snprintf(status, sizeof(status),
                 "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\n"
                 "Pid:\t4242\nPPid:\t77\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n"
                 "Gid:\t1000\t1000\t1000\t1000\nSeccomp:\t2\nSeccomp_filters:\t1\n"
                 "CapBnd:\t000001ffffffffff\n",
                 escaped);
        v = proc_status_field(status, "Uid");
        if (!v || strncmp(v, "1000\t1000\t1000\t1000\n", 20) != 0)
                abort();
        v = proc_status_field(status, "PPid");
        if (!v || strncmp(v, "77\n", 3) != 0)
                abort();
        /* (the blanks after "Name:" are skipped, a command name's leading ones with them) */
        v = proc_status_field(status, "Name");
        e = escaped + strspn(escaped, " \t");
        if (!v || strncmp(v, e, strlen(e)) != 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text;

        if (size < 1 || size > FUZZ_INPUT_MAX)
                return 0;
        if (data[0] % 2 == 1) {
                check_kernel_format(data + 1, size - 1);
                return 0;
        }
        text = strndup((const char *)data + 1, size - 1);
        if (!text)
                return 0;
        check_any(text);
        free(text);
        return 0;
}
