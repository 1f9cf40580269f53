/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox session [COMMAND [ARG...]]
 *
 * The full container login: the user's shell (or COMMAND, or sshd's SSH_ORIGINAL_COMMAND) in
 * a sandbox with user and pid namespaces too, under the same policy as sandbox run. Meant for
 * sshd's ForceCommand in a Match Group block and for display-manager session wrappers, where
 * pam_sandbox cannot create those namespaces in the login program's own process.
 *
 * A session differs from `sandbox run` only in what it asks for by default, always within the
 * ceiling: the home directory (read-write, read-only or not at all, as ProtectHome= allows),
 * and the network when the ceiling does not forbid it. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec-util.h"
#include "log.h"
#include "policy.h"
#include "run-policy.h"
#include "strv.h"
#include "verbs.h"

static int session_defaults(const struct passwd *pw, char ***args)
{
        _cleanup_(run_policy_done) struct run_policy rp = {};
        _cleanup_(policy_member_done) struct policy_member who = {.user = pw->pw_name,
                                                                  .gid = pw->pw_gid};
        struct sb_error e = {};
        const struct policy *c;
        int r;

        r = run_policy_resolve(&who, NULL, NULL, NULL, NULL, &rp, &e);
        if (r < 0)
                return log_error("session: %s", e.msg), r;
        c = rp.ceiling;

        if (!policy_is_set(c, POLICY_PRIVATE_NETWORK) || !c->private_network)
                r = strv_extend(args, "--net=host");
        if (r >= 0 && pw->pw_dir[0] == '/' && strcmp(pw->pw_dir, "/") != 0) {
                enum protect_home ph =
                    policy_is_set(c, POLICY_PROTECT_HOME) ? c->protect_home : PROTECT_HOME_NO;
                enum policy_access a = policy_path_access(c, pw->pw_dir, NULL, NULL);

                if (ph == PROTECT_HOME_NO && a == POLICY_ACCESS_READ_WRITE)
                        r = strv_extend(args, "--bind");
                else if (ph <= PROTECT_HOME_READ_ONLY && a != POLICY_ACCESS_NONE)
                        r = strv_extend(args, "--ro-bind");
                else
                        r = 1; /* the empty private home of every sandbox */
                if (r == 0)
                        r = strv_extend(args, pw->pw_dir);
        }
        return r < 0 ? log_error_errno(r, "session: %m") : 0;
}

int verb_session(int argc, char **argv)
{
        _cleanup_strv_free_ char **args = NULL;
        const char *original = getenv("SSH_ORIGINAL_COMMAND");
        struct passwd *pw;
        const char *shell;
        int r, i = 1;

        if (argc > 1 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
                printf("Usage: sandbox session [--] [COMMAND [ARG...]]\n\n"
                       "Run the login shell (or COMMAND, or $SSH_ORIGINAL_COMMAND) in a sandbox\n"
                       "under the caller's policy; see sandbox(1).\n");
                return 0;
        }
        if (argc > 1 && streq(argv[1], "--"))
                i = 2;
        else if (argc > 1 && argv[1][0] == '-') {
                log_error("session: unknown option '%s'; see 'sandbox session --help'", argv[1]);
                return EXIT_LAUNCHER_ERROR;
        }

        errno = 0;
        pw = getpwuid(getuid());
        if (!pw)
                return log_error_errno(errno ? -errno : -ENOENT, "session: who is uid %u? %m",
                                       (unsigned)getuid()),
                       EXIT_LAUNCHER_ERROR;
        shell = pw->pw_shell && pw->pw_shell[0] == '/' ? pw->pw_shell : "/bin/sh";

        if (strv_extend(&args, "run") < 0 || strv_extend(&args, "--no-profile") < 0)
                return EXIT_LAUNCHER_ERROR;
        r = session_defaults(pw, &args);
        if (r < 0)
                return EXIT_LAUNCHER_ERROR;
        if (strv_extend(&args, "--") < 0)
                return EXIT_LAUNCHER_ERROR;
        if (i < argc) {
                for (; i < argc; i++)
                        if (strv_extend(&args, argv[i]) < 0)
                                return EXIT_LAUNCHER_ERROR;
        } else if (original && *original) {
                /* sshd ran us as ForceCommand for "ssh host COMMAND": the user's shell runs
                 * it, inside, as it would have outside. */
                if (strv_extend(&args, shell) < 0 || strv_extend(&args, "-c") < 0 ||
                    strv_extend(&args, original) < 0)
                        return EXIT_LAUNCHER_ERROR;
        } else if (strv_extend(&args, shell) < 0 || strv_extend(&args, "-l") < 0) {
                return EXIT_LAUNCHER_ERROR;
        }
        return verb_run((int)strv_length(args), args);
}
