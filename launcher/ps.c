/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox ps [--json]: the caller's running sandboxes, from the instance registry. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "exec-util.h"
#include "instance.h"
#include "log.h"
#include "strv.h"
#include "verbs.h"

static void format_time(uint64_t usec, char *buf, size_t size)
{
        time_t t = (time_t)(usec / 1000000);
        struct tm tm;

        if (!localtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
                snprintf(buf, size, "-");
}

static void print_command(FILE *f, char *const *argv)
{
        STRV_FOREACH (a, argv) {
                if (a != argv)
                        fputc(' ', f);
                /* One line per sandbox: control characters of an argument are not printed. */
                for (const char *c = *a; *c; c++)
                        fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, f);
        }
}

static void print_json(const struct instance *l, size_t n)
{
        printf("[");
        for (size_t k = 0; k < n; k++) {
                const struct instance *i = &l[k];

                printf("%s\n  {\"name\": ", k ? "," : "");
                json_write_string(stdout, i->name);
                printf(", \"pid\": %d, \"monitor_pid\": %d, \"start_time\": %llu, \"app\": ",
                       (int)i->init_pid, (int)i->monitor_pid, (unsigned long long)i->init_start);
                if (i->app)
                        json_write_string(stdout, i->app);
                else
                        printf("null");
                printf(", \"scope\": ");
                if (i->scope)
                        json_write_string(stdout, i->scope);
                else
                        printf("null");
                printf(", \"started_usec\": %llu, \"command\": [",
                       (unsigned long long)i->started_usec);
                STRV_FOREACH (a, i->argv) {
                        if (a != i->argv)
                                printf(", ");
                        json_write_string(stdout, *a);
                }
                printf("]}");
        }
        printf("%s]\n", n ? "\n" : "");
}

int verb_ps(int argc, char **argv)
{
        static const struct option options[] = {
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        struct instance *l = NULL;
        struct sb_error e = {};
        _cleanup_close_ int dir_fd = -EBADF;
        bool json = false;
        size_t n = 0;
        int c, r;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 'h':
                        printf("Usage: sandbox ps [--json]\n\n"
                               "List your running sandboxes: NAME, PID (of its PID 1, on the "
                               "host), APP,\nSCOPE, STARTED and COMMAND. See sandbox(1).\n");
                        return 0;
                default:
                        log_error("ps: option '%s' is unknown; see 'sandbox ps --help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (optind < argc) {
                log_error("ps: unexpected argument '%s'", argv[optind]);
                return EXIT_LAUNCHER_ERROR;
        }

        dir_fd = instance_dir_open(false, &e);
        if (dir_fd == -ENOENT) {
                dir_fd = -EBADF; /* no registry yet: nothing runs */
        } else if (dir_fd < 0) {
                log_error("ps: %s", e.msg);
                return EXIT_LAUNCHER_ERROR;
        } else {
                r = instance_list(dir_fd, &l, &n);
                if (r < 0)
                        return log_error_errno(r, "ps: cannot list the sandboxes: %m"),
                               EXIT_LAUNCHER_ERROR;
        }

        if (json) {
                print_json(l, n);
        } else {
                printf("%-20s %8s %-16s %-36s %-19s %s\n", "NAME", "PID", "APP", "SCOPE", "STARTED",
                       "COMMAND");
                for (size_t k = 0; k < n; k++) {
                        char when[32];

                        format_time(l[k].started_usec, when, sizeof(when));
                        printf("%-20s %8d %-16s %-36s %-19s ", l[k].name, (int)l[k].init_pid,
                               l[k].app ? l[k].app : "-", l[k].scope ? l[k].scope : "-", when);
                        print_command(stdout, l[k].argv);
                        printf("\n");
                }
        }
        instance_list_free(l, n);
        return fflush(stdout) == 0 ? 0 : EXIT_LAUNCHER_ERROR;
}
