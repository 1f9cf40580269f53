/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* [Match] User= Group= against a user and its groups; the NSS group lookup. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy-internal.h"
#include "strv.h"
#include "test.h"

static struct policy *parse(const char *text)
{
        struct sb_error e = {};
        struct policy *p = NULL;

        if (policy_parse_buffer("m.policy", text, strlen(text), POLICY_KIND_POLICY, &p, NULL, NULL,
                                &e) < 0) {
                printf("# %s\n", e.msg);
                return NULL;
        }
        return p;
}

TEST(match_everyone)
{
        _cleanup_policy_free_ struct policy *p = parse("[Resources]\nTasksMax=10\n");
        char *groups[] = {"users", NULL};

        ASSERT_TRUE(p);
        ASSERT_TRUE(policy_matches(p, "alice", groups));
        ASSERT_TRUE(policy_matches(p, "bob", NULL));
}

TEST(match_users)
{
        _cleanup_policy_free_ struct policy *p = parse("[Match]\nUser=alice bob\nUser=carol\n");
        char *groups[] = {"users", NULL};

        ASSERT_TRUE(p);
        ASSERT_TRUE(policy_matches(p, "alice", groups));
        ASSERT_TRUE(policy_matches(p, "carol", NULL));
        ASSERT_FALSE(policy_matches(p, "dave", groups));
        ASSERT_FALSE(policy_matches(p, "Alice", groups)); /* names are case-sensitive */
        ASSERT_FALSE(policy_matches(p, NULL, groups));
}

TEST(match_groups)
{
        _cleanup_policy_free_ struct policy *p =
            parse("[Match]\nGroup=students \"domain users\"\n");
        char *student[] = {"users", "students", NULL};
        char *domain[] = {"domain users", NULL};
        char *other[] = {"users", "staff", NULL};

        ASSERT_TRUE(p);
        ASSERT_TRUE(policy_matches(p, "alice", student));
        ASSERT_TRUE(policy_matches(p, "bob", domain));
        ASSERT_FALSE(policy_matches(p, "carol", other));
        ASSERT_FALSE(policy_matches(p, "carol", NULL));
}

TEST(match_both)
{
        /* User= and Group= both given: both must match */
        _cleanup_policy_free_ struct policy *p = parse("[Match]\nUser=alice bob\nGroup=lab\n");
        char *lab[] = {"lab", NULL};
        char *none[] = {"users", NULL};

        ASSERT_TRUE(p);
        ASSERT_TRUE(policy_matches(p, "alice", lab));
        ASSERT_FALSE(policy_matches(p, "alice", none));
        ASSERT_FALSE(policy_matches(p, "carol", lab));
}

TEST(match_reset)
{
        /* an emptied list matches everyone again */
        _cleanup_policy_free_ struct policy *p = parse("[Match]\nUser=alice\nUser=\n");

        ASSERT_TRUE(p);
        ASSERT_TRUE(policy_matches(p, "zed", NULL));
}

TEST(member_groups_looked_up_only_when_needed)
{
        _cleanup_policy_free_ struct policy *any = parse("[Resources]\nTasksMax=10\n");
        _cleanup_policy_free_ struct policy *other_user =
            parse("[Match]\nUser=nobody-else\nGroup=root\n");
        _cleanup_policy_free_ struct policy *by_group = parse("[Match]\nGroup=root\n");
        _cleanup_(policy_member_done) struct policy_member m = {.user = "root", .gid = 0};

        ASSERT_TRUE(any && other_user && by_group);
        /* Neither needs the groups: no NSS lookup. */
        ASSERT_EQ(policy_member_matches(any, &m), 1);
        ASSERT_EQ(policy_member_matches(other_user, &m), 0);
        ASSERT_FALSE(m.groups_known);
        ASSERT_TRUE(m.looked_up == NULL);
        /* Group= does: looked up once, then kept. */
        ASSERT_EQ(policy_member_matches(by_group, &m), 1);
        ASSERT_TRUE(m.groups_known);
        ASSERT_TRUE(strv_find(m.looked_up, "root") >= 0);
        ASSERT_EQ(policy_member_matches(by_group, &m), 1);
}

