/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* [Desktop] keys → mounts and environment.
 *
 * Everything the app gets from the session is a single socket, file or directory bound at the
 * place the app expects it, never a directory that holds more: the Wayland socket but not the
 * rest of $XDG_RUNTIME_DIR, the X display's socket but not /tmp/.X11-unix, a copy of only this
 * display's Xauthority cookie. Sources are opened by fd with symlinks refused
 * (sandbox_spec_open_sources()), as every bind is. Inside, $XDG_RUNTIME_DIR is an empty private
 * tmpfs that holds only what was granted.
 *
 * DBus=filter: the raw session bus is never bound. xdg-dbus-proxy runs outside the sandbox with
 * --filter and one --talk=/--own= per name; only its socket is bound. Without the proxy the run
 * is refused: a missing filter must not turn into the unfiltered bus, nor silently into none. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "fd-util.h"
#include "fs-util.h"
#include "run-desktop.h"
#include "xauth.h"

static bool grants(const struct policy *p, enum policy_key k)
{
        if (!policy_is_set(p, k))
                return false;
        switch (k) {
        case POLICY_WAYLAND:
                return p->wayland;
        case POLICY_X11:
                return p->x11;
        case POLICY_AUDIO:
                return p->audio;
        case POLICY_GPU:
                return p->gpu;
        case POLICY_FONTS:
                return p->fonts;
        case POLICY_DBUS:
                return p->dbus == POLICY_DBUS_FILTER;
        default:
                return false;
        }
}

static bool any_grant(const struct policy *p)
{
        static const enum policy_key keys[] = {POLICY_WAYLAND, POLICY_X11,   POLICY_AUDIO,
                                               POLICY_GPU,     POLICY_FONTS, POLICY_DBUS};

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (grants(p, keys[i]))
                        return true;
        return p->home.n > 0;
}

static const char *where(const struct policy *p, enum policy_key k, char *buf, size_t size)
{
        const struct policy_origin *o = &p->origin[k];

        snprintf(buf, size, "%s:%u", policy_origin_file(o) ? policy_origin_file(o) : "?", o->line);
        return buf;
}

/* A bind of host src at dest inside. ':' would be read as the separator of the spec syntax. */
static int add_bind(struct sandbox_spec *spec, enum mount_kind kind, const char *src,
                    const char *dest, bool ignore_missing, bool socket, bool devices)
{
        _cleanup_free_ char *arg = NULL;
        struct mount_request *m;
        int r;

        if (strchr(src, ':') || strchr(dest, ':'))
                return -EINVAL;
        if (asprintf(&arg, "%s:%s", src, dest) < 0)
                return -ENOMEM;
        r = sandbox_spec_add_mount(spec, kind, arg);
        if (r < 0)
                return r;
        m = &spec->mounts[spec->n_mounts - 1];
        m->ignore_missing = ignore_missing;
        m->socket_only = socket;
        m->allow_devices = devices;
        return 0;
}

static int setenvf(struct sandbox_spec *spec, const char *name, const char *value)
{
        _cleanup_free_ char *a = NULL;

        if (asprintf(&a, "%s=%s", name, value) < 0)
                return -ENOMEM;
        return env_set(&spec->env, a);
}

/* The caller's $XDG_RUNTIME_DIR, or NULL (e names who needed it). */
static const char *host_runtime_dir(const struct policy *p, enum policy_key k, struct sb_error *e)
{
        const char *d = secure_getenv("XDG_RUNTIME_DIR");
        char w[512];

        if (!d || !path_is_safe_absolute(d) || strchr(d, ':')) {
                sb_error_set(e, -ENXIO,
                             "%s=%s (%s) needs the session's runtime directory, but "
                             "XDG_RUNTIME_DIR is %s",
                             policy_key_name(k), k == POLICY_DBUS ? "filter" : "yes",
                             where(p, k, w, sizeof(w)),
                             d ? "not a plain absolute path" : "not set");
                return NULL;
        }
        return d;
}

