/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox run [OPTIONS] [--] COMMAND [ARG...] */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"
#include "container.h"
#include "env.h"
#include "exec-util.h"
#include "fs-util.h"
#include "log.h"
#include "strv.h"
#include "verbs.h"

extern char **environ;

static void run_help(void)
{
        printf("Usage: sandbox run [OPTIONS] [--] COMMAND [ARG...]\n"
               "\n"
               "Run COMMAND in a new sandbox: new user, mount, pid, ipc, uts, cgroup and network\n"
               "namespaces; read-only system, private /tmp, no home, no capabilities,\n"
               "no_new_privs and a seccomp filter.\n"
               "\n"
               "Options:\n"
               "  --ro-bind SRC[:DST]   make host path SRC visible read-only at DST\n"
               "  --bind SRC[:DST]      make host path SRC visible read-write at DST\n"
               "  --tmpfs DST           mount an empty tmpfs at DST\n"
               "  --net=none|host       no network but loopback (default), or the host's\n"
               "  --hostname NAME       host name inside (default: sandbox)\n"
               "  --cap-add CAP         keep capability CAP (repeatable)\n"
               "  --env VAR=VALUE       set VAR inside; --env VAR passes the caller's VAR\n"
               "  --subid-ranges        also map the caller's /etc/subuid and /etc/subgid ranges\n"
               "  -h, --help            show this help\n"
               "\n"
               "Exit status: the command's own; 128+N if it was killed by signal N; 125 if\n"
               "sandbox failed; 126 if COMMAND is not executable; 127 if it was not found.\n");
}

_printf_(1, 2) static int bad_usage(const char *fmt, ...)
{
        char buf[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        log_error("run: %s; see 'sandbox run --help'", buf);
        return EXIT_LAUNCHER_ERROR;
}

static int add_env(struct sandbox_spec *spec, const char *arg)
{
        const char *eq = strchr(arg, '=');
        char *buf;
        int r;

        if (eq) {
                r = env_set(&spec->env, arg);
        } else {
                const char *v = getenv(arg);
                if (!env_name_is_valid(arg, strlen(arg)))
                        return -EINVAL;
                if (!v)
                        return 0; /* like docker -e VAR: unset outside, unset inside */
                if (asprintf(&buf, "%s=%s", arg, v) < 0)
                        return -ENOMEM;
                r = env_set(&spec->env, buf);
                free(buf);
        }
        return r;
}

static int base_environment(struct sandbox_spec *spec)
{
        char buf[PATH_MAX + 16];
        int r;

        STRV_FOREACH (e, environ)
                if (env_is_safe_to_pass(*e)) {
                        r = env_set(&spec->env, *e);
                        if (r < 0)
                                return r;
                }
        r = env_set(&spec->env, "PATH=" SANDBOX_DEFAULT_PATH);
        snprintf(buf, sizeof(buf), "HOME=%s", spec->home ? spec->home : "/");
        if (r >= 0)
                r = env_set(&spec->env, buf);
        snprintf(buf, sizeof(buf), "USER=%s", spec->user_name);
        if (r >= 0)
                r = env_set(&spec->env, buf);
        snprintf(buf, sizeof(buf), "LOGNAME=%s", spec->user_name);
        if (r >= 0)
                r = env_set(&spec->env, buf);
        return r;
}

static int fill_identity(struct sandbox_spec *spec)
{
        struct passwd *pw;

        spec->uid = getuid();
        spec->gid = getgid();
        errno = 0;
        pw = getpwuid(spec->uid);
        if (pw) {
                spec->user_name = strdup(pw->pw_name);
                if (path_is_safe_absolute(pw->pw_dir) && strcmp(pw->pw_dir, "/") != 0 &&
                    strcmp(pw->pw_dir, "/nonexistent") != 0)
                        spec->home = strdup(pw->pw_dir);
        } else if (asprintf(&spec->user_name, "%u", (unsigned)spec->uid) < 0) {
                spec->user_name = NULL;
        }
        spec->hostname = strdup("sandbox");
        return spec->user_name && spec->hostname ? 0 : -ENOMEM;
}

enum {
        OPT_RO_BIND = 0x100,
        OPT_BIND,
        OPT_TMPFS,
        OPT_NET,
        OPT_HOSTNAME,
        OPT_CAP_ADD,
        OPT_ENV,
        OPT_SUBID_RANGES,
};

static const struct option options[] = {
    {"ro-bind", required_argument, NULL, OPT_RO_BIND},
    {"bind", required_argument, NULL, OPT_BIND},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"net", required_argument, NULL, OPT_NET},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"env", required_argument, NULL, OPT_ENV},
    {"subid-ranges", no_argument, NULL, OPT_SUBID_RANGES},
    {"help", no_argument, NULL, 'h'},
    {},
};

