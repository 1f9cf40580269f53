/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The launcher comes in two builds of the same sources. `sandbox` links only what running,
 * policies and sessions need, so that starting a sandbox does not pay for loading libarchive,
 * libcrypto, jansson and libsodium (and what they pull in: ~10 ms and 6 MiB here). The image
 * and trust verbs and `run --image` live in `sandbox-full`, which `sandbox` executes with its
 * own argv when one of them is asked for. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exec-full.h"
#include "exec-util.h"
#include "log.h"

char **exec_full_argv;

int exec_full(void)
{
        char self[PATH_MAX], path[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        /* Beside this binary first (a build tree, a copy), then where it is installed; both are
         * as trusted as this binary itself. */
        if (n > 0) {
                char *slash;

                self[n] = '\0';
                slash = strrchr(self, '/');
                if (slash) {
                        *slash = '\0';
                        if (snprintf(path, sizeof(path), "%.*s/sandbox-full",
                                     (int)(sizeof(path) - 16), self) > 0 &&
                            access(path, X_OK) == 0)
                                execv(path, exec_full_argv);
                }
        }
        execv(SANDBOX_FULL_DIR "/sandbox-full", exec_full_argv);
        return log_error_errno(-errno,
                               "images and trust need %s/sandbox-full, which cannot be run: %m",
                               SANDBOX_FULL_DIR),
               EXIT_LAUNCHER_ERROR;
}
