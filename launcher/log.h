/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "macro.h"

/* The program logs; the library does not. One line on stderr, prefixed "sandbox: ". */
void log_error(const char *fmt, ...) _printf_(1, 2);

/* Like log_error with %m taken from r (a negative errno); returns r. */
int log_error_errno(int r, const char *fmt, ...) _printf_(2, 3);
