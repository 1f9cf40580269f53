/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

char **strv_free(char **l)
{
        if (!l)
                return NULL;
        for (char **p = l; *p; p++)
                free(*p);
        free(l);
        return NULL;
}

size_t strv_length(char *const *l)
{
        size_t n = 0;

        while (l && l[n])
                n++;
        return n;
}

int strv_consume(char ***l, char *s)
{
        size_t n = strv_length(*l);
        char **m;

        if (!s)
                return -ENOMEM;
        m = reallocarray(*l, n + 2, sizeof(char *));
        if (!m)
                return -ENOMEM;
        m[n] = s;
        m[n + 1] = NULL;
        *l = m;
        return 0;
}

int strv_extend(char ***l, const char *s)
{
        char *c = strdup(s);
        int r;

        if (!c)
                return -ENOMEM;
        r = strv_consume(l, c);
        if (r < 0)
                free(c);
        return r;
}

ssize_t strv_find(char *const *l, const char *s)
{
        for (size_t i = 0; l && l[i]; i++)
                if (strcmp(l[i], s) == 0)
                        return (ssize_t)i;
        return -1;
}
