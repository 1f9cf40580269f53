/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cgroup limits: systemd's value syntax (through lib/policy's parser), percentages resolved
 * against a fixed machine, the conversions to what systemd and cgroupfs take, and formatting. */
#include <stdio.h>
#include <string.h>

#include "cgroup-limits.h"
#include "test.h"

/* A fixed machine, so percentages have known answers: 8 GiB of RAM, 4194304 tasks. */
static const struct policy_system sys = {
    .memory_bytes = UINT64_C(8) << 30,
    .tasks_max = 4194304,
};

static uint64_t set_one(const char *assignment)
{
        struct limits l = LIMITS_NONE;
        struct sb_error e = {};
        int r = limits_set_assignment(&l, assignment, "test", 1, &sys, &e);

        if (r < 0)
                TEST_FAIL("%s: %d %s", assignment, r, e.msg);
        if (strncmp(assignment, "MemoryMax=", 10) == 0)
                return l.memory_max;
        if (strncmp(assignment, "MemoryHigh=", 11) == 0)
                return l.memory_high;
        if (strncmp(assignment, "CPUQuota=", 9) == 0)
                return l.cpu_quota_per_sec_usec;
        if (strncmp(assignment, "CPUWeight=", 10) == 0)
                return l.cpu_weight;
        if (strncmp(assignment, "TasksMax=", 9) == 0)
                return l.tasks_max;
        if (strncmp(assignment, "IOWeight=", 9) == 0)
                return l.io_weight;
        TEST_FAIL("%s: no such key in the test", assignment);
}

static int set_fails(const char *assignment, struct sb_error *e)
{
        struct limits l = LIMITS_NONE, before;
        int r;

        l.memory_max = 12345; /* must survive a failed assignment */
        before = l;
        r = limits_set_assignment(&l, assignment, "command line", 3, &sys, e);
        if (r >= 0)
                TEST_FAIL("%s was accepted", assignment);
        if (memcmp(&l, &before, sizeof(l)) != 0)
                TEST_FAIL("%s changed the limits although it failed", assignment);
        return r;
}

TEST(none)
{
        struct limits l = LIMITS_NONE;

        ASSERT_FALSE(limits_any(NULL));
        ASSERT_FALSE(limits_any(&l));
        l.io_weight = 10;
        ASSERT_TRUE(limits_any(&l));
        ASSERT_EQ(LIMIT_UNSET, UINT64_MAX);
}

TEST(memory_sizes)
{
        ASSERT_EQ(set_one("MemoryMax=4096"), 4096);
        ASSERT_EQ(set_one("MemoryMax=1K"), 1024);
        ASSERT_EQ(set_one("MemoryMax=64M"), UINT64_C(64) << 20);
        ASSERT_EQ(set_one("MemoryMax=2G"), UINT64_C(2) << 30);
        ASSERT_EQ(set_one("MemoryMax=1T"), UINT64_C(1) << 40);
        ASSERT_EQ(set_one("MemoryMax=1.5G"), UINT64_C(3) << 29);
        ASSERT_EQ(set_one("MemoryHigh=512M"), UINT64_C(512) << 20);
        /* infinity: no limit, the same as not setting it */
        ASSERT_EQ(set_one("MemoryMax=infinity"), LIMIT_UNSET);
        ASSERT_EQ(set_one("MemoryHigh=infinity"), LIMIT_UNSET);
}

TEST(memory_percent_of_ram)
{
        ASSERT_EQ(set_one("MemoryMax=50%"), UINT64_C(4) << 30);
        ASSERT_EQ(set_one("MemoryMax=100%"), UINT64_C(8) << 30);
        ASSERT_EQ(set_one("MemoryHigh=25%"), UINT64_C(2) << 30);
        ASSERT_EQ(set_one("MemoryMax=12.5%"), UINT64_C(1) << 30);
}

TEST(cpu_quota)
{
        /* CPUQuotaPerSecUSec: µs of CPU time per second; 100% = one CPU = 1000000 */
        ASSERT_EQ(set_one("CPUQuota=20%"), 200000);
        ASSERT_EQ(set_one("CPUQuota=100%"), 1000000);
        ASSERT_EQ(set_one("CPUQuota=150%"), 1500000);
        ASSERT_EQ(set_one("CPUQuota=400%"), 4000000);
        ASSERT_EQ(set_one("CPUQuota=0.5%"), 5000);
}

TEST(weights)
{
        ASSERT_EQ(set_one("CPUWeight=1"), 1);
        ASSERT_EQ(set_one("CPUWeight=100"), 100);
        ASSERT_EQ(set_one("CPUWeight=10000"), 10000);
        ASSERT_EQ(set_one("IOWeight=1"), 1);
        ASSERT_EQ(set_one("IOWeight=10000"), 10000);
}

