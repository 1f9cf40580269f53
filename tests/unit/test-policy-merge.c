/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ceiling rule: stacking to the more restrictive value, refusing layers that ask for more
 * (with the key and the ceiling's file:line in the message), the path access model, and a
 * property test over random policies: a merge never loosens any key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"
#include "strv.h"
#include "test.h"

static const struct policy_system sys = {
    .memory_bytes = UINT64_C(8) << 30,
    .tasks_max = 10000,
};

/* Print s as TAP diagnostics: "# " before every line. */
static void diag(const char *s)
{
        while (s && *s) {
                size_t n = strcspn(s, "\n");
                printf("# %.*s\n", (int)n, s);
                s += n + (s[n] == '\n');
        }
}

static void diag_policy(const struct policy *p)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return;
        policy_write_text(p, f);
        fclose(f);
        diag(buf);
        free(buf);
}

static struct policy *parse(const char *name, const char *text)
{
        struct sb_error e = {};
        struct policy *p = NULL;
        enum policy_file_kind kind =
            strstr(name, ".policy") ? POLICY_KIND_POLICY : POLICY_KIND_PROFILE;

        if (policy_parse_buffer(name, text, strlen(text), kind, &p, NULL, NULL, &e) < 0) {
                printf("# parse error: %s\n", e.msg);
                return NULL;
        }
        return p;
}

/* Check layer against ceiling; returns the error and leaves the message in msg. */
static int check(const char *ceiling, const char *layer, char *msg, size_t size)
{
        struct policy *c = parse("ceiling.policy", ceiling), *l = parse("user.profile", layer);
        struct sb_error e = {};
        struct policy *r = (struct policy *)0x1;
        int q;

        if (!c || !l) {
                policy_free(c);
                policy_free(l);
                return -EBADMSG;
        }
        q = policy_tighten(c, l, &sys, &r, &e);
        if (q >= 0)
                policy_free(r);
        else if (r != (struct policy *)0x1)
                q = -EFAULT; /* ret must be untouched on failure */
        if (q < 0 && msg) {
                snprintf(msg, size, "%s", e.msg);
                printf("# %s\n", e.msg);
        }
        if ((q < 0) != (policy_check(c, l, &sys, NULL) < 0))
                q = -EFAULT; /* policy_check() and policy_tighten() must agree */
        policy_free(c);
        policy_free(l);
        return q;
}

#define ASSERT_REFUSED(ceiling, layer, ...)                                                        \
        do {                                                                                       \
                char _m[SB_ERROR_MAX];                                                             \
                ASSERT_EQ(check(ceiling, layer, _m, sizeof(_m)), -EPERM);                          \
                const char *_want[] = {__VA_ARGS__, NULL};                                         \
                for (size_t _i = 0; _want[_i]; _i++)                                               \
                        if (!strstr(_m, _want[_i]))                                                \
                                TEST_FAIL("message lacks \"%s\"", _want[_i]);                      \
        } while (0)
#define ASSERT_ACCEPTED(ceiling, layer) ASSERT_OK(check(ceiling, layer, NULL, 0))

TEST(refuse_limits)
{
        const char *c = "[Resources]\nMemoryMax=1G\nTasksMax=100\nCPUQuota=50%\nCPUWeight=20\n"
                        "MemoryHigh=25%\n";

        ASSERT_REFUSED(c, "[Resources]\nMemoryMax=2G\n",
                       "user.profile:2: MemoryMax=2G asks for more than the ceiling",
                       "MemoryMax=1G, set at ceiling.policy:2");
        ASSERT_REFUSED(c, "[Resources]\nMemoryMax=infinity\n", "MemoryMax=infinity",
                       "ceiling.policy:2");
        ASSERT_REFUSED(c, "[Resources]\nMemoryMax=13%\n", "MemoryMax=13%"); /* 1.04G */
        ASSERT_ACCEPTED(c, "[Resources]\nMemoryMax=12%\n");                 /* 0.96G */
        ASSERT_ACCEPTED(c, "[Resources]\nMemoryMax=1G\n");
        ASSERT_ACCEPTED(c, "[Resources]\nMemoryMax=1023M\n");
        ASSERT_REFUSED(c, "[Resources]\nMemoryHigh=2049M\n", "MemoryHigh=2049M",
                       "MemoryHigh=25%, set at ceiling.policy:6");
        ASSERT_ACCEPTED(c, "[Resources]\nMemoryHigh=2G\n");
        ASSERT_REFUSED(c, "[Resources]\nTasksMax=101\n", "TasksMax=101", "ceiling.policy:3");
        ASSERT_REFUSED(c, "[Resources]\nTasksMax=2%\n", "TasksMax=2%"); /* 200 */
        ASSERT_ACCEPTED(c, "[Resources]\nTasksMax=1%\n");
        ASSERT_REFUSED(c, "[Resources]\nCPUQuota=50.01%\n", "CPUQuota=50.01%", "CPUQuota=50%",
                       "ceiling.policy:4");
        ASSERT_ACCEPTED(c, "[Resources]\nCPUQuota=10%\n");
        ASSERT_REFUSED(c, "[Resources]\nCPUWeight=21\n", "CPUWeight=21", "ceiling.policy:5");
        /* nothing in the ceiling: no limit to exceed */
        ASSERT_ACCEPTED("", "[Resources]\nMemoryMax=infinity\nIOWeight=10000\nCPUQuota=800%\n");
        ASSERT_ACCEPTED(c, "[Resources]\nIOWeight=10000\n");

        /* RuntimeMaxSec=: the shorter time */
        const char *t = "[Resources]\nRuntimeMaxSec=1h\n";
        ASSERT_REFUSED(t, "[Resources]\nRuntimeMaxSec=61min\n", "RuntimeMaxSec=1h 1min",
                       "RuntimeMaxSec=1h, set at ceiling.policy:2");
        ASSERT_REFUSED(t, "[Resources]\nRuntimeMaxSec=infinity\n", "RuntimeMaxSec=infinity");
        ASSERT_ACCEPTED(t, "[Resources]\nRuntimeMaxSec=3600\n");
        ASSERT_ACCEPTED(t, "[Resources]\nRuntimeMaxSec=59min 59.5s\n");
        ASSERT_ACCEPTED("", "[Resources]\nRuntimeMaxSec=infinity\n");
}

TEST(refuse_switches)
{
        const char *c = "[Sandbox]\nPrivateNetwork=yes\nProtectSystem=full\nProtectHome=tmpfs\n"
                        "NoNewPrivileges=no\n";

        ASSERT_REFUSED(c, "[Sandbox]\nPrivateNetwork=no\n", "PrivateNetwork=no",
                       "PrivateNetwork=yes, set at ceiling.policy:2");
        ASSERT_ACCEPTED(c, "[Sandbox]\nPrivateNetwork=yes\nNoNewPrivileges=yes\n");
        ASSERT_ACCEPTED(c, "[Sandbox]\nNoNewPrivileges=no\nPrivateTmp=no\n");
        ASSERT_REFUSED(c, "[Sandbox]\nProtectSystem=yes\n", "ProtectSystem=yes",
                       "ProtectSystem=full, set at ceiling.policy:3");
        ASSERT_ACCEPTED(c, "[Sandbox]\nProtectSystem=strict\n");
        ASSERT_REFUSED(c, "[Sandbox]\nProtectHome=read-only\n", "ProtectHome=read-only",
                       "ProtectHome=tmpfs, set at ceiling.policy:4");
        ASSERT_ACCEPTED(c, "[Sandbox]\nProtectHome=yes\n");
}

