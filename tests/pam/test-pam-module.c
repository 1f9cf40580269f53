/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pam_sandbox.so through the real libpam: pam_start_confdir() with service files written into a
 * work directory, exact return codes, and the confinement checked from a process forked after
 * pam_open_session, as a login program forks the user's shell.
 *
 * Usage (as root, from test-pam-module.sh, which creates the users and the work directory and runs
 * us in a private mount namespace with a private /dev, where we own /dev/log):
 *
 *   test-pam-module MODULE WRAP_MODULE
 *   env: SBX_WORK (root-owned, not below /tmp), SBX_MEMBER, SBX_OTHER (users), SBX_GROUP (the
 *        member's group), SBX_MARKER (a file to create in the host's /tmp), SBX_DEVLOG=1 (we may
 *        bind /dev/log to read the module's log lines)
 *
 * Every login runs in a child process (the "login program"), so what the module does to its caller
 * never reaches this process. Output: TAP. */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <security/pam_appl.h>

#define RECORD_DIR "/run/sandbox/sessions"

static const char *module, *wrap_module, *work, *member, *other, *group;
static char host_ns[4][64];
static const char *const ns_names[4] = {"mnt", "net", "ipc", "uts"};
static char marker[128];
static int log_sock = -1;
static char logbuf[65536];

/* ---- a directory service that does not care how a name is spelled -------------------------- */

/* SSSD with case_sensitive=false, and LDAP with its usual case-insensitive uid attribute, find
 * "ALICE" and answer with the account "alice": getpwnam("ALICE")->pw_name is "alice". sshd puts
 * the name the client typed in PAM_USER. This test binary is linked with --export-dynamic, so its
 * getpwnam_r() is the one the module calls: a lookup of alias_name answers for alias_target. */
static const char *alias_name, *alias_target;

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **ret);
int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **ret)
{
        static int (*real)(const char *, struct passwd *, char *, size_t, struct passwd **);

        if (!real)
                real = (int (*)(const char *, struct passwd *, char *, size_t,
                                struct passwd **))dlsym(RTLD_NEXT, "getpwnam_r");
        if (!real)
                return ENOSYS;
        if (alias_name && alias_target && strcmp(name, alias_name) == 0)
                name = alias_target;
        return real(name, pw, buf, size, ret);
}

/* ---- TAP ------------------------------------------------------------------------------------- */

static unsigned tap_n, tap_failed;

__attribute__((format(printf, 1, 2))) static void diag(const char *fmt, ...)
{
        va_list ap;

        fputs("# ", stdout);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
}

__attribute__((format(printf, 2, 3))) static bool ok(bool cond, const char *fmt, ...)
{
        va_list ap;

        tap_n++;
        if (!cond)
                tap_failed++;
        printf("%s %u - ", cond ? "ok" : "not ok", tap_n);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        fputc('\n', stdout);
        fflush(stdout);
        return cond;
}

/* A check this machine cannot make: a TAP skip, or a failure where everything must run (CI sets
 * SANDBOX_TESTS_MUST_WORK=1). */
static void skip(const char *what, const char *why)
{
        const char *must = getenv("SANDBOX_TESTS_MUST_WORK");

        if (must && strcmp(must, "1") == 0) {
                ok(false, "%s (cannot run here: %s)", what, why);
                return;
        }
        tap_n++;
        printf("ok %u - %s # SKIP %s\n", tap_n, what, why);
        fflush(stdout);
}

#define CHECK_INT(expected, actual, ...)                                                           \
        do {                                                                                       \
                long long _e = (expected), _a = (actual);                                          \
                if (!ok(_e == _a, __VA_ARGS__))                                                    \
                        diag("expected %lld, got %lld", _e, _a);                                   \
        } while (0)

#define CHECK_STR(expected, actual, ...)                                                           \
        do {                                                                                       \
                const char *_e = (expected), *_a = (actual);                                       \
                if (!ok(_a && strcmp(_e, _a) == 0, __VA_ARGS__))                                   \
                        diag("expected \"%s\", got \"%s\"", _e, _a ? _a : "(null)");               \
        } while (0)

