/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/confine pieces that need no namespaces: environment, id ranges, command lookup, exit
 * statuses, capability names, mount requests. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "caps.h"
#include "error.h"
#include "env.h"
#include "exec-util.h"
#include "fd-util.h"
#include "spec.h"
#include "strv.h"
#include "subid.h"
#include "test.h"

TEST(env_filtering)
{
        ASSERT_TRUE(env_is_safe_to_pass("TERM=xterm"));
        ASSERT_TRUE(env_is_safe_to_pass("LC_ALL=C"));
        ASSERT_TRUE(env_is_safe_to_pass("LANG=C.UTF-8"));
        ASSERT_FALSE(env_is_safe_to_pass("LD_PRELOAD=/x.so"));
        ASSERT_FALSE(env_is_safe_to_pass("SSH_AUTH_SOCK=/run/x"));
        ASSERT_FALSE(env_is_safe_to_pass("DBUS_SESSION_BUS_ADDRESS=unix:path=/x"));
        ASSERT_FALSE(env_is_safe_to_pass("TERMX=1"));
        ASSERT_FALSE(env_is_safe_to_pass("LC_=1"));
        ASSERT_FALSE(env_is_safe_to_pass("TERM"));
}

TEST(env_set_replaces)
{
        _cleanup_strv_free_ char **e = NULL;

        ASSERT_OK(env_set(&e, "A=1"));
        ASSERT_OK(env_set(&e, "AB=2"));
        ASSERT_OK(env_set(&e, "A=3"));
        ASSERT_EQ(strv_length(e), 2);
        ASSERT_STREQ(env_get(e, "A"), "3");
        ASSERT_STREQ(env_get(e, "AB"), "2");
        ASSERT_TRUE(env_get(e, "B") == NULL);
        ASSERT_EQ(env_set(&e, "1A=x"), -EINVAL);
        ASSERT_EQ(env_set(&e, "A-B=x"), -EINVAL);
        ASSERT_EQ(env_set(&e, "NOEQUALS"), -EINVAL);
}

TEST(subid_lookup)
{
        const char *data = "# comment\nalice:100000:65536\nbob:165536:65536\n1002:231072:10\n";
        struct subid_range r;
        FILE *f;

        f = fmemopen((void *)data, strlen(data), "r");
        ASSERT_EQ(subid_find(f, "bob", 1001, &r), 1);
        ASSERT_EQ(r.start, 165536);
        ASSERT_EQ(r.count, 65536);
        fclose(f);

        f = fmemopen((void *)data, strlen(data), "r");
        ASSERT_EQ(subid_find(f, "carol", 1002, &r), 1); /* by number */
        ASSERT_EQ(r.start, 231072);
        fclose(f);

        f = fmemopen((void *)data, strlen(data), "r");
        ASSERT_EQ(subid_find(f, "dave", 1003, &r), 0);
        fclose(f);

        f = fmemopen((void *)"eve:12x:5\n", 10, "r");
        ASSERT_EQ(subid_find(f, "eve", 1, &r), -EINVAL);
        fclose(f);
}

TEST(subid_map_layout)
{
        struct subid_range big = {100000, 65536}, small = {100000, 10};
        char buf[128];

        ASSERT_OK(subid_map_format(1000, &big, buf, sizeof(buf)));
        ASSERT_STREQ(buf, "0 100000 1000 1000 1000 1 1001 101000 64536");
        ASSERT_OK(subid_map_format(1000, &small, buf, sizeof(buf)));
        ASSERT_STREQ(buf, "0 100000 10 1000 1000 1");
        ASSERT_OK(subid_map_format(0, &small, buf, sizeof(buf)));
        ASSERT_STREQ(buf, "0 0 1 1 100000 10");
        ASSERT_EQ(subid_map_format(1000, &big, buf, 8), -ENOSPC);
}

TEST(find_executable)
{
        char buf[256];

        ASSERT_OK(find_executable("sh", "/nonexistent:/bin:/usr/bin", buf, sizeof(buf)));
        ASSERT_STREQ(buf, "/bin/sh");
        ASSERT_EQ(find_executable("no-such-program-xyz", "/bin:/usr/bin", buf, sizeof(buf)),
                  -ENOENT);
        {
                char data[] = "/tmp/test-confine.XXXXXX";
                int fd = mkstemp(data); /* mode 0600: not executable, even for root */
                ASSERT_OK(fd);
                close(fd);
                ASSERT_EQ(find_executable(data, NULL, buf, sizeof(buf)), -EACCES);
                unlink(data);
        }
        ASSERT_EQ(find_executable("/nonexistent/x", NULL, buf, sizeof(buf)), -ENOENT);
        ASSERT_EQ(find_executable("", "/bin", buf, sizeof(buf)), -ENOENT);
}