TEST(refuse_images)
{
        const char *loose = "[Images]\nRequireSigned=no\nTrustedKeys=prod @user\n"
                            "AllowedEnvironments=prod dev\nRollbackProtection=warn-stale\n"
                            "MaxSignatureAge=30d\n";

        /* unset in the ceiling: the defaults, which a layer cannot loosen */
        ASSERT_REFUSED("", "[Images]\nRequireSigned=no\n", "RequireSigned=no",
                       "no admin policy sets RequireSigned=, which then means RequireSigned=yes");
        ASSERT_REFUSED("", "[Images]\nRollbackProtection=warn-stale\n",
                       "RollbackProtection=warn-stale", "which then means RollbackProtection=yes");
        ASSERT_REFUSED("", "[Images]\nTrustedKeys=prod @user\n", "TrustedKeys=@user prod",
                       "which then means TrustedKeys=@admin");
        ASSERT_ACCEPTED("", "[Images]\nRequireSigned=yes\nTrustedKeys=prod 0123456789abcdef\n"
                            "AllowedEnvironments=dev\nRollbackProtection=yes\n"
                            "MaxSignatureAge=1h\n");
        /* set in the ceiling */
        ASSERT_ACCEPTED(loose, "[Images]\nRequireSigned=no\nRollbackProtection=warn-stale\n");
        ASSERT_ACCEPTED(loose, "[Images]\nTrustedKeys=@user\nAllowedEnvironments=dev\n");
        ASSERT_REFUSED(loose, "[Images]\nTrustedKeys=@admin\n", "TrustedKeys=@admin",
                       "@admin is not allowed by TrustedKeys=@user prod, set at ceiling.policy:3");
        ASSERT_REFUSED(loose, "[Images]\nTrustedKeys=other\n", "other is not allowed by");
        ASSERT_REFUSED(loose, "[Images]\nAllowedEnvironments=prod staging\n",
                       "environment staging is not allowed by AllowedEnvironments=dev prod");
        ASSERT_REFUSED(loose, "[Images]\nMaxSignatureAge=31d\n", "MaxSignatureAge=31d",
                       "above MaxSignatureAge=30d");
        ASSERT_ACCEPTED(loose, "[Images]\nMaxSignatureAge=4w\n");
        ASSERT_REFUSED("[Images]\nRequireSigned=yes\n", "[Images]\nRequireSigned=no\n",
                       "weaker than RequireSigned=yes");
        ASSERT_ACCEPTED("[Images]\nTrustedKeys=@admin @user\n", "[Images]\nTrustedKeys=prod\n");
}

TEST(stack_images)
{
        struct policy *a =
            parse("a.policy", "[Images]\nRequireSigned=no\nTrustedKeys=@admin @user\n"
                              "AllowedEnvironments=prod dev\nMaxSignatureAge=4w\n"
                              "RollbackProtection=warn-stale\n");
        struct policy *b = parse("b.policy", "[Images]\nTrustedKeys=prod test\n"
                                             "AllowedEnvironments=dev qa\nMaxSignatureAge=2w\n");
        struct policy *c = parse("c.policy", "[Images]\nRequireSigned=yes\nTrustedKeys=@user\n"
                                             "RollbackProtection=yes\n");
        struct policy *r = NULL, *r2 = NULL;

        ASSERT_TRUE(a && b && c);
        ASSERT_OK(policy_stack(a, b, &sys, &r));
        /* unset in b: no opinion, a's values stand */
        ASSERT_FALSE(policy_image_require_signed(r));
        ASSERT_EQ(policy_image_rollback(r), POLICY_ROLLBACK_WARN_STALE);
        /* @admin covers b's names; nobody else grants @user */
        ASSERT_EQ(strv_length(r->trusted_keys), 2);
        ASSERT_STREQ(r->trusted_keys[0], "prod");
        ASSERT_STREQ(r->trusted_keys[1], "test");
        ASSERT_FALSE(policy_image_user_keys(r));
        ASSERT_EQ(strv_length(r->allowed_environments), 1);
        ASSERT_STREQ(r->allowed_environments[0], "dev");
        ASSERT_EQ(r->max_signature_age, 2 * 604800);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_MAX_SIGNATURE_AGE]), "b.policy");
        ASSERT_OK(policy_stack(r, c, &sys, &r2));
        ASSERT_TRUE(policy_image_require_signed(r2));
        ASSERT_EQ(policy_image_rollback(r2), POLICY_ROLLBACK_YES);
        /* {prod, test} ∩ {@user}: no key at all, still set */
        ASSERT_TRUE(policy_is_set(r2, POLICY_TRUSTED_KEYS));
        ASSERT_EQ(strv_length(r2->trusted_keys), 0);
        policy_free(a);
        policy_free(b);
        policy_free(c);
        policy_free(r);
        policy_free(r2);
}

TEST(refuse_paths)
{
        const char *c = "[Sandbox]\nProtectSystem=strict\nReadWritePaths=/srv/data\n"
                        "InaccessiblePaths=/srv/data/secret\nProtectHome=yes\n"
                        "BindPaths=/home/shared:/shared\nBindReadOnlyPaths=/home/docs\n";

        ASSERT_REFUSED(
            c, "[Sandbox]\nReadWritePaths=/usr/local\n",
            "user.profile:2: ReadWritePaths=/usr/local asks for more than the ceiling",
            "/usr/local is read-only under ProtectSystem=strict, set at ceiling.policy:2");
        ASSERT_ACCEPTED(c, "[Sandbox]\nReadWritePaths=/srv/data/mine\n");
        ASSERT_REFUSED(c, "[Sandbox]\nReadWritePaths=/srv/data/secret/x\n",
                       "/srv/data/secret/x is inaccessible under",
                       "InaccessiblePaths=/srv/data/secret, set at ceiling.policy:4");
        ASSERT_REFUSED(c, "[Sandbox]\nReadOnlyPaths=/srv/data/secret\n",
                       "ReadOnlyPaths=/srv/data/secret", "ceiling.policy:4");
        ASSERT_ACCEPTED(c, "[Sandbox]\nReadOnlyPaths=/srv /usr\nInaccessiblePaths=/etc\n");
        ASSERT_REFUSED(c, "[Sandbox]\nReadOnlyPaths=/home/u\n", "/home/u is inaccessible under",
                       "ProtectHome=yes, set at ceiling.policy:5");
        /* binds: by what the ceiling grants at the source */
        ASSERT_ACCEPTED(c, "[Sandbox]\nBindPaths=/srv/data/x:/x\n");
        ASSERT_ACCEPTED(c, "[Sandbox]\nBindPaths=/home/shared/proj:/proj\n"); /* ceiling binds it */
        ASSERT_ACCEPTED(c, "[Sandbox]\nBindReadOnlyPaths=/usr/share:/share\n");
        ASSERT_REFUSED(c, "[Sandbox]\nBindPaths=/usr/share:/share\n", "BindPaths=/usr/share:/share",
                       "/usr/share is read-only under");
        ASSERT_REFUSED(c, "[Sandbox]\nBindPaths=/home/docs/a\n", "BindPaths=/home/docs/a",
                       "BindReadOnlyPaths=/home/docs, set at ceiling.policy:7");
        ASSERT_ACCEPTED(c, "[Sandbox]\nBindReadOnlyPaths=/home/docs/a:/a\n");
        ASSERT_REFUSED(c, "[Sandbox]\nBindReadOnlyPaths=/home/u/.ssh:/k\n",
                       "/home/u/.ssh is inaccessible under ProtectHome=yes");
        ASSERT_REFUSED(c, "[Sandbox]\nBindReadOnlyPaths=/srv/data/secret:/s\n",
                       "InaccessiblePaths=/srv/data/secret");
        /* PrivateTmp hides the host's /tmp */
        ASSERT_REFUSED("[Sandbox]\nPrivateTmp=yes\n", "[Sandbox]\nBindPaths=/tmp/.X11-unix\n",
                       "PrivateTmp=yes, set at ceiling.policy:2");
}

