/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox desktop install APP [--force] | sandbox desktop remove APP [--force]
 *
 * A desktop entry (Desktop Entry Specification; Version=1.4, the newest that Debian 12's
 * desktop-file-validate knows, and we use nothing newer) that starts APP through
 * `sandbox run`, in $XDG_DATA_HOME/applications (default ~/.local/share/applications) as
 * sandbox-APP.desktop. Name, Icon, Categories and MimeType come from the host's own entry for
 * APP when there is one (never its Exec: that would run the app unconfined), Comment from the
 * profile's Description=. The entry carries X-Sandbox-App=APP, so that we only ever replace or
 * remove our own files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec-util.h"
#include "fd-util.h"
#include "log.h"
#include "policy.h"
#include "run-policy.h"
#include "strv.h"
#include "verbs.h"

#define HOST_ENTRIES "/usr/share/applications"

static const char *home_dir(void)
{
        const char *h = secure_getenv("HOME");
        struct passwd *pw;

        if (h && h[0] == '/')
                return h;
        pw = getpwuid(getuid());
        return pw && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

/* Open (creating, 0755) the applications directory, component by component, refusing symlinks
 * below the data directory. */
static int open_applications_dir(bool create, char *shown, size_t size)
{
        const char *data = secure_getenv("XDG_DATA_HOME");
        const char *home = home_dir();
        _cleanup_close_ int fd = -EBADF;
        const char *const sub_home[] = {".local", "share", "applications"};
        const char *const sub_data[] = {"applications"};
        const char *const *sub = sub_home;
        size_t n = ELEMENTSOF(sub_home);
        const char *base;

        if (data && data[0] == '/') {
                base = data;
                sub = sub_data;
                n = 1;
        } else if (home) {
                base = home;
        } else {
                return -ENOENT;
        }
        snprintf(shown, size, "%s/%s", base, n == 1 ? "applications" : ".local/share/applications");
        fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (size_t i = 0; i < n; i++) {
                int next;

                if (create && mkdirat(fd, sub[i], 0755) < 0 && errno != EEXIST)
                        return -errno;
                next = openat(fd, sub[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                safe_close(fd);
                fd = next;
        }
        return TAKE_FD(fd);
}

/* Quote one argument of Exec= (spec: "Exec key"): reserved characters need double quotes, and
 * inside them '"', '`', '$' and '\\' a backslash; then the whole value is a string value, whose
 * own escape doubles every backslash; '%' is a field code unless doubled. */
static void put_exec_arg(FILE *f, const char *arg)
{
        bool quote = !*arg || strpbrk(arg, " \t\n\"'\\><~|&;$*?#()`") != NULL;

        if (quote)
                fputc('"', f);
        for (const char *c = arg; *c; c++) {
                if (quote && strchr("\"`$\\", *c))
                        fputs("\\\\", f); /* the quoting backslash, string-escaped */
                if (*c == '\\')
                        fputs("\\\\", f);
                else if (*c == '%')
                        fputs("%%", f);
                else
                        fputc(*c, f);
        }
        if (quote)
                fputc('"', f);
}

/* A string value for the file: one line, no control characters. */
static bool value_ok(const char *v)
{
        for (const char *c = v; *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                        return false;
        return true;
}

/* Copy Name, Icon, Categories and MimeType (unlocalized, from the [Desktop Entry] group) of the
 * host's HOST_ENTRIES/APP.desktop, if any, into the keys table. */
static const char *const copied_keys[] = {"Name", "Icon", "Categories", "MimeType"};

static void read_host_entry(const char *app, char *values[ELEMENTSOF(copied_keys)])
{
        _cleanup_close_ int dir = -EBADF, fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        char file[PATH_MAX];
        size_t size;
        bool in_group = false;
        char *save = NULL;

        snprintf(file, sizeof(file), "%s.desktop", app);
        dir = open(HOST_ENTRIES, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return;
        fd = openat(dir, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 || read_regular_fd(fd, 1 << 20, &buf, &size, NULL) < 0)
                return;
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (l[0] == '[') {
                        in_group = streq(l, "[Desktop Entry]");
                        continue;
                }
                if (!in_group)
                        continue;
                for (size_t k = 0; k < ELEMENTSOF(copied_keys); k++) {
                        size_t n = strlen(copied_keys[k]);
                        const char *v = l + n;

                        if (strncmp(l, copied_keys[k], n) != 0)
                                continue;
                        while (*v == ' ')
                                v++;
                        if (*v != '=')
                                continue; /* "Name[de]=" or another key */
                        v++;
                        while (*v == ' ')
                                v++;
                        if (!values[k] && value_ok(v))
                                values[k] = strdup(v);
                }
        }
}

/* Does the file dir/name exist, and is it ours for app (X-Sandbox-App=app)? 1 ours, 0 not
 * ours, -ENOENT none. */
static int entry_is_ours(int dir, const char *name, const char *app)
{
        _cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL, *marker = NULL;
        size_t size;

        if (fd < 0)
                return errno == ENOENT ? -ENOENT : 0; /* a symlink (ELOOP) is not ours */
        if (read_regular_fd(fd, 1 << 20, &buf, &size, NULL) < 0)
                return 0;
        if (asprintf(&marker, "\nX-Sandbox-App=%s\n", app) < 0)
                return -ENOMEM;
        return strstr(buf, marker) != NULL;
}

static int load_description(const char *app, char **ret)
{
        _cleanup_free_ char *user_dir = run_policy_user_dir(home_dir());
        struct policy *admin = NULL, *user = NULL;
        const struct policy_dirs dirs = {
            .user_dir = user_dir,
            .user_uid = getuid(),
        };
        struct sb_error e = {};
        const char *d;
        int r;

        r = policy_load_profiles(&dirs, app, &admin, &user, &e);
        if (r < 0) {
                log_error("desktop: %s", e.msg);
                return r;
        }
        d = user && user->description ? user->description : admin ? admin->description : NULL;
        *ret = d && value_ok(d) ? strdup(d) : NULL;
        policy_free(admin);
        policy_free(user);
        return 0;
}

static int install(int dir, const char *shown, const char *app, const char *file, bool force)
{
        char *values[ELEMENTSOF(copied_keys)] = {};
        _cleanup_free_ char *description = NULL, *buf = NULL;
        char tmp[PATH_MAX + 32];
        size_t size = 0;
        FILE *f;
        int fd, r;

        r = entry_is_ours(dir, file, app);
        if (r == 0 && !force) {
                log_error("desktop: %s/%s exists and was not made by sandbox; use --force to "
                          "replace it",
                          shown, file);
                return EXIT_LAUNCHER_ERROR;
        }
        if (load_description(app, &description) < 0)
                return EXIT_LAUNCHER_ERROR;
        read_host_entry(app, values);

        f = open_memstream(&buf, &size);
        if (!f)
                return log_error_errno(-ENOMEM, "desktop: %m"), EXIT_LAUNCHER_ERROR;
        fprintf(f, "[Desktop Entry]\nType=Application\nVersion=1.4\nName=%s\n",
                values[0] ? values[0] : app);
        if (description)
                fprintf(f, "Comment=%s\n", description);
        if (values[1])
                fprintf(f, "Icon=%s\n", values[1]);
        if (values[2])
                fprintf(f, "Categories=%s\n", values[2]);
        if (values[3])
                fprintf(f, "MimeType=%s\n", values[3]);
        /* Through `sandbox run`, with "--" so that the profile name is never an option. */
        fputs("Exec=sandbox run -- ", f);
        put_exec_arg(f, app);
        fputs(" %U\nTerminal=false\n", f);
        fprintf(f, "X-Sandbox-App=%s\n", app);
        for (size_t k = 0; k < ELEMENTSOF(values); k++)
                free(values[k]);
        if (fclose(f) != 0)
                return log_error_errno(-ENOMEM, "desktop: %m"), EXIT_LAUNCHER_ERROR;

        /* Atomically: a temporary file, then rename() over the old entry. */
        snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", file, (int)getpid());
        fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return log_error_errno(-errno, "desktop: cannot create %s/%s: %m", shown, tmp),
                       EXIT_LAUNCHER_ERROR;
        r = write_all(fd, buf, size);
        safe_close(fd);
        if (r >= 0 && renameat(dir, tmp, dir, file) < 0)
                r = -errno;
        if (r < 0) {
                (void)unlinkat(dir, tmp, 0);
                return log_error_errno(r, "desktop: cannot write %s/%s: %m", shown, file),
                       EXIT_LAUNCHER_ERROR;
        }
        printf("%s/%s\n", shown, file);
        return 0;
}

int verb_desktop(int argc, char **argv)
{
        static const struct option options[] = {
            {"force", no_argument, NULL, 'f'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_free_ char *user_dir = NULL;
        _cleanup_close_ int dir = -EBADF;
        char shown[PATH_MAX], file[PATH_MAX];
        const char *action, *app;
        bool force = false;
        int c, r;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "+hf", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'h':
                        printf("Usage: sandbox desktop install APP [--force]\n"
                               "       sandbox desktop remove APP [--force]\n\n"
                               "Write (or remove) ~/.local/share/applications/sandbox-APP.desktop, "
                               "which starts\nthe app profile APP through 'sandbox run'.\n");
                        return 0;
                default:
                        log_error("desktop: option '%s' is unknown; see 'sandbox desktop --help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        /* Options may also follow the operands: "desktop install APP --force". */
        for (int k = optind; k < argc; k++)
                if (streq(argv[k], "--force")) {
                        force = true;
                        memmove(argv + k, argv + k + 1, sizeof(char *) * (size_t)(argc - k));
                        argc--;
                        k--;
                }
        if (argc - optind != 2 ||
            (!streq(argv[optind], "install") && !streq(argv[optind], "remove"))) {
                log_error("desktop: expected 'install APP' or 'remove APP'; see 'sandbox desktop "
                          "--help'");
                return EXIT_LAUNCHER_ERROR;
        }
        action = argv[optind];
        app = argv[optind + 1];
        user_dir = run_policy_user_dir(home_dir());
        if (streq(action, "install") && !run_policy_app_exists(app, user_dir)) {
                log_error("desktop: no app profile '%s' (looked for %s.profile in %s/apps, %s/apps "
                          "and %s/apps)",
                          app, app, POLICY_ADMIN_DIR, POLICY_SHIPPED_DIR,
                          user_dir ? user_dir : "~/.config/sandbox");
                return EXIT_LAUNCHER_ERROR;
        }
        if (strchr(app, '/') || app[0] == '.' || strlen(app) > 200) {
                log_error("desktop: '%s' is not an app name", app);
                return EXIT_LAUNCHER_ERROR;
        }
        snprintf(file, sizeof(file), "sandbox-%s.desktop", app);
        dir = open_applications_dir(streq(action, "install"), shown, sizeof(shown));
        if (dir < 0)
                return log_error_errno(dir,
                                       "desktop: cannot open the applications directory %s: "
                                       "%m",
                                       shown),
                       EXIT_LAUNCHER_ERROR;
        if (streq(action, "install"))
                return install(dir, shown, app, file, force);

        r = entry_is_ours(dir, file, app);
        if (r == -ENOENT) {
                log_error("desktop: %s/%s does not exist", shown, file);
                return EXIT_LAUNCHER_ERROR;
        }
        if (r == 0 && !force) {
                log_error("desktop: %s/%s was not made by sandbox; use --force to remove it", shown,
                          file);
                return EXIT_LAUNCHER_ERROR;
        }
        if (unlinkat(dir, file, 0) < 0)
                return log_error_errno(-errno, "desktop: cannot remove %s/%s: %m", shown, file),
                       EXIT_LAUNCHER_ERROR;
        return 0;
}
