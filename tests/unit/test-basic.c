/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/basic: strv, safe paths, symlink-refusing and root-confined path resolution. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "escape.h"
#include "fd-util.h"
#include "fs-util.h"
#include "proc-util.h"
#include "strv.h"
#include "test.h"

TEST(strv_basics)
{
        _cleanup_strv_free_ char **l = NULL;

        ASSERT_OK(strv_extend(&l, "a"));
        ASSERT_OK(strv_extend(&l, "b"));
        ASSERT_EQ(strv_length(l), 2);
        ASSERT_EQ(strv_find(l, "b"), 1);
        ASSERT_EQ(strv_find(l, "c"), -1);
        ASSERT_TRUE(l[2] == NULL);
}

TEST(path_is_safe_absolute)
{
        ASSERT_TRUE(path_is_safe_absolute("/"));
        ASSERT_TRUE(path_is_safe_absolute("/usr//lib/"));
        ASSERT_TRUE(path_is_safe_absolute("/a/.hidden/..x"));
        ASSERT_FALSE(path_is_safe_absolute("usr"));
        ASSERT_FALSE(path_is_safe_absolute(""));
        ASSERT_FALSE(path_is_safe_absolute("/a/../b"));
        ASSERT_FALSE(path_is_safe_absolute("/a/./b"));
        ASSERT_FALSE(path_is_safe_absolute("/.."));
}

static char tmpdir[] = "/tmp/test-basic.XXXXXX";
static bool tree_made;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return remove(path) < 0 ? -1 : 0;
}