TEST(member_groups_given)
{
        _cleanup_policy_free_ struct policy *p = parse("[Match]\nGroup=lab\n");
        char *lab[] = {"lab", NULL};
        struct policy_member m = {.user = "root", .gid = 0, .groups = lab, .groups_known = true};

        ASSERT_TRUE(p);
        /* root is not in "lab" on this machine; the given groups count, not NSS's */
        ASSERT_EQ(policy_member_matches(p, &m), 1);
        ASSERT_TRUE(m.looked_up == NULL);
}

TEST(user_groups_root)
{
        _cleanup_strv_free_ char **groups = NULL;
        struct group *g = getgrgid(0);

        ASSERT_OK(policy_user_groups("root", 0, &groups));
        ASSERT_TRUE(groups);
        if (g) /* the primary group counts */
                ASSERT_TRUE(strv_find(groups, g->gr_name) >= 0);
        /* unique */
        for (size_t i = 0; groups[i]; i++)
                for (size_t j = i + 1; groups[j]; j++)
                        ASSERT_FALSE(streq(groups[i], groups[j]));
}

TEST(user_groups_self)
{
        _cleanup_strv_free_ char **groups = NULL;
        struct passwd *pw = getpwuid(getuid());
        gid_t list[256];
        int n;

        if (!pw) {
                printf("# no passwd entry for uid %u, skipping\n", (unsigned)getuid());
                return;
        }
        ASSERT_OK(policy_user_groups(pw->pw_name, pw->pw_gid, &groups));
        /* the same groups getgrouplist() reports, by name */
        n = (int)ELEMENTSOF(list);
        ASSERT_TRUE(getgrouplist(pw->pw_name, pw->pw_gid, list, &n) >= 0);
        for (int i = 0; i < n; i++) {
                struct group *g = getgrgid(list[i]);
                if (g)
                        ASSERT_TRUE(strv_find(groups, g->gr_name) >= 0);
        }
}

TEST(user_groups_unknown_user)
{
        _cleanup_strv_free_ char **groups = NULL;
        struct group *g = getgrgid(0);

        /* an unknown user still has the primary group it was given */
        ASSERT_OK(policy_user_groups("no-such-user-hopefully", 0, &groups));
        if (g)
                ASSERT_TRUE(strv_find(groups, g->gr_name) >= 0);
}

static int write_file(const char *path, const char *s)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, s, strlen(s));
        close(fd);
        return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

#define MANY_GROUPS 300

/* In the child: a private user and mount namespace with a generated /etc/group in which "crowd"
 * is in MANY_GROUPS groups, more than the first getgrouplist() buffer holds. Exit 0: pass, 77:
 * the namespaces are not available here, 1: fail. */
static int many_groups_child(const char *group_file)
{
        char map[64];
        uid_t uid = getuid();
        gid_t gid = getgid();
        char **groups = NULL;
        size_t n;

        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return 77;
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
        if (write_file("/proc/self/uid_map", map) < 0)
                return 77;
        if (write_file("/proc/self/setgroups", "deny") < 0)
                return 77;
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
        if (write_file("/proc/self/gid_map", map) < 0)
                return 77;
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
            mount(group_file, "/etc/group", NULL, MS_BIND, NULL) < 0)
                return 77;
        if (policy_user_groups("crowd", 20000, &groups) < 0)
                return 1;
        n = strv_length(groups);
        /* every generated group, each once, by name (other NSS sources may add more) */
        for (unsigned i = 0; i < MANY_GROUPS; i++) {
                char name[32];
                snprintf(name, sizeof(name), "g%u", i);
                if (strv_find(groups, name) < 0)
                        return 1;
        }
        strv_free(groups);
        return n >= MANY_GROUPS ? 0 : 1;
}

TEST(user_groups_resizing)
{
        char path[] = "/tmp/test-policy-group-XXXXXX";
        int fd = mkstemp(path), status = 0;
        FILE *f;
        pid_t pid;

        ASSERT_TRUE(fd >= 0);
        f = fdopen(fd, "w");
        ASSERT_TRUE(f);
        for (unsigned i = 0; i < MANY_GROUPS; i++)
                fprintf(f, "g%u:x:%u:someone,crowd\n", i, 20000 + i);
        fclose(f);

        pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0)
                _exit(many_groups_child(path));
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        unlink(path);
        ASSERT_TRUE(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
                TEST_SKIP_CASE("user namespaces unavailable: resizing loop not exercised");
        ASSERT_EQ(WEXITSTATUS(status), 0);
}

TEST_MAIN