__attribute__((format(printf, 1, 2))) static _Noreturn void bail(const char *fmt, ...)
{
        va_list ap;

        printf("Bail out! ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf(": %s\n", strerror(errno));
        exit(1);
}

/* ---- files ----------------------------------------------------------------------------------- */

static void mkdir_p(const char *path, mode_t mode)
{
        char buf[4096];

        snprintf(buf, sizeof(buf), "%s", path);
        for (char *s = buf + 1; *s; s++)
                if (*s == '/') {
                        *s = '\0';
                        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                                bail("mkdir %s", buf);
                        *s = '/';
                }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                bail("mkdir %s", buf);
}

__attribute__((format(printf, 2, 3))) static void write_file(const char *path, const char *fmt, ...)
{
        char dir[4096];
        va_list ap;
        FILE *f;

        snprintf(dir, sizeof(dir), "%s", path);
        *strrchr(dir, '/') = '\0';
        mkdir_p(dir, 0755);
        f = fopen(path, "we");
        if (!f)
                bail("open %s", path);
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        if (fclose(f) != 0)
                bail("write %s", path);
}

/* WORK/conf/NAME/policy.d/FILE */
static void policy(const char *name, const char *file, const char *text)
{
        char path[4096];

        snprintf(path, sizeof(path), "%s/conf/%s/policy.d/%s", work, name, file);
        write_file(path, "%s", text);
}

/* Two service files for config NAME: "real-NAME", the module loaded by libpam itself as admins
 * write it, and "wrap-NAME", through the wrapper that reports its exact return codes. extra: more
 * module arguments for both lines. */
static void services(const char *name, const char *extra)
{
        char path[4096];

        snprintf(path, sizeof(path), "%s/pam.d/real-%s", work, name);
        write_file(path,
                   "session required pam_permit.so\n"
                   "session required %s phase=prepare config=%s/conf/%s %s\n"
                   "session required %s phase=enter config=%s/conf/%s %s\n",
                   module, work, name, extra, module, work, name, extra);
        snprintf(path, sizeof(path), "%s/pam.d/wrap-%s", work, name);
        write_file(path,
                   "session required %s module=%s tag=prepare phase=prepare config=%s/conf/%s %s\n"
                   "session required %s module=%s tag=enter phase=enter config=%s/conf/%s %s\n",
                   wrap_module, module, work, name, extra, wrap_module, module, work, name, extra);
}

/* ---- the module's log lines ------------------------------------------------------------------ */

/* Everything the module logged since the last call (the datagrams are queued in our socket before
 * the child that sent them has exited). */
static const char *logs_take(void)
{
        size_t n = 0;

        logbuf[0] = '\0';
        if (log_sock < 0)
                return logbuf;
        for (;;) {
                ssize_t k = recv(log_sock, logbuf + n, sizeof(logbuf) - n - 2, MSG_DONTWAIT);

                if (k <= 0)
                        break;
                n += (size_t)k;
                logbuf[n++] = '\n';
                if (n >= sizeof(logbuf) - 256)
                        break;
        }
        logbuf[n] = '\0';
        return logbuf;
}

static void check_log(const char *logs, const char *needle, const char *what)
{
        if (log_sock < 0) {
                skip(what, "no /dev/log of our own");
                return;
        }
        if (!ok(strstr(logs, needle) != NULL, "%s", what))
                diag("no log line contains \"%s\"; the log was:\n%s", needle, logs);
}

/* ---- facts, as the user's shell would see them ----------------------------------------------- */

struct facts {
        bool valid;
        char ns[4][64];
        long tmp_type, var_tmp_type;
        bool marker_visible;
        int ro_root, ro_usr, ro_etc, ro_tmp, ro_dev, ro_proc, ro_home, ro_work, ro_rw, ro_inner;
        int ro_wtmp, ro_own_home, ro_var_tmp, ro_home_rw;
        bool cwd_marker_visible; /* the marker's name, relative to the working directory */
        int ro_cwd;
        int shadow_mode, shadow_other_dev; /* -1: missing */
        int secret_mode, secret_entries;
        int home_dir_mode; /* mode of /home */
        int own_home_uid;  /* owner of the member's home, -1 if missing */
        long own_home_type;
        char capbnd[32];
        int nnp, seccomp;
        int ifaces, ifaces_not_lo;
        int swapoff_errno, clone3_errno, userns_errno;
};

static int is_ro(const char *path)
{
        struct statvfs s;

        if (statvfs(path, &s) < 0)
                return -1;
        return (s.f_flag & ST_RDONLY) ? 1 : 0;
}

static void status_field(const char *key, char *out, size_t size)
{
        char line[256];
        FILE *f = fopen("/proc/self/status", "re");

        out[0] = '\0';
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, key, strlen(key)) == 0) {
                        snprintf(out, size, "%s",
                                 line + strlen(key) + strspn(line + strlen(key), ":\t "));
                        out[strcspn(out, "\n")] = '\0';
                }
        if (f)
                fclose(f);
}

static void collect(struct facts *f)
{
        char path[4096], buf[64];
        struct statfs sf;
        struct stat st, st2;
        struct passwd *pw;
        FILE *nd;
        pid_t pid;
        int status;

        *f = (struct facts){.valid = true, .shadow_mode = -1, .own_home_uid = -1};
        for (int i = 0; i < 4; i++) {
                snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
                ssize_t n = readlink(path, f->ns[i], sizeof(f->ns[i]) - 1);
                f->ns[i][n > 0 ? n : 0] = '\0';
        }
        f->tmp_type = statfs("/tmp", &sf) == 0 ? (long)sf.f_type : -1;
        f->var_tmp_type = statfs("/var/tmp", &sf) == 0 ? (long)sf.f_type : -1;
        f->marker_visible = access(marker, F_OK) == 0;
        f->ro_root = is_ro("/");
        f->ro_usr = is_ro("/usr");
        f->ro_etc = is_ro("/etc");
        f->ro_tmp = is_ro("/tmp");
        f->ro_dev = is_ro("/dev");
        f->ro_proc = is_ro("/proc");
        f->ro_home = is_ro("/home");
        f->ro_work = is_ro(work);
        snprintf(path, sizeof(path), "%s/rw", work);
        f->ro_rw = is_ro(path);
        snprintf(path, sizeof(path), "%s/rw/inner", work);
        f->ro_inner = is_ro(path);
        f->ro_wtmp = is_ro("/var/log/wtmp");
        f->ro_var_tmp = is_ro("/var/tmp");
        f->ro_cwd = is_ro(".");
        f->cwd_marker_visible = access(strrchr(marker, '/') + 1, F_OK) == 0;
        if (stat("/etc/shadow", &st) == 0 && stat("/etc", &st2) == 0) {
                f->shadow_mode = (int)(st.st_mode & 07777);
                f->shadow_other_dev = st.st_dev != st2.st_dev;
        }
        snprintf(path, sizeof(path), "%s/secret", work);
        f->secret_mode = stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
        f->secret_entries = -1;
        {
                char cmd[4200];
                snprintf(cmd, sizeof(cmd), "%s/secret/file", work);
                f->secret_entries = access(cmd, F_OK) == 0 ? 1 : 0;
        }
        f->home_dir_mode = stat("/home", &st) == 0 ? (int)(st.st_mode & 07777) : -1;
        pw = getpwnam(member);
        f->ro_own_home = pw ? is_ro(pw->pw_dir) : -1;
        snprintf(path, sizeof(path), "%s/sbx-rw", pw ? pw->pw_dir : "/nonexistent");
        f->ro_home_rw = is_ro(path);
        if (pw && stat(pw->pw_dir, &st) == 0) {
                f->own_home_uid = (int)st.st_uid;
                f->own_home_type = statfs(pw->pw_dir, &sf) == 0 ? (long)sf.f_type : -1;
        }
        status_field("CapBnd", f->capbnd, sizeof(f->capbnd));
        status_field("NoNewPrivs", buf, sizeof(buf));
        f->nnp = atoi(buf);
        status_field("Seccomp:", buf, sizeof(buf));
        f->seccomp = atoi(buf);
        nd = fopen("/proc/net/dev", "re");
        for (int line = 0; nd && fgets(path, sizeof(path), nd); line++) {
                char name[64];
                if (line < 2 || sscanf(path, " %63[^:]:", name) != 1)
                        continue;
                f->ifaces++;
                if (strcmp(name, "lo") != 0)
                        f->ifaces_not_lo++;
        }
        if (nd)
                fclose(nd);
        f->swapoff_errno = swapoff("/nonexistent-sandbox-pam-test") < 0 ? errno : 0;
        f->clone3_errno = syscall(SYS_clone3, NULL, 0) < 0 ? errno : 0;
        /* A user namespace would change this process: try it in a child. */
        pid = fork();
        if (pid == 0)
                _exit(unshare(CLONE_NEWUSER) < 0 ? errno : 0);
        f->userns_errno = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
                              ? WEXITSTATUS(status)
                              : -1;
}

