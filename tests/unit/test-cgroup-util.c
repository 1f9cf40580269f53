/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cgroup helpers: unit-name escaping, /proc/self/cgroup (fixtures of unified, hybrid and
 * v1-only systems), controllers, memory.events, cpu.max, the delegation check on fake cgroup
 * directories, and the entry points' refusals that need no systemd. */
#include <fcntl.h>
#include <ftw.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "cgroup.h"
#include "test.h"

static char *escape(const char *app)
{
        char *s = NULL;
        int r = unit_name_escape_app(app, &s);

        if (r < 0)
                TEST_FAIL("unit_name_escape_app(\"%s\"): %d", app, r);
        return s;
}

#define ASSERT_ESCAPES(app, want)                                                                  \
        do {                                                                                       \
                char *_s = escape(app);                                                            \
                int _ok = strcmp(_s, want) == 0;                                                   \
                if (!_ok) {                                                                        \
                        printf("# \"%s\" escaped to \"%s\", want \"%s\"\n", app, _s, want);        \
                        free(_s);                                                                  \
                        TEST_FAIL("%s", "escape mismatch");                                        \
                }                                                                                  \
                free(_s);                                                                          \
        } while (0)

TEST(escape_like_systemd_escape)
{
        char *s = NULL;

        ASSERT_ESCAPES("firefox", "firefox");
        ASSERT_ESCAPES("Firefox_2:beta", "Firefox_2:beta");
        ASSERT_ESCAPES("org.gnome.Maps", "org.gnome.Maps");
        ASSERT_ESCAPES("gnome-calculator", "gnome\\x2dcalculator");
        ASSERT_ESCAPES(".hidden", "\\x2ehidden");
        ASSERT_ESCAPES("a b", "a\\x20b");
        ASSERT_ESCAPES("a\\b", "a\\x5cb");
        ASSERT_ESCAPES("app@1", "app\\x401");
        ASSERT_ESCAPES("c++", "c\\x2b\\x2b");
        ASSERT_ESCAPES("caf\xc3\xa9", "caf\\xc3\\xa9");
        /* unlike systemd-escape's '/' → '-': '-' separates our name's parts */
        ASSERT_ESCAPES("usr/bin/app", "usr\\x2fbin\\x2fapp");
        ASSERT_EQ(unit_name_escape_app("", &s), -EINVAL);
        ASSERT_TRUE(s == NULL);
}

TEST(escape_gives_valid_unit_characters)
{
        char app[2] = {0, 0};

        /* every byte (but NUL) becomes something in systemd's set of unit name characters */
        for (int c = 1; c < 256; c++) {
                char *s;

                app[0] = (char)c;
                s = escape(app);
                for (const char *p = s; *p; p++)
                        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                    ":_.\\",
                                    *p)) {
                                free(s);
                                TEST_FAIL("byte 0x%02x escapes to a '%c'", c, *p);
                        }
                free(s);
        }
}

TEST(scope_names)
{
        char *n = NULL;

        ASSERT_OK(scope_unit_name("firefox", UINT64_C(0x0123456789abcdef), &n));
        ASSERT_STREQ(n, "sandbox-firefox-0123456789abcdef.scope");
        free(n);
        ASSERT_OK(scope_unit_name("gnome-calculator", 42, &n));
        ASSERT_STREQ(n, "sandbox-gnome\\x2dcalculator-000000000000002a.scope");
        free(n);
        ASSERT_EQ(scope_unit_name("", 1, &n), -EINVAL);
}

/* systemd reads drop-ins for every prefix of a unit name that ends in '-': a sandbox of
 * "gnome-calculator" must be configured by "sandbox-gnome\x2dcalculator-.scope.d/" and
 * "sandbox-.scope.d/" and by nothing meant for an app "gnome". */
