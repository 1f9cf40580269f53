/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Default PATH inside a sandbox; the host's PATH may name directories that are not there. */
#define SANDBOX_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"

/* Is name a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)? */
bool env_name_is_valid(const char *name, size_t len);

/* Does the host variable "NAME=..." pass into a sandbox unasked? Only terminal and locale
 * settings do (TERM, COLORTERM, LANG, LANGUAGE, LC_*, TZ, NO_COLOR). */
bool env_is_safe_to_pass(const char *assignment);

/* Set "NAME=VALUE" in the vector (replacing an earlier NAME). 0, -EINVAL or -ENOMEM. */
int env_set(char ***env, const char *assignment);

/* Look NAME up in a vector; returns the value or NULL. */
const char *env_get(char *const *env, const char *name);
