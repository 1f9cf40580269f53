/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Who is confined, and by what: the decision both phases act on.
 *
 * The policy files and the merge rule are lib/policy's, exactly as `sandbox run` uses them: every
 * policy.d/ *.policy file of the admin directories that matches the user and their groups is
 * stacked into the ceiling (policy_stack(), the more restrictive value of every key), files
 * owned by anyone but root or writable by group or others are refused.
 *
 * Which logins are confined: those of a user named, directly or through a group, by the [Match]
 * section of at least one matching policy. A policy without [Match] (the shipped default is one)
 * is a ceiling for `sandbox run` of everyone; it joins the stack of a confined login, but never
 * confines a login by itself: otherwise installing the module would put no_new_privs on every
 * administrator's session and break sudo everywhere.
 *
 * Fail closed: when the decision cannot be made (NSS cannot resolve the user or their groups, a
 * policy file is broken or untrusted, the module's arguments are wrong) the result is
 * DECISION_REFUSE for everyone but uid 0 (and, when the arguments could be read, the exempt
 * services): we cannot tell whether a policy names the user, so we must assume one does. */

#include <stdbool.h>
#include <sys/types.h>

#include "args.h"
#include "error.h"
#include "policy.h"

enum decision_kind {
        DECISION_EXEMPT,    /* uid 0 or an exempt service: PAM_IGNORE */
        DECISION_UNTOUCHED, /* no policy names the user: PAM_IGNORE */
        DECISION_CONFINE,   /* apply policy: PAM_SUCCESS when all of it is applied */
        DECISION_REFUSE,    /* cannot be decided or applied: PAM_SESSION_ERR */
};

struct decision {
        enum decision_kind kind;
        char *user;     /* the account's name as NSS spells it (PAM_USER until it is looked up) */
        char *pam_user; /* PAM_USER, as the login program set it */
        uid_t uid;
        gid_t gid;
        char *home;
        char *config_dir;      /* the config= it was made with, NULL for the real directories */
        char **policy_files;   /* the matching policy files, in stacking order */
        struct policy *policy; /* DECISION_CONFINE: the ceiling to apply */
        struct policy_system sys;
        char why[SB_ERROR_MAX]; /* what decided it, one line for the log */
};

/* Decide for user (PAM_USER) in service (PAM_SERVICE; may be NULL). args_error: the argument
 * parser's message when a was refused. Never fails for reasons of policy or NSS (those make a
 * DECISION_REFUSE); -ENOMEM only. */
int decision_make(const char *user, const char *service, const struct sandbox_args *a,
                  const struct sb_error *args_error, struct decision **ret);

struct decision *decision_free(struct decision *d);

const char *decision_kind_to_string(enum decision_kind k);