/* ---- one login ------------------------------------------------------------------------------- */

struct result {
        int open_rc, close_rc;
        int rc_prepare, rc_enter; /* the wrapper's report; -1 when absent */
        char memory_max[32], tasks_max[32], cpu_weight[32], io_weight[32], runtime_max_sec[32];
        char env_test[64];
        bool record_after_open, record_after_close;
        char record[4096];
        struct facts f;
};

struct login_opts {
        bool threaded;           /* a second thread is running in the caller */
        bool close_unprivileged; /* drop to the member's uid before pam_close_session */
        const char *cwd;         /* the caller's working directory when it opens the session */
};

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
        return PAM_CONV_ERR;
}

static void *idle_thread(void *arg)
{
        for (;;)
                pause();
        return NULL;
}

static int env_int(pam_handle_t *h, const char *name)
{
        const char *v = pam_getenv(h, name);
        return v ? atoi(v) : -1;
}

static void env_copy(pam_handle_t *h, const char *name, char *out, size_t size)
{
        const char *v = pam_getenv(h, name);
        snprintf(out, size, "%s", v ? v : "");
}

static bool record_read(char *out, size_t size)
{
        char path[256];
        FILE *f;
        size_t n;

        snprintf(path, sizeof(path), "%s/pid-%d.json", RECORD_DIR, (int)getpid());
        f = fopen(path, "re");
        if (!f)
                return false;
        n = fread(out, 1, size - 1, f);
        out[n] = '\0';
        fclose(f);
        return true;
}

/* The login program: open a session, fork the "shell", close the session. */
static void login_child(const char *service, const char *user, const struct login_opts *o,
                        int out_fd)
{
        struct conv_s {
                struct pam_conv c;
        } c = {{conv, NULL}};
        char confdir[4096], scratch[4096];
        struct result r = {.rc_prepare = -1, .rc_enter = -1};
        pam_handle_t *h = NULL;
        pthread_t t;

        if (o->threaded && pthread_create(&t, NULL, idle_thread, NULL) != 0)
                _exit(3);
        if (o->cwd && chdir(o->cwd) < 0)
                _exit(7);
        snprintf(confdir, sizeof(confdir), "%s/pam.d", work);
        if (pam_start_confdir(service, user, &c.c, confdir, &h) != PAM_SUCCESS)
                _exit(4);
        r.open_rc = pam_open_session(h, 0);
        r.rc_prepare = env_int(h, "SANDBOX_TEST_RC_prepare");
        r.rc_enter = env_int(h, "SANDBOX_TEST_RC_enter");
        env_copy(h, "SANDBOX_TEST_systemd_memory_max", r.memory_max, sizeof(r.memory_max));
        env_copy(h, "SANDBOX_TEST_systemd_tasks_max", r.tasks_max, sizeof(r.tasks_max));
        env_copy(h, "SANDBOX_TEST_systemd_cpu_weight", r.cpu_weight, sizeof(r.cpu_weight));
        env_copy(h, "SANDBOX_TEST_systemd_io_weight", r.io_weight, sizeof(r.io_weight));
        env_copy(h, "SANDBOX_TEST_systemd_runtime_max_sec", r.runtime_max_sec,
                 sizeof(r.runtime_max_sec));
        env_copy(h, "SANDBOX_TEST_ENV", r.env_test, sizeof(r.env_test));
        r.record_after_open = record_read(r.record, sizeof(r.record));

        if (r.open_rc == PAM_SUCCESS) {
                int p[2];
                pid_t pid;

                if (pipe2(p, O_CLOEXEC) < 0)
                        _exit(5);
                pid = fork();
                if (pid == 0) {
                        struct facts f;
                        collect(&f);
                        (void)!write(p[1], &f, sizeof(f));
                        _exit(0);
                }
                close(p[1]);
                if (read(p[0], &r.f, sizeof(r.f)) != (ssize_t)sizeof(r.f))
                        r.f.valid = false;
                close(p[0]);
                waitpid(pid, NULL, 0);
        }
        if (o->close_unprivileged) {
                struct passwd *pw = getpwnam(member);
                if (!pw || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
                    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
                        _exit(6);
        }
        r.close_rc = pam_close_session(h, 0);
        r.record_after_close = record_read(scratch, sizeof(scratch));
        pam_end(h, r.open_rc);
        (void)!write(out_fd, &r, sizeof(r));
        /* exit(), not _exit(): in a sanitizer build LeakSanitizer checks at exit that pam_end()
         * left nothing of the module's behind. */
        exit(0);
}

static const char *logs; /* the module's log lines of the last login */

static pid_t last_pid;

static void login(const char *service, const char *user, const struct login_opts *o,
                  struct result *ret)
{
        static const struct login_opts none;
        int p[2], status;
        pid_t pid;

        logs_take();
        if (pipe2(p, O_CLOEXEC) < 0)
                bail("pipe");
        fflush(stdout);
        pid = fork();
        if (pid < 0)
                bail("fork");
        if (pid == 0) {
                close(p[0]);
                login_child(service, user, o ? o : &none, p[1]);
        }
        close(p[1]);
        last_pid = pid;
        *ret = (struct result){.open_rc = -1, .close_rc = -1};
        if (read(p[0], ret, sizeof(*ret)) != (ssize_t)sizeof(*ret))
                ret->open_rc = ret->close_rc = -100;
        close(p[0]);
        if (!ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "%s as %s: the login program exits cleanly", service, user))
                diag("status 0x%x", status);
        logs = logs_take();
        diag("%s as %s:", service, user);
        for (const char *l = logs; *l;) {
                size_t n = strcspn(l, "\n");
                printf("#   %.*s\n", (int)n, l);
                l += n + (l[n] == '\n');
        }
}

/* ---- expectations ---------------------------------------------------------------------------- */

static void check_untouched(const struct result *r, const char *who)
{
        if (!ok(r->f.valid, "%s: the session's process reported", who))
                return;
        for (int i = 0; i < 4; i++)
                CHECK_STR(host_ns[i], r->f.ns[i], "%s: %s namespace is the host's", who,
                          ns_names[i]);
        CHECK_INT(0, r->f.nnp, "%s: no_new_privs is not set", who);
        CHECK_INT(0, r->f.seccomp, "%s: no seccomp filter", who);
        ok(r->f.marker_visible, "%s: the host's /tmp is visible", who);
        ok(!r->record_after_open, "%s: no session record", who);
}

