/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A sandbox's scope: choose systemd or the cgroupfs fallback, check that what was asked for is
 * really enforced, report OOM kills, clean up. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "fd-util.h"
#include "manager.h"
#include "scope-internal.h"

struct scope *scope_new(void)
{
        struct scope *s = calloc(1, sizeof(*s));

        if (!s)
                return NULL;
        s->cgroup_fd = -EBADF;
        s->parent_fd = -EBADF;
        return s;
}

struct scope *scope_free(struct scope *s)
{
        if (!s)
                return NULL;
        if (!s->transient)
                cgroupfs_release(s);
        safe_close(s->cgroup_fd);
        safe_close(s->parent_fd);
        free(s->unit);
        free(s->cgroup_path);
        free(s);
        return NULL;
}

const char *scope_unit_name_get(const struct scope *s)
{
        return s ? s->unit : NULL;
}

const char *scope_cgroup_path(const struct scope *s)
{
        return s ? s->cgroup_path : NULL;
}

bool scope_is_transient_unit(const struct scope *s)
{
        return s && s->transient;
}

int scope_random_id(uint64_t *ret)
{
        uint64_t id;
        ssize_t n;

        do
                n = getrandom(&id, sizeof(id), 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n != (ssize_t)sizeof(id))
                return -EIO;
        *ret = id;
        return 0;
}