TEST(refuse_sets)
{
        const char *c = "[Sandbox]\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN\n"
                        "AmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                        "SystemCallFilter=~@mount @debug\nRestrictNamespaces=net user\n";

        ASSERT_REFUSED(c, "[Sandbox]\nCapabilityBoundingSet=CAP_CHOWN CAP_SYS_ADMIN\n",
                       "CapabilityBoundingSet=CAP_CHOWN CAP_SYS_ADMIN asks for more",
                       "CAP_SYS_ADMIN is not in CapabilityBoundingSet=", "set at ceiling.policy:2");
        ASSERT_REFUSED(c, "[Sandbox]\nCapabilityBoundingSet=~CAP_CHOWN\n", "not in");
        ASSERT_ACCEPTED(c, "[Sandbox]\nCapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=\n");
        ASSERT_REFUSED(c, "[Sandbox]\nAmbientCapabilities=CAP_CHOWN\n",
                       "AmbientCapabilities=CAP_CHOWN", "ceiling.policy:3");
        ASSERT_ACCEPTED(c, "[Sandbox]\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n");
        ASSERT_REFUSED("", "[Sandbox]\nAmbientCapabilities=CAP_KILL\n",
                       "CAP_KILL is not granted (the ceiling sets no AmbientCapabilities=)");
        /* an ambient grant the ceiling's own bounding set drops is no grant */
        ASSERT_REFUSED(
            "[Sandbox]\nCapabilityBoundingSet=CAP_CHOWN\n"
            "AmbientCapabilities=CAP_KILL CAP_CHOWN\n",
            "[Sandbox]\nAmbientCapabilities=CAP_KILL\n",
            "user.profile:2: AmbientCapabilities=CAP_KILL asks for more",
            "CAP_KILL is not in CapabilityBoundingSet=CAP_CHOWN, set at ceiling.policy:2");
        ASSERT_ACCEPTED("[Sandbox]\nCapabilityBoundingSet=CAP_CHOWN\n"
                        "AmbientCapabilities=CAP_KILL CAP_CHOWN\n",
                        "[Sandbox]\nAmbientCapabilities=CAP_CHOWN\n");
        /* nor is one outside the layer's own bounding set a request */
        ASSERT_ACCEPTED("[Sandbox]\nAmbientCapabilities=CAP_CHOWN\n",
                        "[Sandbox]\nCapabilityBoundingSet=CAP_CHOWN\n"
                        "AmbientCapabilities=CAP_CHOWN CAP_KILL\n");
        ASSERT_REFUSED(c, "[Sandbox]\nSystemCallFilter=read write ptrace\n",
                       "ptrace is denied by SystemCallFilter=~", "ceiling.policy:4");
        ASSERT_ACCEPTED(c, "[Sandbox]\nSystemCallFilter=read write\n");
        ASSERT_ACCEPTED(c, "[Sandbox]\nSystemCallFilter=~bpf\n");
        ASSERT_REFUSED("[Sandbox]\nSystemCallFilter=read write\n",
                       "[Sandbox]\nSystemCallFilter=read openat\n",
                       "openat is not allowed by SystemCallFilter=read write");
        ASSERT_REFUSED(c, "[Sandbox]\nRestrictNamespaces=no\n", "RestrictNamespaces=no",
                       "namespace type cgroup is not allowed by RestrictNamespaces=net user",
                       "ceiling.policy:5");
        ASSERT_ACCEPTED(c, "[Sandbox]\nRestrictNamespaces=user\n");
        ASSERT_ACCEPTED(c, "[Sandbox]\nRestrictNamespaces=yes\n");
}

TEST(refuse_desktop)
{
        const char *c = "[Sandbox]\nProtectHome=read-only\n[Desktop]\nAudio=no\nX11=yes\n"
                        "DBus=filter\nDBusTalk=org.freedesktop.Notifications org.mpris.*\n";

        ASSERT_REFUSED(c, "[Desktop]\nAudio=yes\n", "user.profile:2: Audio=yes asks for more",
                       "Audio=no, set at ceiling.policy:4");
        ASSERT_ACCEPTED(c, "[Desktop]\nAudio=no\nX11=no\nWayland=yes\nGPU=yes\n");
        ASSERT_ACCEPTED(c, "[Desktop]\nX11=yes\n");
        /* homes: read-only under ProtectHome=read-only, nothing under tmpfs or yes */
        ASSERT_ACCEPTED(c, "[Desktop]\nHome=Downloads Documents:ro\n");
        ASSERT_REFUSED(c, "[Desktop]\nHome=Downloads:rw\n", "Home=Downloads:rw",
                       "homes are read-only under ProtectHome=read-only, set at ceiling.policy:2");
        ASSERT_REFUSED("[Sandbox]\nProtectHome=tmpfs\n", "[Desktop]\nHome=Music\n",
                       "homes are inaccessible under ProtectHome=tmpfs");
        ASSERT_REFUSED("[Sandbox]\nInaccessiblePaths=/home\n", "[Desktop]\nHome=Music\n",
                       "homes are inaccessible under InaccessiblePaths=/home");
        /* an explicit Home= in the ceiling decides: deeper entries, read-only beats read-write */
        const char *h = "[Desktop]\nHome=Downloads:rw Documents:ro\n";
        ASSERT_ACCEPTED(h, "[Desktop]\nHome=Downloads/x:rw Documents/y\n");
        ASSERT_REFUSED(h, "[Desktop]\nHome=Documents/y:rw\n", "read-only under Home=Documents:ro");
        ASSERT_REFUSED(h, "[Desktop]\nHome=Music\n", "no entry covers it");
        ASSERT_REFUSED("[Desktop]\nHome=\n", "[Desktop]\nHome=Music\n", "no entry covers it");
        /* D-Bus: none over filter; names within the ceiling's, "NAME.*" covering below */
        ASSERT_REFUSED("[Desktop]\nDBus=none\n", "[Desktop]\nDBus=filter\n", "DBus=filter",
                       "DBus=none, set at ceiling.policy:2");
        ASSERT_ACCEPTED(c, "[Desktop]\nDBusTalk=org.mpris.MediaPlayer2.vlc\nDBus=none\n");
        ASSERT_REFUSED(c, "[Desktop]\nDBusTalk=org.freedesktop.secrets\n",
                       "org.freedesktop.secrets is not in DBusTalk=");
        ASSERT_REFUSED(c, "[Desktop]\nDBusTalk=org.*\n", "org.* is not in");
        ASSERT_ACCEPTED(c, "[Desktop]\nDBusOwn=org.x.Y\n"); /* the ceiling sets no DBusOwn= */
        ASSERT_REFUSED("[Desktop]\nDBusOwn=\n", "[Desktop]\nDBusOwn=org.x.Y\n", "DBusOwn=org.x.Y");
}

