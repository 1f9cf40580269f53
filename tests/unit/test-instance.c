/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The instance registry (lib/confine/instance.c) and the escapers it and `ps --json` use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* One of CONTENDERS processes that race to register "t1" over a stale record: reports 'W' (won)
 * or 'L' on report, then stays alive (so that its record is not stale) until hold closes. */
#define CONTENDERS 6
static _noreturn_ void contend(int dir_fd, int go, int report, int hold)
{
        struct instance i = {.name = (char *)"t1", .uid = getuid(), .monitor_pid = getpid()};
        char c;

        if (proc_pid_start_time(getpid(), &i.monitor_start) < 0 || read(go, &c, 1) < 0)
                _exit(1);
        c = instance_register(dir_fd, &i, NULL) >= 0 ? 'W' : 'L';
        if (write(report, &c, 1) != 1)
                _exit(1);
        if (read(hold, &c, 1) < 0)
                _exit(1);
        _exit(0);
}

TEST(register_over_a_stale_record_has_one_winner)
{
        char dir[] = "/tmp/test-instance.XXXXXX";
        struct instance stale = {.name = (char *)"t1", .uid = getuid(), .monitor_pid = getpid()};
        struct sb_error e = {};
        int fd;

        ASSERT_TRUE(mkdtemp(dir) != NULL);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(proc_pid_start_time(getpid(), &stale.monitor_start));
        stale.monitor_start++; /* not us: a sandbox that is gone */
        for (int round = 0; round < 200; round++) {
                int go[2], report[2], hold[2], won = 0;
                pid_t pids[CONTENDERS];

                (void)unlinkat(fd, "t1", 0);
                ASSERT_OK(instance_update(fd, &stale, &e));
                ASSERT_OK(pipe(go));
                ASSERT_OK(pipe(report));
                ASSERT_OK(pipe(hold));
                for (int k = 0; k < CONTENDERS; k++) {
                        pids[k] = fork();
                        ASSERT_TRUE(pids[k] >= 0);
                        if (pids[k] == 0) {
                                close(go[1]);
                                close(report[0]);
                                close(hold[1]);
                                contend(fd, go[0], report[1], hold[0]);
                        }
                }
                close(go[0]);
                close(report[1]);
                close(hold[0]);
                close(go[1]); /* all at once */
                for (int k = 0; k < CONTENDERS; k++) {
                        char c = 0;

                        ASSERT_EQ(read(report[0], &c, 1), 1);
                        won += c == 'W';
                }
                close(hold[1]);
                close(report[0]);
                for (int k = 0; k < CONTENDERS; k++)
                        (void)waitpid(pids[k], NULL, 0);
                if (won != 1)
                        TEST_FAIL("round %d: %d sandboxes registered the name", round, won);
        }
        (void)unlinkat(fd, "t1", 0);
        close(fd);
        ASSERT_OK(rmdir(dir));
}

TEST(register_replaces_what_lies_at_its_temporary_name)
{
        char dir[] = "/tmp/test-instance.XXXXXX", tmp[64], other[] = "/tmp/test-instance-o.XXXXXX";
        struct instance i = {.name = (char *)"t1", .uid = getuid(), .monitor_pid = getpid()};
        struct sb_error e = {};
        struct stat st;
        int fd, ofd;

        /* The temporary record is written to a file of its own: not into a FIFO left at its
         * name (which would block), nor through a hard link into another file (which would be
         * overwritten). */
        ASSERT_TRUE(mkdtemp(dir) != NULL);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(proc_pid_start_time(getpid(), &i.monitor_start));
        snprintf(tmp, sizeof(tmp), ".t1.%d.tmp", (int)getpid());
        ASSERT_OK(mkfifoat(fd, tmp, 0600));
        alarm(10);
        ASSERT_OK(instance_register(fd, &i, &e));
        alarm(0);
        ASSERT_OK(instance_remove(fd, "t1", getpid()));

        ofd = mkstemp(other);
        ASSERT_TRUE(ofd >= 0);
        ASSERT_EQ(write(ofd, "keep", 4), 4);
        ASSERT_OK(linkat(AT_FDCWD, other, fd, tmp, 0));
        ASSERT_OK(instance_register(fd, &i, &e));
        ASSERT_OK(fstat(ofd, &st));
        ASSERT_EQ(st.st_size, 4);
        ASSERT_OK(instance_remove(fd, "t1", getpid()));
        close(ofd);
        ASSERT_OK(unlink(other));
        close(fd);
        ASSERT_OK(rmdir(dir));
}

