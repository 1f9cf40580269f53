/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs-util.h"
#include "macro.h"

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
        return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

int path_next_component(const char **p, char name[static NAME_MAX + 1], bool *ret_last)
{
        const char *s = *p;
        size_t n;

        while (*s == '/')
                s++;
        n = strcspn(s, "/");
        if (n > NAME_MAX)
                return -ENAMETOOLONG;
        memcpy(name, s, n);
        name[n] = '\0';
        s += n;
        if (ret_last)
                *ret_last = s[strspn(s, "/")] == '\0';
        *p = s;
        return (int)n;
}

int mkdir_p(const char *path, mode_t mode)
{
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1;; s++)
                if (*s == '/' || *s == '\0') {
                        char c = *s;
                        *s = '\0';
                        if (mkdir(p, mode) < 0 && errno != EEXIST)
                                return -errno;
                        *s = c;
                        if (c == '\0')
                                return 0;
                }
}

bool path_is_safe_absolute(const char *path)
{
        const char *p;

        if (!path || path[0] != '/' || strlen(path) >= PATH_MAX)
                return false;
        for (p = path; *p;) {
                size_t n;

                while (*p == '/')
                        p++;
                n = strcspn(p, "/");
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p += n;
        }
        return true;
}

int open_path_no_symlinks(const char *path, char **reterr_component)
{
        _cleanup_close_ int fd = -EBADF;
        const char *p;

        if (!path_is_safe_absolute(path))
                return -EINVAL;

        fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;

        for (p = path;;) {
                char name[NAME_MAX + 1];
                struct stat st;
                int n, next;

                n = path_next_component(&p, name, NULL);
                if (n < 0)
                        return n;
                if (n == 0)
                        break;

                next = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                safe_close(fd);
                fd = next;

                if (fstat(fd, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode)) {
                        if (reterr_component)
                                *reterr_component = strndup(path, (size_t)(p - path));
                        return -ELOOP;
                }
        }
        return TAKE_FD(fd);
}

static int open_beneath(int root_fd, const char *path, int flags)
{
        struct open_how how = {
            .flags = (unsigned long long)(flags | O_PATH | O_CLOEXEC),
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = sys_openat2(root_fd, path, &how);

        return fd < 0 ? -errno : fd;
}

int open_in_root(int root_fd, const char *path, mode_t create)
{
        char buf[PATH_MAX];
        size_t len;
        int fd;

        len = strlen(path);
        if (len == 0 || len >= sizeof(buf))
                return -EINVAL;

        fd = open_beneath(root_fd, path, 0);
        if (fd >= 0 || fd != -ENOENT || create == 0)
                return fd;

        /* Create what is missing, one component at a time, each relative to an fd that was itself
         * resolved inside the root. */
        memcpy(buf, path, len + 1);
        for (char *slash = buf;;) {
                _cleanup_close_ int parent = -EBADF;
                char *name, *end;
                bool last;

                while (*slash == '/')
                        slash++;
                if (*slash == '\0')
                        return -EINVAL;
                end = slash + strcspn(slash, "/");
                last = end[strspn(end, "/")] == '\0';
                name = slash;

                /* parent = everything before this component */
                {
                        char saved = *name;
                        *name = '\0';
                        parent = open_beneath(root_fd, buf[0] ? buf : "/", O_DIRECTORY);
                        *name = saved;
                }
                if (parent < 0)
                        return parent;
                {
                        char saved = *end;
                        *end = '\0';
                        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                                return -EINVAL;
                        if (!last || (create & S_IFMT) == S_IFDIR) {
                                if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
                                        return -errno;
                        } else {
                                int f = openat(parent, name,
                                               O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
                                               0644);
                                if (f < 0 && errno != EEXIST)
                                        return -errno;
                                safe_close(f);
                        }
                        *end = saved;
                }
                if (last)
                        break;
                slash = end;
        }
        return open_beneath(root_fd, path, 0);
}

int xdg_user_path(const char *xdg_env, const char *home_rel, const char *sub, char **ret)
{
        const char *base = secure_getenv(xdg_env);
        char *p;

        if (base && base[0] == '/') {
                if (asprintf(&p, "%s/%s", base, sub) < 0)
                        return -ENOMEM;
        } else {
                const char *home = secure_getenv("HOME");
                if (!home || home[0] != '/') {
                        struct passwd *pw = getpwuid(geteuid());
                        if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
                                return -ENOENT;
                        home = pw->pw_dir;
                }
                if (asprintf(&p, "%s/%s/%s", home, home_rel, sub) < 0)
                        return -ENOMEM;
        }
        *ret = p;
        return 0;
}