TEST(tasks)
{
        ASSERT_EQ(set_one("TasksMax=8"), 8);
        ASSERT_EQ(set_one("TasksMax=infinity"), LIMIT_UNSET);
        /* of the kernel's task limit, as systemd's TasksMax=N% */
        ASSERT_EQ(set_one("TasksMax=10%"), 419430);
        ASSERT_EQ(set_one("TasksMax=100%"), 4194304);
}

TEST(bad_values)
{
        struct sb_error e = {};

        ASSERT_EQ(set_fails("MemoryMax=64Q", &e), -EINVAL);
        /* the message names where the value came from and what is accepted */
        ASSERT_TRUE(strstr(e.msg, "command line:3:") != NULL);
        ASSERT_TRUE(strstr(e.msg, "infinity") != NULL);
        set_fails("MemoryMax=", &e);
        set_fails("MemoryMax=-1", &e);
        set_fails("MemoryMax=101%", &e);
        set_fails("MemoryMax=99999999999999999999", &e);
        set_fails("MemoryMax=64 M", &e);
        set_fails("CPUQuota=20", &e);
        set_fails("CPUQuota=0%", &e);
        set_fails("CPUQuota=-5%", &e);
        set_fails("CPUWeight=0", &e);
        set_fails("CPUWeight=10001", &e);
        set_fails("CPUWeight=idle", &e);
        set_fails("IOWeight=0", &e);
        set_fails("IOWeight=10001", &e);
        set_fails("TasksMax=0", &e);
        set_fails("TasksMax=-1", &e);
        set_fails("TasksMax=8.5", &e);
}

TEST(only_resource_keys)
{
        struct sb_error e = {};

        ASSERT_EQ(set_fails("PrivateNetwork=yes", &e), -ENOENT);
        ASSERT_TRUE(strstr(e.msg, "PrivateNetwork is not a resource limit") != NULL);
        ASSERT_EQ(set_fails("Bogus=1", &e), -ENOENT);
        ASSERT_EQ(set_fails("memorymax=1G", &e), -ENOENT); /* case-sensitive, as systemd */
        ASSERT_EQ(set_fails("MemoryMax", &e), -EINVAL);
        ASSERT_EQ(set_fails("=1G", &e), -ENOENT);
}

TEST(assignments_accumulate)
{
        struct limits l = LIMITS_NONE;

        ASSERT_OK(limits_set_assignment(&l, "MemoryMax=1G", "t", 1, &sys, NULL));
        ASSERT_OK(limits_set_assignment(&l, "TasksMax=64", "t", 2, &sys, NULL));
        ASSERT_EQ(l.memory_max, UINT64_C(1) << 30);
        ASSERT_EQ(l.tasks_max, 64);
        ASSERT_EQ(l.cpu_weight, LIMIT_UNSET);
        /* a later assignment replaces an earlier one; infinity lifts it */
        ASSERT_OK(limits_set_assignment(&l, "MemoryMax=2G", "t", 3, &sys, NULL));
        ASSERT_EQ(l.memory_max, UINT64_C(2) << 30);
        ASSERT_OK(limits_set_assignment(&l, "MemoryMax=infinity", "t", 4, &sys, NULL));
        ASSERT_EQ(l.memory_max, LIMIT_UNSET);
        ASSERT_EQ(l.tasks_max, 64);
}

TEST(detected_machine)
{
        struct limits l = LIMITS_NONE;
        struct policy_system here;

        /* sys == NULL: this machine, as policy_system_detect() sees it */
        ASSERT_OK(policy_system_detect(&here));
        ASSERT_OK(limits_set_assignment(&l, "MemoryMax=100%", "t", 1, NULL, NULL));
        ASSERT_EQ(l.memory_max, here.memory_bytes);
        ASSERT_OK(limits_set_assignment(&l, "TasksMax=100%", "t", 1, NULL, NULL));
        ASSERT_EQ(l.tasks_max, here.tasks_max);
}

static struct policy *flags_policy(const char *const *assignments)
{
        struct policy *p = policy_new(POLICY_KIND_FLAGS, "flags");

        if (!p)
                TEST_FAIL("%s", "out of memory");
        for (unsigned i = 0; assignments[i]; i++) {
                struct sb_error e = {};
                if (policy_parse_assignment(p, assignments[i], "flags", i + 1, &e) < 0)
                        TEST_FAIL("%s: %s", assignments[i], e.msg);
        }
        return p;
}

