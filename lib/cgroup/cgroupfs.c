/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fallback without a systemd manager: a child cgroup of our own delegated cgroup v2 cgroup,
 * written directly through cgroupfs.
 *
 * The rules of cgroup v2 that shape this file (Documentation/admin-guide/cgroup-v2.rst):
 * - a cgroup hands a controller to its children by listing it in its cgroup.subtree_control, and
 *   only controllers its own parent handed to it (cgroup.controllers) can be listed;
 * - "no internal processes": except for the root, a cgroup may enable controllers for its
 *   children only while it has no processes of its own (-EBUSY otherwise);
 * - moving a process needs write access to cgroup.procs of the destination and of the common
 *   ancestor of source and destination (here: our cgroup, which must be delegated to us). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "fd-util.h"
#include "scope-internal.h"

static int move_self(int dir_fd)
{
        char pid[32];

        snprintf(pid, sizeof(pid), "%d", (int)getpid());
        return write_string_file_at(dir_fd, "cgroup.procs", pid);
}

static int write_limit(struct scope *s, const char *file, const char *value, struct sb_error *e)
{
        int r = write_string_file_at(s->cgroup_fd, file, value);

        if (r < 0)
                return sb_error_set(e, r, "cannot write \"%s\" to %s/%s: %m", value, s->cgroup_path,
                                    file);
        return 0;
}

static int write_limits(struct scope *s, const struct limits *l, struct sb_error *e)
{
        char v[CGROUP_CPU_MAX_STRING_MAX];
        int r = 0;

        if (!l)
                return 0;
        /* memory.high before memory.max: a sandbox never runs with one and not the other. It
         * does not run at all yet; the order only keeps the intent readable. */
        if (r >= 0 && l->memory_high != LIMIT_UNSET) {
                snprintf(v, sizeof(v), "%" PRIu64, l->memory_high);
                r = write_limit(s, "memory.high", v, e);
        }
        if (r >= 0 && l->memory_max != LIMIT_UNSET) {
                snprintf(v, sizeof(v), "%" PRIu64, l->memory_max);
                r = write_limit(s, "memory.max", v, e);
        }
        if (r >= 0 && l->cpu_quota_per_sec_usec != LIMIT_UNSET)
                r = write_limit(s, "cpu.max", cgroup_format_cpu_max(l->cpu_quota_per_sec_usec, v),
                                e);
        if (r >= 0 && l->cpu_weight != LIMIT_UNSET) {
                snprintf(v, sizeof(v), "%" PRIu64, l->cpu_weight);
                r = write_limit(s, "cpu.weight", v, e);
        }
        if (r >= 0 && l->tasks_max != LIMIT_UNSET) {
                snprintf(v, sizeof(v), "%" PRIu64, l->tasks_max);
                r = write_limit(s, "pids.max", v, e);
        }
        if (r >= 0 && l->io_weight != LIMIT_UNSET) {
                /* io.weight exists when the kernel has a weight-based I/O controller
                 * (blk-iocost); its default entry applies to every device. */
                snprintf(v, sizeof(v), "default %" PRIu64, l->io_weight);
                r = write_limit(s, "io.weight", v, e);
        }
        return r;
}

