/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pam_sandbox: confine every login session of the users an admin policy names.
 *
 *   session required pam_sandbox.so phase=prepare   # before pam_systemd
 *   session optional pam_systemd.so
 *   session required pam_sandbox.so phase=enter     # last
 *
 * prepare decides (decision.h) and hands pam_systemd the session's resource limits; enter applies
 * the rest to the calling process, which the login program keeps privileged for the whole session
 * and whose children become the user's session (session-mounts.h, session-process.h), puts the
 * limits on the user's slice (session-resources.h) and records what it did (session-record.h).
 * close_session removes the record: it runs unprivileged in some programs and must not fork.
 *
 * Return values: PAM_IGNORE for users the module leaves alone (uid 0, exempt services, users no
 * policy names), PAM_SUCCESS once a confined session is fully set up, PAM_SESSION_ERR whenever a
 * policy that may apply cannot be applied in full: never a partly confined login. Every decision
 * is logged (pam-log.h). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "args.h"
#include "decision.h"
#include "cgroup-limits.h"
#include "pam-log.h"
#include "session-mounts.h"
#include "session-process.h"
#include "proc-util.h"
#include "session-record.h"
#include "session-resources.h"
#include "strv.h"

/* Exported by the version script (pam_sandbox.sym), which hides everything else: the static
 * libraries linked in must never clash with the host program's symbols. */
#define _public_ __attribute__((visibility("default")))

#define DATA_DECISION "pam_sandbox_decision"
#define DATA_RECORD   "pam_sandbox_record"

struct context {
        pam_handle_t *h;
        struct sandbox_args args;
        struct sb_error args_error;
        const char *service;
};

static void context_done(struct context *c)
{
        args_done(&c->args);
}

static int context_init(struct context *c, pam_handle_t *h, int argc, const char **argv)
{
        const void *item = NULL;

        *c = (struct context){.h = h};
        if (args_parse(argc, argv, &c->args, &c->args_error) == -ENOMEM)
                return -ENOMEM;
        if (pam_get_item(h, PAM_SERVICE, &item) == PAM_SUCCESS)
                c->service = item;
        return 0;
}

#define debug(c, ...)                                                                              \
        do {                                                                                       \
                if ((c)->args.debug)                                                               \
                        sandbox_log((c)->h, LOG_DEBUG, NULL, __VA_ARGS__);                         \
        } while (0)

static void cleanup_decision(pam_handle_t *h, void *data, int error_status)
{
        decision_free(data);
}

static void cleanup_free(pam_handle_t *h, void *data, int error_status)
{
        free(data);
}

static bool same_dir(const char *a, const char *b)
{
        return (!a && !b) || (a && b && streq(a, b));
}

static void log_decision(struct context *c, const struct decision *d)
{
        const struct log_fields f = {
            .user = d->user,
            .decision = decision_kind_to_string(d->kind),
            .policy_files = d->policy_files,
        };

        switch (d->kind) {
        case DECISION_REFUSE:
                sandbox_log(c->h, LOG_ERR, &f, "refusing the session of user %s: %s",
                            d->user ? d->user : "(none)", d->why);
                break;
        case DECISION_CONFINE:
                sandbox_log(c->h, LOG_INFO, &f, "user %s (uid %u) will be confined: %s", d->user,
                            (unsigned)d->uid, d->why);
                break;
        case DECISION_EXEMPT:
        case DECISION_UNTOUCHED:
        default:
                sandbox_log(c->h, LOG_INFO, &f, "session of user %s is not confined: %s", d->user,
                            d->why);
                break;
        }
}

/* The decision prepare made for this user, or a new one (enter without prepare, or with
 * arguments that differ). NULL on ENOMEM. */
static const struct decision *get_decision(struct context *c)
{
        const void *data = NULL, *item = NULL;
        const char *user;
        struct decision *d = NULL;

        user = pam_get_item(c->h, PAM_USER, &item) == PAM_SUCCESS ? item : NULL;
        if (pam_get_data(c->h, DATA_DECISION, &data) == PAM_SUCCESS && data && !c->args.invalid) {
                const struct decision *prev = data;

                if (prev->pam_user && user && streq(prev->pam_user, user) &&
                    same_dir(prev->config_dir, c->args.config_dir)) {
                        debug(c, "phase=%s: using the decision of phase=prepare (%s)",
                              phase_to_string(c->args.phase), decision_kind_to_string(prev->kind));
                        return prev;
                }
        }
        if (decision_make(user, c->service, &c->args, &c->args_error, &d) < 0) {
                decision_free(d);
                return NULL;
        }
        log_decision(c, d);
        if (pam_set_data(c->h, DATA_DECISION, d, cleanup_decision) != PAM_SUCCESS) {
                decision_free(d);
                return NULL;
        }
        return d;
}