TEST(from_policy)
{
        static const char *const a[] = {"MemoryMax=25%",
                                        "MemoryHigh=1G",
                                        "CPUQuota=150%",
                                        "CPUWeight=50",
                                        "TasksMax=1%",
                                        "IOWeight=200",
                                        NULL};
        _cleanup_policy_free_ struct policy *p = flags_policy(a);
        struct limits l;

        ASSERT_OK(limits_from_policy(p, &sys, &l, NULL));
        ASSERT_EQ(l.memory_max, UINT64_C(2) << 30);
        ASSERT_EQ(l.memory_high, UINT64_C(1) << 30);
        ASSERT_EQ(l.cpu_quota_per_sec_usec, 1500000);
        ASSERT_EQ(l.cpu_weight, 50);
        ASSERT_EQ(l.tasks_max, 41943);
        ASSERT_EQ(l.io_weight, 200);
}

TEST(from_empty_policy)
{
        _cleanup_policy_free_ struct policy *p = policy_new(POLICY_KIND_EFFECTIVE, NULL);
        struct limits l;

        ASSERT_TRUE(p != NULL);
        ASSERT_OK(limits_from_policy(p, &sys, &l, NULL));
        ASSERT_FALSE(limits_any(&l));
}

TEST(from_policy_refuses_nothing)
{
        static const char *const zero_mem[] = {"MemoryMax=0", NULL};
        static const char *const zero_pct[] = {"MemoryHigh=0%", NULL};
        static const char *const zero_tasks[] = {"TasksMax=1%", NULL};
        static const struct policy_system tiny = {.memory_bytes = 1 << 20, .tasks_max = 50};
        struct sb_error e = {};
        struct limits l;
        struct policy *p;

        p = flags_policy(zero_mem);
        ASSERT_EQ(limits_from_policy(p, &sys, &l, &e), -ERANGE);
        ASSERT_TRUE(strstr(e.msg, "MemoryMax= resolves to 0 bytes (set in flags:1)") != NULL);
        policy_free(p);
        p = flags_policy(zero_pct);
        ASSERT_EQ(limits_from_policy(p, &sys, &l, &e), -ERANGE);
        policy_free(p);
        p = flags_policy(zero_tasks);
        ASSERT_EQ(limits_from_policy(p, &tiny, &l, &e), -ERANGE);
        ASSERT_TRUE(strstr(e.msg, "TasksMax=") != NULL);
        policy_free(p);
}

TEST(format_size)
{
        char buf[LIMITS_SIZE_STRING_MAX];

        ASSERT_STREQ(limits_format_size(0, buf), "0");
        ASSERT_STREQ(limits_format_size(1000, buf), "1000");
        ASSERT_STREQ(limits_format_size(1024, buf), "1K");
        ASSERT_STREQ(limits_format_size(UINT64_C(64) << 20, buf), "64M");
        ASSERT_STREQ(limits_format_size(UINT64_C(3) << 29, buf), "1536M");
        ASSERT_STREQ(limits_format_size(UINT64_C(2) << 40, buf), "2T");
        ASSERT_STREQ(limits_format_size(UINT64_C(1) << 60, buf), "1E");
        ASSERT_STREQ(limits_format_size(UINT64_MAX - 1, buf), "18446744073709551614");
        ASSERT_STREQ(limits_format_size(LIMIT_UNSET, buf), "infinity");
}

TEST(format_parses_back)
{
        struct limits l = LIMITS_NONE, back = LIMITS_NONE;
        char buf[256];

        ASSERT_STREQ(limits_format(&l, buf, sizeof(buf)), "");
        l.memory_max = UINT64_C(64) << 20;
        l.memory_high = UINT64_C(3) << 29;
        l.cpu_quota_per_sec_usec = 205000;
        l.cpu_weight = 50;
        l.tasks_max = 8;
        l.io_weight = 200;
        ASSERT_STREQ(limits_format(&l, buf, sizeof(buf)),
                     "MemoryMax=64M MemoryHigh=1536M CPUQuota=20.50% CPUWeight=50 TasksMax=8 "
                     "IOWeight=200");
        /* every assignment in the text is one limits_set_assignment() takes back */
        for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
                ASSERT_OK(limits_set_assignment(&back, w, "t", 1, &sys, NULL));
        ASSERT_TRUE(memcmp(&l, &back, sizeof(l)) == 0);

        l = LIMITS_NONE;
        l.cpu_quota_per_sec_usec = 1500000;
        ASSERT_STREQ(limits_format(&l, buf, sizeof(buf)), "CPUQuota=150%");
}

TEST(format_truncates_whole_assignments)
{
        struct limits l = LIMITS_NONE;
        char buf[20];

        l.memory_max = UINT64_C(64) << 20;
        l.tasks_max = 8;
        l.io_weight = 200;
        /* "MemoryMax=64M" fits, " TasksMax=8" does not: no half assignment */
        ASSERT_STREQ(limits_format(&l, buf, sizeof(buf)), "MemoryMax=64M");
}

TEST_MAIN