TEST(scope_names_give_stable_dropin_prefixes)
{
        char *a = NULL, *b = NULL;
        char prefixes[4][128];
        int n = 0;

        ASSERT_OK(scope_unit_name("gnome-calculator", UINT64_C(0xfedcba9876543210), &a));
        ASSERT_OK(scope_unit_name("gnome-calculator", 7, &b));
        for (const char *p = a; *p && n < 4; p++)
                if (*p == '-') {
                        snprintf(prefixes[n], sizeof(prefixes[n]), "%.*s.scope.d", (int)(p - a + 1),
                                 a);
                        n++;
                }
        ASSERT_EQ(n, 2);
        ASSERT_STREQ(prefixes[0], "sandbox-.scope.d");
        ASSERT_STREQ(prefixes[1], "sandbox-gnome\\x2dcalculator-.scope.d");
        /* the same app gets the same prefix whatever its random id */
        ASSERT_TRUE(strncmp(a, b, strlen("sandbox-gnome\\x2dcalculator-")) == 0);
        free(a);
        free(b);
}

TEST(scope_name_length)
{
        char app[300];
        char *n = NULL;

        /* 255 characters at most: "sandbox-" + escaped + "-" + 16 + ".scope" */
        memset(app, 'a', 224);
        app[224] = '\0';
        ASSERT_OK(scope_unit_name(app, 1, &n));
        ASSERT_EQ(strlen(n), 255);
        free(n);
        app[224] = 'a';
        app[225] = '\0';
        ASSERT_EQ(scope_unit_name(app, 1, &n), -ENAMETOOLONG);
        /* an escaped byte takes four */
        memset(app, '-', 56);
        app[56] = '\0';
        ASSERT_OK(scope_unit_name(app, 1, &n));
        free(n);
        app[56] = '-';
        app[57] = '\0';
        ASSERT_EQ(scope_unit_name(app, 1, &n), -ENAMETOOLONG);
}

TEST(printable)
{
        ASSERT_TRUE(string_is_printable_ascii("Firefox 115 (ESR)"));
        ASSERT_FALSE(string_is_printable_ascii(""));
        ASSERT_FALSE(string_is_printable_ascii("a\nb"));
        ASSERT_FALSE(string_is_printable_ascii("caf\xc3\xa9"));
        ASSERT_FALSE(string_is_printable_ascii("\x7f"));
}

TEST(bus_address)
{
        char *s = NULL;

        ASSERT_OK(bus_address_escape("/run/user/1000/systemd/private", &s));
        ASSERT_STREQ(s, "/run/user/1000/systemd/private");
        free(s);
        ASSERT_OK(bus_address_escape("/tmp/a b,c=d;e%f", &s));
        ASSERT_STREQ(s, "/tmp/a%20b%2cc%3dd%3be%25f");
        free(s);
}

/* ---- /proc/self/cgroup ---- */

static const char unified[] = "0::/user.slice/user-1000.slice/session-2.scope\n";
static const char hybrid[] = "12:name=systemd:/user.slice/user-1000.slice/session-2.scope\n"
                             "11:pids:/user.slice/user-1000.slice/session-2.scope\n"
                             "10:memory:/user.slice/user-1000.slice/session-2.scope\n"
                             "9:cpu,cpuacct:/user.slice\n"
                             "1:cpuset:/\n"
                             "0::/user.slice/user-1000.slice/session-2.scope\n";
static const char v1_only[] = "4:memory:/user.slice\n"
                              "3:cpu,cpuacct:/user.slice\n"
                              "1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n";

static int parse(const char *text, char **ret)
{
        *ret = NULL;
        return cgroup_parse_proc_cgroup(text, ret);
}