/* Require a unix socket at path for key k (which took it from variable var). */
static int need_socket(const struct policy *p, enum policy_key k, const char *path, const char *var,
                       struct sb_error *e)
{
        struct stat st;
        char w[512];

        if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
                return sb_error_set(e, -ENOENT,
                                    "%s=yes (%s): no socket at %s (from %s); is the session's %s "
                                    "running?",
                                    policy_key_name(k), where(p, k, w, sizeof(w)), path, var,
                                    k == POLICY_WAYLAND ? "compositor"
                                    : k == POLICY_X11   ? "X server"
                                                        : "server");
        return 0;
}

static int add_wayland(const struct policy *p, struct sandbox_spec *spec, const char *rt_in,
                       struct sb_error *e)
{
        const char *rt = host_runtime_dir(p, POLICY_WAYLAND, e), *name = getenv("WAYLAND_DISPLAY");
        _cleanup_free_ char *src = NULL, *dest = NULL;
        char w[512];
        int r;

        if (!rt)
                return -ENXIO;
        if (!name || !name[0])
                return sb_error_set(e, -ENXIO,
                                    "Wayland=yes (%s): WAYLAND_DISPLAY is not set; run the app "
                                    "from a Wayland session",
                                    where(p, POLICY_WAYLAND, w, sizeof(w)));
        /* A name in $XDG_RUNTIME_DIR, or an absolute path (both are valid in Wayland). */
        if (name[0] == '/') {
                if (!path_is_safe_absolute(name))
                        return sb_error_set(e, -EINVAL, "WAYLAND_DISPLAY=%s is not a clean path",
                                            name);
                src = strdup(name);
                name = "wayland-0";
        } else {
                if (strchr(name, '/') || streq(name, ".") || streq(name, ".."))
                        return sb_error_set(e, -EINVAL, "WAYLAND_DISPLAY=%s is not a socket name",
                                            name);
                if (asprintf(&src, "%s/%s", rt, name) < 0)
                        src = NULL;
        }
        if (!src || asprintf(&dest, "%s/%s", rt_in, name) < 0)
                return -ENOMEM;
        r = need_socket(p, POLICY_WAYLAND, src, "WAYLAND_DISPLAY and XDG_RUNTIME_DIR", e);
        if (r < 0)
                return r;
        r = add_bind(spec, MOUNT_BIND, src, dest, false, true, false);
        if (r >= 0)
                r = setenvf(spec, "WAYLAND_DISPLAY", name);
        if (r >= 0)
                r = setenvf(spec, "XDG_SESSION_TYPE", "wayland");
        return r < 0 ? sb_error_set(e, r, "Wayland=yes: cannot bind %s: %m", src) : 0;
}

/* Remove what a launcher killed before its cleanup left behind: run-PID-* directories whose
 * launcher is gone. Only our own directory is searched, only the two names we create are
 * unlinked, and a live (or reused) PID keeps its directory. */
