/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NULL-terminated string vectors, owned: strv_free() frees every element and the array. */

#include <stddef.h>
#include "macro.h"

char **strv_free(char **l);
static inline void strv_freep(char ***l)
{
        strv_free(*l);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char *const *l);

/* Append a copy of s. Returns 0 or -ENOMEM; *l is unchanged on failure. */
int strv_extend(char ***l, const char *s);
/* Append s itself (ownership moves into the vector only on success). */
int strv_consume(char ***l, char *s);

/* Index of the first entry equal to s, or -1. */
ssize_t strv_find(char *const *l, const char *s);

#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
