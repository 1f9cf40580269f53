/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "fs-util.h"
#include "spec.h"
#include "strv.h"

static const char *mount_kind_option(enum mount_kind k)
{
        switch (k) {
        case MOUNT_RO_BIND:
                return "--ro-bind";
        case MOUNT_BIND:
                return "--bind";
        case MOUNT_TMPFS:
                return "--tmpfs";
        case MOUNT_INACCESSIBLE:
                return "InaccessiblePaths=";
        default:
                return "?";
        }
}

void sandbox_spec_done(struct sandbox_spec *s)
{
        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].source);
                free(s->mounts[i].dest);
                safe_close(s->mounts[i].source_fd);
        }
        free(s->mounts);
        strv_free(s->argv);
        strv_free(s->syscall_names);
        strv_free(s->image_layers);
        free(s->workdir);
        strv_free(s->env);
        free(s->hostname);
        free(s->user_name);
        free(s->home);
        *s = (struct sandbox_spec){};
}

int sandbox_spec_add_mount(struct sandbox_spec *s, enum mount_kind kind, const char *arg)
{
        _cleanup_free_ char *src = NULL, *dst = NULL;
        struct mount_request *m;
        const char *colon;

        if (kind == MOUNT_TMPFS || kind == MOUNT_INACCESSIBLE) {
                dst = strdup(arg);
        } else {
                colon = strchr(arg, ':');
                src = colon ? strndup(arg, (size_t)(colon - arg)) : strdup(arg);
                dst = strdup(colon ? colon + 1 : arg);
        }
        if (!dst || (kind <= MOUNT_BIND && !src))
                return -ENOMEM;
        if ((src && !path_is_safe_absolute(src)) || !path_is_safe_absolute(dst))
                return -EINVAL;
        if (strspn(dst, "/") == strlen(dst)) /* "/" itself cannot be replaced */
                return -EINVAL;

        m = reallocarray(s->mounts, s->n_mounts + 1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        s->mounts = m;
        s->mounts[s->n_mounts++] = (struct mount_request){
            .kind = kind,
            .source = TAKE_PTR(src),
            .dest = TAKE_PTR(dst),
            .source_fd = -EBADF,
        };
        return 0;
}

void sandbox_spec_close_sources(struct sandbox_spec *s)
{
        for (size_t i = 0; i < s->n_mounts; i++)
                s->mounts[i].source_fd = safe_close(s->mounts[i].source_fd);
}

int sandbox_spec_open_sources(struct sandbox_spec *s, struct sb_error *e)
{
        for (size_t i = 0; i < s->n_mounts; i++) {
                struct mount_request *m = &s->mounts[i];
                _cleanup_free_ char *link = NULL;
                struct stat st;
                int fd;

                if (!m->source || m->source_fd >= 0)
                        continue;
                fd = open_path_no_symlinks(m->source, &link);
                if (fd == -ENOENT && m->ignore_missing)
                        continue;
                if (fd == -ELOOP)
                        return sb_error_set(e, fd,
                                            "%s %s: '%s' is a symbolic link; name the real path "
                                            "(see: readlink -f %s)",
                                            mount_kind_option(m->kind), m->source,
                                            link ? link : m->source, m->source);
                if (fd < 0)
                        return sb_error_set(e, fd, "%s %s: %m", mount_kind_option(m->kind),
                                            m->source);
                if (fstat(fd, &st) < 0) {
                        int r = -errno;
                        safe_close(fd);
                        return sb_error_set(e, r, "%s %s: %m", mount_kind_option(m->kind),
                                            m->source);
                }
                /* A socket bind takes a socket and nothing else: a directory moved into the
                 * place of $XDG_RUNTIME_DIR/wayland-0 after the launcher saw a socket there would
                 * otherwise be bound, writable, where the app expects the compositor. */
                if (m->socket_only ? !S_ISSOCK(st.st_mode)
                                   : !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
                        safe_close(fd);
                        return sb_error_set(e, -EINVAL,
                                            m->socket_only ? "%s %s: not a socket (any more)"
                                                           : "%s %s: only directories and regular "
                                                             "files can be bound",
                                            mount_kind_option(m->kind), m->source);
                }
                m->source_fd = fd;
                m->source_is_dir = S_ISDIR(st.st_mode);
        }
        return 0;
}
