/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Talking to systemd: which manager, how to reach it, StartTransientUnit with the JobRemoved wait,
 * SetUnitProperties. Only sd-bus here; the cgroup bookkeeping is in scope.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sd-dl.h"
#include <time.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "manager.h"

#define USEC_PER_SEC UINT64_C(1000000)
/* A scope's start job only moves processes; systemd finishes it at once. Generous for a loaded
 * machine, short enough that a wedged manager does not hang the launcher for good. */
#define JOB_TIMEOUT_USEC (30 * USEC_PER_SEC)

#define SYSTEMD_DEST      "org.freedesktop.systemd1"
#define SYSTEMD_PATH      "/org/freedesktop/systemd1"
#define SYSTEMD_INTERFACE "org.freedesktop.systemd1.Manager"

static bool is_dir_nofollow(const char *path)
{
        struct stat st;

        return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

_printf_(3, 4) static void why_append(char *why, size_t size, const char *fmt, ...)
{
        size_t o = strnlen(why, size);
        va_list ap;

        if (o + 3 >= size)
                return;
        if (o > 0) {
                why[o++] = ';';
                why[o++] = ' ';
                why[o] = '\0';
        }
        va_start(ap, fmt);
        vsnprintf(why + o, size - o, fmt, ap);
        va_end(ap);
}

/* Errors that mean "nobody is listening there", as opposed to a manager that refused us. */
static bool errno_means_absent(int r)
{
        switch (-r) {
        case ENOENT:
        case ENOTDIR:
        case ECONNREFUSED:
        case ECONNRESET:
        case ENOTCONN:
        case EPIPE:
        case ENOMEDIUM: /* sym_sd_bus_open_user(): no $DBUS_SESSION_BUS_ADDRESS, no $XDG_RUNTIME_DIR
                         */
        case EACCES:
        case EPERM:
        case ENXIO:
        case EHOSTDOWN:
                return true;
        default:
                return false;
        }
}

static bool bus_error_means_absent(const sd_bus_error *error, int r)
{
        if (sym_sd_bus_error_is_set(error))
                return sym_sd_bus_error_has_names_sentinel(
                    error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                    SD_BUS_ERROR_NO_SERVER, SD_BUS_ERROR_DISCONNECTED, NULL);
        return errno_means_absent(r);
}

static const char *bus_error_text(const sd_bus_error *error, int r)
{
        if (sym_sd_bus_error_is_set(error) && error->message)
                return error->message;
        return strerror(-r);
}

/* A direct (peer-to-peer) connection to a manager's private socket: what systemctl uses when
 * there is no bus. Only the manager's own user can connect to it. */
static int bus_open_private(const char *socket_path, sd_bus **ret)
{
        _cleanup_(sym_sd_bus_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *escaped = NULL, *address = NULL;
        int r;

        r = bus_address_escape(socket_path, &escaped);
        if (r < 0)
                return r;
        if (asprintf(&address, "unix:path=%s", escaped) < 0)
                return -ENOMEM;
        r = sym_sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sym_sd_bus_set_address(bus, address);
        if (r < 0)
                return r;
        r = sym_sd_bus_start(bus);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

/* The private socket of the manager we want: the system manager's when system, else the calling
 * user's. */
static int private_socket_path(bool system, char **ret)
{
        const char *runtime;
        char *p;

        if (system)
                p = strdup("/run/systemd/private");
        else {
                /* Logins without pam_systemd in their PAM stack (Debian's runuser -l) have no
                 * $XDG_RUNTIME_DIR, yet the user's manager may run (lingering, another
                 * session); its directory is /run/user/UID by logind's rule. */
                runtime = secure_getenv("XDG_RUNTIME_DIR");
                if (runtime && runtime[0] == '/') {
                        if (asprintf(&p, "%s/systemd/private", runtime) < 0)
                                p = NULL;
                } else if (asprintf(&p, "/run/user/%u/systemd/private", (unsigned)getuid()) < 0)
                        p = NULL;
        }
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* Connect to attempt 0 (the bus) or 1 (the private socket). label names it for messages. */
static int manager_connect(bool system, int attempt, sd_bus **ret, char *label, size_t label_size)
{
        _cleanup_free_ char *socket = NULL;
        int r;

        if (attempt == 0) {
                snprintf(label, label_size, system ? "the system bus" : "the user bus");
                return system ? sym_sd_bus_open_system(ret) : sym_sd_bus_open_user(ret);
        }
        r = private_socket_path(system, &socket);
        if (r < 0)
                return r;
        snprintf(label, label_size, "%s", socket);
        return bus_open_private(socket, ret);
}

/* ---- properties ------------------------------------------------------------------------------ */

static int append_u64(sd_bus_message *m, const char *name, uint64_t v)
{
        if (v == LIMIT_UNSET)
                return 0;
        return sym_sd_bus_message_append(m, "(sv)", name, "t", v);
}

/* The limits of l that are set, as (sv) entries of an open a(sv) container. */
static int append_limits(sd_bus_message *m, const struct limits *l)
{
        int r = 0;

        if (!l)
                return 0;
        if (r >= 0)
                r = append_u64(m, "MemoryMax", l->memory_max);
        if (r >= 0)
                r = append_u64(m, "MemoryHigh", l->memory_high);
        if (r >= 0)
                r = append_u64(m, "CPUQuotaPerSecUSec", l->cpu_quota_per_sec_usec);
        if (r >= 0)
                r = append_u64(m, "CPUWeight", l->cpu_weight);
        if (r >= 0)
                r = append_u64(m, "TasksMax", l->tasks_max);
        if (r >= 0)
                r = append_u64(m, "IOWeight", l->io_weight);
        return r;
}

/* ---- StartTransientUnit -------------------------------------------------------------------- */

struct job_wait {
        const char *job; /* our job's object path, once the reply told us */
        char *result;    /* its JobRemoved result */
        int err;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        struct job_wait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        /* Every job of the manager ends with this signal; only ours matters. A malformed one is
         * not ours either. */
        if (sym_sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (!w->job || w->result || strcmp(path, w->job) != 0)
                return 0;
        w->result = strdup(result);
        if (!w->result)
                w->err = -ENOMEM;
        return 0;
}

static int start_on(sd_bus *bus, bool system, const char *unit, const char *description,
                    const struct limits *l, char *why, size_t why_size, const char *label,
                    struct sb_error *e)
{
        _cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sym_sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        struct job_wait w = {};
        const char *job;
        uint64_t deadline;
        int r;

        /* The match goes in BEFORE the call: the job may finish, and its signal go out, before
         * the reply to StartTransientUnit reaches us. On a bus we match the sender; a direct
         * connection has no sender field at all. */
        r = sym_sd_bus_match_signal(
            bus, &slot, sym_sd_bus_is_bus_client(bus) > 0 ? SYSTEMD_DEST : NULL, SYSTEMD_PATH,
            SYSTEMD_INTERFACE, "JobRemoved", on_job_removed, &w);
        if (r < 0) {
                if (errno_means_absent(r)) {
                        why_append(why, why_size, "%s: %s", label, strerror(-r));
                        return 0;
                }
                return sb_error_set(e, r, "cannot subscribe to systemd's job signals on %s: %m",
                                    label);
        }

        r = sym_sd_bus_message_new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH,
                                               SYSTEMD_INTERFACE, "StartTransientUnit");
        if (r >= 0)
                r = sym_sd_bus_message_append(m, "ss", unit, "fail");
        if (r >= 0)
                r = sym_sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = sym_sd_bus_message_append(m, "(sv)", "Description", "s", description);
        if (r >= 0)
                r = sym_sd_bus_message_append(m, "(sv)", "Slice", "s", "sandbox.slice");
        /* Delegate= can only be set when the unit is created. It gives the sandbox (and its
         * cgroup namespace) a subtree of its own and keeps systemd out of it. */
        if (r >= 0)
                r = sym_sd_bus_message_append(m, "(sv)", "Delegate", "b", 1);
        /* A scope can end "failed" (an OOM kill with systemd ≥ 253's OOMPolicy=, a stop
         * timeout); without this it would stay loaded until someone runs reset-failed. */
        if (r >= 0)
                r = sym_sd_bus_message_append(m, "(sv)", "CollectMode", "s", "inactive-or-failed");
        if (r >= 0)
                r = sym_sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)getpid());
        if (r >= 0)
                r = append_limits(m, l);
        if (r >= 0)
                r = sym_sd_bus_message_close_container(m);
        if (r >= 0)
                r = sym_sd_bus_message_append(m, "a(sa(sv))", 0); /* no auxiliary units */
        if (r < 0)
                return sb_error_set(e, r, "cannot build the request for %s: %m", unit);

        r = sym_sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0) {
                if (bus_error_means_absent(&error, r)) {
                        why_append(why, why_size, "%s: %s", label, bus_error_text(&error, r));
                        return 0;
                }
                return sb_error_set(e, r, "systemd (on %s) refused to create %s: %s", label, unit,
                                    bus_error_text(&error, r));
        }
        r = sym_sd_bus_message_read(reply, "o", &job);
        if (r < 0)
                return sb_error_set(e, r, "unexpected reply from systemd on %s: %m", label);
        w.job = job;

        /* Signals that arrived while sym_sd_bus_call() waited are queued, not lost: processing them
         * now, with w.job known, finds ours even if it came before the reply. */
        deadline = now_usec() + JOB_TIMEOUT_USEC;
        while (!w.result && !w.err) {
                uint64_t now;

                r = sym_sd_bus_process(bus, NULL);
                if (r < 0)
                        return sb_error_set(e, r,
                                            "lost the connection to systemd on %s while waiting "
                                            "for %s to start: %m",
                                            label, unit);
                if (r > 0)
                        continue;
                now = now_usec();
                if (now >= deadline)
                        return sb_error_set(e, -ETIMEDOUT,
                                            "systemd on %s did not start %s within %u s", label,
                                            unit, (unsigned)(JOB_TIMEOUT_USEC / USEC_PER_SEC));
                r = sym_sd_bus_wait(bus, deadline - now);
                if (r < 0 && r != -EINTR)
                        return sb_error_set(e, r, "waiting for systemd on %s: %m", label);
        }
        if (w.err)
                r = sb_error_set(e, w.err, "out of memory");
        else if (!streq(w.result, "done"))
                r = sb_error_set(e, -EIO,
                                 "systemd could not start %s: its job ended with result \"%s\" "
                                 "(see journalctl%s -u %s)",
                                 unit, w.result, system ? "" : " --user", unit);
        else
                r = 1;
        free(w.result);
        return r;
}

int manager_start_scope(const char *unit, const char *description, const struct limits *l,
                        char *why, size_t why_size, struct sb_error *e)
{
        bool system = geteuid() == 0;
        int r;

        if (why_size > 0)
                why[0] = '\0';
        /* As sd_booted(): /run/systemd/system exists only when systemd is PID 1. Without it
         * there is neither a system manager nor a user manager worth asking, and libsystemd is
         * not even loaded (sd-dl.h says why). */
        if (!is_dir_nofollow("/run/systemd/system")) {
                why_append(why, why_size, "systemd is not PID 1: no /run/systemd/system");
                return 0;
        }
        r = sd_dl_open();
        if (r < 0) {
                why_append(why, why_size, "cannot load libsystemd.so.0");
                return 0;
        }

        for (int attempt = 0; attempt < 2; attempt++) {
                _cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                char label[256];

                r = manager_connect(system, attempt, &bus, label, sizeof(label));
                if (r == -ENOMEM)
                        return sb_error_set(e, r, "out of memory");
                if (r < 0) {
                        why_append(why, why_size, "%s: %s", label, strerror(-r));
                        continue;
                }
                r = start_on(bus, system, unit, description, l, why, why_size, label, e);
                if (r != 0)
                        return r;
        }
        return 0;
}

/* ---- One method call on a manager ------------------------------------------------------------ */

/* Appends a method's arguments to m: 0 or a negative errno. */
typedef int (*append_args_fn)(sd_bus_message *m, const void *userdata);

/* Call method on the system manager (system) or the user's, over a fresh connection per attempt
 * (manager_connect()), closed before returning: we may run inside a PAM stack of a long-lived
 * host program. 0 on success; -errno with "systemd refused to REFUSED: reason" when a manager
 * answered with an error; -EHOSTDOWN with the reasons when none could be reached. */
static int call_manager(bool system, const char *method, append_args_fn append,
                        const void *userdata, const char *refused, struct sb_error *e)
{
        char why[SB_ERROR_MAX / 2] = "";
        int r;

        for (int attempt = 0; attempt < 2; attempt++) {
                _cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                _cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = NULL;
                char label[256];

                r = manager_connect(system, attempt, &bus, label, sizeof(label));
                if (r == -ENOMEM)
                        return sb_error_set(e, r, "out of memory");
                if (r < 0) {
                        why_append(why, sizeof(why), "%s: %s", label, strerror(-r));
                        continue;
                }
                r = sym_sd_bus_message_new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH,
                                                       SYSTEMD_INTERFACE, method);
                if (r >= 0)
                        r = append(m, userdata);
                if (r < 0)
                        return sb_error_set(e, r, "cannot build the %s request: %m", method);
                r = sym_sd_bus_call(bus, m, 0, &error, NULL);
                if (r >= 0)
                        return 0;
                if (!bus_error_means_absent(&error, r))
                        return sb_error_set(e, r, "systemd refused to %s: %s", refused,
                                            bus_error_text(&error, r));
                why_append(why, sizeof(why), "%s: %s", label, bus_error_text(&error, r));
        }
        return sb_error_set(e, -EHOSTDOWN, "no systemd %smanager found (%s)",
                            system ? "system " : "", why);
}