TEST(stack_desktop)
{
        _cleanup_policy_free_ struct policy *a =
            parse("a.policy", "[Desktop]\nX11=yes\nAudio=yes\nHome=Downloads:rw Music:rw\n"
                              "DBusTalk=org.a.* org.b.C\n");
        _cleanup_policy_free_ struct policy *b = parse(
            "b.policy", "[Desktop]\nX11=no\nHome=Downloads:ro Music/x:rw\nDBusTalk=org.a.B\n");
        _cleanup_policy_free_ struct policy *r = NULL;

        ASSERT_TRUE(a && b);
        ASSERT_OK(policy_stack(a, b, &sys, &r));
        ASSERT_FALSE(r->x11);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_X11]), "b.policy");
        ASSERT_TRUE(r->audio);
        ASSERT_EQ(policy_home_access(r, "Downloads"), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(policy_home_access(r, "Music"), POLICY_ACCESS_NONE);
        ASSERT_EQ(policy_home_access(r, "Music/x"), POLICY_ACCESS_READ_WRITE);
        ASSERT_TRUE(strv_length(r->dbus_talk) == 1 && streq(r->dbus_talk[0], "org.a.B"));
}

TEST(refuse_environment)
{
        const char *c = "[Sandbox]\nEnvironment=LANG=C http_proxy=http://proxy:3128\n";

        ASSERT_REFUSED(c, "[Sandbox]\nEnvironment=http_proxy=\n",
                       "Environment=http_proxy= asks for more than the ceiling",
                       "set to \"http://proxy:3128\" at ceiling.policy:2");
        ASSERT_ACCEPTED(c, "[Sandbox]\nEnvironment=LANG=C EDITOR=vi\n");
}

TEST(tighten_result)
{
        struct policy *c =
            parse("ceiling.policy", "[Resources]\nMemoryMax=2G\nTasksMax=100\n[Sandbox]\n"
                                    "PrivateNetwork=yes\nCapabilityBoundingSet=CAP_KILL CAP_CHOWN\n"
                                    "SystemCallFilter=~@swap\nEnvironment=A=1\n");
        struct policy *l =
            parse("app.profile", "[App]\nExec=/bin/app\n[Resources]\nMemoryMax=1G\n[Sandbox]\n"
                                 "PrivateTmp=yes\nCapabilityBoundingSet=CAP_KILL\n"
                                 "SystemCallFilter=~@reboot\nEnvironment=B=2\n");
        struct policy *r = NULL;
        struct sb_error e = {};

        ASSERT_TRUE(c && l);
        ASSERT_OK(policy_tighten(c, l, &sys, &r, &e));
        ASSERT_EQ(r->kind, POLICY_KIND_EFFECTIVE);
        ASSERT_EQ(r->memory_max.value, UINT64_C(1) << 30);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_MEMORY_MAX]), "app.profile");
        ASSERT_EQ(r->origin[POLICY_MEMORY_MAX].line, 4);
        ASSERT_EQ(r->tasks_max.value, 100);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_TASKS_MAX]), "ceiling.policy");
        ASSERT_TRUE(r->private_network && r->private_tmp);
        ASSERT_EQ(r->capability_bounding_set, UINT64_C(1) << 5);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_CAPABILITY_BOUNDING_SET]), "app.profile");
        ASSERT_FALSE(r->system_call_filter.allow_list);
        ASSERT_TRUE(policy_syscalls_contains(&r->system_call_filter, "swapon"));
        ASSERT_TRUE(policy_syscalls_contains(&r->system_call_filter, "reboot"));
        ASSERT_EQ(r->environment.n, 2);
        ASSERT_STREQ(policy_origin_file(&r->environment.items[0].origin), "ceiling.policy");
        ASSERT_STREQ(policy_origin_file(&r->environment.items[1].origin), "app.profile");
        ASSERT_STREQ(r->exec[0], "/bin/app");
        policy_free(r);
        policy_free(c);
        policy_free(l);
}

TEST(stack_peers)
{
        struct policy *a =
            parse("a.policy", "[Match]\nGroup=a\n[Resources]\nMemoryMax=50%\nCPUWeight=10\n"
                              "RuntimeMaxSec=3h\n"
                              "[Sandbox]\nProtectSystem=strict\nReadWritePaths=/srv/data /opt\n"
                              "BindPaths=/srv/a:/a /srv/b:/b\nAmbientCapabilities=CAP_KILL\n"
                              "SystemCallFilter=read write mount\nRestrictNamespaces=net\n"
                              "Environment=X=a\n");
        struct policy *b =
            parse("b.policy", "[Resources]\nMemoryMax=3G\nCPUWeight=100\nRuntimeMaxSec=2h\n"
                              "[Sandbox]\n"
                              "ProtectSystem=full\nReadOnlyPaths=/srv\nInaccessiblePaths=/srv/b\n"
                              "SystemCallFilter=~mount\nRestrictNamespaces=net user\n"
                              "CapabilityBoundingSet=CAP_CHOWN\nEnvironment=X=b\n");
        struct policy *r = NULL;
        struct policy_system small = {.memory_bytes = UINT64_C(4) << 30, .tasks_max = 100};

        ASSERT_TRUE(a && b);
        ASSERT_OK(policy_stack(a, b, &sys, &r));
        /* 50% of 8G = 4G > 3G */
        ASSERT_EQ(r->memory_max.kind, POLICY_LIMIT_ABSOLUTE);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_MEMORY_MAX]), "b.policy");
        ASSERT_EQ(r->cpu_weight, 10);
        ASSERT_EQ(r->runtime_max.value, UINT64_C(7200000000));
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_RUNTIME_MAX_SEC]), "b.policy");
        ASSERT_EQ(r->protect_system, PROTECT_SYSTEM_STRICT);
        ASSERT_FALSE(policy_is_set(r, POLICY_USER) || policy_is_set(r, POLICY_GROUP));
        /* /srv/data is read-only under b, /opt stays writable */
        ASSERT_EQ(r->read_write_paths.n, 1);
        ASSERT_STREQ(r->read_write_paths.items[0].path, "/opt");
        ASSERT_EQ(policy_path_access(r, "/srv/data/f", NULL, NULL), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(policy_path_access(r, "/opt/f", NULL, NULL), POLICY_ACCESS_READ_WRITE);
        /* /srv/a: b grants it read-only → a read-only bind; /srv/b: inaccessible → dropped */
        ASSERT_EQ(r->bind_paths.n, 0);
        ASSERT_EQ(r->bind_read_only_paths.n, 1);
        ASSERT_STREQ(r->bind_read_only_paths.items[0].path, "/srv/a");
        ASSERT_STREQ(policy_origin_file(&r->bind_read_only_paths.items[0].origin), "a.policy");
        /* ambient within the bounding set */
        ASSERT_EQ(r->ambient_capabilities, 0);
        ASSERT_EQ(r->capability_bounding_set, UINT64_C(1) << 0);
        /* allow-list minus deny-list */
        ASSERT_TRUE(r->system_call_filter.allow_list);
        ASSERT_EQ(r->system_call_filter.n, 2);
        ASSERT_EQ(r->restrict_namespaces, POLICY_NS_NET);
        /* peers: the later one's value */
        ASSERT_STREQ(r->environment.items[0].value, "b");
        policy_free(r);

        /* on a smaller machine the percentage is the lower limit */
        ASSERT_OK(policy_stack(a, b, &small, &r));
        ASSERT_EQ(r->memory_max.kind, POLICY_LIMIT_PERMYRIAD);
        ASSERT_STREQ(policy_origin_file(&r->origin[POLICY_MEMORY_MAX]), "a.policy");
        policy_free(r);
        policy_free(a);
        policy_free(b);
}