static void sweep_stale(const char *base)
{
        _cleanup_close_ int dfd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *dir;
        struct dirent *de;

        if (dfd < 0)
                return;
        dir = fdopendir(fcntl(dfd, F_DUPFD_CLOEXEC, 3));
        if (!dir)
                return;
        while ((de = readdir(dir))) {
                unsigned long pid;
                char *end;
                int sub;

                if (strncmp(de->d_name, "run-", 4) != 0)
                        continue;
                errno = 0;
                pid = strtoul(de->d_name + 4, &end, 10);
                if (errno || end == de->d_name + 4 || *end != '-' || pid == 0 || pid > INT32_MAX ||
                    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
                        continue;
                sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                        continue;
                (void)unlinkat(sub, "bus", 0);
                (void)unlinkat(sub, "Xauthority", 0);
                safe_close(sub);
                (void)unlinkat(dfd, de->d_name, AT_REMOVEDIR);
        }
        closedir(dir);
}

/* The private directory for what the launcher makes for this run (the proxy's socket, the
 * Xauthority copy): $XDG_RUNTIME_DIR/sandbox/run-PID-XXXXXX, 0700, or under /tmp without one. */
static int private_dir(struct run_desktop *d, struct sb_error *e)
{
        const char *rt = secure_getenv("XDG_RUNTIME_DIR");
        _cleanup_free_ char *base = NULL, *t = NULL;
        struct stat st;

        if (d->proxy_dir)
                return 0;
        if (rt && path_is_safe_absolute(rt) && !strchr(rt, ':')) {
                if (asprintf(&base, "%s/sandbox", rt) < 0)
                        return -ENOMEM;
                if (mkdir(base, 0700) < 0 && errno != EEXIST)
                        return sb_error_set(e, -errno, "cannot create %s: %m", base);
                if (lstat(base, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
                    (st.st_mode & 0077))
                        return sb_error_set(e, -EPERM,
                                            "%s is not a directory of ours with mode 0700; "
                                            "refusing to put sockets there",
                                            base);
                sweep_stale(base);
                if (asprintf(&t, "%s/run-%d-XXXXXX", base, (int)getpid()) < 0)
                        return -ENOMEM;
        } else if (asprintf(&t, "/tmp/sandbox-run-%d-XXXXXX", (int)getpid()) < 0)
                return -ENOMEM;
        if (!mkdtemp(t)) /* mode 0700 */
                return sb_error_set(e, -errno, "cannot create a private directory %s: %m", t);
        d->proxy_dir = TAKE_PTR(t);
        return 0;
}

static int add_x11(const struct policy *p, struct sandbox_spec *spec, struct run_desktop *d,
                   const char *rt_in, struct sb_error *e)
{
        const char *display = getenv("DISPLAY"), *xauth = getenv("XAUTHORITY");
        _cleanup_free_ char *sock = NULL, *xa = NULL, *data = NULL, *cookies = NULL, *copy = NULL,
                            *dest = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t size = 0, n_cookies = 0;
        unsigned disp;
        char w[512], host[256] = "";
        int r;

        if (!display || !display[0])
                return sb_error_set(e, -ENXIO, "X11=yes (%s): DISPLAY is not set",
                                    where(p, POLICY_X11, w, sizeof(w)));
        if (xauth_parse_display(display, &disp) < 0)
                return sb_error_set(e, -EINVAL,
                                    "X11=yes (%s): DISPLAY=%s is not a local display (:N); "
                                    "remote and TCP displays are refused",
                                    where(p, POLICY_X11, w, sizeof(w)), display);
        if (asprintf(&sock, "/tmp/.X11-unix/X%u", disp) < 0)
                return -ENOMEM;
        r = need_socket(p, POLICY_X11, sock, "DISPLAY", e);
        if (r < 0)
                return r;
        r = add_bind(spec, MOUNT_BIND, sock, sock, false, true, false);
        if (r >= 0) {
                char v[32];
                snprintf(v, sizeof(v), ":%u", disp);
                r = setenvf(spec, "DISPLAY", v);
        }
        if (r < 0)
                return sb_error_set(e, r, "X11=yes: cannot bind %s: %m", sock);

        /* The cookie: only this display's, as a file of our own. */
        if (xauth && xauth[0]) {
                if (!path_is_safe_absolute(xauth))
                        return sb_error_set(e, -EINVAL,
                                            "XAUTHORITY=%s is not a clean absolute path", xauth);
                xa = strdup(xauth);
        } else if (spec->home && asprintf(&xa, "%s/.Xauthority", spec->home) < 0)
                xa = NULL;
        if (!xa)
                return spec->home || xauth ? -ENOMEM : 0;
        fd = open_path_no_symlinks(xa, NULL);
        if (fd == -ENOENT && !(xauth && xauth[0]))
                return 0; /* no cookie file: a server without authorization */
        if (fd >= 0) {
                char proc[64];
                _cleanup_close_ int rd = -EBADF;

                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
                rd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
                r = rd < 0 ? -errno : read_regular_fd(rd, XAUTH_SIZE_MAX, &data, &size, NULL);
        } else
                r = fd;
        if (r < 0)
                return sb_error_set(
                    e, r, "X11=yes: cannot read the X cookies in %s (XAUTHORITY): %m", xa);
        if (gethostname(host, sizeof(host) - 1) < 0)
                host[0] = '\0';
        r = xauth_filter(data, size, disp, host, &cookies, &n_cookies);
        if (r == -EBADMSG)
                return sb_error_set(e, r, "X11=yes: %s (XAUTHORITY) is not an Xauthority file", xa);
        if (r < 0)
                return r;
        if (n_cookies == 0)
                return 0; /* none for this display: the server must not need one */
        r = private_dir(d, e);
        if (r < 0)
                return r;
        if (asprintf(&copy, "%s/Xauthority", d->proxy_dir) < 0 ||
            asprintf(&dest, "%s/Xauthority", rt_in) < 0)
                return -ENOMEM;
        {
                _cleanup_close_ int out =
                    open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
                if (out < 0 || write_all(out, cookies, n_cookies) < 0)
                        return sb_error_set(e, -EIO, "cannot write %s: %m", copy);
        }
        r = add_bind(spec, MOUNT_RO_BIND, copy, dest, false, false, false);
        if (r >= 0)
                r = setenvf(spec, "XAUTHORITY", dest);
        return r < 0 ? sb_error_set(e, r, "X11=yes: cannot bind the cookie: %m") : 0;
}

static int add_audio(const struct policy *p, struct sandbox_spec *spec, const char *rt_in,
                     struct sb_error *e)
{
        static const char *const socks[] = {"pulse/native", "pipewire-0"};
        const char *rt = host_runtime_dir(p, POLICY_AUDIO, e);
        unsigned found = 0;
        char w[512];

        if (!rt)
                return -ENXIO;
        for (size_t i = 0; i < ELEMENTSOF(socks); i++) {
                _cleanup_free_ char *src = NULL, *dest = NULL;
                struct stat st;
                int r;

                if (asprintf(&src, "%s/%s", rt, socks[i]) < 0 ||
                    asprintf(&dest, "%s/%s", rt_in, socks[i]) < 0)
                        return -ENOMEM;
                if (lstat(src, &st) < 0 || !S_ISSOCK(st.st_mode))
                        continue;
                r = add_bind(spec, MOUNT_BIND, src, dest, false, true, false);
                if (r < 0)
                        return sb_error_set(e, r, "Audio=yes: cannot bind %s: %m", src);
                found++;
        }
        if (!found)
                return sb_error_set(
                    e, -ENOENT,
                    "Audio=yes (%s): neither %s/pulse/native nor %s/pipewire-0 is "
                    "a socket (XDG_RUNTIME_DIR); is PulseAudio or PipeWire running?",
                    where(p, POLICY_AUDIO, w, sizeof(w)), rt, rt);
        return 0;
}

static int add_gpu(const struct policy *p, struct sandbox_spec *spec, struct sb_error *e)
{
        struct stat st;
        char w[512];
        int r;

        if (lstat("/dev/dri", &st) < 0 || !S_ISDIR(st.st_mode))
                return sb_error_set(e, -ENOENT, "GPU=yes (%s): this machine has no /dev/dri",
                                    where(p, POLICY_GPU, w, sizeof(w)));
        r = add_bind(spec, MOUNT_BIND, "/dev/dri", "/dev/dri", false, false, true);
        return r < 0 ? sb_error_set(e, r, "GPU=yes: cannot bind /dev/dri: %m") : 0;
}

static int add_fonts(struct sandbox_spec *spec, struct sb_error *e)
{
        static const char *const dirs[] = {
            ".fonts", ".local/share/fonts", ".config/fontconfig", ".themes",
            ".icons", ".local/share/icons", ".local/share/themes"};

        if (!spec->home)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *path = NULL;
                int r;

                if (asprintf(&path, "%s/%s", spec->home, dirs[i]) < 0)
                        return -ENOMEM;
                r = add_bind(spec, MOUNT_RO_BIND, path, path, true, false, false);
                if (r < 0)
                        return sb_error_set(e, r, "Fonts=yes: cannot bind %s: %m", path);
        }
        return 0;
}

static int add_home(const struct policy *p, struct sandbox_spec *spec, struct sb_error *e)
{
        char w[512];

        if (p->home.n > 0 && !spec->home)
                return sb_error_set(e, -ENOENT, "Home= (%s): the caller has no home directory",
                                    where(p, POLICY_HOME, w, sizeof(w)));
        for (size_t i = 0; i < p->home.n; i++) {
                const struct policy_path *x = &p->home.items[i];
                _cleanup_free_ char *path = NULL;
                int r;

                if (asprintf(&path, "%s/%s", spec->home, x->path) < 0)
                        return -ENOMEM;
                /* missing: nothing to share; a symlink: refused when opened */
                r = add_bind(spec, x->read_only ? MOUNT_RO_BIND : MOUNT_BIND, path, path, true,
                             false, false);
                if (r < 0)
                        return sb_error_set(e, r, "Home=%s (%s:%u): cannot bind %s: %m", x->path,
                                            policy_origin_file(&x->origin), x->origin.line, path);
        }
        return 0;
}

/* The session bus address for the proxy: $DBUS_SESSION_BUS_ADDRESS, else the systemd default
 * $XDG_RUNTIME_DIR/bus. */
static int bus_address(const struct policy *p, char **ret, struct sb_error *e)
{
        const char *a = getenv("DBUS_SESSION_BUS_ADDRESS"), *rt;
        char w[512];
        struct stat st;

        if (a && a[0]) {
                *ret = strdup(a);
                return *ret ? 0 : -ENOMEM;
        }
        rt = host_runtime_dir(p, POLICY_DBUS, e);
        if (!rt)
                return -ENXIO;
        if (asprintf(ret, "%s/bus", rt) < 0)
                return -ENOMEM;
        if (lstat(*ret, &st) < 0 || !S_ISSOCK(st.st_mode)) {
                sb_error_set(e, -ENOENT,
                             "DBus=filter (%s): no session bus: DBUS_SESSION_BUS_ADDRESS is not "
                             "set and %s is not a socket",
                             where(p, POLICY_DBUS, w, sizeof(w)), *ret);
                free(*ret);
                return -ENOENT;
        }
        {
                char *u = NULL;
                if (asprintf(&u, "unix:path=%s", *ret) < 0)
                        u = NULL;
                free(*ret);
                *ret = u;
        }
        return *ret ? 0 : -ENOMEM;
}

static int start_proxy(const struct policy *p, struct sandbox_spec *spec, struct run_desktop *d,
                       const char *rt_in, struct sb_error *e)
{
        _cleanup_free_ char *addr = NULL, *dest = NULL, *env_addr = NULL;
        char w[512], who[600];
        int r;

        snprintf(who, sizeof(who), "DBus=filter (%s)", where(p, POLICY_DBUS, w, sizeof(w)));
        /* Refuse before anything else: no proxy, no run. */
        r = dbus_proxy_check(who, e);
        if (r < 0)
                return r;
        r = bus_address(p, &addr, e);
        if (r < 0)
                return r == -ENOMEM ? sb_error_set(e, r, "out of memory") : r;
        r = private_dir(d, e);
        if (r < 0)
                return r;
        if (asprintf(&d->proxy_sock, "%s/bus", d->proxy_dir) < 0)
                return -ENOMEM;
        r = dbus_proxy_start(&d->proxy, addr, d->proxy_sock, p->dbus_talk, p->dbus_own, who, e);
        if (r < 0)
                return r;

        if (asprintf(&dest, "%s/bus", rt_in) < 0 || asprintf(&env_addr, "unix:path=%s", dest) < 0)
                return -ENOMEM;
        r = add_bind(spec, MOUNT_BIND, d->proxy_sock, dest, false, true, false);
        if (r >= 0)
                r = setenvf(spec, "DBUS_SESSION_BUS_ADDRESS", env_addr);
        return r < 0 ? sb_error_set(e, r, "DBus=filter: cannot bind the proxy's socket: %m") : 0;
}

int run_desktop_apply(const struct policy *eff, struct sandbox_spec *spec, struct run_desktop *d,
                      struct sb_error *e)
{
        _cleanup_free_ char *rt_in = NULL;
        int r = 0;

        if (!any_grant(eff))
                return 0; /* no runtime directory, no display, no bus */

        /* A bus on an abstract socket is reachable from any sandbox that shares the host's
         * network namespace, around the filter and around DBus=none alike: refuse rather than
         * pretend. (dbus-launch makes such buses; systemd's user bus is a path.) */
        {
                const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
                char w[512];

                if (spec->net == NET_HOST && a && strstr(a, "abstract="))
                        return sb_error_set(
                            e, -EPERM,
                            "the session bus (DBUS_SESSION_BUS_ADDRESS=%s) is an abstract socket, "
                            "which this sandbox reaches through the host's network namespace "
                            "whatever DBus= says (%s); use PrivateNetwork=yes or a bus on a path",
                            a,
                            policy_is_set(eff, POLICY_DBUS) ? where(eff, POLICY_DBUS, w, sizeof(w))
                                                            : "DBus= unset: none");
        }

        /* A private, empty runtime directory at the usual place inside. */
        if (asprintf(&rt_in, "/run/user/%u", (unsigned)spec->uid) < 0)
                return -ENOMEM;
        r = sandbox_spec_add_mount(spec, MOUNT_TMPFS, rt_in);
        if (r >= 0)
                r = setenvf(spec, "XDG_RUNTIME_DIR", rt_in);
        if (r < 0)
                return sb_error_set(e, r, "cannot set up the runtime directory: %m");

        if (grants(eff, POLICY_WAYLAND))
                r = add_wayland(eff, spec, rt_in, e);
        if (r >= 0 && grants(eff, POLICY_X11))
                r = add_x11(eff, spec, d, rt_in, e);
        if (r >= 0 && grants(eff, POLICY_AUDIO))
                r = add_audio(eff, spec, rt_in, e);
        if (r >= 0 && grants(eff, POLICY_GPU))
                r = add_gpu(eff, spec, e);
        if (r >= 0 && grants(eff, POLICY_FONTS))
                r = add_fonts(spec, e);
        if (r >= 0)
                r = add_home(eff, spec, e);
        if (r >= 0 && grants(eff, POLICY_DBUS))
                r = start_proxy(eff, spec, d, rt_in, e);
        if (r == -ENOMEM && !e->msg[0])
                return sb_error_set(e, r, "out of memory");
        return r;
}

void run_desktop_done(struct run_desktop *d)
{
        dbus_proxy_stop(&d->proxy);
        if (d->proxy_dir) {
                _cleanup_close_ int dfd =
                    open(d->proxy_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (dfd >= 0) {
                        (void)unlinkat(dfd, "bus", 0);
                        (void)unlinkat(dfd, "Xauthority", 0);
                }
                (void)rmdir(d->proxy_dir);
        }
        free(d->proxy_dir);
        free(d->proxy_sock);
        *d = (struct run_desktop)RUN_DESKTOP_INIT;
}