TEST(exit_status)
{
        ASSERT_EQ(exit_status_from_wait(0), 0);
        ASSERT_EQ(exit_status_from_wait(42 << 8), 42);
        ASSERT_EQ(exit_status_from_wait(SIGKILL), 137);
        ASSERT_EQ(exit_status_from_wait(SIGTERM), 143);
}

TEST(capability_names)
{
        ASSERT_EQ(cap_parse_name("CAP_NET_BIND_SERVICE"), 10);
        ASSERT_EQ(cap_parse_name("cap_net_bind_service"), 10);
        ASSERT_EQ(cap_parse_name("NET_BIND_SERVICE"), 10);
        ASSERT_EQ(cap_parse_name("CAP_SYS_ADMIN"), 21);
        ASSERT_EQ(cap_parse_name("CAP_BOGUS"), -EINVAL);
        ASSERT_EQ(cap_parse_name("10"), -EINVAL);
        ASSERT_EQ(cap_parse_name("cap_chown,cap_kill"), -EINVAL);
        ASSERT_EQ(cap_parse_name(""), -EINVAL);
}

TEST(mount_requests)
{
        _cleanup_(sandbox_spec_done) struct sandbox_spec s = {};

        ASSERT_OK(sandbox_spec_add_mount(&s, MOUNT_BIND, "/src:/dst"));
        ASSERT_OK(sandbox_spec_add_mount(&s, MOUNT_RO_BIND, "/same"));
        ASSERT_OK(sandbox_spec_add_mount(&s, MOUNT_TMPFS, "/scratch"));
        ASSERT_EQ(s.n_mounts, 3);
        ASSERT_STREQ(s.mounts[0].source, "/src");
        ASSERT_STREQ(s.mounts[0].dest, "/dst");
        ASSERT_STREQ(s.mounts[1].source, "/same");
        ASSERT_STREQ(s.mounts[1].dest, "/same");
        ASSERT_TRUE(s.mounts[2].source == NULL);
        ASSERT_EQ(sandbox_spec_add_mount(&s, MOUNT_BIND, "rel:/dst"), -EINVAL);
        ASSERT_EQ(sandbox_spec_add_mount(&s, MOUNT_BIND, "/src:rel"), -EINVAL);
        ASSERT_EQ(sandbox_spec_add_mount(&s, MOUNT_BIND, "/a/../b"), -EINVAL);
        ASSERT_EQ(sandbox_spec_add_mount(&s, MOUNT_TMPFS, "/"), -EINVAL);
        ASSERT_EQ(sandbox_spec_add_mount(&s, MOUNT_BIND, "/src:/"), -EINVAL);
        ASSERT_EQ(s.n_mounts, 3);
}

TEST(socket_binds_take_only_sockets)
{
        char dir[] = "/tmp/test-confine.XXXXXX", sock[64], file[64];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct sb_error e = {};
        _cleanup_close_ int s_fd = -EBADF, f_fd = -EBADF;

        ASSERT_TRUE(mkdtemp(dir) != NULL);
        snprintf(sock, sizeof(sock), "%s/sock", dir);
        snprintf(file, sizeof(file), "%s/file", dir);
        s_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_TRUE(s_fd >= 0);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
        ASSERT_OK(bind(s_fd, (struct sockaddr *)&sa, sizeof(sa)));
        f_fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        ASSERT_TRUE(f_fd >= 0);

        /* A socket where a socket bind expects one is opened; a directory or a regular file
         * there (put in its place after the launcher looked) is refused. */
        const char *const sources[] = {sock, dir, file};
        for (size_t k = 0; k < ELEMENTSOF(sources); k++) {
                _cleanup_(sandbox_spec_done) struct sandbox_spec s = {};
                char arg[160];

                snprintf(arg, sizeof(arg), "%s:/run/user/1/wayland-0", sources[k]);
                ASSERT_OK(sandbox_spec_add_mount(&s, MOUNT_BIND, arg));
                s.mounts[0].socket_only = true;
                if (k == 0)
                        ASSERT_OK(sandbox_spec_open_sources(&s, &e));
                else
                        ASSERT_EQ(sandbox_spec_open_sources(&s, &e), -EINVAL);
                sandbox_spec_close_sources(&s);
        }
        /* ... and an ordinary bind still takes directories and files, never a socket. */
        {
                _cleanup_(sandbox_spec_done) struct sandbox_spec s = {};
                char arg[160];

                snprintf(arg, sizeof(arg), "%s:/x", sock);
                ASSERT_OK(sandbox_spec_add_mount(&s, MOUNT_BIND, arg));
                ASSERT_EQ(sandbox_spec_open_sources(&s, &e), -EINVAL);
        }
        ASSERT_OK(unlink(sock));
        ASSERT_OK(unlink(file));
        ASSERT_OK(rmdir(dir));
}

TEST_MAIN
