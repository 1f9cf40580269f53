/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The program's own argv, for exec_full(). */
extern char **exec_full_argv;

/* Replace this process by sandbox-full with the same argv; returns only on failure (an exit
 * status, after logging why). */
int exec_full(void);