TEST(read_refuses_a_fifo_without_blocking)
{
        char dir[] = "/tmp/test-instance.XXXXXX";
        struct instance r = {}, *l = NULL;
        size_t n = 0;
        int fd;

        /* A FIFO where a record should be is no record: open() must not wait for a writer, or
         * ps, enter and stop would hang on it. SIGALRM turns a hang into a failure. */
        ASSERT_TRUE(mkdtemp(dir) != NULL);
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(mkfifoat(fd, "t1", 0600));
        alarm(10);
        ASSERT_TRUE(instance_read(fd, "t1", &r, NULL) < 0);
        ASSERT_OK(instance_list(fd, &l, &n));
        alarm(0);
        ASSERT_EQ(n, 0u);
        instance_list_free(l, n);
        ASSERT_OK(unlinkat(fd, "t1", 0));
        close(fd);
        ASSERT_OK(rmdir(dir));
}

TEST(parse_reads_what_the_monitor_writes)
{
        struct instance i = {.name = (char *)"t1",
                             .uid = 1000,
                             .monitor_pid = INT32_MAX,
                             .monitor_start = UINT64_MAX,
                             .init_pid = 0,
                             .started_usec = 1700000000123456,
                             .limits = true,
                             .keep_caps = UINT64_C(0xffffffffffffffff),
                             .argv = (char *[]){(char *)"a\nb", (char *)"", NULL}};
        struct instance r = {};
        _cleanup_free_ char *text = NULL;
        size_t size;

        ASSERT_OK(instance_format(&i, &text, &size));
        ASSERT_OK(instance_parse(text, size, "t1", 1000, &r, NULL));
        ASSERT_EQ(r.monitor_pid, INT32_MAX);
        ASSERT_TRUE(r.monitor_start == UINT64_MAX && r.keep_caps == UINT64_MAX);
        ASSERT_TRUE(r.limits && !r.private_network && r.init_pid == 0);
        ASSERT_STREQ(r.argv[0], "a\nb");
        ASSERT_STREQ(r.argv[1], "");
        instance_done(&r);
}

TEST(parse_refuses_what_no_monitor_writes)
{
        /* Found by fuzz-instance-record (tests/fuzz/corpus/instance-record/crash-*): each was
         * read as something the record does not say. */
        static const char head[] = "name=t1\nuid=1000\n";
        const char *bad[] = {
            "monitor_pid=4294967297\n",       /* was pid 1 (strtoull, then a cast to pid_t) */
            "monitor_pid=2147483648\n",       /* was INT32_MIN */
            "monitor_pid=5\nmonitor_pid=9\n", /* was 9: the second one won */
            "monitor_pid=5\nuid=0\n",         /* was uid 0 */
            "monitor_pid= 5\n",               /* strtoull() skips blanks */
            "monitor_pid=+5\n",
            "monitor_pid=05\n",
            "monitor_pid=5\ninit_pid=-1\n",
            "monitor_pid=5\nlimits=2\n",
            "monitor_pid=5\nkeep_caps=0x1\n",
            "monitor_pid=5\nkeep_caps=FF\n",
            "monitor_pid=5\nkeep_caps=10000000000000000\n",
            "monitor_pid=5\nmonitor_start=18446744073709551616\n",
        };
        struct instance r = {};
        char buf[256];

        for (size_t k = 0; k < ELEMENTSOF(bad); k++) {
                struct sb_error e = {};

                snprintf(buf, sizeof(buf), "%s%s", head, bad[k]);
                ASSERT_TRUE(instance_parse(buf, strlen(buf), "t1", 1000, &r, &e) < 0);
                ASSERT_TRUE(e.msg[0] != '\0');
        }
        /* A NUL ended the record for strtok_r(): what followed was never read. */
        {
                static const char nul[] = "name=t1\nuid=1000\nmonitor_pid=5\n\0uid=0\n";

                ASSERT_TRUE(instance_parse(nul, sizeof(nul) - 1, "t1", 1000, &r, NULL) < 0);
        }
        snprintf(buf, sizeof(buf), "%smonitor_pid=5\nkeep_caps=1ff\n", head);
        ASSERT_OK(instance_parse(buf, strlen(buf), "t1", 1000, &r, NULL));
        ASSERT_TRUE(r.monitor_pid == 5 && r.keep_caps == 0x1ff);
        instance_done(&r);
}

TEST_MAIN