/* ---- SetUnitProperties ----------------------------------------------------------------------- */

struct set_properties_args {
        const char *unit;
        const struct limits *limits;
};

static int append_set_properties(sd_bus_message *m, const void *userdata)
{
        const struct set_properties_args *a = userdata;
        int r = sym_sd_bus_message_append(m, "sb", a->unit, 1); /* runtime: until reboot */

        if (r >= 0)
                r = sym_sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_limits(m, a->limits);
        if (r >= 0)
                r = sym_sd_bus_message_close_container(m);
        return r;
}

int manager_set_unit_properties(const char *unit, const struct limits *l, struct sb_error *e)
{
        const struct set_properties_args a = {unit, l};
        struct sb_error me = {};
        char refused[300];
        int r;

        r = sd_dl_open();
        if (r < 0)
                return sb_error_set(e, r, "cannot set limits on %s: cannot load libsystemd.so.0",
                                    unit);
        /* Always the system manager: the slice is above anything a user's own manager owns. */
        snprintf(refused, sizeof(refused), "set limits on %s", unit);
        r = call_manager(true, "SetUnitProperties", append_set_properties, &a, refused, &me);
        if (r == -EHOSTDOWN)
                return sb_error_set(e, r, "cannot set limits on %s: %s", unit, me.msg);
        return r < 0 ? sb_error_set(e, r, "%s", me.msg) : 0;
}