static const char *rc_name(int rc)
{
        switch (rc) {
        case PAM_SUCCESS:
                return "PAM_SUCCESS";
        case PAM_IGNORE:
                return "PAM_IGNORE";
        case PAM_SESSION_ERR:
                return "PAM_SESSION_ERR";
        case PAM_PERM_DENIED:
                return "PAM_PERM_DENIED";
        case PAM_BUF_ERR:
                return "PAM_BUF_ERR";
        default:
                return rc < 0 ? "(the login child failed)" : "(another PAM code)";
        }
}

static void check_rc(int expected, int actual, const char *what)
{
        if (!ok(expected == actual, "%s %s", what, rc_name(expected)))
                diag("expected %d %s, got %d %s", expected, rc_name(expected), actual,
                     rc_name(actual));
}

/* Is text one valid JSON document, by jansson's strict reading (no duplicate keys)? */
static bool json_valid(const char *text)
{
        json_error_t err;
        json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &err);

        if (!doc)
                diag("line %d: %s", err.line, err.text);
        json_decref(doc);
        return doc != NULL;
}

/* ---- the cases ------------------------------------------------------------------------------- */

static void setup(void)
{
        char path[4096], text[8192];
        struct passwd *pw;

        snprintf(path, sizeof(path), "%s/rw/inner", work);
        mkdir_p(path, 0755);
        snprintf(path, sizeof(path), "%s/secret/file", work);
        write_file(path, "secret\n");
        snprintf(path, sizeof(path), "%s/real/sub", work);
        mkdir_p(path, 0755);
        snprintf(path, sizeof(path), "%s/link", work);
        if (symlink("real", path) < 0 && errno != EEXIST)
                bail("symlink %s", path);

        /* A policy without [Match] matches everyone: it joins a confined login's ceiling but must
         * not confine anyone by itself. */
        policy("good", "00-everyone.policy", "[Sandbox]\nNoNewPrivileges=yes\n");
        snprintf(text, sizeof(text),
                 "[Match]\nGroup=%s\n\n[Sandbox]\nPrivateTmp=yes\nProtectSystem=strict\n"
                 "ProtectHome=read-only\nReadWritePaths=%s/rw\nReadOnlyPaths=%s/rw/inner\n"
                 "InaccessiblePaths=-/etc/shadow %s/secret -/nonexistent-sandbox-pam-test\n"
                 "PrivateNetwork=yes\nPrivateIPC=yes\nProtectHostname=yes\n"
                 "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_KILL\nSystemCallFilter=~@swap\n"
                 "RestrictNamespaces=~user\nEnvironment=SANDBOX_TEST_ENV=hello\n",
                 group, work, work, work);
        policy("good", "50-members.policy", text);
        services("good", "");
        services("exempt", "exempt_services=real-exempt,wrap-exempt");
        policy("exempt", "00-everyone.policy", "[Sandbox]\nNoNewPrivileges=yes\n");
        snprintf(text, sizeof(text), "[Match]\nGroup=%s\n\n[Sandbox]\nPrivateTmp=yes\n", group);
        policy("exempt", "50-members.policy", text);

        snprintf(text, sizeof(text), "[Match]\nGroup=%s\n\n[Sandbox]\nPrivateTmp=maybe\n", group);
        policy("broken", "50-broken.policy", text);
        services("broken", "");

        snprintf(text, sizeof(text),
                 "[Match]\nGroup=%s\n\n[Resources]\nMemoryMax=1G\nTasksMax=100\nCPUWeight=50\n"
                 "IOWeight=20\nRuntimeMaxSec=1h 30min\n",
                 group);
        policy("limits", "50-limits.policy", text);
        services("limits", "");
        /* RuntimeMaxSec= alone: no slice limit, but the session's lifetime still needs logind. */
        snprintf(text, sizeof(text), "[Match]\nGroup=%s\n\n[Resources]\nRuntimeMaxSec=2.5s\n",
                 group);
        policy("runtime", "50-runtime.policy", text);
        services("runtime", "");

        snprintf(text, sizeof(text), "[Match]\nGroup=%s\n\n[Sandbox]\nReadOnlyPaths=%s/link/sub\n",
                 group, work);
        policy("symlink", "50-symlink.policy", text);
        services("symlink", "");

        snprintf(text, sizeof(text),
                 "[Match]\nGroup=%s\n\n[Sandbox]\nReadOnlyPaths=/nonexistent-sandbox-pam-test\n",
                 group);
        policy("missing", "50-missing.policy", text);
        services("missing", "");

        snprintf(text, sizeof(text), "[Match]\nUser=%s\n\n[Sandbox]\nPrivateTmp=yes\n", other);
        policy("byuser", "50-byuser.policy", text);
        services("byuser", "");

        snprintf(text, sizeof(text),
                 "[Match]\nGroup=%s\n\n[Sandbox]\nProtectHome=tmpfs\nProtectSystem=full\n", group);
        policy("hometmpfs", "50-home.policy", text);
        services("hometmpfs", "");

        snprintf(text, sizeof(text), "[Match]\nGroup=%s\n\n[Sandbox]\nProtectHome=yes\n", group);
        policy("homeyes", "50-home.policy", text);
        services("homeyes", "");

        /* ProtectSystem=strict keeps the homes and /var/tmp writable for a login to work; a
         * ReadOnlyPaths= above them must still win, from the same policy file or another one, and
         * a ReadWritePaths= below it still open a hole. */
        pw = getpwnam(member);
        if (!pw)
                bail("getpwnam %s", member);
        snprintf(path, sizeof(path), "%s/sbx-rw", pw->pw_dir);
        mkdir_p(path, 0755);
        policy("strictro", "00-everyone.policy", "[Sandbox]\nReadOnlyPaths=/var\n");
        snprintf(text, sizeof(text),
                 "[Match]\nGroup=%s\n\n[Sandbox]\nProtectSystem=strict\nReadOnlyPaths=/home\n"
                 "ReadWritePaths=%s\n",
                 group, path);
        policy("strictro", "50-strict.policy", text);
        services("strictro", "");

        snprintf(text, sizeof(text), "[Match]\nGroup=%s\n\n[Sandbox]\nRestrictNamespaces=~user\n",
                 group);
        policy("nsonly", "50-ns.policy", text);
        services("nsonly", "");

        /* A policy.d whose parent anyone may write: anyone may swap it for their own. */
        snprintf(text, sizeof(text), "[Match]\nGroup=%s\n\n[Sandbox]\nPrivateTmp=yes\n", group);
        policy("parentw", "50-members.policy", text);
        services("parentw", "");
        snprintf(path, sizeof(path), "%s/conf/parentw", work);
        if (chmod(path, 0777) < 0)
                bail("chmod %s", path);

        /* What libpam uses for a service without a file; we never do, but it looks for it. */
        snprintf(path, sizeof(path), "%s/pam.d/other", work);
        write_file(path, "session required pam_deny.so\n");
        snprintf(path, sizeof(path), "%s/pam.d/wrap-badarg", work);
        write_file(path,
                   "session required %s module=%s tag=prepare phase=prepare confg=/x\n"
                   "session required %s module=%s tag=enter phase=enter config=%s/conf/good\n",
                   wrap_module, module, wrap_module, module, work);
        snprintf(path, sizeof(path), "%s/pam.d/wrap-nophase", work);
        write_file(path, "session required %s module=%s tag=enter config=%s/conf/good\n",
                   wrap_module, module, work);
        snprintf(path, sizeof(path), "%s/pam.d/real-enteronly", work);
        write_file(path,
                   "session required pam_permit.so\n"
                   "session required %s phase=enter config=%s/conf/good\n",
                   module, work);
}