static void remove_tree(void)
{
        (void)nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tree(void)
{
        char p[PATH_MAX];

        if (tree_made)
                return;
        ASSERT_TRUE(mkdtemp(tmpdir) != NULL);
        tree_made = true;
        atexit(remove_tree);
        snprintf(p, sizeof(p), "%s/real", tmpdir);
        (void)mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/link", tmpdir);
        ASSERT_TRUE(symlink("real", p) == 0 || errno == EEXIST);
        snprintf(p, sizeof(p), "%s/escape", tmpdir);
        ASSERT_TRUE(symlink("/etc", p) == 0 || errno == EEXIST);
        snprintf(p, sizeof(p), "%s/dotdot", tmpdir);
        ASSERT_TRUE(symlink("../../../../../../etc", p) == 0 || errno == EEXIST);
}

TEST(open_path_no_symlinks_refuses_links)
{
        char p[PATH_MAX];
        char *component = NULL;
        int fd;

        make_tree();
        snprintf(p, sizeof(p), "%s/real", tmpdir);
        fd = open_path_no_symlinks(p, NULL);
        ASSERT_OK(fd);
        close(fd);

        snprintf(p, sizeof(p), "%s/link/x", tmpdir);
        ASSERT_EQ(open_path_no_symlinks(p, &component), -ELOOP);
        snprintf(p, sizeof(p), "%s/link", tmpdir);
        ASSERT_STREQ(component, p);
        free(component);

        ASSERT_EQ(open_path_no_symlinks("relative", NULL), -EINVAL);
        ASSERT_EQ(open_path_no_symlinks("/tmp/../etc", NULL), -EINVAL);
}

TEST(open_in_root_stays_inside)
{
        _cleanup_close_ int root = -EBADF, fd = -EBADF;
        char p[PATH_MAX];
        struct stat st;

        make_tree();
        root = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        ASSERT_OK(root);

        /* An absolute symlink resolves inside the root, not on the host. */
        ASSERT_EQ(open_in_root(root, "/escape/passwd", 0), -ENOENT);
        ASSERT_EQ(open_in_root(root, "/dotdot/passwd", 0), -ENOENT);

        /* Creation through a dangling link fails rather than escaping... */
        ASSERT_EQ(open_in_root(root, "/escape/new/dir", S_IFDIR), -ENOENT);
        /* ...and once the target exists inside, /escape/new lands in tmpdir/etc/new. */
        snprintf(p, sizeof(p), "%s/etc", tmpdir);
        ASSERT_TRUE(mkdir(p, 0755) == 0 || errno == EEXIST);
        fd = open_in_root(root, "/escape/new/dir", S_IFDIR);
        ASSERT_OK(fd);
        snprintf(p, sizeof(p), "%s/etc/new/dir", tmpdir);
        ASSERT_OK(stat(p, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_TRUE(access("/etc/new", F_OK) < 0);

        safe_close(fd);
        fd = open_in_root(root, "/link/file", S_IFREG);
        ASSERT_OK(fd);
        snprintf(p, sizeof(p), "%s/real/file", tmpdir);
        ASSERT_OK(stat(p, &st));
        ASSERT_TRUE(S_ISREG(st.st_mode));
}

TEST(proc_status_fields)
{
        static const char status[] = "Name:\tUid: PPid:\nUmask:\t0022\nPPid:\t42\n"
                                     "Uid:\t1000\t1000\t1000\t1000\nCapBnd:\t0000000000000400\n";
        char buf[4096];
        uint64_t a = 0, b = 0;

        /* Field names match at the start of a line only, never inside another line. */
        ASSERT_TRUE(strncmp(proc_status_field(status, "PPid"), "42\n", 3) == 0);
        ASSERT_TRUE(strncmp(proc_status_field(status, "Uid"), "1000\t", 5) == 0);
        ASSERT_TRUE(strncmp(proc_status_field(status, "CapBnd"), "0000000000000400", 16) == 0);
        ASSERT_TRUE(strncmp(proc_status_field(status, "Name"), "Uid: PPid:", 10) == 0);
        ASSERT_TRUE(proc_status_field(status, "Pid") == NULL);
        ASSERT_TRUE(proc_status_field(status, "Cap") == NULL);

        ASSERT_TRUE(proc_status_read(getpid(), buf, sizeof(buf)) > 0);
        ASSERT_TRUE(proc_status_field(buf, "Seccomp") != NULL);
        ASSERT_OK(proc_pid_start_time(getpid(), &a));
        ASSERT_OK(proc_pid_start_time(getpid(), &b));
        ASSERT_TRUE(a == b && proc_pid_matches(getpid(), a) && !proc_pid_matches(getpid(), a + 1));
}

TEST(proc_stat_start_time_text)
{
        /* Fields 3-21, then the start time 5678 (field 22), then more. */
        static const char rest[] =
            " S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 5678 9367552\n";
        char buf[256];
        uint64_t v = 0;

        snprintf(buf, sizeof(buf), "4242 (a) b) S 7 (x)%s", rest); /* ')' and blanks in comm */
        ASSERT_OK(proc_stat_start_time(buf, &v));
        ASSERT_EQ(v, 5678);
        snprintf(buf, sizeof(buf), "4242 ()%s", rest);
        ASSERT_OK(proc_stat_start_time(buf, &v));
        ASSERT_EQ(v, 5678);

        /* Text that stops at or before the start time is refused, and never read past its end
         * (found by fuzz-proc: "1 (x)" sent strchr() one byte beyond the NUL). */
        v = 1;
        ASSERT_EQ(proc_stat_start_time("1 (x)", &v), -EIO);
        ASSERT_EQ(proc_stat_start_time(")", &v), -EIO);
        ASSERT_EQ(proc_stat_start_time("1 (x) S 1 2 3", &v), -EIO);
        ASSERT_EQ(
            proc_stat_start_time("1 (x) S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 ", &v),
            -EIO);
        ASSERT_EQ(proc_stat_start_time("no parenthesis", &v), -EIO);
        /* Only digits, as the kernel writes them: sscanf() took "-1" as 2^64-1. */
        ASSERT_EQ(proc_stat_start_time(
                      "1 (x) S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 -1 9", &v),
                  -EIO);
        ASSERT_EQ(proc_stat_start_time(
                      "1 (x) S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 12x 9", &v),
                  -EIO);
        ASSERT_EQ(v, 1); /* untouched on failure */
}

/* In a child, whose descriptor table is its own: which of fds 10 12 13 20 30 survive keeping
 * 12, 20 (twice) and a negative entry? A bit per fd in the exit status. */
static int fds_left_after_close(void)
{
        static const int fds[] = {10, 12, 13, 20, 30};
        int status, left = 0;
        pid_t pid = fork();

        if (pid == 0) {
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

                for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
                        if (null < 0 || dup2(null, fds[i]) < 0)
                                _exit(255);
                if (close_all_fds_except((const int[]){20, 12, -1, 20}, 4) < 0)
                        _exit(254);
                for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
                        if (fcntl(fds[i], F_GETFD) >= 0)
                                left |= 1 << i;
                _exit(left | (fcntl(null, F_GETFD) >= 0 ? 64 : 0));
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

TEST(close_all_fds_except_keeps_only_those)
{
        /* 12 and 20 stay (bits 1 and 3); 10, 13, 30 and the original /dev/null fd go. */
        ASSERT_EQ(fds_left_after_close(), (1 << 1) | (1 << 3));
}

/* Text an image layout shapes reaches terminals (trust inspect, error messages): no control
 * character of it may get through, printable UTF-8 does. */
TEST(terminal_escape_neutralises_controls)
{
        char out[256], *mem = NULL;
        size_t size = 0;
        FILE *f;

        terminal_escape("prod-admin.minisig", out, sizeof(out));
        ASSERT_STREQ(out, "prod-admin.minisig");
        terminal_escape("x\x1b[2K\nwould run now: yes\r\x7f", out, sizeof(out));
        ASSERT_STREQ(out, "x\\x1b[2K\\x0awould run now: yes\\x0d\\x7f");
        /* C1 CSI as UTF-8 (U+009B), a stray byte, and printable UTF-8 (U+00E9, U+20AC) */
        terminal_escape("a\xc2\x9b"
                        "1A\x9b\xc3\xa9\xe2\x82\xac",
                        out, sizeof(out));
        ASSERT_STREQ(out, "a\\xc2\\x9b"
                          "1A\\x9b\xc3\xa9\xe2\x82\xac");
        /* cut at a character, never inside an escape */
        terminal_escape("ab\x1b", out, 6);
        ASSERT_STREQ(out, "ab");
        terminal_escape("abc", out, 1);
        ASSERT_STREQ(out, "");

        f = open_memstream(&mem, &size);
        ASSERT_TRUE(f);
        ASSERT_OK(terminal_write_string(f, "tag\x1b]0;title\x07\n"));
        ASSERT_EQ(fclose(f), 0);
        ASSERT_STREQ(mem, "tag\\x1b]0;title\\x07\\x0a");
        free(mem);
}

TEST_MAIN
