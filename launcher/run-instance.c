/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "exec-util.h"
#include "instance.h"
#include "log.h"
#include "run-instance.h"
#include "strv.h"

static uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int run_instance_prepare(struct run_instance *ri, const char *name, const char *base)
{
        struct sb_error e = {};
        int r;

        if (name) {
                if (!instance_name_is_valid(name)) {
                        log_error("run: --name %s: use 1-64 letters, digits, '_', '.' and '-', "
                                  "not starting with '.'",
                                  name);
                        return EXIT_LAUNCHER_ERROR;
                }
                ri->name = strdup(name);
                ri->explicit_name = true;
        } else {
                /* The base name, cut so that "-XXXXXXXX" fits, with characters a name may not
                 * have replaced. 32 random bits: a name already taken fails the run, and with 16
                 * a few hundred sandboxes of one command would meet one. */
                uint32_t id = 0;
                char buf[INSTANCE_NAME_MAX + 1];
                int n;

                if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
                        id = (uint32_t)getpid() ^ (uint32_t)now_usec(); /* a name, not a secret */
                n = snprintf(buf, sizeof(buf), "%.55s-%08" PRIx32, base[0] == '.' ? base + 1 : base,
                             id);
                for (int k = 0; k < n && k < INSTANCE_NAME_MAX; k++)
                        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789_.-",
                                    buf[k]))
                                buf[k] = '_';
                ri->name = strdup(instance_name_is_valid(buf) ? buf : "sandbox");
        }
        if (!ri->name)
                return log_error_errno(-ENOMEM, "run: %m"), EXIT_LAUNCHER_ERROR;
        /* Only a check here: the registry is opened again after PID 1 has been cloned, so that
         * no process of the sandbox ever holds a descriptor of it. */
        r = instance_dir_open(true, &e);
        if (r < 0 && ri->explicit_name) {
                log_error("run: --name %s: %s", name, e.msg);
                return EXIT_LAUNCHER_ERROR;
        }
        ri->use_registry = r >= 0;
        safe_close(r);
        return 0;
}

int run_instance_started(pid_t init_pid, void *userdata, struct sb_error *e)
{
        struct run_instance *ri = userdata;
        const struct sandbox_spec *spec = ri->spec;
        struct instance i = {
            .uid = getuid(),
            .monitor_pid = getpid(),
            .init_pid = init_pid,
            .started_usec = now_usec(),
            .limits = ri->limits,
            .private_network = spec->net == NET_NONE,
            .keep_caps = spec->keep_caps,
            .syscall_filter = spec->syscall_filter,
            .syscall_allow_list = spec->syscall_allow_list,
        };
        _cleanup_close_ int dir_fd = -EBADF;
        int r;

        if (!ri->use_registry)
                return 0;
        dir_fd = instance_dir_open(false, e);
        if (dir_fd < 0)
                return dir_fd;
        r = proc_pid_start_time(i.monitor_pid, &i.monitor_start);
        if (r >= 0)
                r = proc_pid_start_time(init_pid, &i.init_start);
        if (r < 0)
                return sb_error_set(e, r, "cannot read the start time of the sandbox: %m");
        /* Borrowed pointers: the record only lives for the write below. */
        i.name = ri->name;
        i.app = (char *)ri->app;
        i.scope = ri->scope ? (char *)scope_unit_name_get(ri->scope) : NULL;
        i.cgroup = ri->scope ? (char *)scope_cgroup_path(ri->scope) : NULL;
        i.workdir = spec->workdir ? spec->workdir : spec->home ? spec->home : (char *)"/";
        i.syscall_names = spec->syscall_names;
        i.argv = spec->argv;
        i.env = spec->env;
        r = instance_register(dir_fd, &i, e);
        if (r >= 0)
                ri->registered = true;
        return r;
}

void run_instance_done(struct run_instance *ri)
{
        if (ri->registered) {
                _cleanup_close_ int dir_fd = instance_dir_open(false, NULL);
                if (dir_fd >= 0)
                        (void)instance_remove(dir_fd, ri->name, getpid());
        }
        ri->registered = false;
        free(ri->name);
        ri->name = NULL;
}
