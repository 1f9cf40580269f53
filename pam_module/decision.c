/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decision.h"
#include "strv.h"

/* getpwnam_r() in a resizing loop: NSS sources (LDAP, SSSD) may need more than sysconf says.
 * 0 with *ret NULL when the user does not exist; -errno when NSS failed. */
static int lookup_user(const char *user, struct passwd *pw, char **buf, struct passwd **ret)
{
        long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
        size_t size = hint > 0 ? (size_t)hint : 1024;

        for (;;) {
                char *b = realloc(*buf, size);
                int r;

                if (!b)
                        return -ENOMEM;
                *buf = b;
                r = getpwnam_r(user, pw, b, size, ret);
                if (r == 0)
                        return 0;
                if (r != ERANGE || size > 1024 * 1024)
                        return -r;
                size *= 2;
        }
}

/* Does p's [Match] name anyone in particular? A policy without one applies to everyone: it
 * bounds `sandbox run`, but does not make logins confined (see decision.h). */
static bool policy_is_targeted(const struct policy *p)
{
        return strv_length(p->match_users) > 0 || strv_length(p->match_groups) > 0;
}

/* policy_load_ceiling() step by step, with the same calls in the same order (so the same files,
 * trust rule and merge), because the module also needs which files matched and whether one of
 * them names the user. */
