/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-util.h"

static const char hexdigits[] = "0123456789abcdef";

static bool is_alnum_ascii(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int unit_name_escape_app(const char *app, char **ret)
{
        size_t n = strlen(app), o = 0;
        char *out;

        if (n == 0)
                return -EINVAL;
        if (n > (SIZE_MAX - 1) / 4)
                return -ENOMEM;
        out = malloc(n * 4 + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)app[i];

                if (is_alnum_ascii((char)c) || c == ':' || c == '_' || (c == '.' && i > 0)) {
                        out[o++] = (char)c;
                } else {
                        out[o++] = '\\';
                        out[o++] = 'x';
                        out[o++] = hexdigits[c >> 4];
                        out[o++] = hexdigits[c & 15];
                }
        }
        out[o] = '\0';
        *ret = out;
        return 0;
}

int scope_unit_name(const char *app, uint64_t id, char **ret)
{
        _cleanup_free_ char *escaped = NULL;
        char *name;
        int r;

        r = unit_name_escape_app(app, &escaped);
        if (r < 0)
                return r;
        if (asprintf(&name, "sandbox-%s-%016" PRIx64 ".scope", escaped, id) < 0)
                return -ENOMEM;
        if (strlen(name) > UNIT_NAME_LENGTH_MAX) {
                free(name);
                return -ENAMETOOLONG;
        }
        *ret = name;
        return 0;
}

bool string_is_printable_ascii(const char *s)
{
        if (!s[0])
                return false;
        for (; *s; s++)
                if (*s < 0x20 || *s > 0x7e)
                        return false;
        return true;
}

int bus_address_escape(const char *s, char **ret)
{
        size_t n = strlen(s), o = 0;
        char *out;

        if (n > (SIZE_MAX - 1) / 3)
                return -ENOMEM;
        out = malloc(n * 3 + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];

                if (is_alnum_ascii((char)c) || strchr("-_/.", c)) {
                        out[o++] = (char)c;
                } else {
                        out[o++] = '%';
                        out[o++] = hexdigits[c >> 4];
                        out[o++] = hexdigits[c & 15];
                }
        }
        out[o] = '\0';
        *ret = out;
        return 0;
}

static bool cgroup_path_is_clean(const char *p, size_t len)
{
        if (len == 0 || p[0] != '/')
                return false;
        for (size_t i = 1; i < len;) {
                size_t c = 0;

                while (i + c < len && p[i + c] != '/')
                        c++;
                if ((c == 1 && p[i] == '.') || (c == 2 && p[i] == '.' && p[i + 1] == '.'))
                        return false;
                if (c == 0 && i + c < len)
                        return false; /* "//" never appears in what the kernel prints */
                i += c + 1;
        }
        /* nor does a trailing '/', but for the root */
        return len == 1 || p[len - 1] != '/';
}

int cgroup_parse_proc_cgroup(const char *text, char **ret_path)
{
        const char *found = NULL;
        size_t found_len = 0;

        for (const char *line = text; *line;) {
                size_t len = strcspn(line, "\n");

                if (len >= 3 && memcmp(line, "0::", 3) == 0) {
                        if (found)
                                return -EINVAL;
                        found = line + 3;
                        found_len = len - 3;
                } else if (len > 0 && !memchr(line, ':', len)) {
                        return -EINVAL; /* every line is ID:CONTROLLERS:PATH */
                }
                line += len;
                if (*line == '\n')
                        line++;
        }
        if (!found)
                return -ENOMEDIUM;
        if (!cgroup_path_is_clean(found, found_len))
                return -EINVAL;
        *ret_path = strndup(found, found_len);
        return *ret_path ? 0 : -ENOMEM;
}

static const struct {
        unsigned bit;
        const char *name;
} controllers[] = {
    /* The order systemd and the kernel list them in. */
    {CGROUP_CONTROLLER_CPU, "cpu"},
    {CGROUP_CONTROLLER_IO, "io"},
    {CGROUP_CONTROLLER_MEMORY, "memory"},
    {CGROUP_CONTROLLER_PIDS, "pids"},
};

unsigned cgroup_controllers_for_limits(const struct limits *l)
{
        unsigned m = 0;

        if (!l)
                return 0;
        if (l->memory_max != LIMIT_UNSET || l->memory_high != LIMIT_UNSET)
                m |= CGROUP_CONTROLLER_MEMORY;
        if (l->cpu_quota_per_sec_usec != LIMIT_UNSET || l->cpu_weight != LIMIT_UNSET)
                m |= CGROUP_CONTROLLER_CPU;
        if (l->tasks_max != LIMIT_UNSET)
                m |= CGROUP_CONTROLLER_PIDS;
        if (l->io_weight != LIMIT_UNSET)
                m |= CGROUP_CONTROLLER_IO;
        return m;
}

