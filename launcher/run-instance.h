/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `sandbox run` and the instance registry (instance.h): the record a running sandbox leaves
 * for `sandbox ps`, `enter` and `stop`. */

#include <stdbool.h>

#include "cgroup.h"
#include "spec.h"

struct run_instance {
        bool use_registry; /* false: not registered (no runtime directory, no --name) */
        char *name;        /* --name, or the default */
        bool explicit_name;
        const char *app;
        const struct scope *scope;
        bool limits;
        const struct sandbox_spec *spec;
        bool registered;
};

/* Check --name (NULL: the default, app or the command's base name plus a short random id) and
 * open the registry. Without --name a missing runtime directory only means the sandbox is not
 * listed (scripts under cron or su have none, and must keep working); with --name it is an
 * error. Returns 0 or an exit status of the launcher (after logging). */
int run_instance_prepare(struct run_instance *ri, const char *name, const char *base);

/* The container_started_fn of container_run_hooked(): writes the record, atomically claiming
 * the name; fails when a live sandbox has it. */
int run_instance_started(pid_t init_pid, void *userdata, struct sb_error *e);

/* Remove the record (the sandbox has ended) and release everything. */
void run_instance_done(struct run_instance *ri);
