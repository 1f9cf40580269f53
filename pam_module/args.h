/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The module's arguments, as written after pam_sandbox.so in a PAM service file:
 *
 *   phase=prepare|enter     which half of the work this line does (required)
 *   debug                   log every step at LOG_DEBUG
 *   config=DIR              read DIR/policy.d/ *.policy instead of the shipped and /etc/sandbox
 *                           directories (for tests and staging; DIR is trusted like /etc/sandbox)
 *   exempt_services=A,B     never confine sessions of these PAM services
 *
 * A mistake here must not silently weaken the stack (a misspelt "exempt_service=" or "phase=entr"
 * would otherwise leave every user unconfined), so parsing records the first error and the
 * module refuses the session of every user but root until the line is fixed. */

#include <stdbool.h>

#include "error.h"

enum sandbox_phase {
        PHASE_UNSET,
        PHASE_PREPARE,
        PHASE_ENTER,
};

struct sandbox_args {
        enum sandbox_phase phase;
        bool debug;
        const char *config_dir; /* points into argv; NULL: the real directories */
        char **exempt_services; /* owned, NULL-terminated; NULL when none */
        bool invalid;           /* an argument was refused: see the error */
};

/* Parse argv into ret (always initialized, also on failure, so debug and the valid arguments stay
 * usable). Returns 0, -EINVAL with a message naming the argument and what is accepted, or
 * -ENOMEM. */
int args_parse(int argc, const char **argv, struct sandbox_args *ret, struct sb_error *e);

/* Free what args_parse() allocated. */
void args_done(struct sandbox_args *a);

/* Is service listed in exempt_services=? */
bool args_service_exempt(const struct sandbox_args *a, const char *service);

const char *phase_to_string(enum sandbox_phase p);
