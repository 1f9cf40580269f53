/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the text parsers and escapers of lib/cgroup/cgroup-util.c. /proc/self/cgroup is the
 * kernel's, but the names in it are not: below a delegated cgroup (the user's systemd manager,
 * a sandbox's scope) the user names the directories, and the launcher then creates, checks and
 * writes cgroupfs paths derived from what it reads there. App names, escaped into unit names,
 * come from the command line. The first byte picks the mode:
 *   even: the rest is any text, for each parser: a v2 path that parses is absolute and clean
 *         and is exactly what follows "0::" on one line; a keyed value that parses is written
 *         on a line of the text; the controllers found format and parse back to themselves;
 *         an app name escapes into unit name characters that unescape to the name;
 *   odd:  the rest is a cgroup path, '/'-separated names as the kernel allows them (any bytes
 *         but '/', '\n' and NUL; not "." or ".."; cgroup_mkdir() refuses '\n' precisely so that
 *         /proc/PID/cgroup stays parsable): the file the kernel writes for a process there, on
 *         a unified or a hybrid system, must parse to exactly that path. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-util.h"

#define FUZZ_INPUT_MAX (16U * 1024U)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool has_line(const char *text, const char *prefix, const char *rest)
{
        size_t np = strlen(prefix), nr = strlen(rest);

        for (const char *l = text; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
                if (strncmp(l, prefix, np) == 0 && strncmp(l + np, rest, nr) == 0 &&
                    (l[np + nr] == '\n' || l[np + nr] == '\0'))
                        return true;
        return false;
}

static void check_path_clean(const char *p)
{
        if (p[0] != '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../"))
                abort();
        if (strlen(p) > 1 && p[strlen(p) - 1] == '/')
                abort();
        if ((strlen(p) >= 2 && streq(p + strlen(p) - 2, "/.")) ||
            (strlen(p) >= 3 && streq(p + strlen(p) - 3, "/..")))
                abort();
}

static void check_unit_name(const char *app)
{
        char *esc = NULL, *back, *q;

        if (unit_name_escape_app(app, &esc) < 0)
                return;
        if (strspn(esc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_.\\") !=
                strlen(esc) ||
            esc[0] == '.')
                abort();
        back = q = malloc(strlen(esc) + 1);
        if (!back)
                return;
        for (const char *c = esc; *c;) {
                unsigned v;

                if (*c != '\\') {
                        *q++ = *c++;
                        continue;
                }
                if (c[1] != 'x' || sscanf(c + 2, "%2x", &v) != 1 || v == 0)
                        abort();
                *q++ = (char)v;
                c += 4;
        }
        *q = '\0';
        if (!streq(back, app))
                abort();
        free(back);
        free(esc);
}

static void check_any(const char *text)
{
        char *path = NULL, buf[CGROUP_CONTROLLERS_STRING_MAX], num[32];
        unsigned mask;
        uint64_t v;

        if (cgroup_parse_proc_cgroup(text, &path) == 0) {
                check_path_clean(path);
                if (!has_line(text, "0::", path))
                        abort();
                free(path);
        }
        if (cgroup_parse_keyed(text, "oom_kill", &v) == 0) {
                /* the first "oom_kill " line, in decimal (leading zeros allowed) */
                const char *l = text;

                while (strncmp(l, "oom_kill ", 9) != 0) {
                        l = strchr(l, '\n');
                        if (!l)
                                abort();
                        l++;
                }
                l += 9;
                l += strspn(l, "0");
                snprintf(num, sizeof(num), "%" PRIu64, v);
                if (!(v == 0 && (*l == '\n' || *l == '\0') && l[-1] == '0') &&
                    !(strncmp(l, num, strlen(num)) == 0 &&
                      (l[strlen(num)] == '\n' || l[strlen(num)] == '\0')))
                        abort();
        }
        mask = cgroup_controllers_parse(text);
        if (mask & ~(unsigned)_CGROUP_CONTROLLER_ALL)
                abort();
        if (cgroup_controllers_parse(cgroup_controllers_format(mask, "", " ", buf)) != mask)
                abort();
        check_unit_name(text);
}

static void check_kernel_format(const char *in)
{
        char *path, *text = NULL, *got = NULL;

        /* the names as the kernel allows them, joined as it prints them */
        path = malloc(strlen(in) + 2);
        if (!path)
                return;
        path[0] = '\0';
        for (const char *c = in; *c;) {
                size_t len = strcspn(c, "/");

                if (len > 0 && !(len == 1 && c[0] == '.') &&
                    !(len == 2 && c[0] == '.' && c[1] == '.') && !memchr(c, '\n', len)) {
                        strcat(path, "/");
                        strncat(path, c, len);
                }
                c += len;
                if (*c == '/')
                        c++;
        }
        if (path[0] == '\0')
                strcpy(path, "/");
        for (int hybrid = 0; hybrid < 2; hybrid++) {
                if (hybrid ? asprintf(&text, "12:pids:%s\n4:memory:%s\n1:name=systemd:%s\n0::%s\n",
                                      path, path, path, path) < 0
                           : asprintf(&text, "0::%s\n", path) < 0)
                        break;
                if (cgroup_parse_proc_cgroup(text, &got) < 0 || !streq(got, path)) {
                        fprintf(stderr, "%s: %s\n", text, got ? got : "refused");
                        abort();
                }
                free(got);
                got = NULL;
                free(text);
                text = NULL;
        }
        free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text;

        if (size < 1 || size > FUZZ_INPUT_MAX)
                return 0;
        text = strndup((const char *)data + 1, size - 1);
        if (!text)
                return 0;
        if (data[0] % 2 == 0)
                check_any(text);
        else
                check_kernel_format(text);
        free(text);
        return 0;
}
