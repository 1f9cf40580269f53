/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Value syntax: sizes, percentages, limits, weights, booleans, enums, paths, words, UTF-8 and the
 * name tables (capabilities against the kernel header, system call groups against libseccomp). */
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "policy-internal.h"
#include "test.h"

TEST(size)
{
        uint64_t v = 0;

        ASSERT_OK(policy_parse_size("0", &v));
        ASSERT_EQ(v, 0);
        ASSERT_OK(policy_parse_size("4096", &v));
        ASSERT_EQ(v, 4096);
        ASSERT_OK(policy_parse_size("1K", &v));
        ASSERT_EQ(v, 1024);
        ASSERT_OK(policy_parse_size("3M", &v));
        ASSERT_EQ(v, UINT64_C(3) << 20);
        ASSERT_OK(policy_parse_size("2G", &v));
        ASSERT_EQ(v, UINT64_C(2) << 30);
        ASSERT_OK(policy_parse_size("1T", &v));
        ASSERT_EQ(v, UINT64_C(1) << 40);
        ASSERT_OK(policy_parse_size("1.5G", &v));
        ASSERT_EQ(v, UINT64_C(3) << 29);
        ASSERT_OK(policy_parse_size("0.25K", &v));
        ASSERT_EQ(v, 256);
        ASSERT_OK(policy_parse_size("15E", &v));
        ASSERT_EQ(v, UINT64_C(15) << 60);
        ASSERT_EQ(policy_parse_size("16E", &v), -ERANGE);
        ASSERT_EQ(policy_parse_size("18446744073709551616", &v), -ERANGE);
        ASSERT_EQ(policy_parse_size("", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size("G", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size("1.5", &v), -EINVAL); /* a fraction of a byte */
        ASSERT_EQ(policy_parse_size("1.G", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size(".5G", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size("-1", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size("+1", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size(" 1", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size("1g", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size("1KB", &v), -EINVAL);
        ASSERT_EQ(policy_parse_size("1.0000000001G", &v), -EINVAL);
}

TEST(permyriad)
{
        uint64_t v = 0;

        ASSERT_OK(policy_parse_permyriad("50%", 10000, &v));
        ASSERT_EQ(v, 5000);
        ASSERT_OK(policy_parse_permyriad("0.5%", 10000, &v));
        ASSERT_EQ(v, 50);
        ASSERT_OK(policy_parse_permyriad("12.34%", 10000, &v));
        ASSERT_EQ(v, 1234);
        ASSERT_OK(policy_parse_permyriad("100%", 10000, &v));
        ASSERT_EQ(v, 10000);
        ASSERT_EQ(policy_parse_permyriad("100.01%", 10000, &v), -ERANGE);
        ASSERT_EQ(policy_parse_permyriad("1.234%", 10000, &v), -EINVAL);
        ASSERT_EQ(policy_parse_permyriad("%", 10000, &v), -EINVAL);
        ASSERT_EQ(policy_parse_permyriad("50", 10000, &v), -EINVAL);
        ASSERT_EQ(policy_parse_permyriad("5 0%", 10000, &v), -EINVAL);
        ASSERT_EQ(policy_parse_permyriad("1.%", 10000, &v), -EINVAL);
}

TEST(limits)
{
        struct policy_limit l = {};

        ASSERT_OK(policy_parse_memory("infinity", &l));
        ASSERT_EQ(l.kind, POLICY_LIMIT_INFINITY);
        ASSERT_OK(policy_parse_memory("25%", &l));
        ASSERT_EQ(l.kind, POLICY_LIMIT_PERMYRIAD);
        ASSERT_EQ(l.value, 2500);
        ASSERT_OK(policy_parse_memory("0", &l));
        ASSERT_EQ(l.kind, POLICY_LIMIT_ABSOLUTE);
        ASSERT_EQ(policy_parse_memory("101%", &l), -ERANGE);
        ASSERT_EQ(policy_parse_memory("Infinity", &l), -EINVAL);

        ASSERT_OK(policy_parse_tasks("4096", &l));
        ASSERT_EQ(l.value, 4096);
        ASSERT_OK(policy_parse_tasks("infinity", &l));
        ASSERT_OK(policy_parse_tasks("15%", &l));
        ASSERT_EQ(l.value, 1500);
        ASSERT_EQ(policy_parse_tasks("0", &l), -ERANGE);
        ASSERT_EQ(policy_parse_tasks("0%", &l), -ERANGE);
        ASSERT_EQ(policy_parse_tasks("1K", &l), -EINVAL);

        ASSERT_OK(policy_parse_cpu_quota("250%", &l));
        ASSERT_EQ(l.value, 25000);
        ASSERT_OK(policy_parse_cpu_quota("0.01%", &l));
        ASSERT_EQ(l.value, 1);
        ASSERT_EQ(policy_parse_cpu_quota("0%", &l), -ERANGE);
        ASSERT_EQ(policy_parse_cpu_quota("1000001%", &l), -ERANGE);
        ASSERT_EQ(policy_parse_cpu_quota("infinity", &l), -EINVAL);

        /* resolution against the machine */
        l = (struct policy_limit){POLICY_LIMIT_PERMYRIAD, 2500};
        ASSERT_EQ(policy_limit_resolve(&l, 8000), 2000);
        l = (struct policy_limit){POLICY_LIMIT_PERMYRIAD, 10000};
        ASSERT_EQ(policy_limit_resolve(&l, UINT64_MAX), UINT64_MAX - 1);
        l = (struct policy_limit){POLICY_LIMIT_INFINITY, 0};
        ASSERT_EQ(policy_limit_resolve(&l, 1), UINT64_MAX);
        l = (struct policy_limit){POLICY_LIMIT_UNSET, 0};
        ASSERT_EQ(policy_limit_resolve(&l, 1), UINT64_MAX);
}

TEST(timespan)
{
        struct policy_limit l = {};
        uint64_t v = 0;
        const struct {
                const char *s;
                uint64_t usec;
        } good[] = {
            {"90", UINT64_C(90000000)},
            {"90s", UINT64_C(90000000)},
            {"30min", UINT64_C(1800000000)},
            {"1h 30min", UINT64_C(5400000000)},
            {"1h30min", UINT64_C(5400000000)},
            {"2.5s", UINT64_C(2500000)},
            {"1.5h", UINT64_C(5400000000)},
            {"500ms", UINT64_C(500000)},
            {"1 d", UINT64_C(86400000000)},
            {"2 weeks", UINT64_C(1209600000000)},
            {"7us", 7},
            {"1m 1ms 1us", UINT64_C(60001001)},
            {"1M", UINT64_C(2629800000000)},
            {"1y", UINT64_C(31557600000000)},
            {"  5s  ", UINT64_C(5000000)},
        };
        const char *bad[] = {"",         " ",     "s",   "5x",  "5 sx", "-5s",
                             "+5s",      "5.s",   ".5s", "5s,", "1h-",  "1.0000000001s",
                             "infinite", "5secs", "0x10"};

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                ASSERT_OK(parse_timespan(good[i].s, &v));
                ASSERT_EQ(v, good[i].usec);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                ASSERT_EQ(parse_timespan(bad[i], &v), -EINVAL);
        ASSERT_EQ(parse_timespan("99999999999999999999", &v), -ERANGE);
        ASSERT_EQ(parse_timespan("9999999999999d", &v), -ERANGE);

        ASSERT_OK(policy_parse_runtime("infinity", &l));
        ASSERT_EQ(l.kind, POLICY_LIMIT_INFINITY);
        ASSERT_OK(policy_parse_runtime("2h", &l));
        ASSERT_EQ(l.kind, POLICY_LIMIT_ABSOLUTE);
        ASSERT_EQ(l.value, UINT64_C(7200000000));
        ASSERT_EQ(policy_parse_runtime("0", &l), -ERANGE);
        ASSERT_EQ(policy_parse_runtime("0s 0ms", &l), -ERANGE);
        ASSERT_EQ(policy_parse_runtime("Infinity", &l), -EINVAL);
}

TEST(signature_age)
{
        /* MaxSignatureAge= takes the same time spans as RuntimeMaxSec=, in whole seconds. */
        uint64_t secs = 0;

        ASSERT_OK(policy_parse_duration("30d", &secs));
        ASSERT_EQ(secs, UINT64_C(2592000));
        ASSERT_OK(policy_parse_duration("1h 30min", &secs));
        ASSERT_EQ(secs, UINT64_C(5400));
        ASSERT_OK(policy_parse_duration("2 weeks", &secs));
        ASSERT_EQ(secs, UINT64_C(1209600));
        ASSERT_OK(policy_parse_duration("90", &secs));
        ASSERT_EQ(secs, UINT64_C(90));
        ASSERT_EQ(policy_parse_duration("1.5s", &secs), -EINVAL);
        ASSERT_EQ(policy_parse_duration("500ms", &secs), -EINVAL);
        ASSERT_EQ(policy_parse_duration("30 fortnights", &secs), -EINVAL);
        ASSERT_EQ(policy_parse_duration("0", &secs), -ERANGE);
        ASSERT_EQ(policy_parse_duration("101y", &secs), -ERANGE);
}

TEST(weight_boolean_enums)
{
        uint64_t w = 0;

        ASSERT_OK(policy_parse_weight("1", &w));
        ASSERT_OK(policy_parse_weight("10000", &w));
        ASSERT_EQ(w, 10000);
        ASSERT_EQ(policy_parse_weight("0", &w), -ERANGE);
        ASSERT_EQ(policy_parse_weight("10001", &w), -ERANGE);
        ASSERT_EQ(policy_parse_weight("idle", &w), -EINVAL);

        const char *yes[] = {"yes", "true", "on", "1", "YES", "True"};
        const char *no[] = {"no", "false", "off", "0", "Off"};
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                ASSERT_EQ(policy_parse_boolean(yes[i]), 1);
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                ASSERT_EQ(policy_parse_boolean(no[i]), 0);
        ASSERT_EQ(policy_parse_boolean("y"), -EINVAL);
        ASSERT_EQ(policy_parse_boolean(""), -EINVAL);

        ASSERT_EQ(protect_system_from_string("strict"), PROTECT_SYSTEM_STRICT);
        ASSERT_EQ(protect_system_from_string("full"), PROTECT_SYSTEM_FULL);
        ASSERT_EQ(protect_system_from_string("true"), PROTECT_SYSTEM_YES);
        ASSERT_EQ(protect_system_from_string("off"), PROTECT_SYSTEM_NO);
        ASSERT_EQ(protect_system_from_string("Strict"), -EINVAL);
        ASSERT_EQ(protect_home_from_string("read-only"), PROTECT_HOME_READ_ONLY);
        ASSERT_EQ(protect_home_from_string("tmpfs"), PROTECT_HOME_TMPFS);
        ASSERT_EQ(protect_home_from_string("yes"), PROTECT_HOME_YES);
        ASSERT_EQ(protect_home_from_string("readonly"), -EINVAL);
        for (int i = 0; i < _PROTECT_SYSTEM_MAX; i++)
                ASSERT_EQ(protect_system_from_string(protect_system_to_string(i)), i);
        for (int i = 0; i < _PROTECT_HOME_MAX; i++)
                ASSERT_EQ(protect_home_from_string(protect_home_to_string(i)), i);
        ASSERT_FALSE(protect_home_to_string(_PROTECT_HOME_MAX));
}

static void check_canonical(const char *in, const char *want)
{
        char *out = NULL;

        ASSERT_OK(policy_path_canonicalize(in, &out));
        ASSERT_STREQ(out, want);
        free(out);
}

TEST(paths)
{
        char *out = NULL;

        check_canonical("/", "/");
        check_canonical("//", "/");
        check_canonical("/usr/", "/usr");
        check_canonical("//usr///lib//", "/usr/lib");
        check_canonical("/a/.b/..c", "/a/.b/..c");
        ASSERT_EQ(policy_path_canonicalize("usr", &out), -EINVAL);
        ASSERT_EQ(policy_path_canonicalize("", &out), -EINVAL);
        ASSERT_EQ(policy_path_canonicalize("/a/./b", &out), -EINVAL);
        ASSERT_EQ(policy_path_canonicalize("/a/..", &out), -EINVAL);
        ASSERT_EQ(policy_path_canonicalize("/..", &out), -EINVAL);

        ASSERT_TRUE(policy_path_covers("/", "/usr"));
        ASSERT_TRUE(policy_path_covers("/usr", "/usr"));
        ASSERT_TRUE(policy_path_covers("/usr", "/usr/lib"));
        ASSERT_FALSE(policy_path_covers("/usr", "/usrlocal"));
        ASSERT_FALSE(policy_path_covers("/usr/lib", "/usr"));
}

static void check_words(const char *s, const char *const *want)
{
        size_t pos = 0, start = 0, n = 0;
        char *w = NULL;
        int r;

        while ((r = policy_extract_word(s, &pos, &w, &start)) > 0) {
                ASSERT_TRUE(want[n]);
                ASSERT_STREQ(w, want[n]);
                free(w);
                n++;
        }
        ASSERT_EQ(r, 0);
        ASSERT_FALSE(want[n]);
}

TEST(words)
{
        check_words("a b\tc", (const char *const[]){"a", "b", "c", NULL});
        check_words("  ", (const char *const[]){NULL});
        check_words("\"a b\" 'c d'", (const char *const[]){"a b", "c d", NULL});
        check_words("A=\"x y\"z", (const char *const[]){"A=x yz", NULL});
        check_words("'\\n' \"\\n\" \\n", (const char *const[]){"\\n", "\n", "\n", NULL});
        check_words("a\\ b \\\\ \\\" \\'", (const char *const[]){"a b", "\\", "\"", "'", NULL});
        check_words("\"\"", (const char *const[]){"", NULL});

        size_t pos = 0, start = 0;
        char *w = NULL;
        ASSERT_EQ(policy_extract_word("ok \"open", &pos, &w, &start), 1);
        free(w);
        ASSERT_EQ(policy_extract_word("ok \"open", &pos, &w, &start), -EINVAL);
        ASSERT_EQ(start, 3); /* the opening quote */
        pos = 0;
        ASSERT_EQ(policy_extract_word("ab\\x", &pos, &w, &start), -EINVAL);
        ASSERT_EQ(start, 2);
        pos = 0;
        ASSERT_EQ(policy_extract_word("trailing\\", &pos, &w, &start), -EINVAL);
}

TEST(word_round_trip)
{
        const char *samples[] = {"plain",     "",         "with space",          "tab\there",
                                 "new\nline", "quote\"s", "apo'strophe",         "back\\slash",
                                 "#hash",     "=",        "mixed \"'\\\t\n all", "caf\xc3\xa9"};

        for (size_t i = 0; i < ELEMENTSOF(samples); i++) {
                char *buf = NULL, *w = NULL;
                size_t size = 0, pos = 0, start = 0;
                FILE *f = open_memstream(&buf, &size);

                ASSERT_TRUE(f);
                ASSERT_OK(policy_write_word(f, samples[i]));
                fclose(f);
                ASSERT_EQ(policy_extract_word(buf, &pos, &w, &start), 1);
                ASSERT_STREQ(w, samples[i]);
                ASSERT_EQ(pos, strlen(buf)); /* one word, all of it */
                free(w);
                free(buf);
        }
}

TEST(utf8)
{
        ASSERT_EQ(utf8_char_len((const unsigned char *)"a", 1), 1);
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xc3\xa9", 2), 2);
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xc3", 1), 0);     /* truncated */
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xc0\xaf", 2), 0); /* overlong */
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xe0\x80\xaf", 3), 0);
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xed\xa0\x80", 3), 0);     /* surrogate */
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\xff", 1), 0);
        ASSERT_EQ(utf8_char_len((const unsigned char *)"\x80", 1), 0);
}

TEST(names)
{
        ASSERT_TRUE(policy_env_name_valid("PATH"));
        ASSERT_TRUE(policy_env_name_valid("_x1"));
        ASSERT_FALSE(policy_env_name_valid("1x"));
        ASSERT_FALSE(policy_env_name_valid(""));
        ASSERT_FALSE(policy_env_name_valid("A-B"));
        ASSERT_TRUE(policy_account_name_valid("alice"));
        ASSERT_TRUE(policy_account_name_valid("domain users@corp"));
        ASSERT_FALSE(policy_account_name_valid("a:b"));
        ASSERT_FALSE(policy_account_name_valid(""));
}

TEST(capabilities_match_kernel)
{
        static const struct {
                int nr;
                const char *name;
        } k[] = {
            {CAP_CHOWN, "CAP_CHOWN"},
            {CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE"},
            {CAP_NET_RAW, "CAP_NET_RAW"},
            {CAP_SYS_ADMIN, "CAP_SYS_ADMIN"},
            {CAP_SYS_PTRACE, "CAP_SYS_PTRACE"},
            {CAP_MKNOD, "CAP_MKNOD"},
            {CAP_SETFCAP, "CAP_SETFCAP"},
            {CAP_AUDIT_READ, "CAP_AUDIT_READ"},
#ifdef CAP_CHECKPOINT_RESTORE
            {CAP_PERFMON, "CAP_PERFMON"},
            {CAP_BPF, "CAP_BPF"},
            {CAP_CHECKPOINT_RESTORE, "CAP_CHECKPOINT_RESTORE"},
#endif
        };

        for (size_t i = 0; i < ELEMENTSOF(k); i++) {
                ASSERT_EQ(policy_cap_from_name(k[i].name), k[i].nr);
                ASSERT_STREQ(policy_cap_to_name((unsigned)k[i].nr), k[i].name);
        }
#ifdef CAP_CHECKPOINT_RESTORE
        ASSERT_EQ(POLICY_CAP_MAX, CAP_CHECKPOINT_RESTORE + 1);
#endif
        for (unsigned i = 0; i < POLICY_CAP_MAX; i++)
                ASSERT_EQ(policy_cap_from_name(policy_cap_to_name(i)), i);
        ASSERT_EQ(policy_cap_from_name("cap_sys_admin"), CAP_SYS_ADMIN);
        ASSERT_EQ(policy_cap_from_name("SYS_ADMIN"), -EINVAL); /* the prefix is required */
        ASSERT_EQ(policy_cap_from_name("21"), -EINVAL);
        ASSERT_EQ(policy_cap_from_name("CAP_"), -EINVAL);
        ASSERT_FALSE(policy_cap_to_name(POLICY_CAP_MAX));
}

TEST(namespaces)
{
        unsigned all = 0;
        const char *names[] = {"cgroup", "ipc", "net", "mnt", "pid", "user", "uts"};

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                int b = policy_namespace_from_name(names[i]);
                ASSERT_TRUE(b > 0);
                ASSERT_STREQ(policy_namespace_to_name((unsigned)b), names[i]);
                all |= (unsigned)b;
        }
        ASSERT_EQ(all, POLICY_NS_ALL);
        ASSERT_EQ(policy_namespace_from_name("network"), -EINVAL);
        ASSERT_EQ(policy_namespace_from_name("NET"), -EINVAL);
}

TEST(syscall_groups)
{
        /* every group the design names is there, and every member is a name libseccomp knows */
        const char *need[] = {"@mount", "@module",        "@reboot", "@swap",     "@raw-io",
                              "@clock", "@cpu-emulation", "@debug",  "@obsolete", "@keyring"};

        for (size_t i = 0; i < ELEMENTSOF(need); i++)
                ASSERT_TRUE(policy_syscall_group_find(need[i]));
        for (size_t g = 0; g < policy_syscall_groups_n; g++)
                for (const char *const *m = policy_syscall_groups[g].members; *m; m++) {
                        if (policy_syscall_name_valid(*m) != 1)
                                printf("# %s: %s unknown\n", policy_syscall_groups[g].name, *m);
                        ASSERT_EQ(policy_syscall_name_valid(*m), 1);
                }
        ASSERT_EQ(policy_syscall_name_valid("read"), 1);
        ASSERT_EQ(policy_syscall_name_valid("vm86"), 1); /* i386 only: still a valid name */
        ASSERT_EQ(policy_syscall_name_valid("mkdri"), 0);
        ASSERT_EQ(policy_syscall_name_valid(""), 0);
        ASSERT_FALSE(policy_syscall_group_find("@bogus"));
        ASSERT_FALSE(policy_syscall_group_find("mount"));
}

TEST(desktop_values)
{
        char *d = NULL;

        /* D-Bus names as xdg-dbus-proxy's --talk=/--own= take them */
        ASSERT_TRUE(policy_bus_name_valid("org.freedesktop.Notifications"));
        ASSERT_TRUE(policy_bus_name_valid("org.mpris.MediaPlayer2.*"));
        ASSERT_TRUE(policy_bus_name_valid("org.*"));
        ASSERT_TRUE(policy_bus_name_valid("com.example.App-1_x"));
        ASSERT_FALSE(policy_bus_name_valid("org"));
        ASSERT_FALSE(policy_bus_name_valid("*"));
        ASSERT_FALSE(policy_bus_name_valid(".org.a"));
        ASSERT_FALSE(policy_bus_name_valid("org..a"));
        ASSERT_FALSE(policy_bus_name_valid("org.a."));
        ASSERT_FALSE(policy_bus_name_valid("org.1a"));
        ASSERT_FALSE(policy_bus_name_valid(":1.42"));
        ASSERT_FALSE(policy_bus_name_valid("org.a.*.b"));
        ASSERT_FALSE(policy_bus_name_valid("org.a b"));
        ASSERT_TRUE(policy_bus_name_covers("org.a.*", "org.a.B"));
        ASSERT_TRUE(policy_bus_name_covers("org.a.*", "org.a"));
        ASSERT_TRUE(policy_bus_name_covers("org.a.*", "org.a.B.*"));
        ASSERT_FALSE(policy_bus_name_covers("org.a.*", "org.ab"));
        ASSERT_FALSE(policy_bus_name_covers("org.a.B", "org.a.*"));
        ASSERT_TRUE(policy_bus_name_covers("org.a.B", "org.a.B"));

        /* Home= directories: relative, canonical, never the home itself or outside it */
        ASSERT_OK(policy_home_dir_canonicalize("Downloads//x/", &d));
        ASSERT_STREQ(d, "Downloads/x");
        free(d);
        ASSERT_EQ(policy_home_dir_canonicalize("/home/u/Downloads", &d), -EINVAL);
        ASSERT_EQ(policy_home_dir_canonicalize("~/Downloads", &d), -EINVAL);
        ASSERT_EQ(policy_home_dir_canonicalize("a/../../etc", &d), -EINVAL);
        ASSERT_EQ(policy_home_dir_canonicalize(".", &d), -EINVAL);
        ASSERT_EQ(policy_home_dir_canonicalize("", &d), -EINVAL);
        ASSERT_EQ(policy_dbus_from_string("filter"), POLICY_DBUS_FILTER);
        ASSERT_EQ(policy_dbus_from_string("yes"), -EINVAL);
}

TEST(key_table)
{
        for (int k = 0; k < _POLICY_KEY_MAX; k++) {
                ASSERT_TRUE(policy_key_name(k));
                ASSERT_EQ(policy_key_from_name(policy_key_name(k)), k);
        }
        ASSERT_EQ(policy_key_from_name("memorymax"), -ENOENT);
        ASSERT_FALSE(policy_key_name(_POLICY_KEY_MAX));
}

TEST_MAIN