/* ---- prepare --------------------------------------------------------------------------------- */

static int prepare(struct context *c, const struct decision *d)
{
        struct systemd_datum data[SYSTEMD_DATA_MAX];
        struct limits l;
        struct sb_error e = {};
        int n;

        if (limits_from_policy(d->policy, &d->sys, &l, &e) < 0 ||
            (n = resources_systemd_data(&l, resources_runtime_max_usec(d->policy), data, &e)) < 0) {
                sandbox_log(c->h, LOG_ERR, NULL, "refusing the session of user %s: %s", d->user,
                            e.msg);
                return PAM_SESSION_ERR;
        }
        for (int i = 0; i < n; i++) {
                char *v = strdup(data[i].value);

                if (!v || pam_set_data(c->h, data[i].name, v, cleanup_free) != PAM_SUCCESS) {
                        free(v);
                        sandbox_log(c->h, LOG_ERR, NULL,
                                    "refusing the session of user %s: cannot set PAM data %s",
                                    d->user, data[i].name);
                        return PAM_SESSION_ERR;
                }
                debug(c, "handing pam_systemd %s=%s", data[i].name, data[i].value);
        }
        return PAM_SUCCESS;
}

/* ---- enter ----------------------------------------------------------------------------------- */

static int applied_add(char ***applied, const struct policy *p, enum policy_key key)
{
        _cleanup_free_ char *value = policy_format_value(p, key), *s = NULL;

        if (!value || asprintf(&s, "%s=%s", policy_key_name(key), value) < 0)
                return -ENOMEM;
        return strv_consume(applied, TAKE_PTR(s));
}

static int resources(struct context *c, const struct decision *d, char ***applied,
                     struct sb_error *e)
{
        _cleanup_free_ char *where = NULL, *s = NULL;
        char text[256];
        struct limits l;
        int r;