TEST(proc_cgroup_fixtures)
{
        char *p;

        ASSERT_OK(parse(unified, &p));
        ASSERT_STREQ(p, "/user.slice/user-1000.slice/session-2.scope");
        free(p);
        ASSERT_OK(parse(hybrid, &p));
        ASSERT_STREQ(p, "/user.slice/user-1000.slice/session-2.scope");
        free(p);
        ASSERT_EQ(parse(v1_only, &p), -ENOMEDIUM);
        ASSERT_EQ(parse("", &p), -ENOMEDIUM);
        ASSERT_OK(parse("0::/\n", &p));
        ASSERT_STREQ(p, "/");
        free(p);
        ASSERT_OK(parse("0::/user.slice/user@1000.service/app.slice/a b.scope", &p));
        ASSERT_STREQ(p, "/user.slice/user@1000.service/app.slice/a b.scope");
        free(p);
        ASSERT_OK(parse("0::/sandbox.slice/sandbox-gnome\\x2dcalc-00ff.scope\n", &p));
        ASSERT_STREQ(p, "/sandbox.slice/sandbox-gnome\\x2dcalc-00ff.scope");
        free(p);
}

TEST(proc_cgroup_refusals)
{
        char *p;

        /* outside our cgroup namespace's root */
        ASSERT_EQ(parse("0::/../../user.slice\n", &p), -EINVAL);
        ASSERT_EQ(parse("0::/a/./b\n", &p), -EINVAL);
        ASSERT_EQ(parse("0::/a//b\n", &p), -EINVAL);
        /* nor a trailing '/' (fuzz-cgroup-util: "0::/0/" was taken as it was) */
        ASSERT_EQ(parse("0::/a/\n", &p), -EINVAL);
        ASSERT_EQ(parse("0::/a/b/\n", &p), -EINVAL);
        ASSERT_EQ(parse("0::relative\n", &p), -EINVAL);
        ASSERT_EQ(parse("0::\n", &p), -EINVAL);
        /* a cgroup named "x\n0::/y" would forge a second line */
        ASSERT_EQ(parse("0::/x\n0::/y\n", &p), -EINVAL);
        ASSERT_EQ(parse("0::/x\ngarbage\n", &p), -EINVAL);
        ASSERT_TRUE(p == NULL);
}

TEST(proc_cgroup_self)
{
        char buf[8192];
        char *p = NULL;
        int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        ssize_t n;
        int r;

        ASSERT_TRUE(fd >= 0);
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        ASSERT_TRUE(n > 0);
        buf[n] = '\0';
        r = parse(buf, &p);
        /* v2 or hybrid: a path; v1 only: no "0::" line */
        ASSERT_TRUE(r == 0 || r == -ENOMEDIUM);
        if (r == 0)
                ASSERT_TRUE(p[0] == '/');
        free(p);
}

/* ---- controllers and interface files ---- */

TEST(controllers)
{
        char buf[CGROUP_CONTROLLERS_STRING_MAX];
        struct limits l = LIMITS_NONE;

        ASSERT_EQ(cgroup_controllers_parse("cpuset cpu io memory hugetlb pids rdma misc\n"),
                  _CGROUP_CONTROLLER_ALL);
        ASSERT_EQ(cgroup_controllers_parse(""), 0);
        ASSERT_EQ(cgroup_controllers_parse("\n"), 0);
        ASSERT_EQ(cgroup_controllers_parse("memory pids"),
                  CGROUP_CONTROLLER_MEMORY | CGROUP_CONTROLLER_PIDS);
        /* whole words only */
        ASSERT_EQ(cgroup_controllers_parse("cpuacct cpuset iomem"), 0);

        ASSERT_STREQ(cgroup_controllers_format(_CGROUP_CONTROLLER_ALL, "+", " ", buf),
                     "+cpu +io +memory +pids");
        ASSERT_STREQ(cgroup_controllers_format(CGROUP_CONTROLLER_MEMORY | CGROUP_CONTROLLER_PIDS,
                                               "", ", ", buf),
                     "memory, pids");
        ASSERT_STREQ(cgroup_controllers_format(0, "-", " ", buf), "");

        ASSERT_EQ(cgroup_controllers_for_limits(NULL), 0);
        ASSERT_EQ(cgroup_controllers_for_limits(&l), 0);
        l.memory_high = 1 << 30;
        ASSERT_EQ(cgroup_controllers_for_limits(&l), CGROUP_CONTROLLER_MEMORY);
        l.cpu_weight = 10;
        l.tasks_max = 8;
        ASSERT_EQ(cgroup_controllers_for_limits(&l),
                  CGROUP_CONTROLLER_MEMORY | CGROUP_CONTROLLER_CPU | CGROUP_CONTROLLER_PIDS);
        l = LIMITS_NONE;
        l.cpu_quota_per_sec_usec = 200000;
        l.io_weight = 100;
        ASSERT_EQ(cgroup_controllers_for_limits(&l), CGROUP_CONTROLLER_CPU | CGROUP_CONTROLLER_IO);
}

