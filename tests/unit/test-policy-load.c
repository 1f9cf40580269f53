/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading: /usr/share < /etc override by file name, /dev/null masks, sorted order, the trust
 * checks on the opened fd (owner, group/world-writable file or directory, symlinks, FIFOs), size
 * caps, and the whole pipeline ceiling → admin profile → user profile → flags.
 *
 * Everything happens in a scratch tree; files belong to whoever runs the test, so the test passes
 * that uid as the trusted admin. The ownership refusal needs root to chown and is skipped
 * otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy-internal.h"
#include "strv.h"
#include "test.h"

static const struct policy_system sys = {.memory_bytes = UINT64_C(8) << 30, .tasks_max = 10000};

static char root[] = "/tmp/test-policy-load-XXXXXX";
static char shipped[4096], admin[4096], user[4096];

static void put(const char *dir, const char *rel, const char *text)
{
        char path[8192];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        f = fopen(path, "we");
        if (!f) {
                printf("# cannot create %s: %m\n", path);
                abort();
        }
        fputs(text, f);
        fclose(f);
        chmod(path, 0644);
}

static void mkdirs(const char *dir)
{
        char path[8192];

        mkdir(dir, 0755);
        snprintf(path, sizeof(path), "%s/policy.d", dir);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/apps", dir);
        mkdir(path, 0755);
}

/* Build the scratch tree once; tests that change it put it back. */
static void setup(void)
{
        static bool done;
        char path[8192];

        if (done)
                return;
        done = true;
        if (!mkdtemp(root))
                abort();
        chmod(root, 0755);
        snprintf(shipped, sizeof(shipped), "%s/usr/share/sandbox", root);
        snprintf(admin, sizeof(admin), "%s/etc/sandbox", root);
        snprintf(user, sizeof(user), "%s/home/u/.config/sandbox", root);
        snprintf(path, sizeof(path), "%s/usr", root);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/usr/share", root);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/etc", root);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/home", root);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/home/u", root);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/home/u/.config", root);
        mkdir(path, 0755);
        mkdirs(shipped);
        mkdirs(admin);
        mkdirs(user);

        put(shipped, "policy.d/00-default.policy",
            "[Resources]\nTasksMax=1000\nMemoryMax=4G\n[Sandbox]\nNoNewPrivileges=yes\n"
            "ProtectSystem=full\n");
        put(shipped, "policy.d/50-students.policy",
            "[Match]\nGroup=students\n[Resources]\nMemoryMax=8G\n");
        put(shipped, "policy.d/99-legacy.policy", "[Resources]\nTasksMax=1\n");
        put(admin, "policy.d/50-students.policy",
            "# overrides the shipped file of the same name\n[Match]\nGroup=students\n"
            "[Resources]\nMemoryMax=2G\n[Sandbox]\nPrivateNetwork=yes\nProtectHome=tmpfs\n"
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n");
        put(admin, "policy.d/10-bob.policy", "[Match]\nUser=bob\n[Resources]\nMemoryMax=1M\n");
        put(admin, "policy.d/README", "not a policy\n");
        put(admin, "policy.d/.hidden.policy", "garbage\n");
        put(admin, "policy.d/50-students.policy.bak", "garbage\n");
        snprintf(path, sizeof(path), "%s/policy.d/99-legacy.policy", admin);
        if (symlink("/dev/null", path) < 0) /* masks the shipped one */
                abort();

        put(shipped, "apps/browser.profile",
            "[App]\nExec=/usr/bin/shipped-browser\n[Resources]\nMemoryMax=3G\n");
        put(admin, "apps/browser.profile",
            "[App]\nExec=/usr/bin/firefox\nDescription=Browser\n[Resources]\nMemoryMax=1G\n"
            "[Sandbox]\nPrivateTmp=yes\n");
        put(shipped, "apps/editor.profile", "[Resources]\nMemoryMax=512M\n");
        snprintf(path, sizeof(path), "%s/apps/editor.profile", admin);
        if (symlink("/dev/null", path) < 0)
                abort();
        put(user, "apps/browser.profile",
            "[Resources]\nMemoryMax=768M\n[Sandbox]\nPrivateIPC=yes\n");
        put(user, "apps/greedy.profile", "[Resources]\n# more than the ceiling\nMemoryMax=3G\n");
}