/* Returns 0 to go on, or an exit status + 1 to stop with (so 0 can mean "run"). */
static int parse_options(int argc, char **argv, struct sandbox_spec *spec, char ***env_args)
{
        int c, r;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        run_help();
                        return 1;
                case OPT_RO_BIND:
                case OPT_BIND:
                case OPT_TMPFS:
                        r = sandbox_spec_add_mount(spec,
                                                   c == OPT_RO_BIND ? MOUNT_RO_BIND
                                                   : c == OPT_BIND  ? MOUNT_BIND
                                                                    : MOUNT_TMPFS,
                                                   optarg);
                        if (r == -ENOMEM)
                                return log_error_errno(r, "run: %m"), EXIT_LAUNCHER_ERROR + 1;
                        if (r < 0)
                                return bad_usage("%s: paths must be absolute, without '.' or "
                                                 "'..', and not '/'",
                                                 optarg) +
                                       1;
                        break;
                case OPT_NET:
                        if (streq(optarg, "none"))
                                spec->net = NET_NONE;
                        else if (streq(optarg, "host"))
                                spec->net = NET_HOST;
                        else
                                return bad_usage("--net=%s: expected 'none' or 'host'", optarg) + 1;
                        break;
                case OPT_HOSTNAME:
                        if (strlen(optarg) == 0 || strlen(optarg) > 64 ||
                            strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789-.") != strlen(optarg))
                                return bad_usage("--hostname %s: use 1-64 letters, digits, '-' "
                                                 "and '.'",
                                                 optarg) +
                                       1;
                        free(spec->hostname);
                        spec->hostname = strdup(optarg);
                        if (!spec->hostname)
                                return EXIT_LAUNCHER_ERROR + 1;
                        break;
                case OPT_CAP_ADD:
                        r = cap_parse_name(optarg);
                        if (r < 0)
                                return bad_usage("--cap-add %s: unknown capability", optarg) + 1;
                        spec->keep_caps |= UINT64_C(1) << r;
                        break;
                case OPT_ENV:
                        if (strv_extend(env_args, optarg) < 0)
                                return EXIT_LAUNCHER_ERROR + 1;
                        break;
                case OPT_SUBID_RANGES:
                        spec->subid_ranges = true;
                        break;
                case '?':
                default:
                        if (optopt)
                                return bad_usage("option '-%c' is unknown or lacks its value",
                                                 optopt) +
                                       1;
                        return bad_usage("option '%s' is unknown or lacks its value",
                                         argv[optind - 1]) +
                               1;
                }
        }
        if (optind >= argc)
                return bad_usage("no command given: sandbox run [OPTIONS] [--] COMMAND [ARG...]") +
                       1;
        return 0;
}

int verb_run(int argc, char **argv)
{
        _cleanup_(sandbox_spec_done) struct sandbox_spec spec = {.net = NET_NONE};
        _cleanup_strv_free_ char **env_args = NULL;
        struct sb_error e = {};
        pid_t parent = getppid();
        int r, status;

        r = fill_identity(&spec);
        if (r < 0)
                return log_error_errno(r, "run: %m"), EXIT_LAUNCHER_ERROR;
        r = parse_options(argc, argv, &spec, &env_args);
        if (r > 0)
                return r - 1;
        r = base_environment(&spec);
        STRV_FOREACH (a, env_args)
                if (r >= 0 && (r = add_env(&spec, *a)) == -EINVAL)
                        return bad_usage("--env %s: expected VAR=VALUE or VAR with a valid name",
                                         *a);
        if (r < 0)
                return log_error_errno(r, "run: %m"), EXIT_LAUNCHER_ERROR;
        for (int i = optind; i < argc; i++)
                if (strv_extend(&spec.argv, argv[i]) < 0)
                        return log_error_errno(-ENOMEM, "run: %m"), EXIT_LAUNCHER_ERROR;

        /* Die with the parent: a sandbox must not outlive the session that started it. The
         * getppid() check closes the race with a parent that died before the prctl. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
                return log_error("run: parent exited"), EXIT_LAUNCHER_ERROR;

        r = container_run(&spec, &status, &e);
        if (r < 0)
                log_error("%s", e.msg);
        return status;
}
