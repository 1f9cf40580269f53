/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What one `sandbox run` may do: the admin ceiling for the caller, the app's profiles and the
 * command line flags (policy.h explains the ceiling rule), and how the result becomes a
 * sandbox_spec. */

#include <sys/types.h>

#include "error.h"
#include "policy.h"
#include "spec.h"

struct run_policy {
        struct policy *ceiling;   /* admin policies that match the caller, stacked */
        struct policy *request;   /* the profiles and flags: what was asked for */
        struct policy *effective; /* the ceiling tightened by every layer */
        struct policy *admin_profile, *user_profile;
        char *user_dir;           /* the caller's own profile directory (~/.config/sandbox) */
        struct policy_system sys; /* the machine the percentages were resolved against */
};

void run_policy_done(struct run_policy *rp);

/* Is there an app profile (admin or the user's) called name? */
bool run_policy_app_exists(const char *name, const char *user_dir);

/* The caller's profile directory: $XDG_CONFIG_HOME/sandbox, else HOME/.config/sandbox. */
char *run_policy_user_dir(const char *home);

/* Resolve the policy for who (its groups are looked up only if a [Match] Group= needs them),
 * app (NULL: none) and flags (may be NULL). admin_dirs: NULL for the real ones (shipped, then
 * /etc/sandbox); `policy show --admin-dir` passes others, whose files may then also belong to
 * the caller. A layer asking for more than the ceiling is refused with the library's message. */
int run_policy_resolve(struct policy_member *who, char *const *admin_dirs, const char *user_dir,
                       const char *app, const struct policy *flags, struct run_policy *ret,
                       struct sb_error *e);

/* Fill spec from the resolved policy: network, kept capabilities, binds (and masks), environment,
 * the app's command line. Launcher defaults stay where the request says nothing: a ceiling that
 * allows something (PrivateNetwork=no) does not turn it on. Fails when a protection the policy
 * asks for cannot be applied here. */
int run_policy_apply(const struct run_policy *rp, struct sandbox_spec *spec, struct sb_error *e);

/* The last step, after every bind is in spec (the policy's, the options', the desktop's): a bind
 * never shows a host path more than the policy grants it. For every bind whose source covers a
 * path the policy keeps read-only (ReadOnlyPaths=, ProtectSystem=, ProtectHome=read-only) or
 * hides (InaccessiblePaths=, ProtectHome=yes|tmpfs, PrivateTmp=), a read-only bind of that path
 * (writable binds only) or a mask is added where the bind shows it; the same for the caller's
 * profile directory and the instance registry, which no sandbox may write. A bind of "/" covers
 * everything. Paths are compared as real paths (bind sources are symlink-free). Holes a policy
 * opens below such a path (ReadWritePaths= under ProtectHome=read-only) stay closed inside the
 * bind: the safe side. */
int run_policy_protect(const struct run_policy *rp, struct sandbox_spec *spec, struct sb_error *e);
