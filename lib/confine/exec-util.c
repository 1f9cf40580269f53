/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-util.h"

static int check_candidate(const char *p)
{
        struct stat st;

        if (stat(p, &st) < 0)
                return errno == ENOTDIR ? -ENOENT : -errno;
        if (!S_ISREG(st.st_mode) || access(p, X_OK) < 0)
                return -EACCES;
        return 0;
}

int find_executable(const char *name, const char *path, char *buf, size_t size)
{
        int result = -ENOENT;

        if (!name || !*name)
                return -ENOENT;
        if (strchr(name, '/')) {
                if ((size_t)snprintf(buf, size, "%s", name) >= size)
                        return -ENAMETOOLONG;
                return check_candidate(buf);
        }
        for (const char *p = path ? path : ""; *p;) {
                size_t n = strcspn(p, ":");
                int r;

                if (n > 0 && (size_t)snprintf(buf, size, "%.*s/%s", (int)n, p, name) < size) {
                        r = check_candidate(buf);
                        if (r == 0)
                                return 0;
                        if (r == -EACCES)
                                result = -EACCES; /* keep looking, remember why */
                }
                p += n;
                if (*p == ':')
                        p++;
        }
        return result;
}

int exit_status_from_wait(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return EXIT_LAUNCHER_ERROR;
}
