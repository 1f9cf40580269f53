/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The module's only way to say something: one line per decision, to the journal with structured
 * fields when journald listens, else through pam_syslog() (never both, or the journal would show
 * every line twice: journald reads /dev/log too). Never to stdout or stderr, which belong to the
 * login program and its user. */

#include <security/pam_modules.h>

#include "macro.h"

struct log_fields {
        const char *user;          /* USER= */
        const char *decision;      /* SANDBOX_DECISION=: exempt, untouched, confined, refused */
        char *const *policy_files; /* POLICY_FILE=, one field per file */
        const char *applied;       /* APPLIED=: what was applied, space-separated */
};

/* Log "pam_sandbox(SERVICE:session): MESSAGE" (the shape pam_syslog() gives its lines) at prio
 * (LOG_ERR, LOG_NOTICE, LOG_INFO, LOG_DEBUG), with fields (may be NULL). */
void sandbox_log(pam_handle_t *h, int prio, const struct log_fields *fields, const char *fmt, ...)
    _printf_(4, 5);
