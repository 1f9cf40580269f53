/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "strv.h"

bool env_name_is_valid(const char *name, size_t len)
{
        if (len == 0 || len > 255)
                return false;
        if (!(name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z') ||
              (name[0] >= 'a' && name[0] <= 'z')))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!(name[i] == '_' || (name[i] >= 'A' && name[i] <= 'Z') ||
                      (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9')))
                        return false;
        return true;
}

bool env_is_safe_to_pass(const char *a)
{
        static const char *const exact[] = {"TERM",     "COLORTERM", "LANG",
                                            "LANGUAGE", "TZ",        "NO_COLOR"};
        const char *eq = strchr(a, '=');
        size_t n;

        if (!eq)
                return false;
        n = (size_t)(eq - a);
        if (!env_name_is_valid(a, n))
                return false;
        if (n > 3 && strncmp(a, "LC_", 3) == 0)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(exact); i++)
                if (strlen(exact[i]) == n && strncmp(a, exact[i], n) == 0)
                        return true;
        return false;
}

static ssize_t env_find(char *const *env, const char *name, size_t n)
{
        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
                        return (ssize_t)i;
        return -1;
}

const char *env_get(char *const *env, const char *name)
{
        size_t n = strlen(name);
        ssize_t i = env_find(env, name, n);

        return i < 0 ? NULL : env[i] + n + 1;
}

int env_set(char ***env, const char *a)
{
        const char *eq = strchr(a, '=');
        ssize_t i;
        char *c;

        if (!eq || !env_name_is_valid(a, (size_t)(eq - a)))
                return -EINVAL;
        i = env_find(*env, a, (size_t)(eq - a));
        if (i < 0)
                return strv_extend(env, a);
        c = strdup(a);
        if (!c)
                return -ENOMEM;
        free((*env)[i]);
        (*env)[i] = c;
        return 0;
}