int cgroupfs_enter(const char *unit, const struct limits *l, struct scope **ret, struct sb_error *e)
{
        _cleanup_(scope_freep) struct scope *s = NULL;
        _cleanup_close_ int root_fd = -EBADF;
        _cleanup_free_ char *path = NULL;
        struct sb_error de = {};
        const char *where = NULL;
        unsigned needed = cgroup_controllers_for_limits(l), have, enabled, missing;
        char buf[256], names[CGROUP_CONTROLLERS_STRING_MAX];
        ssize_t n;
        int r;

        root_fd = cgroup2_open_root(&where);
        if (root_fd < 0)
                return sb_error_set(e, -EOPNOTSUPP,
                                    "no cgroup v2 hierarchy is mounted (cgroup v1 only); boot with "
                                    "systemd.unified_cgroup_hierarchy=1 or mount cgroup2");
        r = cgroup_self_path(&path);
        if (r == -ENOMEDIUM)
                return sb_error_set(e, -EOPNOTSUPP,
                                    "this process has no cgroup v2 path in /proc/self/cgroup "
                                    "(cgroup v1 only)");
        if (r < 0)
                return sb_error_set(e, r,
                                    "cannot find our cgroup in /proc/self/cgroup (or it lies "
                                    "outside our cgroup namespace): %m");

        s = scope_new();
        if (!s)
                return sb_error_set(e, -ENOMEM, "out of memory");
        s->transient = false;
        s->parent_fd = cgroup_open_dir(root_fd, path);
        if (s->parent_fd < 0)
                return sb_error_set(e, s->parent_fd, "cannot open our cgroup %s below %s: %m", path,
                                    where);
        /* The tree mounted here must be the one /proc/self/cgroup speaks of (it is not, e.g.,
         * when a cgroup2 file system of another cgroup namespace is mounted there). */
        r = cgroup_contains_pid(s->parent_fd, getpid());
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s%s/cgroup.procs: %m", where, path);
        if (r == 0)
                return sb_error_set(e, -ENXIO,
                                    "%s%s does not list this process: the cgroup v2 tree mounted "
                                    "at %s is not the one of our cgroup namespace",
                                    where, path, where);

        r = cgroup_check_delegated(s->parent_fd, path, geteuid(), &de);
        if (r < 0)
                return sb_error_set(e, r,
                                    "%s; run sandbox under a systemd manager, or in a cgroup "
                                    "delegated to you",
                                    de.msg);

        n = read_small_file_at(s->parent_fd, "cgroup.controllers", buf, sizeof(buf));
        if (n < 0)
                return sb_error_set(e, (int)n, "cannot read %s/cgroup.controllers: %m", path);
        have = cgroup_controllers_parse(buf);
        missing = needed & ~have;
        if (missing) {
                cgroup_controllers_format(missing, "", ", ", names);
                if (streq(where, "/sys/fs/cgroup/unified"))
                        return sb_error_set(e, -EOPNOTSUPP,
                                            "the cgroup v2 hierarchy at %s lacks the %s "
                                            "controller(s): this is a hybrid cgroup v1/v2 system, "
                                            "where they belong to cgroup v1; boot with "
                                            "systemd.unified_cgroup_hierarchy=1",
                                            where, names);
                return sb_error_set(e, -EOPNOTSUPP,
                                    "the %s controller(s) are not available in our cgroup %s "
                                    "(its parent does not delegate them)",
                                    names, path);
        }
        n = read_small_file_at(s->parent_fd, "cgroup.subtree_control", buf, sizeof(buf));
        if (n < 0)
                return sb_error_set(e, (int)n, "cannot read %s/cgroup.subtree_control: %m", path);
        enabled = cgroup_controllers_parse(buf);

        s->unit = strdup(unit);
        if (asprintf(&s->cgroup_path, "%s/%s", streq(path, "/") ? "" : path, unit) < 0)
                s->cgroup_path = NULL;
        if (!s->unit || !s->cgroup_path)
                return sb_error_set(e, -ENOMEM, "out of memory");

        /* From here on, scope_free() (the cleanup of s) undoes what we did, in reverse. */
        if (mkdirat(s->parent_fd, unit, 0755) < 0)
                return sb_error_set(e, -errno, "cannot create cgroup %s: %m", s->cgroup_path);
        s->created = true;
        s->cgroup_fd = openat(s->parent_fd, unit, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (s->cgroup_fd < 0)
                return sb_error_set(e, -errno, "cannot open cgroup %s: %m", s->cgroup_path);

        if (needed & ~enabled) {
                char change[CGROUP_CONTROLLERS_STRING_MAX];

                /* Our cgroup has a process, us, so it may not enable controllers yet: move into
                 * the child first. If we were alone, our cgroup is now empty and may. */
                r = move_self(s->cgroup_fd);
                if (r < 0)
                        return sb_error_set(e, r, "cannot move this process into %s: %m",
                                            s->cgroup_path);
                s->joined = true;
                cgroup_controllers_format(needed & ~enabled, "+", " ", change);
                r = write_string_file_at(s->parent_fd, "cgroup.subtree_control", change);
                if (r == -EBUSY)
                        return sb_error_set(
                            e, r,
                            "cannot enable %s in %s/cgroup.subtree_control: other processes live "
                            "in that cgroup, and cgroup v2 lets only a cgroup without processes "
                            "give controllers to its children; start sandbox alone in a "
                            "delegated cgroup (e.g. systemd-run --user --scope -p Delegate=yes)",
                            change, path);
                if (r < 0)
                        return sb_error_set(e, r,
                                            "cannot enable %s in %s/cgroup.subtree_control: %m",
                                            change, path);
                s->enabled_in_parent = needed & ~enabled;
        }

        r = write_limits(s, l, e);
        if (r < 0)
                return r;
        if (!s->joined) {
                r = move_self(s->cgroup_fd);
                if (r < 0)
                        return sb_error_set(e, r, "cannot move this process into %s: %m",
                                            s->cgroup_path);
                s->joined = true;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

static void sleep_msec(long ms)
{
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

        (void)nanosleep(&ts, NULL);
}

void cgroupfs_release(struct scope *s)
{
        if (s->parent_fd < 0 || !s->created)
                return;
        /* Back to how our cgroup was: controllers off (so it may hold a process again), then
         * this process back in, then the child gone. Each step only when the one before it
         * worked; a failure leaves an empty, still limited cgroup behind, never a looser one. */
        if (s->enabled_in_parent) {
                char change[CGROUP_CONTROLLERS_STRING_MAX];

                cgroup_controllers_format(s->enabled_in_parent, "-", " ", change);
                if (write_string_file_at(s->parent_fd, "cgroup.subtree_control", change) < 0)
                        return;
                s->enabled_in_parent = 0;
        }
        if (s->joined) {
                if (move_self(s->parent_fd) < 0)
                        return;
                s->joined = false;
        }
        /* The sandbox's last processes may still be leaving (the monitor does not always wait
         * for PID 1 to be reaped): give them a moment. */
        for (int i = 0; i < 40; i++) {
                if (unlinkat(s->parent_fd, s->unit, AT_REMOVEDIR) == 0 || errno != EBUSY)
                        break;
                sleep_msec(50);
        }
        s->created = false;
}
