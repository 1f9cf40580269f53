/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* Exit statuses of a sandbox run, the podman/docker convention. */
enum {
        EXIT_LAUNCHER_ERROR = 125, /* sandbox itself failed, the command never ran */
        EXIT_NOT_EXECUTABLE = 126,
        EXIT_NOT_FOUND = 127,
};

/* Find the program to run for name: a name with a slash is taken as is; otherwise each
 * directory of path is tried. Writes the chosen path into buf. Returns 0, -ENOENT (not found
 * anywhere) or -EACCES (found, but not an executable regular file). */
int find_executable(const char *name, const char *path, char *buf, size_t size);

/* Map a wait status to the exit status a shell would report: the code itself, or 128+N for a
 * death by signal N. */
int exit_status_from_wait(int status);