static void test_root_and_nonmember(void)
{
        struct result r;

        login("wrap-good", "root", NULL, &r);
        check_rc(PAM_IGNORE, r.rc_prepare, "root, prepare: the module returns");
        check_rc(PAM_IGNORE, r.rc_enter, "root, enter: the module returns");
        login("real-good", "root", NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "root, real stack: pam_open_session");
        check_untouched(&r, "root");
        check_log(logs, "uid 0 is never confined", "root: the decision is logged");

        login("wrap-good", other, NULL, &r);
        check_rc(PAM_IGNORE, r.rc_prepare, "non-member, prepare: the module returns");
        check_rc(PAM_IGNORE, r.rc_enter, "non-member, enter: the module returns");
        login("real-good", other, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "non-member, real stack: pam_open_session");
        check_untouched(&r, "non-member (a policy without [Match] matches, but only joins)");
        check_log(logs, "no policy names", "non-member: the decision is logged");
}

static void test_member(void)
{
        char expected_cap[32];
        struct result r;
        bool inner_ok;

        login("wrap-good", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.rc_prepare, "member, prepare: the module returns");
        check_rc(PAM_SUCCESS, r.rc_enter, "member, enter: the module returns");

        login("real-good", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "member, real stack: pam_open_session");
        check_rc(PAM_SUCCESS, r.close_rc, "member, real stack: pam_close_session");
        if (!ok(r.f.valid, "member: the session's process reported"))
                return;
        for (int i = 0; i < 4; i++)
                if (!ok(r.f.ns[i][0] && strcmp(r.f.ns[i], host_ns[i]) != 0,
                        "member: a new %s namespace", ns_names[i]))
                        diag("host %s, session %s", host_ns[i], r.f.ns[i]);
        CHECK_INT(TMPFS_MAGIC, r.f.tmp_type, "member: /tmp is a tmpfs");
        CHECK_INT(TMPFS_MAGIC, r.f.var_tmp_type, "member: /var/tmp is a tmpfs");
        ok(!r.f.marker_visible, "member: the host's /tmp is not visible");
        CHECK_INT(0, r.f.ro_tmp, "member: /tmp is writable");
        CHECK_INT(1, r.f.ro_root, "member: / is read-only (ProtectSystem=strict)");
        CHECK_INT(1, r.f.ro_usr, "member: /usr is read-only");
        CHECK_INT(1, r.f.ro_etc, "member: /etc is read-only");
        CHECK_INT(0, r.f.ro_dev, "member: /dev stays writable");
        CHECK_INT(0, r.f.ro_proc, "member: /proc stays writable");
        CHECK_INT(1, r.f.ro_home, "member: /home is read-only (ProtectHome=read-only)");
        CHECK_INT(1, r.f.ro_work, "member: the work directory is read-only");
        CHECK_INT(0, r.f.ro_rw, "member: ReadWritePaths= opens a hole in strict");
        CHECK_INT(1, r.f.ro_inner, "member: a more specific ReadOnlyPaths= closes it again");
        if (access("/var/log/wtmp", F_OK) == 0)
                CHECK_INT(0, r.f.ro_wtmp,
                          "member: /var/log/wtmp stays writable for the login "
                          "program");
        if (access("/etc/shadow", F_OK) == 0) {
                CHECK_INT(0, r.f.shadow_mode, "member: /etc/shadow is inaccessible (mode 000)");
                ok(r.f.shadow_other_dev, "member: /etc/shadow is covered by another mount");
        }
        CHECK_INT(0, r.f.secret_mode, "member: an inaccessible directory has mode 000");
        CHECK_INT(0, r.f.secret_entries, "member: and shows none of its files");
        snprintf(expected_cap, sizeof(expected_cap), "%016llx",
                 (1ULL << 10) | (1ULL << 5)); /* CAP_NET_BIND_SERVICE, CAP_KILL */
        CHECK_STR(expected_cap, r.f.capbnd, "member: CapBnd is CapabilityBoundingSet=");
        CHECK_INT(1, r.f.nnp, "member: NoNewPrivs is set");
        CHECK_INT(2, r.f.seccomp, "member: Seccomp is in filter mode");
        CHECK_INT(EPERM, r.f.swapoff_errno, "member: SystemCallFilter=~@swap denies swapoff");
        CHECK_INT(EPERM, r.f.userns_errno,
                  "member: RestrictNamespaces=~user denies user "
                  "namespaces");
        CHECK_INT(ENOSYS, r.f.clone3_errno, "member: clone3 fails with ENOSYS");
        CHECK_INT(1, r.f.ifaces, "member: one network interface");
        CHECK_INT(0, r.f.ifaces_not_lo, "member: and it is lo");
        CHECK_STR("hello", r.env_test, "member: Environment= reaches the PAM environment");
        ok(r.record_after_open, "member: %s/pid-N.json is written", RECORD_DIR);
        inner_ok = strstr(r.record, member) && strstr(r.record, "50-members.policy") &&
                   strstr(r.record, "\"ProtectSystem\"");
        if (!ok(inner_ok, "member: the record names the user, the policy file and the settings"))
                diag("record: %s", r.record);
        if (!ok(json_valid(r.record), "member: the record is valid JSON"))
                diag("record: %s", r.record);
        ok(!r.record_after_close, "member: close_session removes the record");
        check_log(logs, "confined the session of user", "member: the confinement is logged");
        check_log(logs, "ProtectSystem=strict", "member: the log says what was applied");
}