/* ---- AttachProcessesToUnit ------------------------------------------------------------------- */

static int append_attach_self(sd_bus_message *m, const void *userdata)
{
        return sym_sd_bus_message_append(m, "ssau", (const char *)userdata, "", 1,
                                         (uint32_t)getpid());
}

int manager_attach_self(const char *unit, struct sb_error *e)
{
        char refused[300];
        int r;

        if (!is_dir_nofollow("/run/systemd/system"))
                return sb_error_set(e, -EHOSTDOWN, "systemd is not PID 1");
        r = sd_dl_open();
        if (r < 0)
                return sb_error_set(e, r, "cannot load libsystemd.so.0");
        /* The manager moves us itself, or, when a user manager lacks the permission (a login
         * shell sits in session-N.scope, outside user@UID.service), asks the system manager to:
         * the same path as the PIDs= of StartTransientUnit. */
        snprintf(refused, sizeof(refused), "move us into %s", unit);
        return call_manager(geteuid() == 0, "AttachProcessesToUnit", append_attach_self, unit,
                            refused, e);
}

int manager_get_unit_u64(const char *unit, const char *interface, const char *property,
                         uint64_t *ret, struct sb_error *e)
{
        _cleanup_(sym_sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sym_sd_bus_error_freep) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        char label[256];
        const char *path;
        uint64_t v;
        int r;

        r = sd_dl_open();
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s of %s: cannot load libsystemd.so.0",
                                    property, unit);
        r = manager_connect(true, 0, &bus, label, sizeof(label));
        if (r < 0)
                return sb_error_set(e, -EHOSTDOWN, "cannot read %s of %s: %s: %s", property, unit,
                                    label, strerror(-r));
        /* GetUnit, not a path of our own making: it fails for a unit that is not loaded. */
        r = sym_sd_bus_message_new_method_call(bus, &reply, SYSTEMD_DEST, SYSTEMD_PATH,
                                               SYSTEMD_INTERFACE, "GetUnit");
        if (r >= 0)
                r = sym_sd_bus_message_append(reply, "s", unit);
        if (r < 0)
                return sb_error_set(e, r, "cannot build the request for %s: %m", unit);
        {
                _cleanup_(sym_sd_bus_message_unrefp) sd_bus_message *m = TAKE_PTR(reply);
                r = sym_sd_bus_call(bus, m, 0, &error, &reply);
        }
        if (r >= 0)
                r = sym_sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return sb_error_set(e, r, "systemd does not know %s: %s", unit,
                                    bus_error_text(&error, r));
        r = sym_sd_bus_get_property_trivial(bus, SYSTEMD_DEST, path, interface, property, &error,
                                            't', &v);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s of %s: %s", property, unit,
                                    bus_error_text(&error, r));
        *ret = v;
        return 0;
}
