/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The instance registry (lib/confine/instance.c) and the escapers it and `ps --json` use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "instance.h"
#include "strv.h"
#include "test.h"

TEST(line_escape_round_trip)
{
        const char *cases[] = {"", "plain", "a\nb", "back\\slash", "\\n literal", "\n\n\\\\"};

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *esc = line_escape(cases[i]), *back = NULL;

                ASSERT_TRUE(esc != NULL);
                ASSERT_TRUE(strchr(esc, '\n') == NULL);
                ASSERT_OK(line_unescape(esc, &back));
                ASSERT_STREQ(back, cases[i]);
        }
}

TEST(line_unescape_rejects_bad_escapes)
{
        char *r = NULL;

        ASSERT_EQ(line_unescape("a\\x", &r), -EINVAL);
        ASSERT_EQ(line_unescape("trailing\\", &r), -EINVAL);
        ASSERT_TRUE(r == NULL);
}

TEST(json_write_string_escapes)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        ASSERT_TRUE(f != NULL);
        ASSERT_OK(json_write_string(f, "q\"b\\n\n\t\x01\x7f\xc3\xa9"));
        fclose(f);
        ASSERT_STREQ(buf, "\"q\\\"b\\\\n\\n\\t\\u0001\\u007f\xc3\xa9\"");
        free(buf);
}

TEST(json_write_string_replaces_invalid_utf8)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        /* A lone continuation byte, a truncated sequence and an overlong '/': JSON stays UTF-8. */
        ASSERT_TRUE(f != NULL);
        ASSERT_OK(json_write_string(f, "a\x80"
                                       "b\xc3"
                                       "\xc0\xaf"));
        fclose(f);
        ASSERT_STREQ(buf, "\"a\\ufffdb\\ufffd\\ufffd\\ufffd\"");
        free(buf);
}

TEST(instance_names)
{
        ASSERT_TRUE(instance_name_is_valid("t1"));
        ASSERT_TRUE(instance_name_is_valid("firefox-00ab.x_y"));
        ASSERT_FALSE(instance_name_is_valid(""));
        ASSERT_FALSE(instance_name_is_valid(".hidden"));
        ASSERT_FALSE(instance_name_is_valid("a/b"));
        ASSERT_FALSE(instance_name_is_valid("a b"));
        ASSERT_FALSE(instance_name_is_valid(".."));
        ASSERT_TRUE(instance_name_is_valid(
            "0123456789012345678901234567890123456789012345678901234567890123"));
        ASSERT_FALSE(instance_name_is_valid(
            "01234567890123456789012345678901234567890123456789012345678901234"));
}

TEST(start_time_of_self)
{
        uint64_t a, b;

        ASSERT_OK(proc_pid_start_time(getpid(), &a));
        ASSERT_OK(proc_pid_start_time(getpid(), &b));
        ASSERT_EQ(a, b);
        ASSERT_TRUE(proc_pid_matches(getpid(), a));
        ASSERT_FALSE(proc_pid_matches(getpid(), a + 1));
}

TEST(register_read_list_remove)
{
        char dir[] = "/tmp/test-instance.XXXXXX";
        char *argv[] = {(char *)"sh", (char *)"-c", (char *)"echo 'a\nb' \\", NULL};
        char *names[] = {(char *)"uname", NULL};
        struct instance i = {
            .name = (char *)"t1",
            .uid = getuid(),
            .monitor_pid = getpid(),
            .init_pid = getpid(),
            .started_usec = 42,
            .app = (char *)"python3",
            .keep_caps = UINT64_C(1) << 10,
            .syscall_filter = true,
            .syscall_names = names,
            .workdir = (char *)"/",
            .argv = argv,
        };
        struct instance r = {}, *l = NULL;
        struct sb_error e = {};
        size_t n = 0;
        int fd;

        ASSERT_TRUE(mkdtemp(dir) != NULL);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(proc_pid_start_time(getpid(), &i.monitor_start));
        i.init_start = i.monitor_start;

        ASSERT_OK(instance_register(fd, &i, &e));
        ASSERT_EQ(instance_register(fd, &i, &e), -EEXIST); /* alive: the name is taken */
        ASSERT_OK(instance_read(fd, "t1", &r, &e));
        ASSERT_STREQ(r.app, "python3");
        ASSERT_EQ(r.keep_caps, UINT64_C(1) << 10);
        ASSERT_TRUE(r.syscall_filter && !r.syscall_allow_list);
        ASSERT_STREQ(r.syscall_names[0], "uname");
        ASSERT_EQ(strv_length(r.argv), 3u);
        ASSERT_STREQ(r.argv[2], "echo 'a\nb' \\");
        ASSERT_TRUE(r.scope == NULL && r.env == NULL);
        instance_done(&r);

        ASSERT_OK(instance_list(fd, &l, &n));
        ASSERT_EQ(n, 1u);
        instance_list_free(l, n);

        /* A stale record (start time differs) is not listed, is removed, and frees the name. */
        i.init_start++;
        ASSERT_OK(instance_update(fd, &i, &e));
        ASSERT_OK(instance_list(fd, &l, &n));
        ASSERT_EQ(n, 0u);
        instance_list_free(l, n);
        ASSERT_EQ(faccessat(fd, "t1", F_OK, AT_SYMLINK_NOFOLLOW), -1);
        i.init_start--;
        ASSERT_OK(instance_register(fd, &i, &e));

        ASSERT_EQ(instance_remove(fd, "t1", getpid() + 1), -ESTALE); /* not that monitor's */
        ASSERT_OK(instance_remove(fd, "t1", getpid()));
        ASSERT_EQ(instance_read(fd, "t1", &r, &e), -ENOENT);
        ASSERT_EQ(instance_read(fd, "../x", &r, &e), -EINVAL);
        close(fd);
        ASSERT_OK(rmdir(dir));
}

TEST(read_refuses_bad_records)
{
        char dir[] = "/tmp/test-instance.XXXXXX";
        const char *bad[] = {"name=t1\nmonitor_pid=1\nbogus=1\n",
                             "name=t1\nmonitor_pid=1\nname=t1\n",
                             "name=t1\nmonitor_pid=x\n",
                             "name=other\nmonitor_pid=1\n",
                             "name=t1\n",
                             "name=t1\\q\nmonitor_pid=1\n"};
        struct instance r = {};
        int fd;

        ASSERT_TRUE(mkdtemp(dir) != NULL);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        for (size_t k = 0; k < ELEMENTSOF(bad); k++) {
                FILE *f;
                int wfd = openat(fd, "t1", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

                ASSERT_TRUE(wfd >= 0);
                f = fdopen(wfd, "w");
                ASSERT_TRUE(f != NULL);
                fprintf(f, "%suid=%u\n", bad[k], (unsigned)getuid());
                fclose(f);
                ASSERT_TRUE(instance_read(fd, "t1", &r, NULL) < 0);
        }
        ASSERT_OK(unlinkat(fd, "t1", 0));
        close(fd);
        ASSERT_OK(rmdir(dir));
}

TEST_MAIN