static void test_exempt_service(void)
{
        struct result r;

        login("wrap-exempt", member, NULL, &r);
        check_rc(PAM_IGNORE, r.rc_prepare, "member, exempt service, prepare: the module returns");
        check_rc(PAM_IGNORE, r.rc_enter, "member, exempt service, enter: the module returns");
        login("real-exempt", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "member, exempt service: pam_open_session");
        check_untouched(&r, "member in an exempt service");
        check_log(logs, "exempt_services", "exempt service: the decision is logged");
}

static void test_broken_policy(void)
{
        struct result r;

        login("wrap-broken", member, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.rc_prepare,
                 "broken policy, member, prepare: the module returns");
        check_rc(PAM_SESSION_ERR, r.rc_enter, "broken policy, member, enter: the module returns");
        login("real-broken", member, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.open_rc, "broken policy, member: pam_open_session");
        check_log(logs, "50-broken.policy:5:", "broken policy: the log names file and line");
        login("real-broken", other, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.open_rc,
                 "broken policy, non-member: refused too (whether it names them is unknown)");
        login("wrap-broken", "root", NULL, &r);
        check_rc(PAM_IGNORE, r.rc_prepare, "broken policy, root, prepare: the module returns");
        check_rc(PAM_IGNORE, r.rc_enter, "broken policy, root, enter: the module returns");
        login("real-broken", "root", NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "broken policy, root: pam_open_session");
        check_untouched(&r, "root with a broken policy");
}

static void test_writable_parent(void)
{
        struct result r;

        login("real-parentw", member, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.open_rc, "policy.d in a directory anyone may write: refused");
        check_log(logs, "parentw above it is writable by others",
                  "policy.d in a directory anyone may write: the log says why");
        login("real-parentw", other, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.open_rc,
                 "policy.d in a directory anyone may write: non-members refused too");
        login("real-parentw", "root", NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "policy.d in a directory anyone may write: root logs in");
}

static void test_bad_arguments(void)
{
        struct result r;

        login("wrap-badarg", member, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.rc_prepare, "unknown argument, member: the module returns");
        check_log(logs, "\"confg=/x\": unknown argument",
                  "unknown argument: the log names it and what is known");
        login("wrap-badarg", "root", NULL, &r);
        check_rc(PAM_IGNORE, r.rc_prepare, "unknown argument, root: the module returns");
        login("wrap-nophase", member, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.rc_enter, "no phase=, member: the module returns");
        check_log(logs, "phase=prepare or phase=enter is missing", "no phase=: the log says so");
}

static void test_limits(void)
{
        struct result r;

        login("wrap-limits", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.rc_prepare, "limits, prepare: the module returns");
        CHECK_STR("1073741824", r.memory_max, "limits: systemd.memory_max for pam_systemd");
        CHECK_STR("100", r.tasks_max, "limits: systemd.tasks_max for pam_systemd");
        CHECK_STR("50", r.cpu_weight, "limits: systemd.cpu_weight for pam_systemd");
        CHECK_STR("20", r.io_weight, "limits: systemd.io_weight for pam_systemd");
        CHECK_STR("5400000000us", r.runtime_max_sec,
                  "limits: systemd.runtime_max_sec for pam_systemd (parse_sec() reads µs)");
        login("wrap-runtime", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.rc_prepare, "RuntimeMaxSec= alone, prepare: the module returns");
        CHECK_STR("2500000us", r.runtime_max_sec, "RuntimeMaxSec=2.5s: systemd.runtime_max_sec");
        CHECK_STR("", r.memory_max, "RuntimeMaxSec= alone: no systemd.memory_max");
        if (access("/run/systemd/system", F_OK) == 0) {
                skip("limits without logind", "systemd runs here (the vm suite checks the limits)");
                return;
        }
        check_rc(PAM_SESSION_ERR, r.rc_enter,
                 "limits, enter without logind: the module returns (fail closed)");
        check_log(logs, "logind did not place this process", "limits without logind: logged");
        check_rc(PAM_SESSION_ERR, r.rc_enter,
                 "RuntimeMaxSec= alone, enter without logind: the module returns (fail closed)");
}

static void test_fail_closed_mounts(void)
{
        struct result r;

        login("real-symlink", member, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.open_rc, "ReadOnlyPaths= through a symlink: refused");
        check_log(logs, "is a symbolic link", "symlink: the log says why");
        login("real-missing", member, NULL, &r);
        check_rc(PAM_SESSION_ERR, r.open_rc, "ReadOnlyPaths= of a missing path: refused");
        check_log(logs, "does not exist", "missing path: the log says why");
}

static void test_match_user(void)
{
        struct result r;

        login("real-byuser", other, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "[Match] User=: pam_open_session");
        ok(r.f.valid && strcmp(r.f.ns[0], host_ns[0]) != 0 && r.f.tmp_type == TMPFS_MAGIC,
           "[Match] User=: the named user gets a private /tmp");
        login("real-byuser", member, NULL, &r);
        check_untouched(&r, "[Match] User= of someone else");
}

static void test_protect_home(void)
{
        struct passwd *pw = getpwnam(member);
        struct result r;

        login("real-hometmpfs", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "ProtectHome=tmpfs: pam_open_session");
        if (pw && strncmp(pw->pw_dir, "/home/", 6) == 0) {
                CHECK_INT(pw->pw_uid, r.f.own_home_uid,
                          "ProtectHome=tmpfs: a throwaway home owned by the user");
                CHECK_INT(TMPFS_MAGIC, r.f.own_home_type, "ProtectHome=tmpfs: on a tmpfs");
        }
        CHECK_INT(1, r.f.ro_etc, "ProtectSystem=full: /etc is read-only");
        CHECK_INT(0, r.f.ro_root, "ProtectSystem=full: / is not");

        login("real-homeyes", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "ProtectHome=yes: pam_open_session");
        CHECK_INT(0, r.f.home_dir_mode, "ProtectHome=yes: /home is inaccessible (mode 000)");
        CHECK_INT(-1, r.f.own_home_uid, "ProtectHome=yes: the home is not reachable");
}

/* An admin's ReadOnlyPaths= above a directory ProtectSystem=strict leaves writable for the login
 * (the homes, /var/tmp) is not reopened by it: adding strict must never loosen a policy. */