TEST(memory_events)
{
        static const char events[] = "low 0\nhigh 17\nmax 12\noom 3\noom_kill 2\n"
                                     "oom_group_kill 0\n";
        uint64_t v = 0;

        ASSERT_OK(cgroup_parse_keyed(events, "oom_kill", &v));
        ASSERT_EQ(v, 2);
        ASSERT_OK(cgroup_parse_keyed(events, "oom", &v));
        ASSERT_EQ(v, 3);
        ASSERT_OK(cgroup_parse_keyed(events, "low", &v));
        ASSERT_EQ(v, 0);
        ASSERT_EQ(cgroup_parse_keyed(events, "oom_k", &v), -ENOENT);
        ASSERT_EQ(cgroup_parse_keyed("low 0\n", "oom_kill", &v), -ENOENT);
        ASSERT_EQ(cgroup_parse_keyed("oom_kill x\n", "oom_kill", &v), -EINVAL);
        ASSERT_EQ(cgroup_parse_keyed("oom_kill \n", "oom_kill", &v), -EINVAL);
        ASSERT_EQ(cgroup_parse_keyed("oom_kill 99999999999999999999\n", "oom_kill", &v), -ERANGE);
        ASSERT_OK(cgroup_parse_keyed("oom_kill 5", "oom_kill", &v)); /* no final newline */
        ASSERT_EQ(v, 5);
}

TEST(cpu_max)
{
        char buf[CGROUP_CPU_MAX_STRING_MAX];

        /* as systemd writes it: 100 ms period */
        ASSERT_STREQ(cgroup_format_cpu_max(200000, buf), "20000 100000");
        ASSERT_STREQ(cgroup_format_cpu_max(1000000, buf), "100000 100000");
        ASSERT_STREQ(cgroup_format_cpu_max(1500000, buf), "150000 100000");
        ASSERT_STREQ(cgroup_format_cpu_max(5000, buf), "1000 100000"); /* the kernel's minimum */
        ASSERT_STREQ(cgroup_format_cpu_max(LIMIT_UNSET, buf), "max 100000");
}

/* ---- the delegation check, on a fake cgroup directory ---- */

static char fake[] = "/tmp/test-cgroup-util.XXXXXX";

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        return remove(path);
}