static struct policy_dirs dirs(void)
{
        static char *ad[3];

        ad[0] = shipped;
        ad[1] = admin;
        ad[2] = NULL;
        return (struct policy_dirs){
            .admin_dirs = ad,
            .user_dir = user,
            .admin_uid = getuid(),
            .user_uid = getuid(),
        };
}

static const char *base(const char *path)
{
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

TEST(enumerate_override_mask_sort)
{
        _cleanup_strv_free_ char **paths = NULL;
        struct policy_dirs d;
        struct sb_error e = {};

        setup();
        d = dirs();
        ASSERT_OK(policy_enumerate(d.admin_dirs, "policy.d", ".policy",
                                   &(struct policy_trust){getuid()}, &paths, &e));
        ASSERT_EQ(strv_length(paths), 3);
        ASSERT_STREQ(base(paths[0]), "00-default.policy");
        ASSERT_TRUE(strstr(paths[0], "/usr/share/sandbox/policy.d/"));
        ASSERT_STREQ(base(paths[1]), "10-bob.policy");
        ASSERT_STREQ(base(paths[2]), "50-students.policy");
        ASSERT_TRUE(strstr(paths[2], "/etc/sandbox/policy.d/")); /* /etc wins by name */
}

TEST(enumerate_missing_dirs)
{
        _cleanup_strv_free_ char **paths = NULL;
        char *none[] = {"/nonexistent/a", "/nonexistent/b", NULL};

        ASSERT_OK(policy_enumerate(none, "policy.d", ".policy", NULL, &paths, NULL));
        ASSERT_TRUE(paths);
        ASSERT_EQ(strv_length(paths), 0);
}

TEST(load_ceiling)
{
        _cleanup_policy_free_ struct policy *c = NULL;
        char *groups[] = {"users", "students", NULL};
        struct policy_dirs d;
        struct sb_error e = {};

        setup();
        d = dirs();
        ASSERT_OK(policy_load_ceiling(&d, "alice", groups, &sys, &c, &e));
        ASSERT_EQ(c->kind, POLICY_KIND_EFFECTIVE);
        /* 00-default and /etc's 50-students; not bob's, not the masked legacy one */
        ASSERT_EQ(c->memory_max.value, UINT64_C(2) << 30);
        ASSERT_TRUE(strstr(policy_origin_file(&c->origin[POLICY_MEMORY_MAX]),
                           "/etc/sandbox/policy.d/50-students.policy"));
        ASSERT_EQ(c->origin[POLICY_MEMORY_MAX].line, 5);
        ASSERT_EQ(c->tasks_max.value, 1000);
        ASSERT_TRUE(strstr(policy_origin_file(&c->origin[POLICY_TASKS_MAX]),
                           "/usr/share/sandbox/policy.d/00-default.policy"));
        ASSERT_TRUE(c->private_network && c->no_new_privileges);
        policy_free(c);
        c = NULL;

        /* not a student: only the default */
        char *other[] = {"users", NULL};
        ASSERT_OK(policy_load_ceiling(&d, "carol", other, &sys, &c, &e));
        ASSERT_EQ(c->memory_max.value, UINT64_C(4) << 30);
        ASSERT_FALSE(policy_is_set(c, POLICY_PRIVATE_NETWORK));
}

TEST(load_profiles)
{
        _cleanup_policy_free_ struct policy *a = NULL, *u = NULL;
        struct policy_dirs d;
        struct sb_error e = {};

        setup();
        d = dirs();
        ASSERT_OK(policy_load_profiles(&d, "browser", &a, &u, &e));
        ASSERT_TRUE(a && u);
        ASSERT_STREQ(a->exec[0], "/usr/bin/firefox"); /* /etc over /usr/share */
        ASSERT_EQ(u->memory_max.value, UINT64_C(768) << 20);
        policy_free(a);
        policy_free(u);
        a = u = NULL;

        /* masked by a symlink to /dev/null; no user profile */
        ASSERT_OK(policy_load_profiles(&d, "editor", &a, &u, &e));
        ASSERT_FALSE(a);
        ASSERT_FALSE(u);
        ASSERT_OK(policy_load_profiles(&d, "unknown-app", &a, &u, &e));
        ASSERT_FALSE(a || u);

        const char *bad[] = {"", "../etc/shadow", ".hidden", "a/b", "a b", "x\n"};
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                ASSERT_EQ(policy_load_profiles(&d, bad[i], &a, &u, &e), -EINVAL);
                ASSERT_TRUE(strstr(e.msg, "invalid app name"));
        }
}