static void test_strict_read_only(void)
{
        struct result r;

        login("real-strictro", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "strict under ReadOnlyPaths=/home /var: pam_open_session");
        CHECK_INT(1, r.f.ro_root, "strict under ReadOnlyPaths=: / is read-only");
        CHECK_INT(1, r.f.ro_own_home,
                  "strict under ReadOnlyPaths=/home: the user's own home stays read-only");
        CHECK_INT(1, r.f.ro_var_tmp, "strict under ReadOnlyPaths=/var: /var/tmp stays read-only");
        CHECK_INT(0, r.f.ro_tmp, "strict under ReadOnlyPaths=: /tmp, under none, is writable");
        CHECK_INT(0, r.f.ro_home_rw,
                  "strict under ReadOnlyPaths=/home: a ReadWritePaths= in the home is writable");
}

/* The login program's working directory is inherited by the shell (su without -l does not change
 * it): it must not stay a way into the host's /tmp or a writable copy of a read-only path. */
static void test_working_directory(void)
{
        char tmp[sizeof(marker)];
        struct login_opts in_tmp = {.cwd = tmp}, in_etc = {.cwd = "/etc"};
        struct result r;

        snprintf(tmp, sizeof(tmp), "%s", marker);
        *strrchr(tmp, '/') = '\0';
        login("real-good", member, &in_tmp, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "a caller in the host's /tmp: pam_open_session");
        ok(r.f.valid && !r.f.cwd_marker_visible,
           "a caller in the host's /tmp: the host's /tmp is not the session's working directory");
        /* ProtectSystem=full puts a read-only copy on /etc; the root file system below stays
         * writable. */
        login("real-hometmpfs", member, &in_etc, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "a caller in /etc, ProtectSystem=full: pam_open_session");
        CHECK_INT(1, r.f.ro_cwd,
                  "a caller in /etc, ProtectSystem=full: the working directory is "
                  "the read-only /etc");
}

/* A policy names an account; NSS decides which account a login name is. */
static void test_name_spelling(void)
{
        char alias[64];
        struct result r;

        snprintf(alias, sizeof(alias), "%s", other);
        for (char *c = alias; *c; c++)
                *c = (char)toupper((unsigned char)*c);
        alias_name = alias;
        alias_target = other;
        login("real-byuser", alias, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc,
                 "[Match] User=, the name spelled otherwise: pam_open_session");
        ok(r.f.valid && strcmp(r.f.ns[0], host_ns[0]) != 0 && r.f.tmp_type == TMPFS_MAGIC,
           "[Match] User=, the name spelled otherwise: the session is confined");
        check_log(logs, "will be confined", "[Match] User=, the name spelled otherwise: logged");

        snprintf(alias, sizeof(alias), "%s", member);
        for (char *c = alias; *c; c++)
                *c = (char)toupper((unsigned char)*c);
        alias_target = member;
        login("real-good", alias, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc,
                 "[Match] Group=, the name spelled otherwise: pam_open_session");
        ok(r.f.valid && strcmp(r.f.ns[0], host_ns[0]) != 0 && r.f.nnp == 1,
           "[Match] Group=, the name spelled otherwise: the session is confined");
        alias_name = alias_target = NULL;
}

/* RestrictNamespaces= alone fails safe and leaves no_new_privs alone: users keep sudo. */
static void test_restrict_namespaces_alone(void)
{
        struct result r;

        login("real-nsonly", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "RestrictNamespaces= alone: pam_open_session");
        CHECK_INT(EPERM, r.f.userns_errno, "RestrictNamespaces=~user: user namespaces are denied");
        CHECK_INT(2, r.f.seccomp, "RestrictNamespaces=~user: a seccomp filter");
        CHECK_INT(0, r.f.nnp, "RestrictNamespaces= alone: no_new_privs is not set");
}

/* With journald there (a socket at its path, in our private namespace), the decision goes to the
 * journal with structured fields, and not also to syslog (journald would store it twice). */
static void test_journal(void)
{
        struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/run/systemd/journal/socket"};
        char buf[65536], all[65536] = "", expect[4200];
        int sock, rcvbuf = 1 << 20;
        struct result r;
        size_t n = 0;

        if (log_sock < 0 || access("/run/systemd", F_OK) < 0 ||
            access("/run/systemd/journal/socket", F_OK) == 0) {
                skip("journal fields", "needs our private namespace and no journald");
                return;
        }
        if (mount("sandbox-test-journal", "/run/systemd", "tmpfs", 0, "mode=0755") < 0 ||
            mkdir("/run/systemd/journal", 0755) < 0)
                bail("fake journald");
        sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0 || bind(sock, (struct sockaddr *)&a, sizeof(a)) < 0)
                bail("bind %s", a.sun_path);
        (void)setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));

        login("real-good", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "journal: pam_open_session");
        for (;;) {
                ssize_t k = recv(sock, buf, sizeof(buf) - 1, MSG_DONTWAIT);
                if (k <= 0)
                        break;
                buf[k] = '\0';
                n += (size_t)snprintf(all + n, sizeof(all) - n, "%s\n", buf);
                if (n >= sizeof(all))
                        break;
        }
        close(sock);
        if (umount2("/run/systemd", MNT_DETACH) < 0)
                bail("umount /run/systemd");

        ok(strstr(all, "MESSAGE=pam_sandbox(real-good:session): confined the session") != NULL,
           "journal: MESSAGE= in pam_syslog's shape");
        snprintf(expect, sizeof(expect), "\nUSER=%s\n", member);
        ok(strstr(all, expect) != NULL, "journal: USER=");
        ok(strstr(all, "\nSANDBOX_DECISION=confined\n") != NULL, "journal: SANDBOX_DECISION=");
        snprintf(expect, sizeof(expect), "\nPOLICY_FILE=%s/conf/good/policy.d/00-everyone.policy\n",
                 work);
        ok(strstr(all, expect) != NULL, "journal: POLICY_FILE= for the first matching file");
        snprintf(expect, sizeof(expect), "\nPOLICY_FILE=%s/conf/good/policy.d/50-members.policy\n",
                 work);
        ok(strstr(all, expect) != NULL, "journal: POLICY_FILE= for the second");
        ok(strstr(all, "\nAPPLIED=PrivateTmp=yes ProtectSystem=strict") != NULL,
           "journal: APPLIED=");
        ok(strstr(all, "\nPAM_SERVICE=real-good\n") != NULL, "journal: PAM_SERVICE=");
        if (!ok(logs[0] == '\0', "journal: nothing went to syslog as well"))
                diag("syslog got: %s", logs);
        if (tap_failed)
                diag("the journal got:\n%s", all);
}

