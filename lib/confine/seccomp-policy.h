/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* A policy's SystemCallFilter= as a second seccomp filter, stacked on the default one (the
 * kernel applies the most restrictive verdict of all filters). allow_list: only names (plus
 * the calls the sandbox's own start needs: execve, exit, signal handling, capability drops)
 * are allowed; otherwise names are denied. Denied calls fail with EPERM. The i386 and x32
 * ABIs get the same rules. A name this libseccomp does not know is an error for a deny list
 * (it could not be denied) and skipped for an allow list (it stays denied). Loads into the
 * calling thread; no_new_privs must be set, and seccomp_dl_open() must have succeeded before,
 * outside any root a user controls (it is never loaded from here). 0 or -errno with a message. */
int seccomp_policy_filter_install(bool allow_list, char *const *names, struct sb_error *e);