TEST(resolve_pipeline)
{
        _cleanup_policy_free_ struct policy *r = NULL,
                                            *flags = policy_new(POLICY_KIND_FLAGS, "command line");
        char *groups[] = {"students", NULL};
        struct policy_request req = {.user = "alice", .groups = groups, .app = "browser"};
        struct policy_dirs d;
        struct sb_error e = {};

        setup();
        d = dirs();
        ASSERT_TRUE(flags);
        ASSERT_OK(policy_parse_assignment(flags, "MemoryMax=512M", "command line", 3, &e));
        req.flags = flags;
        ASSERT_OK(policy_resolve(&d, &req, &sys, &r, &e));
        ASSERT_EQ(r->memory_max.value, UINT64_C(512) << 20);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_MEMORY_MAX]), "command line");
        ASSERT_TRUE(r->private_network && r->private_tmp && r->private_ipc);
        ASSERT_TRUE(strstr(policy_origin_file(&r->origin[POLICY_PRIVATE_IPC]),
                           "/home/u/.config/sandbox/apps/browser.profile"));
        ASSERT_STREQ(r->exec[0], "/usr/bin/firefox");
        policy_free(r);
        r = NULL;

        /* a user profile above the ceiling: refused, naming key, file and the ceiling's line */
        req.app = "greedy";
        req.flags = NULL;
        ASSERT_EQ(policy_resolve(&d, &req, &sys, &r, &e), -EPERM);
        printf("# %s\n", e.msg);
        ASSERT_FALSE(r);
        ASSERT_TRUE(strstr(e.msg, "/home/u/.config/sandbox/apps/greedy.profile:3: MemoryMax=3G "
                                  "asks for more than the ceiling"));
        ASSERT_TRUE(strstr(e.msg, "/etc/sandbox/policy.d/50-students.policy:5"));

        /* flags above the ceiling */
        _cleanup_policy_free_ struct policy *loose = policy_new(POLICY_KIND_FLAGS, "command line");
        ASSERT_OK(policy_parse_assignment(loose, "PrivateNetwork=no", "command line", 2, &e));
        req.app = NULL;
        req.flags = loose;
        ASSERT_EQ(policy_resolve(&d, &req, &sys, &r, &e), -EPERM);
        printf("# %s\n", e.msg);
        ASSERT_TRUE(strstr(e.msg, "command line:2: PrivateNetwork=no asks for more than the "
                                  "ceiling"));
}

static void expect_refusal(const char *path, int err, const char *what)
{
        struct policy *p = NULL;
        struct sb_error e = {};

        ASSERT_EQ(policy_load_file(path, POLICY_KIND_POLICY, &(struct policy_trust){getuid()}, &p,
                                   NULL, NULL, &e),
                  err);
        printf("# %s\n", e.msg);
        ASSERT_FALSE(p);
        ASSERT_TRUE(strstr(e.msg, what));
}

TEST(trust_file_mode)
{
        char path[8192];

        setup();
        snprintf(path, sizeof(path), "%s/policy.d/20-gw.policy", admin);
        put(admin, "policy.d/20-gw.policy", "[Resources]\nTasksMax=5\n");
        chmod(path, 0664);
        expect_refusal(path, -EPERM, "writable by its group");
        chmod(path, 0646);
        expect_refusal(path, -EPERM, "writable by others");
        ASSERT_TRUE(strstr(path, "20-gw.policy"));

        /* and the ceiling refuses to load rather than skipping it */
        char *groups[] = {NULL};
        struct policy_dirs d = dirs();
        struct policy *c = NULL;
        struct sb_error e = {};
        ASSERT_EQ(policy_load_ceiling(&d, "x", groups, &sys, &c, &e), -EPERM);
        ASSERT_TRUE(strstr(e.msg, "20-gw.policy: writable by others"));
        unlink(path);

        /* no trust requested (sandbox policy check FILE): fine */
        put(admin, "policy.d/20-gw.policy", "[Resources]\nTasksMax=5\n");
        chmod(path, 0666);
        ASSERT_OK(policy_load_file(path, POLICY_KIND_POLICY, NULL, &c, NULL, NULL, &e));
        policy_free(c);
        unlink(path);
}

