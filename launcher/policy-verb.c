/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox policy check FILE...
 * sandbox policy show [--user USER] [--app APP] [--json] */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
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

static int kind_from_name(const char *path, enum policy_file_kind *ret)
{
        size_t n = strlen(path);

        if (n > 7 && streq(path + n - 7, ".policy"))
                *ret = POLICY_KIND_POLICY;
        else if (n > 8 && streq(path + n - 8, ".profile"))
                *ret = POLICY_KIND_PROFILE;
        else
                return -EINVAL;
        return 0;
}

/* Every error as FILE:LINE:COLUMN: message on stderr; exit 0 only if every file is valid. */
static int policy_check_files(char **files)
{
        int failed = 0;

        STRV_FOREACH (f, files) {
                _cleanup_policy_free_ struct policy *p = NULL;
                enum policy_file_kind kind;
                struct sb_error e = {};
                int r;

                if (kind_from_name(*f, &kind) < 0) {
                        fprintf(stderr, "%s: unknown kind of file: name it *.policy or *.profile\n",
                                *f);
                        failed = 1;
                        continue;
                }
                /* No trust check: checking a draft before installing it is the point. */
                r = policy_load_file(*f, kind, NULL, &p, NULL, NULL, &e);
                if (r < 0) {
                        fprintf(stderr, "%s\n", e.msg[0] ? e.msg : strerror(-r));
                        failed = 1;
                        continue;
                }
                /* A login policy that forbids user namespaces also forbids `sandbox run` in
                 * those sessions: say so, it is rarely what the admin means. */
                if (kind == POLICY_KIND_POLICY && policy_is_set(p, POLICY_RESTRICT_NAMESPACES) &&
                    !(p->restrict_namespaces & POLICY_NS_USER))
                        fprintf(stderr,
                                "%s:%u: note: RestrictNamespaces= forbids user namespaces, so "
                                "'sandbox run' will not work in sessions this policy confines\n",
                                *f, p->origin[POLICY_RESTRICT_NAMESPACES].line);
                printf("%s: ok\n", *f);
        }
        return failed;
}

static int policy_show(int argc, char **argv)
{
        static const struct option opts[] = {
            {"user", required_argument, NULL, 'u'}, {"app", required_argument, NULL, 'a'},
            {"json", no_argument, NULL, 'j'},       {"admin-dir", required_argument, NULL, 'd'},
            {"help", no_argument, NULL, 'h'},       {},
        };
        _cleanup_(run_policy_done) struct run_policy rp = {};
        _cleanup_strv_free_ char **admin_dirs = NULL;
        _cleanup_(policy_member_done) struct policy_member who = {};
        _cleanup_free_ char *user_dir = NULL;
        const char *user = NULL, *app = NULL;
        struct sb_error e = {};
        struct passwd *pw;
        bool json = false;
        int c, r;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "+h", opts, NULL)) >= 0)
                switch (c) {
                case 'u':
                        user = optarg;
                        break;
                case 'a':
                        app = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'd':
                        /* Preview another tree (a draft, a test fixture): show only, never run. */
                        if (strv_extend(&admin_dirs, optarg) < 0)
                                return log_error_errno(-ENOMEM, "policy show: %m"),
                                       EXIT_LAUNCHER_ERROR;
                        break;
                case 'h':
                        printf("Usage: sandbox policy show [--user USER] [--app APP] [--json] "
                               "[--admin-dir DIR...]\n");
                        return 0;
                default:
                        log_error("policy show: unknown option '%s'; see 'sandbox policy show "
                                  "--help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (optind < argc) {
                log_error("policy show: unexpected argument '%s'", argv[optind]);
                return EXIT_LAUNCHER_ERROR;
        }

        errno = 0;
        pw = user ? getpwnam(user) : getpwuid(getuid());
        if (!pw) {
                log_error("policy show: unknown user '%s'", user ? user : "(self)");
                return EXIT_LAUNCHER_ERROR;
        }
        who = (struct policy_member){.user = pw->pw_name, .gid = pw->pw_gid};
        /* Another user's own profiles are theirs: only the admin side is shown for them. */
        if (pw->pw_uid == getuid())
                user_dir = run_policy_user_dir(pw->pw_dir);
        r = run_policy_resolve(&who, admin_dirs, user_dir, app, NULL, &rp, &e);
        if (r < 0)
                return log_error("policy show: %s", e.msg), EXIT_LAUNCHER_ERROR;
        r = json ? policy_write_json(rp.effective, stdout)
                 : policy_write_text(rp.effective, stdout);
        if (r < 0 || fflush(stdout) != 0)
                return log_error("policy show: cannot write the policy"), EXIT_LAUNCHER_ERROR;
        return 0;
}

int verb_policy(int argc, char **argv)
{
        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("Usage: sandbox policy check FILE...\n"
                       "       sandbox policy show [--user USER] [--app APP] [--json]\n");
                return argc < 2 ? EXIT_LAUNCHER_ERROR : 0;
        }
        if (streq(argv[1], "check")) {
                if (argc < 3) {
                        log_error("policy check: no file given");
                        return EXIT_LAUNCHER_ERROR;
                }
                return policy_check_files(argv + 2);
        }
        if (streq(argv[1], "show"))
                return policy_show(argc - 1, argv + 1);
        log_error("policy: unknown command '%s'; expected 'check' or 'show'", argv[1]);
        return EXIT_LAUNCHER_ERROR;
}