unsigned cgroup_controllers_parse(const char *text)
{
        unsigned m = 0;

        for (const char *w = text; *w;) {
                size_t len;

                w += strspn(w, " \t\n");
                len = strcspn(w, " \t\n");
                for (size_t i = 0; i < ELEMENTSOF(controllers); i++)
                        if (strlen(controllers[i].name) == len &&
                            memcmp(w, controllers[i].name, len) == 0)
                                m |= controllers[i].bit;
                w += len;
        }
        return m;
}

const char *cgroup_controllers_format(unsigned mask, const char *prefix, const char *sep,
                                      char buf[static CGROUP_CONTROLLERS_STRING_MAX])
{
        size_t o = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
                int n;

                if (!(mask & controllers[i].bit))
                        continue;
                n = snprintf(buf + o, CGROUP_CONTROLLERS_STRING_MAX - o, "%s%s%s", o ? sep : "",
                             prefix, controllers[i].name);
                if (n < 0 || (size_t)n >= CGROUP_CONTROLLERS_STRING_MAX - o) {
                        buf[o] = '\0';
                        break;
                }
                o += (size_t)n;
        }
        return buf;
}

int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret)
{
        size_t klen = strlen(key);

        for (const char *line = text; *line;) {
                size_t len = strcspn(line, "\n");

                if (len > klen && memcmp(line, key, klen) == 0 && line[klen] == ' ') {
                        const char *v = line + klen + 1;
                        size_t vlen = len - klen - 1;
                        uint64_t x = 0;

                        if (vlen == 0)
                                return -EINVAL;
                        for (size_t i = 0; i < vlen; i++) {
                                if (v[i] < '0' || v[i] > '9')
                                        return -EINVAL;
                                if (__builtin_mul_overflow(x, 10, &x) ||
                                    __builtin_add_overflow(x, (uint64_t)(v[i] - '0'), &x))
                                        return -ERANGE;
                        }
                        *ret = x;
                        return 0;
                }
                line += len;
                if (*line == '\n')
                        line++;
        }
        return -ENOENT;
}

#define CPU_MAX_PERIOD_USEC UINT64_C(100000)
#define CPU_MAX_QUOTA_MIN   UINT64_C(1000)

const char *cgroup_format_cpu_max(uint64_t usec_per_sec, char buf[static CGROUP_CPU_MAX_STRING_MAX])
{
        uint64_t quota;

        if (usec_per_sec == LIMIT_UNSET) {
                snprintf(buf, CGROUP_CPU_MAX_STRING_MAX, "max %" PRIu64, CPU_MAX_PERIOD_USEC);
                return buf;
        }
        /* usec_per_sec ≤ 10^10 (10000 CPUs) keeps the product far from overflowing. */
        quota = usec_per_sec / (UINT64_C(1000000) / CPU_MAX_PERIOD_USEC);
        if (quota < CPU_MAX_QUOTA_MIN)
                quota = CPU_MAX_QUOTA_MIN;
        snprintf(buf, CGROUP_CPU_MAX_STRING_MAX, "%" PRIu64 " %" PRIu64, quota,
                 CPU_MAX_PERIOD_USEC);
        return buf;
}

int cgroup_check_delegated(int dir_fd, const char *path, uid_t uid, struct sb_error *e)
{
        static const char *const files[] = {"cgroup.procs", "cgroup.subtree_control"};
        struct stat st;

        if (fstat(dir_fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot inspect cgroup %s: %m", path);
        if (!S_ISDIR(st.st_mode))
                return sb_error_set(e, -ENOTDIR, "cgroup %s is not a directory", path);
        if (st.st_uid != uid)
                return sb_error_set(e, -EPERM,
                                    "cgroup %s is owned by uid %u, not delegated to uid %u", path,
                                    (unsigned)st.st_uid, (unsigned)uid);
        if (faccessat(dir_fd, ".", W_OK | X_OK, AT_EACCESS) < 0)
                return sb_error_set(e, -errno, "cgroup %s is not writable: %m", path);
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                if (fstatat(dir_fd, files[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return sb_error_set(e, -errno, "cannot inspect %s/%s: %m", path, files[i]);
                if (!S_ISREG(st.st_mode))
                        return sb_error_set(e, -EPERM, "%s/%s is not a regular file", path,
                                            files[i]);
                if (st.st_uid != uid)
                        return sb_error_set(e, -EPERM,
                                            "%s/%s is owned by uid %u, not delegated to uid %u",
                                            path, files[i], (unsigned)st.st_uid, (unsigned)uid);
                if (faccessat(dir_fd, files[i], W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) < 0)
                        return sb_error_set(e, -errno, "%s/%s is not writable: %m", path, files[i]);
        }
        return 0;
}
