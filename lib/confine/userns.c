/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd-util.h"
#include "subid.h"
#include "userns.h"

extern char **environ;

int userns_map_self(pid_t pid, uid_t uid, gid_t gid, struct sb_error *e)
{
        return userns_map_single(pid, uid, uid, gid, gid, e);
}

int userns_map_single(pid_t pid, uid_t inside_uid, uid_t uid, gid_t inside_gid, gid_t gid,
                      struct sb_error *e)
{
        _cleanup_close_ int dir = -EBADF;
        char path[64], map[64];
        int r;

        if (pid == 0)
                snprintf(path, sizeof(path), "/proc/self");
        else
                snprintf(path, sizeof(path), "/proc/%d", (int)pid);
        dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return sb_error_set(e, -errno, "cannot open %s: %m", path);

        r = write_string_file_at(dir, "setgroups", "deny");
        if (r < 0 && r != -ENOENT)
                return sb_error_set(e, r, "cannot write %s/setgroups: %m", path);
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inside_gid, (unsigned)gid);
        r = write_string_file_at(dir, "gid_map", map);
        if (r < 0)
                return userns_explain_denied(r, "writing gid_map", e);
        snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)inside_uid, (unsigned)uid);
        r = write_string_file_at(dir, "uid_map", map);
        if (r < 0)
                return userns_explain_denied(r, "writing uid_map", e);
        return 0;
}

static int run_map_helper(const char *helper, pid_t pid, const char *map, struct sb_error *e)
{
        char pidstr[16], mapbuf[256], *argv[16];
        size_t n = 0;
        pid_t child;
        int status, r;

        snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
        snprintf(mapbuf, sizeof(mapbuf), "%s", map);
        argv[n++] = (char *)helper;
        argv[n++] = pidstr;
        for (char *save = NULL, *t = strtok_r(mapbuf, " ", &save); t && n < ELEMENTSOF(argv) - 1;
             t = strtok_r(NULL, " ", &save))
                argv[n++] = t;
        argv[n] = NULL;

        r = posix_spawn(&child, helper, NULL, NULL, argv, environ);
        if (r != 0)
                return sb_error_set(e, -r, "cannot run %s: %m", helper);
        while (waitpid(child, &status, 0) < 0)
                if (errno != EINTR)
                        return sb_error_set(e, -errno, "waiting for %s: %m", helper);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return sb_error_set(e, -EPERM,
                                    "%s %s failed (is it setuid root, and does no_new_privs "
                                    "apply to this session?)",
                                    helper, map);
        return 0;
}

static int lookup_range(const char *file, const char *user, unsigned long id,
                        struct subid_range *ret, struct sb_error *e)
{
        FILE *f = fopen(file, "re");
        int r;

        if (!f)
                return sb_error_set(e, -errno,
                                    "cannot read %s: %m; ask your administrator for subordinate "
                                    "ids (usermod --add-subuids/--add-subgids)",
                                    file);
        r = subid_find(f, user, id, ret);
        fclose(f);
        if (r < 0)
                return sb_error_set(e, r, "%s: malformed entry for %s", file, user);
        if (r == 0)
                return sb_error_set(e, -ENOENT,
                                    "%s has no range for %s; ask your administrator to add one "
                                    "(usermod --add-subuids/--add-subgids)",
                                    file, user);
        return 0;
}

int userns_map_subids(pid_t pid, uid_t uid, gid_t gid, const char *user, struct sb_error *e)
{
        struct subid_range ur, gr;
        char umap[192], gmap[192];
        int r;

        /* The helpers first: without them no entry in /etc/subuid helps. */
        for (size_t i = 0; i < 2; i++) {
                const char *helper = i == 0 ? "/usr/bin/newuidmap" : "/usr/bin/newgidmap";
                struct stat st;

                if (stat(helper, &st) < 0 || !S_ISREG(st.st_mode) || access(helper, X_OK) < 0)
                        return sb_error_set(e, -ENOENT,
                                            "%s not found: install the uidmap package to map "
                                            "/etc/subuid ranges, or run without --subid-ranges",
                                            helper);
        }
        r = lookup_range("/etc/subuid", user, uid, &ur, e);
        if (r < 0)
                return r;
        r = lookup_range("/etc/subgid", user, gid, &gr, e);
        if (r < 0)
                return r;
        if (subid_map_format(uid, &ur, umap, sizeof(umap)) < 0 ||
            subid_map_format(gid, &gr, gmap, sizeof(gmap)) < 0)
                return sb_error_set(e, -EINVAL, "id map too long");
        r = run_map_helper("/usr/bin/newgidmap", pid, gmap, e);
        if (r < 0)
                return r;
        return run_map_helper("/usr/bin/newuidmap", pid, umap, e);
}

static long read_sysctl(const char *path)
{
        char buf[32];

        if (read_small_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
                return -1;
        return strtol(buf, NULL, 10);
}

int userns_explain_failure(int err, struct sb_error *e)
{
        if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0)
                return sb_error_set(e, err,
                                    "cannot create a user namespace: unprivileged user namespaces "
                                    "are disabled (/proc/sys/user/max_user_namespaces is 0); ask "
                                    "your administrator to set user.max_user_namespaces=15000 "
                                    "with sysctl");
        if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0)
                return sb_error_set(e, err,
                                    "cannot create a user namespace: unprivileged user namespaces "
                                    "are disabled (kernel.unprivileged_userns_clone is 0); ask "
                                    "your administrator to set it to 1 with sysctl");
        if (err == -ENOSPC || err == -EUSERS)
                return sb_error_set(e, err,
                                    "cannot create a user namespace: %m (the per-user limit "
                                    "user.max_user_namespaces or the nesting depth of 32 is "
                                    "reached)");
        if (err == -EPERM)
                return sb_error_set(e, err,
                                    "cannot create a user namespace: %m (a seccomp filter or "
                                    "security module of the caller forbids it; run outside the "
                                    "enclosing container or sandbox)");
        return sb_error_set(e, err, "cannot create a user namespace: %m");
}

int userns_explain_denied(int err, const char *what, struct sb_error *e)
{
        if (err == -EPERM &&
            read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
                return sb_error_set(e, err,
                                    "%s: %m: AppArmor restricts unprivileged user namespaces "
                                    "(kernel.apparmor_restrict_unprivileged_userns=1); ask your "
                                    "administrator for an AppArmor profile that allows userns "
                                    "for sandbox",
                                    what);
        return sb_error_set(e, err, "%s: %m", what);
}