TEST(trust_directory_mode)
{
        char dir[8192];
        struct policy_dirs d;
        struct sb_error e = {};
        struct policy *c = NULL;
        char *groups[] = {NULL};

        setup();
        d = dirs();
        snprintf(dir, sizeof(dir), "%s/policy.d", admin);
        chmod(dir, 0777);
        ASSERT_EQ(policy_load_ceiling(&d, "x", groups, &sys, &c, &e), -EPERM);
        printf("# %s\n", e.msg);
        ASSERT_TRUE(strstr(e.msg, "refusing "));
        ASSERT_TRUE(strstr(e.msg, "/etc/sandbox/policy.d: writable by others"));
        chmod(dir, 0775);
        ASSERT_EQ(policy_load_ceiling(&d, "x", groups, &sys, &c, &e), -EPERM);
        ASSERT_TRUE(strstr(e.msg, "writable by its group"));
        chmod(dir, 0755);
        ASSERT_OK(policy_load_ceiling(&d, "x", groups, &sys, &c, &e));
        policy_free(c);
}

/* A directory above policy.d that someone else may write lets them swap policy.d, or the whole
 * admin directory, for their own or for nothing: refused like a writable policy.d. */
TEST(trust_ancestor_mode)
{
        char dir[8192];
        struct policy_dirs d;
        struct sb_error e = {};
        struct policy *c = NULL;
        char *groups[] = {NULL};

        setup();
        d = dirs();
        snprintf(dir, sizeof(dir), "%s/etc", root);
        ASSERT_OK(chmod(dir, 0777));
        ASSERT_EQ(policy_load_ceiling(&d, "x", groups, &sys, &c, &e), -EPERM);
        printf("# %s\n", e.msg);
        ASSERT_TRUE(strstr(e.msg, "/etc/sandbox/policy.d: the directory "));
        ASSERT_TRUE(strstr(e.msg, "/etc above it is writable by others"));
        /* a single file too: policy_load_file() opens its directory the same way */
        snprintf(dir, sizeof(dir), "%s/policy.d/10-bob.policy", admin);
        expect_refusal(dir, -EPERM, "/etc above it is writable by others");
        snprintf(dir, sizeof(dir), "%s/etc", root);
        ASSERT_OK(chmod(dir, 0775));
        ASSERT_EQ(policy_load_ceiling(&d, "x", groups, &sys, &c, &e), -EPERM);
        ASSERT_TRUE(strstr(e.msg, "/etc above it is writable by its group"));
        /* sticky, as /tmp: only an entry's owner may rename it */
        ASSERT_OK(chmod(dir, 01777));
        ASSERT_OK(policy_load_ceiling(&d, "x", groups, &sys, &c, &e));
        policy_free(c);
        ASSERT_OK(chmod(dir, 0755));
        if (getuid() == 0) {
                ASSERT_OK(chown(dir, 4242, 4242));
                ASSERT_EQ(policy_load_ceiling(&d, "x", groups, &sys, &c, &e), -EPERM);
                printf("# %s\n", e.msg);
                ASSERT_TRUE(strstr(e.msg, "/etc above it is owned by uid 4242, not by root"));
                ASSERT_OK(chown(dir, 0, 0));
        }
        ASSERT_OK(policy_load_ceiling(&d, "x", groups, &sys, &c, &e));
        policy_free(c);
}

TEST(trust_symlink_and_fifo)
{
        char path[8192], target[8192];

        setup();
        snprintf(target, sizeof(target), "%s/policy.d/00-default.policy", shipped);
        snprintf(path, sizeof(path), "%s/policy.d/30-link.policy", admin);
        ASSERT_OK(symlink(target, path));
        expect_refusal(path, -ELOOP, "30-link.policy: it is a symbolic link");
        unlink(path);
        snprintf(path, sizeof(path), "%s/policy.d/31-fifo.policy", admin);
        ASSERT_OK(mkfifo(path, 0644));
        expect_refusal(path, -EINVAL, "31-fifo.policy: not a regular file");
        unlink(path);
        snprintf(path, sizeof(path), "%s/policy.d", admin);
        expect_refusal(path, -EINVAL, "policy.d: not a regular file");
        snprintf(path, sizeof(path), "%s/policy.d/none.policy", admin);
        expect_refusal(path, -ENOENT, "none.policy");
}