/* Field 22 of /proc/PID/stat, counted after the last ')'. */
static unsigned long long start_time_of(pid_t pid)
{
        char path[64], buf[1024];
        unsigned long long v = 0;
        const char *p;
        FILE *f;
        size_t n;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        f = fopen(path, "re");
        if (!f)
                return 0;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        p = strrchr(buf, ')');
        for (int i = 2; p && i < 22; i++)
                p = strchr(p + 1, ' ');
        if (p)
                (void)sscanf(p + 1, "%llu", &v);
        return v;
}

static void write_record(const char *name, pid_t pid, unsigned long long start)
{
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", RECORD_DIR, name);
        f = fopen(path, "we");
        if (!f)
                bail("cannot create %s", path);
        fprintf(f,
                "{\"version\": 1, \"user\": \"x\", \"uid\": 1, \"service\": \"t\", "
                "\"session\": null, \"pid\": %d, \"pid_start\": %llu, \"opened\": 1,\n "
                "\"policy_files\": []}\n",
                (int)pid, start);
        fclose(f);
}

/* stale: the record an unprivileged close left behind (its process has exited). The next open
 * removes it, and the records of processes that are gone or were replaced under the same pid,
 * and keeps those of processes that run. */
static void test_prune(const char *stale)
{
        char live[64], reused[64], gone[64], tmp_gone[96], path[256];
        pid_t dead = fork();
        struct result r;

        if (dead == 0)
                _exit(0);
        waitpid(dead, NULL, 0);
        ok(access(stale, F_OK) == 0, "the record of the closed session is still there");
        snprintf(live, sizeof(live), "pid-%d.json", (int)getpid());
        write_record(live, getpid(), start_time_of(getpid()));
        snprintf(reused, sizeof(reused), "pid-%d.json", 1);
        write_record(reused, 1, start_time_of(1) + 1);
        snprintf(gone, sizeof(gone), "pid-%d.json", (int)dead);
        write_record(gone, dead, 1);
        snprintf(tmp_gone, sizeof(tmp_gone), ".#%s.%d", gone, (int)dead);
        write_record(tmp_gone, dead, 1);

        login("real-good", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "a later login opens");
        ok(access(stale, F_OK) < 0 && errno == ENOENT,
           "a later login removes the record the unprivileged close left");
        snprintf(path, sizeof(path), "%s/%s", RECORD_DIR, reused);
        ok(access(path, F_OK) < 0, "a record of a pid now used by another process is removed");
        snprintf(path, sizeof(path), "%s/%s", RECORD_DIR, gone);
        ok(access(path, F_OK) < 0, "a record of a process that is gone is removed");
        snprintf(path, sizeof(path), "%s/%s", RECORD_DIR, tmp_gone);
        ok(access(path, F_OK) < 0, "a temporary file of a writer that is gone is removed");
        snprintf(path, sizeof(path), "%s/%s", RECORD_DIR, live);
        ok(access(path, F_OK) == 0, "the record of a process that runs is kept");
        unlink(path);
}

static void test_caller(void)
{
        const struct login_opts threaded = {.threaded = true};
        const struct login_opts unpriv = {.close_unprivileged = true};
        char path[256];
        struct result r;

        login("real-good", member, &threaded, &r);
        check_rc(PAM_SESSION_ERR, r.open_rc, "a multithreaded caller is refused");
        check_log(logs, "threads", "multithreaded caller: the log says why");

        login("real-enteronly", member, NULL, &r);
        check_rc(PAM_SUCCESS, r.open_rc, "phase=enter without phase=prepare decides by itself");
        ok(r.f.valid && strcmp(r.f.ns[0], host_ns[0]) != 0 && r.f.nnp == 1,
           "phase=enter alone confines");

        login("real-good", member, &unpriv, &r);
        check_rc(PAM_SUCCESS, r.close_rc, "close_session works unprivileged");
        ok(r.record_after_close, "an unprivileged close_session leaves the record (root's)");
        ok(strstr(r.record, "\"pid_start\": ") != NULL,
           "the record names its process's start time");
        snprintf(path, sizeof(path), "%s/pid-%d.json", RECORD_DIR, (int)last_pid);
        test_prune(path);
}

int main(int argc, char **argv)
{
        const char *devlog;
        int fd;

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc != 3) {
                fprintf(stderr, "usage: %s MODULE WRAP_MODULE\n", argv[0]);
                return 2;
        }
        /* libpam takes a relative module path as relative to its own module directory. */
        module = realpath(argv[1], NULL);
        wrap_module = realpath(argv[2], NULL);
        if (!module || !wrap_module)
                bail("realpath");
        work = getenv("SBX_WORK");
        member = getenv("SBX_MEMBER");
        other = getenv("SBX_OTHER");
        group = getenv("SBX_GROUP");
        devlog = getenv("SBX_DEVLOG");
        if (!work || !member || !other || !group) {
                fprintf(stderr, "run me from test-pam-module.sh\n");
                return 2;
        }
        for (int i = 0; i < 4; i++) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
                ssize_t n = readlink(path, host_ns[i], sizeof(host_ns[i]) - 1);
                host_ns[i][n > 0 ? n : 0] = '\0';
        }
        /* Only in the private /dev the driver made for us: never on the host's. */
        if (devlog && strcmp(devlog, "1") == 0) {
                struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
                int rcvbuf = 1 << 20;

                log_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                (void)unlink("/dev/log");
                if (log_sock < 0 || bind(log_sock, (struct sockaddr *)&a, sizeof(a)) < 0)
                        bail("bind /dev/log");
                (void)setsockopt(log_sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        }
        snprintf(marker, sizeof(marker), "%s", getenv("SBX_MARKER") ?: "/tmp/sandbox-pam-marker");
        fd = open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0)
                bail("create %s", marker);
        close(fd);

        setup();
        test_root_and_nonmember();
        test_member();
        test_exempt_service();
        test_broken_policy();
        test_writable_parent();
        test_bad_arguments();
        test_limits();
        test_fail_closed_mounts();
        test_match_user();
        test_protect_home();
        test_strict_read_only();
        test_working_directory();
        test_name_spelling();
        test_restrict_namespaces_alone();
        test_caller();
        test_journal();

        unlink(marker);
        printf("1..%u\n", tap_n);
        return tap_failed ? 1 : 0;
}