static int make_fake_cgroup(void)
{
        int dir;

        if (!mkdtemp(fake))
                TEST_FAIL("mkdtemp: %s", strerror(errno));
        dir = open(fake, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(dir >= 0);
        ASSERT_TRUE(mknodat(dir, "cgroup.procs", S_IFREG | 0644, 0) == 0);
        ASSERT_TRUE(mknodat(dir, "cgroup.subtree_control", S_IFREG | 0644, 0) == 0);
        return dir;
}

TEST(delegation_check)
{
        struct sb_error e = {};
        int dir = make_fake_cgroup();

        ASSERT_OK(cgroup_check_delegated(dir, "/fake", geteuid(), &e));

        /* owned by someone else: not delegated to us */
        ASSERT_EQ(cgroup_check_delegated(dir, "/fake", geteuid() + 1, &e), -EPERM);
        ASSERT_TRUE(strstr(e.msg, "cgroup /fake is owned by uid") != NULL);
        ASSERT_TRUE(strstr(e.msg, "not delegated") != NULL);

        /* a symlink where a control file should be is refused, never followed */
        ASSERT_TRUE(unlinkat(dir, "cgroup.subtree_control", 0) == 0);
        ASSERT_TRUE(symlinkat("cgroup.procs", dir, "cgroup.subtree_control") == 0);
        ASSERT_EQ(cgroup_check_delegated(dir, "/fake", geteuid(), &e), -EPERM);
        ASSERT_TRUE(strstr(e.msg, "/fake/cgroup.subtree_control is not a regular file") != NULL);

        ASSERT_TRUE(unlinkat(dir, "cgroup.subtree_control", 0) == 0);
        ASSERT_EQ(cgroup_check_delegated(dir, "/fake", geteuid(), &e), -ENOENT);

        /* not writable (root may write anyway: the check is skipped for it) */
        ASSERT_TRUE(mknodat(dir, "cgroup.subtree_control", S_IFREG | 0444, 0) == 0);
        if (geteuid() != 0) {
                ASSERT_EQ(cgroup_check_delegated(dir, "/fake", geteuid(), &e), -EACCES);
                ASSERT_TRUE(strstr(e.msg, "is not writable") != NULL);
        }
        close(dir);
        nftw(fake, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- entry points: what they refuse without contacting anything ---- */

TEST(entry_point_refusals)
{
        struct limits l = LIMITS_NONE;
        struct scope *s = (struct scope *)1;
        struct sb_error e = {};

        ASSERT_TRUE(scope_free(NULL) == NULL);
        ASSERT_FALSE(scope_oom_killed(NULL));
        ASSERT_TRUE(scope_unit_name_get(NULL) == NULL);
        ASSERT_FALSE(scope_is_transient_unit(NULL));

        ASSERT_EQ(cgroup_scope_enter("", &l, &s, &e), -EINVAL);
        ASSERT_EQ(cgroup_scope_enter(NULL, &l, &s, &e), -EINVAL);
        ASSERT_TRUE(s == (struct scope *)1); /* untouched on failure */
        ASSERT_EQ(cgroup_scope_enter_cgroupfs("", &l, &s, &e), -EINVAL);

        /* nothing to set: done without a connection */
        ASSERT_OK(cgroup_set_slice_limits("user-1000.slice", &l, &e));
        ASSERT_OK(cgroup_set_slice_limits("user-1000.slice", NULL, &e));
        ASSERT_EQ(cgroup_set_slice_limits("", &l, &e), -EINVAL);
}

/* Where the answer is certain, the fallback must fail closed without touching the tree: with
 * no cgroup v2 at /sys/fs/cgroup (a hybrid or v1-only host, like the machines the unit tests
 * run on), a memory limit can never be enforced through cgroupfs. */
TEST(cgroupfs_fails_closed_on_hybrid_hosts)
{
        struct limits l = LIMITS_NONE;
        struct scope *s = NULL;
        struct sb_error e = {};
        struct statfs sfs;
        int r;

        if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
                printf("# unified cgroup v2 host: the VM tier tests the fallback here\n");
                return;
        }
        l.memory_max = UINT64_C(64) << 20;
        r = cgroup_scope_enter_cgroupfs("unit-test", &l, &s, &e);
        printf("# %s\n", e.msg);
        ASSERT_TRUE(r < 0);
        ASSERT_TRUE(s == NULL);
        ASSERT_TRUE(r == -EOPNOTSUPP || r == -EPERM);
        ASSERT_TRUE(strstr(e.msg, "hybrid") || strstr(e.msg, "cgroup v1") ||
                    strstr(e.msg, "delegated"));
}

TEST_MAIN