static int load_ceiling(char *const *dirs, const char *user, char *const *groups,
                        const struct policy_system *sys, struct policy **ret_ceiling,
                        char ***ret_files, bool *ret_targeted, struct sb_error *e)
{
        const struct policy_trust trust = {.uid = 0};
        _cleanup_strv_free_ char **paths = NULL, **files = NULL;
        _cleanup_policy_free_ struct policy *ceiling = policy_new(POLICY_KIND_EFFECTIVE, NULL);
        bool targeted = false;
        int r;

        if (!ceiling)
                return sb_error_set(e, -ENOMEM, "out of memory");
        r = policy_enumerate(dirs, "policy.d", ".policy", &trust, &paths, e);
        if (r < 0)
                return r;
        STRV_FOREACH (path, paths) {
                _cleanup_policy_free_ struct policy *p = NULL;
                struct policy *s = NULL;

                r = policy_load_file(*path, POLICY_KIND_POLICY, &trust, &p, NULL, NULL, e);
                if (r < 0)
                        return r;
                if (!policy_matches(p, user, groups))
                        continue;
                if (strv_extend(&files, *path) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                targeted = targeted || policy_is_targeted(p);
                r = policy_stack(ceiling, p, sys, &s);
                if (r < 0)
                        return sb_error_set(e, r, "out of memory");
                policy_free(ceiling);
                ceiling = s;
        }
        *ret_ceiling = TAKE_PTR(ceiling);
        *ret_files = TAKE_PTR(files);
        *ret_targeted = targeted;
        return 0;
}

static struct decision *decide(struct decision *d, enum decision_kind kind, const char *fmt, ...)
    _printf_(3, 4);
static struct decision *decide(struct decision *d, enum decision_kind kind, const char *fmt, ...)
{
        va_list ap;

        d->kind = kind;
        va_start(ap, fmt);
        vsnprintf(d->why, sizeof(d->why), fmt, ap);
        va_end(ap);
        return d;
}

int decision_make(const char *user, const char *service, const struct sandbox_args *a,
                  const struct sb_error *args_error, struct decision **ret)
{
        static char *const default_dirs[] = {(char *)POLICY_SHIPPED_DIR, (char *)POLICY_ADMIN_DIR,
                                             NULL};
        char *const config_dirs[] = {(char *)a->config_dir, NULL};
        struct decision *d = calloc(1, sizeof(*d));
        _cleanup_strv_free_ char **groups = NULL;
        _cleanup_free_ char *buf = NULL;
        struct sb_error e = {};
        struct passwd pwbuf, *pw = NULL;
        bool targeted = false;
        int r;

        if (!d)
                return -ENOMEM;
        *ret = d;
        if (a->config_dir && !(d->config_dir = strdup(a->config_dir)))
                return -ENOMEM;
        if (!user || !user[0]) {
                decide(d, DECISION_REFUSE, "no user name (PAM_USER is not set)");
                return 0;
        }
        d->pam_user = strdup(user);
        d->user = strdup(user);
        if (!d->pam_user || !d->user)
                return -ENOMEM;

        r = lookup_user(user, &pwbuf, &buf, &pw);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                errno = -r;
                decide(d, DECISION_REFUSE, "cannot look up user %s through NSS: %m", user);
                return 0;
        }
        if (!pw) {
                decide(d, DECISION_REFUSE, "user %s is unknown to NSS", user);
                return 0;
        }
        d->uid = pw->pw_uid;
        d->gid = pw->pw_gid;
        d->home = strdup(pw->pw_dir ? pw->pw_dir : "");
        if (!d->home)
                return -ENOMEM;

        /* By number, never by name: an LDAP account called "root" is not root. Root stays able to
         * log in whatever is wrong below, so an admin can always repair the configuration. */
        if (pw->pw_uid == 0) {
                decide(d, DECISION_EXEMPT, "uid 0 is never confined");
                return 0;
        }
        /* From here on the account's own name, as NSS spells it: a directory that matches names
         * without regard to case (SSSD's case_sensitive=false, LDAP's uid attribute) finds "ALICE"
         * for a login typed so, and sshd puts what the client typed in PAM_USER. User= and the
         * group lists of /etc/group name the account. */
        if (!pw->pw_name || !pw->pw_name[0]) {
                decide(d, DECISION_REFUSE, "NSS returned an account without a name for user %s",
                       user);
                return 0;
        }
        if (!streq(pw->pw_name, user)) {
                free(d->user);
                d->user = strdup(pw->pw_name);
                if (!d->user)
                        return -ENOMEM;
        }
        if (a->invalid) {
                decide(d, DECISION_REFUSE, "%s",
                       args_error && args_error->msg[0] ? args_error->msg
                                                        : "invalid module arguments");
                return 0;
        }
        if (args_service_exempt(a, service)) {
                decide(d, DECISION_EXEMPT, "service %s is listed in exempt_services=", service);
                return 0;
        }

        r = policy_user_groups(d->user, pw->pw_gid, &groups);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                errno = -r;
                decide(d, DECISION_REFUSE, "cannot look up the groups of %s through NSS: %m",
                       d->user);
                return 0;
        }
        r = policy_system_detect(&d->sys);
        if (r < 0) {
                errno = -r;
                decide(d, DECISION_REFUSE, "cannot read this machine's memory and task limits: %m");
                return 0;
        }
        r = load_ceiling(a->config_dir ? config_dirs : default_dirs, d->user, groups, &d->sys,
                         &d->policy, &d->policy_files, &targeted, &e);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                decide(d, DECISION_REFUSE, "policy error, so no policy can be trusted: %s",
                       e.msg[0] ? e.msg : strerror(-r));
                return 0;
        }
        if (!targeted) {
                d->policy = policy_free(d->policy);
                decide(d, DECISION_UNTOUCHED, "no policy names %s or one of their groups", d->user);
                return 0;
        }
        decide(d, DECISION_CONFINE, "confined by the policies that match %s", d->user);
        return 0;
}

struct decision *decision_free(struct decision *d)
{
        if (!d)
                return NULL;
        free(d->user);
        free(d->pam_user);
        free(d->home);
        free(d->config_dir);
        strv_free(d->policy_files);
        policy_free(d->policy);
        free(d);
        return NULL;
}

const char *decision_kind_to_string(enum decision_kind k)
{
        switch (k) {
        case DECISION_EXEMPT:
                return "exempt";
        case DECISION_UNTOUCHED:
                return "untouched";
        case DECISION_CONFINE:
                return "confined";
        case DECISION_REFUSE:
        default:
                return "refused";
        }
}