        r = limits_from_policy(d->policy, &d->sys, &l, e);
        if (r < 0)
                return r;
        if (!limits_any(&l) && resources_runtime_max_usec(d->policy) == LIMIT_UNSET)
                return 0;
        r = resources_check_placement(d->uid, &where, e);
        if (r < 0)
                return r;
        r = resources_check_runtime(d->policy, e);
        if (r < 0)
                return r;
        if (r > 0 && applied_add(applied, d->policy, POLICY_RUNTIME_MAX_SEC) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (!limits_any(&l))
                return 0;
        r = resources_apply_slice(d->uid, &l, e);
        if (r < 0)
                return r;
        if (asprintf(&s, "%s (user-%u.slice)", limits_format(&l, text, sizeof(text)),
                     (unsigned)d->uid) < 0 ||
            strv_consume(applied, TAKE_PTR(s)) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        debug(c, "limits on user-%u.slice; the process is in %s", (unsigned)d->uid, where);
        return 0;
}

static int environment(struct context *c, const struct policy *p, char ***applied,
                       struct sb_error *e)
{
        for (size_t i = 0; i < p->environment.n; i++) {
                _cleanup_free_ char *s = NULL;
                int r;

                if (asprintf(&s, "%s=%s", p->environment.items[i].name,
                             p->environment.items[i].value) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                r = pam_putenv(c->h, s);
                if (r != PAM_SUCCESS)
                        return sb_error_set(e, -EIO, "Environment=: cannot set %s: %s",
                                            p->environment.items[i].name, pam_strerror(c->h, r));
        }
        if (p->environment.n > 0 && applied_add(applied, p, POLICY_ENVIRONMENT) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        return 0;
}

/* Apply d to the calling process. On success *ret_record names the session record. */
static int confine(struct context *c, const struct decision *d, char ***applied, char **ret_record,
                   struct sb_error *e)
{
        const struct policy *p = d->policy;
        const struct mounts_user mu = {.uid = d->uid, .gid = d->gid, .home = d->home};
        const bool filter = policy_is_set(p, POLICY_SYSTEM_CALL_FILTER) &&
                            (p->system_call_filter.allow_list || p->system_call_filter.n > 0);
        const bool restrict_ns = policy_is_set(p, POLICY_RESTRICT_NAMESPACES) &&
                                 (p->restrict_namespaces & POLICY_NS_ALL) != POLICY_NS_ALL;
        /* A seccomp filter the session's setuid programs did not expect can make them fail open
         * (a denied setuid() they do not check), so, as systemd does for unprivileged users,
         * SystemCallFilter= implies no_new_privs. RestrictNamespaces= does not: it only stops
         * namespaces from being made, which fails safe, and no_new_privs costs the user sudo. */
        const bool nnp = p->no_new_privileges || filter;
        _cleanup_strv_free_ char **skipped = NULL;
        _cleanup_free_ char *session = NULL, *name = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        uint64_t pid_start;
        int r;

        r = process_check_single_threaded(e);
        if (r < 0)
                return r;
        r = resources(c, d, applied, e);
        if (r < 0)
                return r;
        /* Opened now, while /run is still the host's: a policy may hide or protect it below. */
        dir_fd = record_dir_open(e);
        if (dir_fd < 0)
                return dir_fd;
        /* The records of sessions whose close ran unprivileged, or never ran (a crash). */
        r = record_prune(dir_fd);
        if (r > 0)
                debug(c, "removed %d record(s) of sessions that are gone from %s", r, RECORD_DIR);
        r = proc_pid_start_time(getpid(), &pid_start);
        if (r < 0)
                return sb_error_set(e, r, "cannot read the start time of process %d: %s",
                                    (int)getpid(), strerror(-r));

        if (mounts_needed(p)) {
                r = mounts_apply(p, &mu, applied, &skipped, e);
                if (r < 0)
                        return r;
                STRV_FOREACH (s, skipped)
                        debug(c, "%s does not exist, skipped", *s);
        }
        if (p->private_network) {
                r = process_private_network(e);
                if (r < 0)
                        return r;
                if (applied_add(applied, p, POLICY_PRIVATE_NETWORK) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }
        if (p->private_ipc) {
                r = process_unshare(CLONE_NEWIPC, "an IPC namespace (PrivateIPC=yes)", e);
                if (r < 0)
                        return r;
                if (applied_add(applied, p, POLICY_PRIVATE_IPC) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }
        if (p->protect_hostname) {
                r = process_unshare(CLONE_NEWUTS, "a UTS namespace (ProtectHostname=yes)", e);
                if (r < 0)
                        return r;
                if (applied_add(applied, p, POLICY_PROTECT_HOSTNAME) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }
        r = environment(c, p, applied, e);
        if (r < 0)
                return r;
        if (policy_is_set(p, POLICY_CAPABILITY_BOUNDING_SET)) {
                r = process_bounding_set(p->capability_bounding_set, e);
                if (r < 0)
                        return r;
                if (applied_add(applied, p, POLICY_CAPABILITY_BOUNDING_SET) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }
        if ((nnp && strv_extend(applied, "NoNewPrivileges=yes") < 0) ||
            (restrict_ns && applied_add(applied, p, POLICY_RESTRICT_NAMESPACES) < 0) ||
            (filter && applied_add(applied, p, POLICY_SYSTEM_CALL_FILTER) < 0))
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (policy_is_set(p, POLICY_BIND_PATHS) || policy_is_set(p, POLICY_BIND_READ_ONLY_PATHS) ||
            policy_is_set(p, POLICY_AMBIENT_CAPABILITIES))
                debug(c, "BindPaths=, BindReadOnlyPaths= and AmbientCapabilities= grant things to "
                         "sandboxes; a login gets none of them");

        /* The record before the filters, which may deny what writing it takes; it already lists
         * them, and goes away again if they fail. */
        if (session_of_self(&session) < 0)
                session = NULL;
        {
                const struct record_info info = {
                    .user = d->user,
                    .uid = d->uid,
                    .service = c->service,
                    .session = session,
                    .pid = getpid(),
                    .pid_start = pid_start,
                    .policy_files = d->policy_files,
                    .applied = *applied,
                    .policy = p,
                };
                r = record_write_session(dir_fd, session, &info, &name, e);
                if (r < 0)
                        return r;
        }
        if (nnp)
                r = process_no_new_privs(e);
        if (r >= 0 && restrict_ns)
                r = process_restrict_namespaces(p->restrict_namespaces, e);
        if (r >= 0 && filter)
                r = process_syscall_filter(&p->system_call_filter, e);
        if (r < 0) {
                (void)unlinkat(dir_fd, name, 0);
                return r;
        }
        *ret_record = TAKE_PTR(name);
        return 0;
}

static int enter(struct context *c, const struct decision *d)
{
        _cleanup_strv_free_ char **applied = NULL;
        _cleanup_free_ char *record = NULL, *joined = NULL;
        struct sb_error e = {};
        size_t len = 0;
        int r;

        r = confine(c, d, &applied, &record, &e);
        if (r < 0) {
                const struct log_fields f = {
                    .user = d->user, .decision = "refused", .policy_files = d->policy_files};
                sandbox_log(c->h, LOG_ERR, &f,
                            "refusing the session of user %s: the policy cannot be applied in "
                            "full: %s",
                            d->user, e.msg[0] ? e.msg : strerror(-r));
                return PAM_SESSION_ERR;
        }

        STRV_FOREACH (s, applied)
                len += strlen(*s) + 1;
        joined = calloc(1, len + 1);
        for (size_t i = 0, at = 0; joined && applied && applied[i]; i++)
                at += (size_t)sprintf(joined + at, "%s%s", i > 0 ? " " : "", applied[i]);
        {
                const struct log_fields f = {.user = d->user,
                                             .decision = "confined",
                                             .policy_files = d->policy_files,
                                             .applied = joined};
                sandbox_log(c->h, LOG_NOTICE, &f, "confined the session of user %s (uid %u): %s",
                            d->user, (unsigned)d->uid,
                            joined && joined[0] ? joined : "nothing to apply");
        }
        if (pam_set_data(c->h, DATA_RECORD, record, cleanup_free) != PAM_SUCCESS) {
                sandbox_log(c->h, LOG_WARNING, NULL,
                            "cannot remember %s/%s: it stays after the end", RECORD_DIR, record);
                return PAM_SUCCESS;
        }
        TAKE_PTR(record);
        return PAM_SUCCESS;
}

/* ---- entry points ---------------------------------------------------------------------------- */

_public_ int pam_sm_open_session(pam_handle_t *h, int flags, int argc, const char **argv)
{
        _cleanup_(context_done) struct context c = {};
        const struct decision *d;

        if (context_init(&c, h, argc, argv) < 0)
                return PAM_BUF_ERR;
        if (c.args.invalid)
                sandbox_log(h, LOG_ERR, NULL,
                            "%s; refusing every session but root's until the "
                            "PAM configuration is fixed",
                            c.args_error.msg);
        d = get_decision(&c);
        if (!d) {
                sandbox_log(h, LOG_ERR, NULL, "refusing the session: out of memory");
                return PAM_BUF_ERR;
        }
        switch (d->kind) {
        case DECISION_EXEMPT:
        case DECISION_UNTOUCHED:
                return PAM_IGNORE;
        case DECISION_CONFINE:
                /* A broken line cannot get here: decision_make() refuses on invalid arguments. */
                return c.args.phase == PHASE_PREPARE ? prepare(&c, d) : enter(&c, d);
        case DECISION_REFUSE:
        default:
                return PAM_SESSION_ERR;
        }
}

_public_ int pam_sm_close_session(pam_handle_t *h, int flags, int argc, const char **argv)
{
        _cleanup_(context_done) struct context c = {};
        const void *data = NULL;
        int r;

        /* Unprivileged in some login programs, and never forking: only remove the record. */
        if (context_init(&c, h, argc, argv) < 0)
                return PAM_BUF_ERR;
        if (c.args.phase != PHASE_ENTER || pam_get_data(h, DATA_RECORD, &data) != PAM_SUCCESS ||
            !data)
                return PAM_IGNORE;
        r = record_remove(data);
        if (r < 0 && r != -ENOENT)
                sandbox_log(h, r == -EACCES || r == -EPERM ? LOG_INFO : LOG_WARNING, NULL,
                            "cannot remove %s/%s: %s", RECORD_DIR, (const char *)data,
                            strerror(-r));
        else
                debug(&c, "session closed, %s/%s removed", RECORD_DIR, (const char *)data);
        return PAM_SUCCESS;
}

/* Sessions only: the other management groups have nothing to do with confinement. */
_public_ int pam_sm_authenticate(pam_handle_t *h, int flags, int argc, const char **argv)
{
        return PAM_IGNORE;
}

_public_ int pam_sm_setcred(pam_handle_t *h, int flags, int argc, const char **argv)
{
        return PAM_IGNORE;
}

_public_ int pam_sm_acct_mgmt(pam_handle_t *h, int flags, int argc, const char **argv)
{
        return PAM_IGNORE;
}

_public_ int pam_sm_chauthtok(pam_handle_t *h, int flags, int argc, const char **argv)
{
        return PAM_IGNORE;
}
