/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `sandbox trust inspect` and `sandbox trust revoke` (trust-admin.c); argv[0] is the command.
 * The exit status, or -ENOENT when argv[0] is neither. */
int trust_admin_verb(int argc, char **argv);
