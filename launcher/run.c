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
#include "cgroup.h"
#include "log.h"
#include "policy.h"
#include "exec-full.h"
#if SANDBOX_FULL
#include "run-image.h"
#endif
#include "run-instance.h"
#include "run-desktop.h"
#include "run-policy.h"
#include "strv.h"
#include "verbs.h"

extern char **environ;

static void run_help(void)
{
        printf(
            "Usage: sandbox run [OPTIONS] [--] COMMAND [ARG...]\n"
            "       sandbox run [OPTIONS] [--] APP [ARG...]\n"
            "\n"
            "APP names an app profile (/etc/sandbox/apps/APP.profile, ~/.config/sandbox/apps/);\n"
            "its Exec= is the command. Everything runs under the administrator's policy for\n"
            "the caller (/etc/sandbox/policy.d/), which the profiles and options may only\n"
            "tighten; see sandbox.policy(5).\n"
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
            "  --memory-max SIZE     MemoryMax= for this sandbox (K, M, G, T, %%, infinity)\n"
            "  --memory-high SIZE    MemoryHigh=\n"
            "  --cpu-quota PERCENT   CPUQuota=\n"
            "  --cpu-weight N        CPUWeight= (1-10000)\n"
            "  --tasks-max N         TasksMax=\n"
            "  --io-weight N         IOWeight= (1-10000)\n"
            "  --image-env ENV       AllowedEnvironments= for --image (repeatable)\n"
            "  --image-key KEY       TrustedKeys= for --image (repeatable)\n"
            "  --image-max-age TIME  MaxSignatureAge= for --image (e.g. 30d)\n"
            "  --image-name NAME     the name the image's signature must vouch for\n"
            "  -p, --property KEY=VALUE  a policy key of sandbox.policy(5), e.g. -p X11=no; may\n"
            "                        only tighten the profiles and the administrator's policy\n"
            "  --no-profile          run COMMAND as it is even if an app profile has its name\n"
            "  --name NAME           the name for sandbox ps/enter/stop (default: APP or the\n"
            "                        command's base name and a random id)\n"
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

        spec->uid = spec->inside_uid = getuid();
        spec->gid = spec->inside_gid = getgid();
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
        OPT_NO_PROFILE,
        OPT_IMAGE,
        OPT_IMAGE_ENV,
        OPT_IMAGE_KEY,
        OPT_IMAGE_MAX_AGE,
        OPT_IMAGE_NAME,
        OPT_MEMORY_MAX,
        OPT_MEMORY_HIGH,
        OPT_CPU_QUOTA,
        OPT_CPU_WEIGHT,
        OPT_TASKS_MAX,
        OPT_IO_WEIGHT,
        OPT_NAME,
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
    {"no-profile", no_argument, NULL, OPT_NO_PROFILE},
    {"image", required_argument, NULL, OPT_IMAGE},
    {"image-env", required_argument, NULL, OPT_IMAGE_ENV},
    {"image-key", required_argument, NULL, OPT_IMAGE_KEY},
    {"image-max-age", required_argument, NULL, OPT_IMAGE_MAX_AGE},
    {"image-name", required_argument, NULL, OPT_IMAGE_NAME},
    {"memory-max", required_argument, NULL, OPT_MEMORY_MAX},
    {"memory-high", required_argument, NULL, OPT_MEMORY_HIGH},
    {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
    {"cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT},
    {"tasks-max", required_argument, NULL, OPT_TASKS_MAX},
    {"io-weight", required_argument, NULL, OPT_IO_WEIGHT},
    {"name", required_argument, NULL, OPT_NAME},
    {"property", required_argument, NULL, 'p'},
    {"help", no_argument, NULL, 'h'},
    {},
};

/* Options that are policy keys become assignments of a flags layer, so they pass through the
 * same ceiling check as profiles, with errors naming the option's position. */
static const char *option_key(int c)
{
        switch (c) {
        case OPT_BIND:
                return "BindPaths";
        case OPT_RO_BIND:
                return "BindReadOnlyPaths";
        case OPT_MEMORY_MAX:
                return "MemoryMax";
        case OPT_MEMORY_HIGH:
                return "MemoryHigh";
        case OPT_CPU_QUOTA:
                return "CPUQuota";
        case OPT_CPU_WEIGHT:
                return "CPUWeight";
        case OPT_TASKS_MAX:
                return "TasksMax";
        case OPT_IO_WEIGHT:
                return "IOWeight";
        case OPT_IMAGE_ENV:
                return "AllowedEnvironments";
        case OPT_IMAGE_KEY:
                return "TrustedKeys";
        case OPT_IMAGE_MAX_AGE:
                return "MaxSignatureAge";
        default:
                return NULL;
        }
}

struct run_args {
        struct policy *flags;
        char **env_args;
        bool no_profile;
        const char *image;
        const char *image_name;
        const char *name;
};

static void run_args_done(struct run_args *a)
{
        policy_free(a->flags);
        strv_free(a->env_args);
}

static int add_flag(struct run_args *a, const char *key, const char *value, int index)
{
        _cleanup_free_ char *assignment = NULL;
        struct sb_error e = {};
        int r;

        if (asprintf(&assignment, "%s=%s", key, value) < 0)
                return -ENOMEM;
        r = policy_parse_assignment(a->flags, assignment, "command line", (unsigned)index, &e);
        if (r < 0)
                log_error("run: %s; see 'sandbox run --help'", e.msg);
        return r;
}

/* Returns 0 to go on, or an exit status + 1 to stop with (so 0 can mean "run"). */
static int parse_options(int argc, char **argv, struct sandbox_spec *spec, struct run_args *a)
{
        int c, r;

        a->flags = policy_new(POLICY_KIND_FLAGS, "command line");
        if (!a->flags)
                return EXIT_LAUNCHER_ERROR + 1;
        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "+hp:", options, NULL)) >= 0) {
                const char *key = option_key(c);

                if (key) {
                        if (add_flag(a, key, optarg, optind - 1) < 0)
                                return EXIT_LAUNCHER_ERROR + 1;
                        continue;
                }
                switch (c) {
                case 'h':
                        run_help();
                        return 1;
                case OPT_TMPFS:
                        r = sandbox_spec_add_mount(spec, MOUNT_TMPFS, optarg);
                        if (r == -ENOMEM)
                                return log_error_errno(r, "run: %m"), EXIT_LAUNCHER_ERROR + 1;
                        if (r < 0)
                                return bad_usage("--tmpfs %s: the path must be absolute, without "
                                                 "'.' or '..', and not '/'",
                                                 optarg) +
                                       1;
                        break;
                case OPT_NET:
                        if (!streq(optarg, "none") && !streq(optarg, "host"))
                                return bad_usage("--net=%s: expected 'none' or 'host'", optarg) + 1;
                        if (add_flag(a, "PrivateNetwork", streq(optarg, "none") ? "yes" : "no",
                                     optind - 1) < 0)
                                return EXIT_LAUNCHER_ERROR + 1;
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
                case 'p': {
                        /* any [Resources] [Sandbox] [Desktop] key, e.g. -p X11=no */
                        struct sb_error pe = {};
                        if (policy_parse_assignment(a->flags, optarg, "command line",
                                                    (unsigned)(optind - 1), &pe) < 0) {
                                log_error("run: %s; see 'sandbox run --help'", pe.msg);
                                return EXIT_LAUNCHER_ERROR + 1;
                        }
                        break;
                }
                case OPT_ENV:
                        if (strv_extend(&a->env_args, optarg) < 0)
                                return EXIT_LAUNCHER_ERROR + 1;
                        break;
                case OPT_SUBID_RANGES:
                        spec->subid_ranges = true;
                        break;
                case OPT_NO_PROFILE:
                        a->no_profile = true;
                        break;
                case OPT_IMAGE:
                        a->image = optarg;
                        break;
                case OPT_IMAGE_NAME:
                        a->image_name = optarg;
                        break;
                case OPT_NAME:
                        a->name = optarg;
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
        if (optind >= argc && !a->image)
                return bad_usage("no command given: sandbox run [OPTIONS] [--] COMMAND [ARG...]") +
                       1;
        if (a->image_name && !a->image)
                return bad_usage(
                           "--image-name names the signed image of --image, which is missing") +
                       1;
        return 0;
}

/* --env may add variables, never change one the policy sets. */
static int apply_env_args(struct sandbox_spec *spec, const struct policy *eff, char **env_args)
{
        STRV_FOREACH (a, env_args) {
                size_t n = strcspn(*a, "=");
                int r;

                for (size_t i = 0; i < eff->environment.n; i++) {
                        const struct policy_env *pe = &eff->environment.items[i];
                        if (strlen(pe->name) == n && strncmp(pe->name, *a, n) == 0) {
                                log_error("run: --env %s: %s is set by Environment= in %s:%u and "
                                          "may not be changed",
                                          *a, pe->name, policy_origin_file(&pe->origin),
                                          pe->origin.line);
                                return -EPERM;
                        }
                }
                r = add_env(spec, *a);
                if (r == -EINVAL)
                        return bad_usage("--env %s: expected VAR=VALUE or VAR with a valid name",
                                         *a),
                               -EINVAL;
                if (r < 0)
                        return log_error_errno(r, "run: %m");
        }
        return 0;
}

/* Which files set the limits: "MemoryMax= set by FILE:LINE, TasksMax= set by ...". */
static const char *limit_origins(const struct policy *eff, char *buf, size_t size)
{
        static const enum policy_key keys[] = {POLICY_MEMORY_MAX, POLICY_MEMORY_HIGH,
                                               POLICY_CPU_QUOTA,  POLICY_CPU_WEIGHT,
                                               POLICY_TASKS_MAX,  POLICY_IO_WEIGHT};
        size_t n = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(keys) && n < size; i++) {
                const struct policy_origin *o = &eff->origin[keys[i]];
                int w;

                if (!policy_is_set(eff, keys[i]))
                        continue;
                w = snprintf(buf + n, size - n, "%s%s= set by %s:%u", n ? ", " : "",
                             policy_key_name(keys[i]), policy_origin_file(o), o->line);
                if (w < 0)
                        break;
                n += (size_t)w;
        }
        return buf[0] ? buf : "no limit set";
}

/* A scope's name for a command that is not an app: its base name (sandbox-python3-ID.scope). */
static const char *scope_name(const char *command)
{
        const char *slash = strrchr(command, '/');

        return slash && slash[1] ? slash + 1 : command;
}

static int build_argv(struct sandbox_spec *spec, const struct run_policy *rp, const char *app,
                      char **args)
{
        char **exec = rp->user_profile && rp->user_profile->exec     ? rp->user_profile->exec
                      : rp->admin_profile && rp->admin_profile->exec ? rp->admin_profile->exec
                                                                     : NULL;

        if (app && exec) {
                STRV_FOREACH (w, exec)
                        if (strv_extend(&spec->argv, *w) < 0)
                                return -ENOMEM;
                args++; /* the app name itself */
        }
        STRV_FOREACH (w, args)
                if (strv_extend(&spec->argv, *w) < 0)
                        return -ENOMEM;
        return 0;
}

int verb_run(int argc, char **argv)
{
        _cleanup_(sandbox_spec_done) struct sandbox_spec spec = {.net = NET_NONE};
        _cleanup_(run_args_done) struct run_args args = {};
        _cleanup_(run_policy_done) struct run_policy rp = {};
        _cleanup_(run_desktop_done) struct run_desktop desktop = RUN_DESKTOP_INIT;
        _cleanup_(policy_member_done) struct policy_member who = {};
        _cleanup_free_ char *user_dir = NULL;
        _cleanup_scope_free_ struct scope *scope = NULL;
        _cleanup_(run_instance_done) struct run_instance ri = {};
#if SANDBOX_FULL
        _cleanup_(run_image_done) struct run_image image = {};
#endif
        struct limits limits = LIMITS_NONE;
        const char *app = NULL;
        struct sb_error e = {};
        pid_t parent = getppid();
        int r, status;

        r = fill_identity(&spec);
        if (r < 0)
                return log_error_errno(r, "run: %m"), EXIT_LAUNCHER_ERROR;
        r = parse_options(argc, argv, &spec, &args);
        if (r > 0)
                return r - 1;
#if !SANDBOX_FULL
        if (args.image)
                return exec_full(); /* images are sandbox-full's (exec-full.c says why) */
#endif

        /* The policy: the administrator's ceiling for this user and its groups (from NSS, when
         * a policy matches on groups), the app's profiles when COMMAND names one, the options. */
        user_dir = run_policy_user_dir(spec.home);
        if (!args.image && !args.no_profile && run_policy_app_exists(argv[optind], user_dir))
                app = argv[optind];
        r = run_instance_prepare(&ri, args.name,
                                 app             ? app
                                 : optind < argc ? scope_name(argv[optind])
                                                 : "image");
        if (r > 0)
                return r;
        who = (struct policy_member){.user = spec.user_name, .gid = spec.gid};
        r = run_policy_resolve(&who, NULL, user_dir, app, args.flags, &rp, &e);
        if (r < 0)
                return log_error("run: %s", e.msg), EXIT_LAUNCHER_ERROR;
        /* Limits: the launcher moves itself into a transient scope of the systemd manager (or a
         * delegated cgroup v2 subtree) before it clones the sandbox; a limit that cannot be
         * enforced stops the run rather than letting it go on unlimited. */
        r = limits_from_policy(rp.effective, &rp.sys, &limits, &e);
        if (r >= 0)
                r = cgroup_scope_enter(app             ? app
                                       : optind < argc ? scope_name(argv[optind])
                                                       : "image",
                                       &limits, &scope, &e);
        if (r < 0) {
                char origins[512];
                return log_error("run: %s (%s)", e.msg,
                                 limit_origins(rp.effective, origins, sizeof(origins))),
                       EXIT_LAUNCHER_ERROR;
        }

        r = base_environment(&spec);
        if (r < 0)
                return log_error_errno(r, "run: %m"), EXIT_LAUNCHER_ERROR;
#if SANDBOX_FULL
        if (args.image) {
                r = run_image_prepare(args.image, args.image_name, rp.effective, &image, &e);
                if (r >= 0)
                        r = run_image_apply(&image, argv + optind, &spec, &e);
                if (r < 0)
                        return log_error("run: %s", e.msg[0] ? e.msg : strerror(-r)),
                               EXIT_LAUNCHER_ERROR;
        }
#endif
        r = run_policy_apply(&rp, &spec, &e);
        if (r < 0)
                return log_error("run: %s", e.msg), EXIT_LAUNCHER_ERROR;
        if (policy_is_set(rp.effective, POLICY_SYSTEM_CALL_FILTER)) {
                const struct policy_syscalls *f = &rp.effective->system_call_filter;
                spec.syscall_filter = true;
                spec.syscall_allow_list = f->allow_list;
                for (size_t i = 0; i < f->n; i++)
                        if (strv_extend(&spec.syscall_names, f->names[i]) < 0)
                                return log_error_errno(-ENOMEM, "run: %m"), EXIT_LAUNCHER_ERROR;
        }
        r = apply_env_args(&spec, rp.effective, args.env_args);
        if (r < 0)
                return EXIT_LAUNCHER_ERROR;
        /* [Desktop] last: its variables (DISPLAY, DBUS_SESSION_BUS_ADDRESS...) describe the
         * sockets it binds, and --env may not point them elsewhere. It may start the D-Bus
         * proxy, which lives until the sandbox is gone (run_desktop_done()). */
        r = run_desktop_apply(rp.effective, &spec, &desktop, &e);
        if (r >= 0)
                r = run_policy_protect(&rp, &spec, &e);
        if (r < 0)
                return log_error("run: %s", e.msg), EXIT_LAUNCHER_ERROR;
        if (!args.image && build_argv(&spec, &rp, app, argv + optind) < 0)
                return log_error_errno(-ENOMEM, "run: %m"), EXIT_LAUNCHER_ERROR;

        /* Die with the parent: a sandbox must not outlive the session that started it. The
         * getppid() check closes the race with a parent that died before the prctl. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
                return log_error("run: parent exited"), EXIT_LAUNCHER_ERROR;

        /* The record names the scope and what `sandbox enter` must reproduce: written by the
         * started hook before PID 1 may go on, removed by run_instance_done() at the end. */
        ri.app = app;
        ri.scope = scope;
        ri.limits = limits_any(&limits);
        ri.spec = &spec;
        r = container_run_hooked(&spec, run_instance_started, &ri, &status, &e);
        if (r < 0)
                log_error("%s", e.msg);
        if (status == 128 + SIGKILL && scope && scope_oom_killed(scope)) {
                char size[LIMITS_SIZE_STRING_MAX];
                log_error("out of memory: MemoryMax=%s reached",
                          limits.memory_max != LIMIT_UNSET
                              ? limits_format_size(limits.memory_max, size)
                              : "(of an enclosing unit)");
        }
        return status;
}