TEST(trust_owner)
{
        char path[8192];
        struct policy *p = NULL;
        struct sb_error e = {};

        if (getuid() != 0)
                TEST_SKIP_CASE("not root: ownership refusal not exercised");
        setup();
        snprintf(path, sizeof(path), "%s/policy.d/40-owned.policy", admin);
        put(admin, "policy.d/40-owned.policy", "[Resources]\nTasksMax=5\n");
        ASSERT_OK(chown(path, 4242, 4242));
        /* admin files: root only */
        ASSERT_EQ(policy_load_file(path, POLICY_KIND_POLICY, &(struct policy_trust){0}, &p, NULL,
                                   NULL, &e),
                  -EPERM);
        printf("# %s\n", e.msg);
        ASSERT_TRUE(strstr(e.msg, "40-owned.policy: owned by uid 4242, not by root"));
        /* the user's own files: root or the user */
        ASSERT_OK(policy_load_file(path, POLICY_KIND_POLICY, &(struct policy_trust){4242}, &p, NULL,
                                   NULL, &e));
        policy_free(p);
        ASSERT_EQ(policy_load_file(path, POLICY_KIND_POLICY, &(struct policy_trust){4243}, &p, NULL,
                                   NULL, &e),
                  -EPERM);
        ASSERT_TRUE(strstr(e.msg, "not by root or the user"));
        unlink(path);
}

TEST(size_and_parse_errors)
{
        char path[8192];
        char *big = malloc(POLICY_FILE_SIZE_MAX + 2);
        struct policy *p = NULL;
        unsigned line = 0, column = 0;
        struct sb_error e = {};

        ASSERT_TRUE(big);
        setup();
        memset(big, '#', POLICY_FILE_SIZE_MAX + 1);
        big[POLICY_FILE_SIZE_MAX + 1] = '\0';
        snprintf(path, sizeof(path), "%s/policy.d/60-big.policy", admin);
        put(admin, "policy.d/60-big.policy", big);
        free(big);
        expect_refusal(path, -E2BIG, "60-big.policy: larger than 262144 bytes");
        unlink(path);

        snprintf(path, sizeof(path), "%s/policy.d/61-typo.policy", admin);
        put(admin, "policy.d/61-typo.policy", "[Resources]\nMemoryMax=2GB\n");
        ASSERT_EQ(policy_load_file(path, POLICY_KIND_POLICY, &(struct policy_trust){getuid()}, &p,
                                   &line, &column, &e),
                  -EINVAL);
        ASSERT_EQ(line, 2);
        ASSERT_EQ(column, 11);
        ASSERT_TRUE(strstr(e.msg, "61-typo.policy:2:11: invalid MemoryMax=2GB"));
        /* a broken admin file stops everything: never silently skipped */
        char *groups[] = {NULL};
        struct policy_dirs d = dirs();
        ASSERT_EQ(policy_load_ceiling(&d, "x", groups, &sys, &p, &e), -EINVAL);
        ASSERT_TRUE(strstr(e.msg, "61-typo.policy:2:11:"));
        unlink(path);
}

TEST(relative_path)
{
        char cwd[4096];
        struct policy *p = NULL;
        struct sb_error e = {};

        setup();
        ASSERT_TRUE(getcwd(cwd, sizeof(cwd)));
        ASSERT_OK(chdir(admin));
        ASSERT_OK(policy_load_file("policy.d/10-bob.policy", POLICY_KIND_POLICY, NULL, &p, NULL,
                                   NULL, &e));
        ASSERT_STREQ(policy_origin_file(&p->origin[POLICY_MEMORY_MAX]), "policy.d/10-bob.policy");
        policy_free(p);
        ASSERT_OK(chdir(admin));
        put(admin, "plain.policy", "");
        ASSERT_OK(policy_load_file("plain.policy", POLICY_KIND_POLICY, NULL, &p, NULL, NULL, &e));
        policy_free(p);
        ASSERT_OK(chdir(cwd));
}

/* last: remove the scratch tree */
TEST(zz_cleanup)
{
        if (strstr(root, "XXXXXX"))
                return;
        ASSERT_EQ(test_rm_rf(root), 0);
}

TEST_MAIN
