/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "fd-util.h"
#include "instance.h"
#include "proc-util.h"
#include "strv.h"

void instance_done(struct instance *i)
{
        free(i->name);
        free(i->app);
        free(i->scope);
        free(i->cgroup);
        free(i->workdir);
        strv_free(i->syscall_names);
        strv_free(i->argv);
        strv_free(i->env);
        *i = (struct instance){};
}

bool instance_name_is_valid(const char *name)
{
        size_t n = strlen(name);

        return n > 0 && n <= INSTANCE_NAME_MAX && name[0] != '.' &&
               strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                   n;
}

/* dir_fd/name: a directory of ours, mode 0700, not a symlink; created when asked. */
static int open_private_dir(int dir_fd, const char *name, const char *shown, bool create,
                            struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        if (create && mkdirat(dir_fd, name, 0700) < 0 && errno != EEXIST)
                return sb_error_set(e, -errno, "cannot create %s: %m", shown);
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return sb_error_set(e, -errno,
                                    errno == ENOENT ? "no sandbox is running (%s does not exist)"
                                                    : "cannot open %s: %m",
                                    shown);
        if (fstat(fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat %s: %m", shown);
        if (st.st_uid != getuid() || (st.st_mode & 077))
                return sb_error_set(e, -EPERM,
                                    "%s must belong to uid %u and be closed to others (it is "
                                    "owned by uid %u, mode %04o)",
                                    shown, (unsigned)getuid(), (unsigned)st.st_uid,
                                    (unsigned)(st.st_mode & 07777));
        return TAKE_FD(fd);
}

/* $XDG_RUNTIME_DIR when it is absolute, else /run/user/UID (in fallback). */
static const char *runtime_base(char fallback[static 64])
{
        const char *env = secure_getenv("XDG_RUNTIME_DIR");

        snprintf(fallback, 64, "/run/user/%u", (unsigned)getuid());
        return env && env[0] == '/' ? env : fallback;
}

int instance_registry_path(char *buf, size_t size)
{
        char fallback[64];
        int n = snprintf(buf, size, "%s/sandbox", runtime_base(fallback));

        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int instance_dir_open(bool create, struct sb_error *e)
{
        _cleanup_close_ int rt = -EBADF, sb = -EBADF;
        char fallback[64], shown[4200];
        const char *base = runtime_base(fallback);
        struct stat st;

        /* The runtime directory itself is the session's (pam_systemd made it, or the user);
         * it may be reached through a symlink, but it must be the caller's and private. */
        rt = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rt < 0)
                return sb_error_set(e, -errno,
                                    "no runtime directory for the instance registry: %s: %m "
                                    "(set XDG_RUNTIME_DIR to a private directory of yours)",
                                    base);
        if (fstat(rt, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat %s: %m", base);
        if (st.st_uid != getuid() || (st.st_mode & 022))
                return sb_error_set(e, -EPERM,
                                    "the runtime directory %s is not yours or is writable by "
                                    "others; refusing to keep the instance registry there",
                                    base);
        snprintf(shown, sizeof(shown), "%s/sandbox", base);
        sb = open_private_dir(rt, "sandbox", shown, create, e);
        if (sb < 0)
                return sb;
        snprintf(shown, sizeof(shown), "%s/sandbox/instances", base);
        return open_private_dir(sb, "instances", shown, create, e);
}

static int put(FILE *f, const char *key, const char *value)
{
        _cleanup_free_ char *esc = line_escape(value);

        if (!esc)
                return -ENOMEM;
        fprintf(f, "%s=%s\n", key, esc);
        return 0;
}

int instance_format(const struct instance *i, char **ret, size_t *ret_size)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int r = 0;

        if (!f)
                return -ENOMEM;
        r = put(f, "name", i->name);
        fprintf(f,
                "uid=%u\nmonitor_pid=%d\nmonitor_start=%" PRIu64 "\ninit_pid=%d\n"
                "init_start=%" PRIu64 "\nstarted_usec=%" PRIu64 "\nlimits=%d\n"
                "private_network=%d\nkeep_caps=%" PRIx64 "\nsyscall_filter=%d\n"
                "syscall_allow_list=%d\n",
                (unsigned)i->uid, (int)i->monitor_pid, i->monitor_start, (int)i->init_pid,
                i->init_start, i->started_usec, i->limits, i->private_network, i->keep_caps,
                i->syscall_filter, i->syscall_allow_list);
        if (r >= 0 && i->app)
                r = put(f, "app", i->app);
        if (r >= 0 && i->scope)
                r = put(f, "scope", i->scope);
        if (r >= 0 && i->cgroup)
                r = put(f, "cgroup", i->cgroup);
        if (r >= 0 && i->workdir)
                r = put(f, "workdir", i->workdir);
        STRV_FOREACH (s, i->syscall_names)
                if (r >= 0)
                        r = put(f, "syscall", *s);
        STRV_FOREACH (s, i->argv)
                if (r >= 0)
                        r = put(f, "argv", *s);
        STRV_FOREACH (s, i->env)
                if (r >= 0)
                        r = put(f, "env", *s);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

/* Write i to a new temporary file in dir_fd; its name goes to tmp. */
static int write_temp(int dir_fd, const struct instance *i, char *tmp, size_t tmp_size,
                      struct sb_error *e)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t size;
        int r;

        r = instance_format(i, &buf, &size);
        if (r < 0)
                return sb_error_set(e, r, "cannot write the instance record: %m");
        snprintf(tmp, tmp_size, ".%s.%d.tmp", i->name, (int)getpid());
        /* A new file: whatever lies at that name (one a launcher of this pid left, a FIFO that
         * would block the open, a hard link to another file that O_TRUNC would empty) goes. */
        (void)unlinkat(dir_fd, tmp, 0);
        fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return sb_error_set(e, -errno, "cannot create the instance record %s: %m", tmp);
        r = write_all(fd, buf, size);
        if (r < 0) {
                (void)unlinkat(dir_fd, tmp, 0);
                return sb_error_set(e, r, "cannot write the instance record %s: %m", tmp);
        }
        return 0;
}

/* Take the registry's lock: flock() on a descriptor of its own (a lock belongs to the open file
 * description, which a caller's dir_fd may share with a fork). Released by closing the fd. */
static int lock_registry(int dir_fd)
{
        _cleanup_close_ int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return -errno;
        return TAKE_FD(fd);
}

int instance_register(int dir_fd, const struct instance *i, struct sb_error *e)
{
        _cleanup_close_ int lock = -EBADF;
        char tmp[INSTANCE_NAME_MAX + 32];
        int r;

        r = write_temp(dir_fd, i, tmp, sizeof(tmp), e);
        if (r < 0)
                return r;
        /* Whoever replaces a stale record must hold the lock from reading it to linking its own:
         * otherwise two launchers that both read the stale one could each unlink what is there
         * and link theirs, the second removing the first's live record, and both would run
         * under one name. instance_remove() takes it too. */
        lock = lock_registry(dir_fd);
        if (lock < 0) {
                (void)unlinkat(dir_fd, tmp, 0);
                return sb_error_set(e, lock, "cannot lock the instance registry: %m");
        }
        /* linkat() never replaces an existing name: it is the lock that makes names unique. */
        for (int attempt = 0;; attempt++) {
                struct instance old = {};

                if (linkat(dir_fd, tmp, dir_fd, i->name, 0) == 0)
                        break;
                r = -errno;
                if (r != -EEXIST || attempt > 0) {
                        (void)unlinkat(dir_fd, tmp, 0);
                        return sb_error_set(e, r, "cannot register the sandbox '%s': %m", i->name);
                }
                if (instance_read(dir_fd, i->name, &old, NULL) >= 0 && instance_is_alive(&old)) {
                        instance_done(&old);
                        (void)unlinkat(dir_fd, tmp, 0);
                        return sb_error_set(e, -EEXIST,
                                            "a sandbox named '%s' is already running; choose "
                                            "another --name",
                                            i->name);
                }
                instance_done(&old);
                (void)unlinkat(dir_fd, i->name, 0); /* stale (or unreadable): ours now */
        }
        (void)unlinkat(dir_fd, tmp, 0);
        return 0;
}

int instance_update(int dir_fd, const struct instance *i, struct sb_error *e)
{
        char tmp[INSTANCE_NAME_MAX + 32];
        int r;

        r = write_temp(dir_fd, i, tmp, sizeof(tmp), e);
        if (r < 0)
                return r;
        if (renameat(dir_fd, tmp, dir_fd, i->name) < 0) {
                r = -errno;
                (void)unlinkat(dir_fd, tmp, 0);
                return sb_error_set(e, r, "cannot update the instance record of '%s': %m", i->name);
        }
        return 0;
}

/* The numeric keys, with the largest value their field holds. Values are read exactly as
 * instance_format() writes them (decimal, or lowercase hex for keep_caps; no sign, blank or
 * leading zero) and each key at most once: a record is only ever written by a monitor, so
 * anything else was made by someone else, and must not be read as something it does not say (a
 * monitor_pid of 2^32+1 that strtoull() and a cast turned into pid 1, a second uid= overriding
 * the first). */
enum {
        NUM_UID,
        NUM_MONITOR_PID,
        NUM_MONITOR_START,
        NUM_INIT_PID,
        NUM_INIT_START,
        NUM_STARTED_USEC,
        NUM_LIMITS,
        NUM_PRIVATE_NETWORK,
        NUM_KEEP_CAPS,
        NUM_SYSCALL_FILTER,
        NUM_SYSCALL_ALLOW_LIST,
};
static const struct {
        const char *key;
        uint64_t max;
} numbers[] = {
    [NUM_UID] = {"uid", UINT32_MAX - 1}, /* (uid_t)-1 is no user */
    [NUM_MONITOR_PID] = {"monitor_pid", INT32_MAX},
    [NUM_MONITOR_START] = {"monitor_start", UINT64_MAX},
    [NUM_INIT_PID] = {"init_pid", INT32_MAX},
    [NUM_INIT_START] = {"init_start", UINT64_MAX},
    [NUM_STARTED_USEC] = {"started_usec", UINT64_MAX},
    [NUM_LIMITS] = {"limits", 1},
    [NUM_PRIVATE_NETWORK] = {"private_network", 1},
    [NUM_KEEP_CAPS] = {"keep_caps", UINT64_MAX},
    [NUM_SYSCALL_FILTER] = {"syscall_filter", 1},
    [NUM_SYSCALL_ALLOW_LIST] = {"syscall_allow_list", 1},
};

static int parse_number(const char *v, bool hex, uint64_t max, uint64_t *ret)
{
        const char *digits = hex ? "0123456789abcdef" : "0123456789";
        size_t n = strlen(v);
        uint64_t x = 0;

        if (n == 0 || strspn(v, digits) != n || (v[0] == '0' && n > 1))
                return -EINVAL;
        for (size_t k = 0; k < n; k++) {
                uint64_t d = (uint64_t)(strchr(digits, v[k]) - digits);

                if (__builtin_mul_overflow(x, hex ? 16 : 10, &x) ||
                    __builtin_add_overflow(x, d, &x))
                        return -ERANGE;
        }
        if (x > max)
                return -ERANGE;
        *ret = x;
        return 0;
}

static int parse_line(struct instance *i, const char *key, const char *value, unsigned *seen)
{
        static const struct {
                const char *key;
                size_t off;
        } strings[] = {
            {"name", offsetof(struct instance, name)},
            {"app", offsetof(struct instance, app)},
            {"scope", offsetof(struct instance, scope)},
            {"cgroup", offsetof(struct instance, cgroup)},
            {"workdir", offsetof(struct instance, workdir)},
        };
        _cleanup_free_ char *v = NULL;
        uint64_t x;
        size_t k;
        int r;

        r = line_unescape(value, &v);
        if (r < 0)
                return r;
        for (k = 0; k < ELEMENTSOF(strings); k++)
                if (streq(key, strings[k].key)) {
                        char **p = (char **)((char *)i + strings[k].off);
                        if (*p)
                                return -EINVAL; /* duplicate */
                        *p = TAKE_PTR(v);
                        return 0;
                }
        if (streq(key, "argv"))
                return strv_consume(&i->argv, TAKE_PTR(v));
        if (streq(key, "env"))
                return strv_consume(&i->env, TAKE_PTR(v));
        if (streq(key, "syscall"))
                return strv_consume(&i->syscall_names, TAKE_PTR(v));
        for (k = 0; k < ELEMENTSOF(numbers) && !streq(key, numbers[k].key); k++)
                ;
        if (k == ELEMENTSOF(numbers) || (*seen & 1U << k))
                return -EINVAL; /* unknown, or a duplicate */
        *seen |= 1U << k;
        r = parse_number(v, k == NUM_KEEP_CAPS, numbers[k].max, &x);
        if (r < 0)
                return r;
        switch (k) {
        case NUM_UID:
                i->uid = (uid_t)x;
                break;
        case NUM_MONITOR_PID:
                i->monitor_pid = (pid_t)x;
                break;
        case NUM_MONITOR_START:
                i->monitor_start = x;
                break;
        case NUM_INIT_PID:
                i->init_pid = (pid_t)x;
                break;
        case NUM_INIT_START:
                i->init_start = x;
                break;
        case NUM_STARTED_USEC:
                i->started_usec = x;
                break;
        case NUM_LIMITS:
                i->limits = x;
                break;
        case NUM_PRIVATE_NETWORK:
                i->private_network = x;
                break;
        case NUM_KEEP_CAPS:
                i->keep_caps = x;
                break;
        case NUM_SYSCALL_FILTER:
                i->syscall_filter = x;
                break;
        case NUM_SYSCALL_ALLOW_LIST:
                i->syscall_allow_list = x;
                break;
        default:
                return -EINVAL;
        }
        return 0;
}

int instance_parse(const char *text, size_t size, const char *name, uid_t uid, struct instance *ret,
                   struct sb_error *e)
{
        _cleanup_(instance_done) struct instance i = {};
        _cleanup_free_ char *buf = NULL;
        unsigned line = 0, seen = 0;
        char *save = NULL;
        int r;

        /* strtok_r() would end the record at a NUL and drop the rest unread */
        if (memchr(text, '\0', size))
                return sb_error_set(e, -EINVAL, "the record of '%s' contains a NUL byte", name);
        buf = malloc(size + 1);
        if (!buf)
                return sb_error_set(e, -ENOMEM, "out of memory");
        memcpy(buf, text, size);
        buf[size] = '\0';
        for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(l, '=');

                line++;
                if (!eq)
                        return sb_error_set(e, -EINVAL, "record of '%s', line %u: no '='", name,
                                            line);
                *eq = '\0';
                r = parse_line(&i, l, eq + 1, &seen);
                if (r < 0)
                        return sb_error_set(e, r, "record of '%s', line %u: bad %s=", name, line,
                                            l);
        }
        if (!i.name || !streq(i.name, name) || i.monitor_pid <= 0 || i.uid != uid)
                return sb_error_set(e, -EINVAL, "the record of '%s' is incomplete or not yours",
                                    name);
        *ret = i;
        i = (struct instance){};
        return 0;
}

int instance_read(int dir_fd, const char *name, struct instance *ret, struct sb_error *e)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        size_t size;
        int r;

        if (!instance_name_is_valid(name))
                return sb_error_set(e, -EINVAL,
                                    "'%s' is not a sandbox name (1-64 of A-Z a-z 0-9 _ . -)", name);
        /* O_NONBLOCK: a FIFO in place of a record must be refused (below), not waited on. */
        fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return sb_error_set(e, -errno,
                                    errno == ENOENT ? "no sandbox named '%s' is running"
                                                    : "cannot open the record of '%s': %m",
                                    name);
        r = read_regular_fd(fd, 1 << 20, &buf, &size, &st);
        if (r < 0)
                return sb_error_set(e, r, "cannot read the record of '%s': %m", name);
        if (st.st_uid != getuid())
                return sb_error_set(e, -EPERM, "the record of '%s' does not belong to you", name);
        return instance_parse(buf, size, name, getuid(), ret, e);
}

bool instance_is_alive(const struct instance *i)
{
        if (!proc_pid_matches(i->monitor_pid, i->monitor_start))
                return false;
        return i->init_pid == 0 || proc_pid_matches(i->init_pid, i->init_start);
}

int instance_remove(int dir_fd, const char *name, pid_t monitor_pid)
{
        _cleanup_close_ int lock = -EBADF;
        struct instance i = {};
        int r;

        /* Under the lock, so that the record we check is the one we unlink (instance_register()
         * replaces a stale record under it). */
        lock = lock_registry(dir_fd);
        if (lock < 0)
                return lock;
        r = instance_read(dir_fd, name, &i, NULL);
        if (r >= 0 && i.monitor_pid != monitor_pid)
                r = -ESTALE; /* someone else's by now */
        instance_done(&i);
        if (r < 0)
                return r;
        return unlinkat(dir_fd, name, 0) < 0 ? -errno : 0;
}

static int compare_start(const void *a, const void *b)
{
        const struct instance *x = a, *y = b;

        return x->started_usec < y->started_usec ? -1 : x->started_usec > y->started_usec;
}

void instance_list_free(struct instance *l, size_t n)
{
        for (size_t k = 0; k < n; k++)
                instance_done(&l[k]);
        free(l);
}

int instance_list(int dir_fd, struct instance **ret, size_t *ret_n)
{
        struct instance *l = NULL;
        size_t n = 0;
        DIR *d;
        int fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);

        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        rewinddir(d);
        for (struct dirent *de; (de = readdir(d));) {
                struct instance i = {};
                struct instance *nl;

                if (!instance_name_is_valid(de->d_name))
                        continue; /* ".", "..", temporary files */
                if (instance_read(dir_fd, de->d_name, &i, NULL) < 0)
                        continue;
                if (!instance_is_alive(&i)) {
                        (void)instance_remove(dir_fd, de->d_name, i.monitor_pid);
                        instance_done(&i);
                        continue;
                }
                nl = reallocarray(l, n + 1, sizeof(*l));
                if (!nl) {
                        instance_done(&i);
                        instance_list_free(l, n);
                        closedir(d);
                        return -ENOMEM;
                }
                l = nl;
                l[n++] = i;
        }
        closedir(d);
        if (n > 1)
                qsort(l, n, sizeof(*l), compare_start);
        *ret = l;
        *ret_n = n;
        return 0;
}