int cgroup2_open_root(const char **ret_where)
{
        static const char *const candidates[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};

        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                _cleanup_close_ int fd =
                    open(candidates[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                struct statfs sfs;

                /* Checked on the opened fd: what we use is what we checked. */
                if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
                        continue;
                *ret_where = candidates[i];
                return TAKE_FD(fd);
        }
        return -ENOMEDIUM;
}

int cgroup_self_path(char **ret)
{
        char buf[8192];
        ssize_t n = read_small_file_at(AT_FDCWD, "/proc/self/cgroup", buf, sizeof(buf));

        if (n < 0)
                return (int)n;
        return cgroup_parse_proc_cgroup(buf, ret);
}

int cgroup_pid_path(pid_t pid, char **ret)
{
        char path[64], buf[8192];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
        n = read_small_file_at(AT_FDCWD, path, buf, sizeof(buf));
        if (n < 0)
                return n == -ENOENT ? -ESRCH : (int)n;
        return cgroup_parse_proc_cgroup(buf, ret);
}

int cgroup_open_dir(int root_fd, const char *path)
{
        /* Below the root, never through a symlink, never onto another file system: cgroupfs has
         * no symlinks, so meeting one means this is not the tree we think it is. */
        struct open_how how = {
            .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
            .resolve =
                RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        const char *rel = path;
        long fd;

        while (*rel == '/')
                rel++;
        fd = syscall(SYS_openat2, root_fd, *rel ? rel : ".", &how, sizeof(how));
        return fd < 0 ? -errno : (int)fd;
}

int cgroup_contains_pid(int dir_fd, pid_t pid)
{
        _cleanup_close_ int fd = openat(dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        FILE *f;
        int r = 0;

        if (fd < 0)
                return -errno;
        f = fdopen(fd, "re");
        if (!f)
                return -errno;
        TAKE_FD(fd);
        while (getline(&line, &size, f) > 0)
                if (strtol(line, NULL, 10) == (long)pid) {
                        r = 1;
                        break;
                }
        fclose(f);
        return r;
}

/* After systemd said "done": find the scope's cgroup and check that the limits asked for are
 * enforceable there. systemd accepts MemoryMax= for a scope whose manager lacks the memory
 * controller and then silently enforces nothing; we refuse instead. */
static int attach_transient(const char *unit, const struct limits *l, struct scope **ret,
                            struct sb_error *e)
{
        _cleanup_(scope_freep) struct scope *s = NULL;
        _cleanup_close_ int root_fd = -EBADF;
        const char *where = NULL, *base;
        unsigned needed = cgroup_controllers_for_limits(l), have = 0;
        char buf[256], names[CGROUP_CONTROLLERS_STRING_MAX];
        ssize_t n;
        int r;

        s = scope_new();
        if (!s)
                return sb_error_set(e, -ENOMEM, "out of memory");
        s->transient = true;
        s->unit = strdup(unit);
        if (!s->unit)
                return sb_error_set(e, -ENOMEM, "out of memory");

        r = cgroup_self_path(&s->cgroup_path);
        if (r < 0 && needed)
                return sb_error_set(
                    e, r == -ENOMEDIUM ? -EOPNOTSUPP : r,
                    r == -ENOMEDIUM ? "%s was created, but this system has no cgroup v2 "
                                      "hierarchy to check and report its limits on; boot with "
                                      "systemd.unified_cgroup_hierarchy=1"
                                    : "%s was created, but /proc/self/cgroup cannot be read: %m",
                    unit);
        if (r < 0) {
                /* Nothing to enforce: the scope exists, we just cannot look at it. */
                *ret = TAKE_PTR(s);
                return 0;
        }
        base = strrchr(s->cgroup_path, '/');
        if (!base || !streq(base + 1, unit))
                return sb_error_set(e, -EIO, "systemd started %s, but this process is in %s", unit,
                                    s->cgroup_path);

        root_fd = cgroup2_open_root(&where);
        if (root_fd >= 0)
                s->cgroup_fd = cgroup_open_dir(root_fd, s->cgroup_path);
        if (s->cgroup_fd >= 0) {
                n = read_small_file_at(s->cgroup_fd, "cgroup.controllers", buf, sizeof(buf));
                if (n >= 0)
                        have = cgroup_controllers_parse(buf);
        }
        if (needed & ~have) {
                cgroup_controllers_format(needed & ~have, "", ", ", names);
                if (root_fd < 0 || s->cgroup_fd < 0)
                        return sb_error_set(e, -EOPNOTSUPP,
                                            "cannot check the limits of %s: its cgroup %s is not "
                                            "reachable on a cgroup v2 hierarchy",
                                            unit, s->cgroup_path);
                if (streq(where, "/sys/fs/cgroup/unified"))
                        return sb_error_set(
                            e, -EOPNOTSUPP,
                            "cannot enforce the limits of %s: this system runs a hybrid cgroup "
                            "v1/v2 setup, where the %s controller(s) belong to cgroup v1; boot "
                            "with systemd.unified_cgroup_hierarchy=1",
                            unit, names);
                if (geteuid() != 0)
                        return sb_error_set(
                            e, -EOPNOTSUPP,
                            "cannot enforce the limits of %s: your systemd user manager was not "
                            "delegated the %s controller(s); an admin can add them with a "
                            "user@.service drop-in (Delegate=cpu cpuset io memory pids, shipped "
                            "as user@.service.d/sandbox-delegate.conf); then log in again",
                            unit, names);
                return sb_error_set(e, -EOPNOTSUPP,
                                    "cannot enforce the limits of %s: the %s controller(s) are not "
                                    "enabled for %s",
                                    unit, names, s->cgroup_path);
        }
        *ret = TAKE_PTR(s);
        return 0;
}

static int make_unit_name(const char *app_name, char **ret, struct sb_error *e)
{
        uint64_t id;
        int r;

        if (!app_name || !app_name[0])
                return sb_error_set(e, -EINVAL, "an app name is needed to name its scope");
        r = scope_random_id(&id);
        if (r < 0)
                return sb_error_set(e, r, "cannot get random bytes for the scope's name: %m");
        r = scope_unit_name(app_name, id, ret);
        if (r == -ENAMETOOLONG)
                return sb_error_set(e, r, "app name too long for a unit name: %.64s...", app_name);
        if (r < 0)
                return sb_error_set(e, r, "cannot name the scope: %m");
        return 0;
}

int cgroup_scope_enter(const char *app_name, const struct limits *l, struct scope **ret,
                       struct sb_error *e)
{
        _cleanup_free_ char *unit = NULL, *escaped = NULL, *description = NULL;
        struct sb_error fe = {};
        char why[SB_ERROR_MAX / 2], wanted[160];
        int r;

        r = make_unit_name(app_name, &unit, e);
        if (r < 0)
                return r;
        if (string_is_printable_ascii(app_name))
                r = asprintf(&description, "Sandbox for %s", app_name);
        else if (unit_name_escape_app(app_name, &escaped) >= 0)
                r = asprintf(&description, "Sandbox for %s", escaped);
        else
                r = -1;
        if (r < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");

        r = manager_start_scope(unit, description, l, why, sizeof(why), e);
        if (r < 0)
                return r;
        if (r > 0)
                return attach_transient(unit, l, ret, e);

        /* No systemd manager. Nothing to enforce: run as we are, there is nothing to undo. */
        if (!limits_any(l)) {
                *ret = NULL;
                return 0;
        }
        r = cgroupfs_enter(unit, l, ret, &fe);
        if (r >= 0)
                return r;
        /* Fail closed: the policy sets limits we cannot enforce. */
        limits_format(l, wanted, sizeof(wanted));
        return sb_error_set(
            e, r, "cannot enforce %s: no systemd manager found (%s), and no usable cgroup: %s",
            wanted, why, fe.msg);
}

int cgroup_scope_enter_cgroupfs(const char *app_name, const struct limits *l, struct scope **ret,
                                struct sb_error *e)
{
        _cleanup_free_ char *unit = NULL;
        int r;

        r = make_unit_name(app_name, &unit, e);
        if (r < 0)
                return r;
        return cgroupfs_enter(unit, l, ret, e);
}

bool scope_oom_killed(struct scope *s)
{
        char buf[1024];
        uint64_t kills;
        ssize_t n;

        if (!s || s->cgroup_fd < 0)
                return false;
        n = read_small_file_at(s->cgroup_fd, "memory.events", buf, sizeof(buf));
        if (n < 0)
                return false;
        return cgroup_parse_keyed(buf, "oom_kill", &kills) >= 0 && kills > 0;
}

int cgroup_set_slice_limits(const char *unit, const struct limits *l, struct sb_error *e)
{
        if (!unit || !unit[0] || strlen(unit) > UNIT_NAME_LENGTH_MAX)
                return sb_error_set(e, -EINVAL, "invalid unit name");
        if (!limits_any(l))
                return 0;
        return manager_set_unit_properties(unit, l, e);
}

int cgroup_join(const char *path, const char *unit, struct sb_error *e)
{
        _cleanup_close_ int root_fd = -EBADF, dir_fd = -EBADF;
        struct sb_error me = {};
        const char *where;
        int r;

        root_fd = cgroup2_open_root(&where);
        if (root_fd < 0)
                return sb_error_set(e, root_fd, "no cgroup v2 hierarchy is mounted");
        dir_fd = cgroup_open_dir(root_fd, path);
        if (dir_fd < 0)
                return sb_error_set(e, dir_fd, "cannot open the cgroup %s%s: %m", where, path);
        r = write_string_file_at(dir_fd, "cgroup.procs", "0");
        if (r >= 0)
                return 0;
        /* Not ours to write (the common ancestor is the system's): ask systemd, which moves
         * processes of the same user into that user's units. */
        if (unit && (r == -EACCES || r == -EPERM) && manager_attach_self(unit, &me) >= 0 &&
            cgroup_contains_pid(dir_fd, getpid()) > 0)
                return 0;
        return sb_error_set(e, r, "cannot join the cgroup %s%s: %m%s%s", where, path,
                            me.msg[0] ? "; systemd: " : "", me.msg);
}

int cgroup_get_scope_runtime_max(const char *unit, uint64_t *ret, struct sb_error *e)
{
        if (!unit || !unit[0] || strlen(unit) > UNIT_NAME_LENGTH_MAX)
                return sb_error_set(e, -EINVAL, "invalid unit name");
        return manager_get_unit_u64(unit, "org.freedesktop.systemd1.Scope", "RuntimeMaxUSec", ret,
                                    e);
}