TEST(access_model)
{
        struct policy *p =
            parse("p.profile", "[Sandbox]\nProtectSystem=yes\nProtectHome=tmpfs\nPrivateTmp=yes\n"
                               "ReadOnlyPaths=/srv\nReadWritePaths=/srv/rw /usr/local\n"
                               "InaccessiblePaths=/srv/rw/hidden\nReadOnlyPaths=/opt\n"
                               "ReadWritePaths=/opt\n");
        struct policy_origin o = {};
        enum policy_key k;

        ASSERT_TRUE(p);
        ASSERT_EQ(policy_path_access(p, "/", &k, &o), POLICY_ACCESS_READ_WRITE);
        ASSERT_EQ(k, _POLICY_KEY_MAX);
        ASSERT_FALSE(o.source);
        ASSERT_EQ(policy_path_access(p, "/usr/bin", &k, &o), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(k, POLICY_PROTECT_SYSTEM);
        ASSERT_EQ(o.line, 2);
        ASSERT_EQ(policy_path_access(p, "/usr/local/bin", NULL, NULL), POLICY_ACCESS_READ_WRITE);
        ASSERT_EQ(policy_path_access(p, "/etc", NULL, NULL), POLICY_ACCESS_READ_WRITE);
        ASSERT_EQ(policy_path_access(p, "/home/u", &k, NULL), POLICY_ACCESS_NONE);
        ASSERT_EQ(k, POLICY_PROTECT_HOME);
        ASSERT_EQ(policy_path_access(p, "/run/user/1000", NULL, NULL), POLICY_ACCESS_NONE);
        ASSERT_EQ(policy_path_access(p, "/run", NULL, NULL), POLICY_ACCESS_READ_WRITE);
        ASSERT_EQ(policy_path_access(p, "/var/tmp/x", &k, NULL), POLICY_ACCESS_NONE);
        ASSERT_EQ(k, POLICY_PRIVATE_TMP);
        ASSERT_EQ(policy_path_access(p, "/srv/x", NULL, NULL), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(policy_path_access(p, "/srv/rw/x", NULL, NULL), POLICY_ACCESS_READ_WRITE);
        ASSERT_EQ(policy_path_access(p, "/srv/rw/hidden/x", &k, &o), POLICY_ACCESS_NONE);
        ASSERT_EQ(k, POLICY_INACCESSIBLE_PATHS);
        ASSERT_EQ(o.line, 7);
        ASSERT_EQ(policy_path_access(p, "/srvx", NULL, NULL), POLICY_ACCESS_READ_WRITE);
        /* the same path read-only and read-write: read-only */
        ASSERT_EQ(policy_path_access(p, "/opt/a", &k, NULL), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(k, POLICY_READ_ONLY_PATHS);
        policy_free(p);

        p = parse("q.profile", "[Sandbox]\nProtectSystem=full\nProtectHome=read-only\n");
        ASSERT_EQ(policy_path_access(p, "/etc/passwd", NULL, NULL), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(policy_path_access(p, "/boot", NULL, NULL), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(policy_path_access(p, "/root", NULL, NULL), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(policy_path_access(p, "/var", NULL, NULL), POLICY_ACCESS_READ_WRITE);
        policy_free(p);
        p = parse("s.profile", "[Sandbox]\nProtectSystem=strict\n");
        ASSERT_EQ(policy_path_access(p, "/var/lib", NULL, NULL), POLICY_ACCESS_READ_ONLY);
        ASSERT_EQ(policy_path_access(p, "/", NULL, NULL), POLICY_ACCESS_READ_ONLY);
        policy_free(p);
}

/* ---- the property test ---- */

#ifndef ITERATIONS
#define ITERATIONS 2000
#endif
#ifndef SEED
#define SEED 0x9e3779b97f4a7c15
#endif

static uint64_t rng_state = (uint64_t)SEED; /* fixed seed: reproducible */

static uint64_t rng(void)
{
        /* xorshift64* */
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * UINT64_C(2685821657736338717);
}

static size_t pick(size_t n)
{
        return (size_t)(rng() % n);
}

static bool chance(unsigned percent)
{
        return pick(100) < percent;
}

static const char *const path_pool[] = {
    "/",          "/srv",   "/srv/a", "/srv/a/b", "/srv/c",    "/usr",           "/usr/lib",
    "/usr/lib/x", "/etc",   "/boot",  "/home",    "/home/u",   "/home/u/x",      "/root",
    "/tmp",       "/tmp/t", "/var",   "/var/tmp", "/run/user", "/run/user/1000", "/opt",
};
static const char *const syscall_pool[] = {
    "read",       "write",  "mount",  "umount2", "ptrace",           "bpf", "reboot", "swapon",
    "kexec_load", "@mount", "@debug", "@swap",   "open_by_handle_at"};
static const char *const cap_pool[] = {"CAP_CHOWN", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE",
                                       "CAP_SYS_ADMIN", "CAP_KILL"};
static const char *const ns_pool[] = {"cgroup", "ipc", "net", "mnt", "pid", "user", "uts"};
static const char *const key_pool[] = {"@admin", "@user", "prod", "dev", "0123456789abcdef"};
static const char *const envname_pool[] = {"prod", "dev", "qa"};

static void random_words(FILE *f, const char *const *pool, size_t n, size_t max)
{
        size_t k = 1 + pick(max);

        for (size_t i = 0; i < k; i++)
                fprintf(f, "%s%s", i ? " " : "", pool[pick(n)]);
}

/* A random profile, as text: every key with some probability, values from small pools so the
 * layers often agree and the accepted cases are plenty. */
static const char *const grants[] = {"Wayland", "X11", "Audio", "GPU", "Fonts"};
static const char *const home_pool[] = {"Downloads",      "Downloads:rw",  "Downloads/a:rw",
                                        "Documents:ro",   "Documents",     "Music:rw",
                                        "Downloads/a:ro", "Documents/b:rw"};
static const char *const home_dirs[] = {"Downloads",   "Downloads/a", "Downloads/a/b", "Documents",
                                        "Documents/b", "Music",       "Videos"};
static const char *const bus_pool[] = {"org.a.B", "org.a.*", "org.a.C", "org.b.D", "org.b.*"};
static const char *const bus_names[] = {"org.a.B", "org.a.C", "org.a.Z",
                                        "org.b.D", "org.b.E", "org.c.F"};

static char *random_text(unsigned p)
{
        static const char *const memory[] = {"1G",   "2G",       "512M", "25%", "50%",
                                             "100%", "infinity", "0",    "3G"};
        static const char *const tasks[] = {"10", "100", "1000", "1%", "50%", "infinity"};
        static const char *const quota[] = {"10%", "50%", "100%", "250%"};
        static const char *const weight[] = {"1", "50", "100", "10000"};
        static const char *const runtime[] = {"30s", "1min", "60", "1h", "2h 30min", "infinity"};
        static const char *const ps[] = {"no", "yes", "full", "strict"};
        static const char *const ph[] = {"no", "read-only", "tmpfs", "yes"};
        static const char *const env[] = {"A=1", "A=2", "B=1", "C=x"};
        static const char *const age[] = {"1h", "30d", "2w", "3600"};
        static const char *const bools[] = {"PrivateNetwork", "PrivateTmp", "PrivateIPC",
                                            "ProtectHostname", "NoNewPrivileges"};
        static const char *const pathkeys[] = {"ReadOnlyPaths", "ReadWritePaths",
                                               "InaccessiblePaths"};
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        fputs("[Resources]\n", f);
        if (chance(p))
                fprintf(f, "MemoryMax=%s\n", memory[pick(ELEMENTSOF(memory))]);
        if (chance(p))
                fprintf(f, "MemoryHigh=%s\n", memory[pick(ELEMENTSOF(memory))]);
        if (chance(p))
                fprintf(f, "TasksMax=%s\n", tasks[pick(ELEMENTSOF(tasks))]);
        if (chance(p))
                fprintf(f, "CPUQuota=%s\n", quota[pick(ELEMENTSOF(quota))]);
        if (chance(p))
                fprintf(f, "CPUWeight=%s\n", weight[pick(ELEMENTSOF(weight))]);
        if (chance(p))
                fprintf(f, "IOWeight=%s\n", weight[pick(ELEMENTSOF(weight))]);
        if (chance(p))
                fprintf(f, "RuntimeMaxSec=%s\n", runtime[pick(ELEMENTSOF(runtime))]);
        fputs("[Sandbox]\n", f);
        for (size_t i = 0; i < ELEMENTSOF(bools); i++)
                if (chance(p))
                        fprintf(f, "%s=%s\n", bools[i], chance(60) ? "yes" : "no");
        if (chance(p))
                fprintf(f, "ProtectSystem=%s\n", ps[pick(ELEMENTSOF(ps))]);
        if (chance(p))
                fprintf(f, "ProtectHome=%s\n", ph[pick(ELEMENTSOF(ph))]);
        for (size_t i = 0; i < ELEMENTSOF(pathkeys); i++)
                while (chance(p)) {
                        fprintf(f, "%s=%s", pathkeys[i], chance(20) ? "-" : "");
                        random_words(f, path_pool, ELEMENTSOF(path_pool), 2);
                        fputc('\n', f);
                }
        for (int bind = 0; bind < 2; bind++)
                while (chance(p / 2))
                        fprintf(f, "%s=%s:%s\n", bind ? "BindPaths" : "BindReadOnlyPaths",
                                path_pool[pick(ELEMENTSOF(path_pool))],
                                path_pool[pick(ELEMENTSOF(path_pool))]);
        if (chance(p)) {
                fprintf(f, "CapabilityBoundingSet=%s", chance(30) ? "~" : "");
                random_words(f, cap_pool, ELEMENTSOF(cap_pool), 3);
                fputc('\n', f);
        }
        if (chance(p)) {
                fputs("AmbientCapabilities=", f);
                random_words(f, cap_pool, ELEMENTSOF(cap_pool), 2);
                fputc('\n', f);
        }
        while (chance(p)) {
                fprintf(f, "SystemCallFilter=%s", chance(50) ? "~" : "");
                random_words(f, syscall_pool, ELEMENTSOF(syscall_pool), 4);
                fputc('\n', f);
        }
        if (chance(p)) {
                if (chance(25))
                        fprintf(f, "RestrictNamespaces=%s\n", chance(50) ? "yes" : "no");
                else {
                        fprintf(f, "RestrictNamespaces=%s", chance(30) ? "~" : "");
                        random_words(f, ns_pool, ELEMENTSOF(ns_pool), 4);
                        fputc('\n', f);
                }
        }
        if (chance(p)) {
                fputs("Environment=", f);
                random_words(f, env, ELEMENTSOF(env), 2);
                fputc('\n', f);
        }
        fputs("[Images]\n", f);
        if (chance(p))
                fprintf(f, "RequireSigned=%s\n", chance(50) ? "yes" : "no");
        if (chance(p)) {
                fputs("TrustedKeys=", f);
                if (!chance(10))
                        random_words(f, key_pool, ELEMENTSOF(key_pool), 3);
                fputc('\n', f);
        }
        if (chance(p)) {
                fputs("AllowedEnvironments=", f);
                if (!chance(10))
                        random_words(f, envname_pool, ELEMENTSOF(envname_pool), 3);
                fputc('\n', f);
        }
        if (chance(p))
                fprintf(f, "RollbackProtection=%s\n", chance(50) ? "yes" : "warn-stale");
        if (chance(p))
                fprintf(f, "MaxSignatureAge=%s\n", age[pick(ELEMENTSOF(age))]);
        fputs("[Desktop]\n", f);
        for (size_t i = 0; i < ELEMENTSOF(grants); i++)
                if (chance(p))
                        fprintf(f, "%s=%s\n", grants[i], chance(50) ? "yes" : "no");
        if (chance(p)) {
                fputs("Home=", f);
                if (chance(80))
                        random_words(f, home_pool, ELEMENTSOF(home_pool), 3);
                fputc('\n', f);
        }
        if (chance(p))
                fprintf(f, "DBus=%s\n", chance(50) ? "filter" : "none");
        for (int own = 0; own < 2; own++)
                if (chance(p)) {
                        fputs(own ? "DBusOwn=" : "DBusTalk=", f);
                        if (chance(85))
                                random_words(f, bus_pool, ELEMENTSOF(bus_pool), 3);
                        fputc('\n', f);
                }
        fclose(f);
        return buf;
}

static struct policy *random_policy(const char *name, unsigned p)
{
        char *text = random_text(p);
        struct policy *r;

        if (!text)
                return NULL;
        r = parse(name, text);
        free(text);
        return r;
}

/* Independent of merge.c: how much of host path src p lets a bind expose. */
static enum policy_access grant(const struct policy *p, const char *src)
{
        enum policy_access a = policy_path_access(p, src, NULL, NULL);

        for (size_t i = 0; i < p->bind_read_only_paths.n; i++)
                if (policy_path_covers(p->bind_read_only_paths.items[i].path, src) &&
                    a < POLICY_ACCESS_READ_ONLY)
                        a = POLICY_ACCESS_READ_ONLY;
        for (size_t i = 0; i < p->bind_paths.n; i++)
                if (policy_path_covers(p->bind_paths.items[i].path, src))
                        a = POLICY_ACCESS_READ_WRITE;
        return a;
}

static uint64_t limit(const struct policy *p, enum policy_key k)
{
        uint64_t total = k == POLICY_TASKS_MAX   ? sys.tasks_max
                         : k == POLICY_CPU_QUOTA ? 10000
                                                 : sys.memory_bytes;
        return policy_is_set(p, k) ? policy_limit_resolve(policy_field_const(p, k), total)
                                   : UINT64_MAX;
}

static bool syscall_allowed(const struct policy *p, const char *name)
{
        if (!policy_is_set(p, POLICY_SYSTEM_CALL_FILTER))
                return true;
        return policy_syscalls_contains(&p->system_call_filter, name) ==
               p->system_call_filter.allow_list;
}

/* Independent of merge.c: does the TrustedKeys= set l (NULL: unset, only admin keys) let a
 * key entry through? */
static bool key_trusted(char *const *l, bool set, const char *entry)
{
        bool admin = !set || strv_find(l, "@admin") >= 0;

        if (streq(entry, "@user"))
                return set && strv_find(l, "@user") >= 0;
        return admin || strv_find(l, entry) >= 0;
}

/* [Images]: peer: unset in p is no opinion (stacked peers); else unset means the default. */
static void assert_images_no_looser(const struct policy *r, const struct policy *p, bool peer)
{
        static char *const admin_only[] = {(char *)"@admin", NULL};
        bool rk = policy_is_set(r, POLICY_TRUSTED_KEYS), pk = policy_is_set(p, POLICY_TRUSTED_KEYS);

        if (!peer || policy_is_set(p, POLICY_REQUIRE_SIGNED))
                ASSERT_TRUE(policy_image_require_signed(r) || !policy_image_require_signed(p));
        if (!peer || policy_is_set(p, POLICY_ROLLBACK_PROTECTION))
                ASSERT_TRUE(policy_image_rollback(r) >= policy_image_rollback(p));
        if (policy_is_set(p, POLICY_MAX_SIGNATURE_AGE))
                ASSERT_TRUE(policy_is_set(r, POLICY_MAX_SIGNATURE_AGE) &&
                            r->max_signature_age <= p->max_signature_age);
        if (policy_is_set(p, POLICY_ALLOWED_ENVIRONMENTS)) {
                ASSERT_TRUE(policy_is_set(r, POLICY_ALLOWED_ENVIRONMENTS));
                STRV_FOREACH (w, r->allowed_environments)
                        ASSERT_TRUE(strv_find(p->allowed_environments, *w) >= 0);
        }
        if (!peer || pk)
                STRV_FOREACH (w, rk ? r->trusted_keys : admin_only)
                        ASSERT_TRUE(key_trusted(p->trusted_keys, pk, *w));
}

/* Is r at least as restrictive as p in every key? ambient_unset_all: whether an unset
 * AmbientCapabilities= in p allows everything (peers) or nothing (a ceiling). */
static void assert_no_looser(const struct policy *r, const struct policy *p, bool ambient_unset_all)
{
        static const enum policy_key limits[] = {POLICY_MEMORY_MAX, POLICY_MEMORY_HIGH,
                                                 POLICY_TASKS_MAX, POLICY_CPU_QUOTA,
                                                 POLICY_RUNTIME_MAX_SEC};
        static const enum policy_key bools[] = {POLICY_PRIVATE_NETWORK, POLICY_PRIVATE_TMP,
                                                POLICY_PRIVATE_IPC, POLICY_PROTECT_HOSTNAME,
                                                POLICY_NO_NEW_PRIVILEGES};
        static const char *const extra_syscalls[] = {"openat", "umount", "pivot_root", "swapoff"};

        for (size_t i = 0; i < ELEMENTSOF(limits); i++)
                ASSERT_TRUE(limit(r, limits[i]) <= limit(p, limits[i]));
        if (policy_is_set(p, POLICY_CPU_WEIGHT))
                ASSERT_TRUE(policy_is_set(r, POLICY_CPU_WEIGHT) && r->cpu_weight <= p->cpu_weight);
        if (policy_is_set(p, POLICY_IO_WEIGHT))
                ASSERT_TRUE(policy_is_set(r, POLICY_IO_WEIGHT) && r->io_weight <= p->io_weight);
        for (size_t i = 0; i < ELEMENTSOF(bools); i++)
                if (policy_is_set(p, bools[i]) && *(const bool *)policy_field_const(p, bools[i]))
                        ASSERT_TRUE(*(const bool *)policy_field_const(r, bools[i]));
        if (policy_is_set(p, POLICY_PROTECT_SYSTEM))
                ASSERT_TRUE(r->protect_system >= p->protect_system);
        if (policy_is_set(p, POLICY_PROTECT_HOME))
                ASSERT_TRUE(r->protect_home >= p->protect_home);

        uint64_t rb = policy_is_set(r, POLICY_CAPABILITY_BOUNDING_SET) ? r->capability_bounding_set
                                                                       : POLICY_CAP_ALL;
        uint64_t pb = policy_is_set(p, POLICY_CAPABILITY_BOUNDING_SET) ? p->capability_bounding_set
                                                                       : POLICY_CAP_ALL;
        ASSERT_EQ(rb & ~pb, 0);
        uint64_t ra = policy_is_set(r, POLICY_AMBIENT_CAPABILITIES) ? r->ambient_capabilities : 0;
        uint64_t pa = policy_is_set(p, POLICY_AMBIENT_CAPABILITIES) ? p->ambient_capabilities
                      : ambient_unset_all                           ? POLICY_CAP_ALL
                                                                    : 0;
        ASSERT_EQ(ra & ~pa, 0);
        ASSERT_EQ(ra & ~rb, 0);

        unsigned rn =
            policy_is_set(r, POLICY_RESTRICT_NAMESPACES) ? r->restrict_namespaces : POLICY_NS_ALL;
        unsigned pn =
            policy_is_set(p, POLICY_RESTRICT_NAMESPACES) ? p->restrict_namespaces : POLICY_NS_ALL;
        ASSERT_EQ(rn & ~pn, 0);

        for (size_t i = 0; i < ELEMENTSOF(syscall_pool); i++) {
                const struct policy_syscall_group *g = policy_syscall_group_find(syscall_pool[i]);
                if (g) {
                        for (const char *const *m = g->members; *m; m++)
                                if (syscall_allowed(r, *m))
                                        ASSERT_TRUE(syscall_allowed(p, *m));
                } else if (syscall_allowed(r, syscall_pool[i]))
                        ASSERT_TRUE(syscall_allowed(p, syscall_pool[i]));
        }
        for (size_t i = 0; i < ELEMENTSOF(extra_syscalls); i++)
                if (syscall_allowed(r, extra_syscalls[i]))
                        ASSERT_TRUE(syscall_allowed(p, extra_syscalls[i]));

        /* every host path: never more access than p grants */
        for (size_t i = 0; i < ELEMENTSOF(path_pool); i++) {
                char child[256];

                snprintf(child, sizeof(child), "%s/z",
                         streq(path_pool[i], "/") ? "" : path_pool[i]);
                ASSERT_TRUE(policy_path_access(r, path_pool[i], NULL, NULL) <=
                            policy_path_access(p, path_pool[i], NULL, NULL));
                ASSERT_TRUE(policy_path_access(r, child, NULL, NULL) <=
                            policy_path_access(p, child, NULL, NULL));
        }
        assert_images_no_looser(r, p, ambient_unset_all);

        /* [Desktop]: a grant p turns off stays off; never more of the home or the bus */
        static const enum policy_key gk[] = {POLICY_WAYLAND, POLICY_X11, POLICY_AUDIO, POLICY_GPU,
                                             POLICY_FONTS};
        for (size_t i = 0; i < ELEMENTSOF(gk); i++)
                if (policy_is_set(p, gk[i]) && !*(const bool *)policy_field_const(p, gk[i]))
                        ASSERT_TRUE(policy_is_set(r, gk[i]) &&
                                    !*(const bool *)policy_field_const(r, gk[i]));
        if (policy_is_set(p, POLICY_DBUS) && p->dbus == POLICY_DBUS_NONE)
                ASSERT_TRUE(policy_is_set(r, POLICY_DBUS) && r->dbus == POLICY_DBUS_NONE);
        for (size_t i = 0; i < ELEMENTSOF(home_dirs); i++)
                if (policy_is_set(r, POLICY_HOME) || policy_is_set(p, POLICY_HOME))
                        ASSERT_TRUE(policy_home_access(r, home_dirs[i]) <=
                                    policy_home_access(p, home_dirs[i]));
        for (int own = 0; own < 2; own++) {
                enum policy_key k = own ? POLICY_DBUS_OWN : POLICY_DBUS_TALK;
                char *const *rl = *(char *const *const *)policy_field_const(r, k);
                char *const *pl = *(char *const *const *)policy_field_const(p, k);

                if (!policy_is_set(p, k))
                        continue;
                ASSERT_TRUE(policy_is_set(r, k));
                for (size_t i = 0; i < ELEMENTSOF(bus_names); i++) {
                        bool in_r = false, in_p = false;
                        for (size_t j = 0; rl && rl[j]; j++)
                                in_r = in_r || policy_bus_name_covers(rl[j], bus_names[i]);
                        for (size_t j = 0; pl && pl[j]; j++)
                                in_p = in_p || policy_bus_name_covers(pl[j], bus_names[i]);
                        if (in_r)
                                ASSERT_TRUE(in_p);
                }
        }
        /* binds expose only what p grants at their source */
        for (size_t i = 0; i < r->bind_paths.n; i++)
                ASSERT_EQ(grant(p, r->bind_paths.items[i].path), POLICY_ACCESS_READ_WRITE);
        for (size_t i = 0; i < r->bind_read_only_paths.n; i++)
                ASSERT_TRUE(grant(p, r->bind_read_only_paths.items[i].path) >=
                            POLICY_ACCESS_READ_ONLY);
}

TEST(property_tighten_never_loosens)
{
        unsigned accepted = 0, refused = 0;

        for (unsigned i = 0; i < ITERATIONS; i++) {
                _cleanup_policy_free_ struct policy *a = random_policy("a.policy", 30);
                _cleanup_policy_free_ struct policy *b = random_policy("b.policy", 30);
                _cleanup_policy_free_ struct policy *ceiling = NULL, *r = NULL;
                _cleanup_policy_free_ struct policy *layer = random_policy("u.profile", 15);
                struct sb_error e = {};
                int q;

                ASSERT_TRUE(a && b && layer);
                /* the ceiling: one admin policy, or two stacked */
                if (chance(50))
                        ASSERT_OK(policy_stack(a, b, &sys, &ceiling));
                else
                        ASSERT_OK(policy_copy(a, &ceiling));

                q = policy_tighten(ceiling, layer, &sys, &r, &e);
                if (q < 0) {
                        ASSERT_EQ(q, -EPERM);
                        ASSERT_TRUE(strstr(e.msg, "u.profile:"));
                        ASSERT_TRUE(strstr(e.msg, "asks for more than the ceiling"));
                        ASSERT_EQ(policy_check(ceiling, layer, &sys, NULL), -EPERM);
                        refused++;
                        continue;
                }
                accepted++;
                assert_no_looser(r, ceiling, false);
                assert_no_looser(r, layer, true);
                /* the ceiling's environment stands */
                for (size_t j = 0; j < ceiling->environment.n; j++) {
                        ssize_t k = policy_env_list_find(&r->environment,
                                                         ceiling->environment.items[j].name);
                        ASSERT_TRUE(k >= 0);
                        ASSERT_STREQ(r->environment.items[k].value,
                                     ceiling->environment.items[j].value);
                }
                /* tightening again by the same layer changes nothing more */
                _cleanup_policy_free_ struct policy *again = NULL;
                q = policy_tighten(r, layer, &sys, &again, &e);
                if (q < 0) {
                        printf("# %s\n", e.msg);
                        diag_policy(ceiling);
                        diag_policy(layer);
                        diag_policy(r);
                }
                ASSERT_OK(q);
                assert_no_looser(again, r, false);
        }
        printf("# %u accepted, %u refused\n", accepted, refused);
        /* both paths must be exercised, or the test proves little */
        ASSERT_TRUE(accepted > ITERATIONS / 10);
        ASSERT_TRUE(refused > ITERATIONS / 10);
}

TEST(property_stack_never_loosens)
{
        for (unsigned i = 0; i < ITERATIONS; i++) {
                _cleanup_policy_free_ struct policy *a = random_policy("a.policy", 35);
                _cleanup_policy_free_ struct policy *b = random_policy("b.policy", 35);
                _cleanup_policy_free_ struct policy *r = NULL, *s = NULL;

                ASSERT_TRUE(a && b);
                ASSERT_OK(policy_stack(a, b, &sys, &r));
                assert_no_looser(r, a, true);
                assert_no_looser(r, b, true);
                /* the order of peers does not change what is allowed */
                ASSERT_OK(policy_stack(b, a, &sys, &s));
                assert_no_looser(r, s, true);
                assert_no_looser(s, r, true);
        }
}

TEST_MAIN
