/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The policy parser: good fixtures give the expected values, every malformed fixture fails at the
 * expected line and column, list semantics follow systemd, the caps hold. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"
#include "strv.h"
#include "test.h"

#ifndef POLICY_FIXTURES_DIR
#error "POLICY_FIXTURES_DIR must point at tests/fixtures/policy"
#endif

static char *read_fixture(const char *rel, size_t *ret_size)
{
        char path[4096];
        FILE *f;
        char *buf;
        long n;

        snprintf(path, sizeof(path), "%s/%s", POLICY_FIXTURES_DIR, rel);
        f = fopen(path, "re");
        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        if (buf) {
                buf[n] = '\0';
                *ret_size = (size_t)n;
        }
        return buf;
}

static struct policy *parse_fixture(const char *rel, enum policy_file_kind kind)
{
        struct sb_error e = {};
        struct policy *p = NULL;
        size_t size = 0;
        char *data = read_fixture(rel, &size);

        if (!data)
                return NULL;
        if (policy_parse_buffer(rel, data, size, kind, &p, NULL, NULL, &e) < 0) {
                printf("# %s\n", e.msg);
                p = NULL;
        }
        free(data);
        return p;
}

static struct policy *parse_str(const char *s, enum policy_file_kind kind, struct sb_error *e)
{
        struct policy *p = NULL;

        if (policy_parse_buffer("test", s, strlen(s), kind, &p, NULL, NULL, e) < 0)
                return NULL;
        return p;
}

TEST(students_policy)
{
        _cleanup_policy_free_ struct policy *p =
            parse_fixture("good/students.policy", POLICY_KIND_POLICY);

        ASSERT_TRUE(p);
        ASSERT_EQ(strv_length(p->match_groups), 1);
        ASSERT_STREQ(p->match_groups[0], "students");
        ASSERT_FALSE(p->match_users);
        ASSERT_EQ(p->memory_max.kind, POLICY_LIMIT_ABSOLUTE);
        ASSERT_EQ(p->memory_max.value, UINT64_C(2) << 30);
        ASSERT_EQ(p->origin[POLICY_MEMORY_MAX].line, 6);
        ASSERT_STREQ(policy_origin_file(&p->origin[POLICY_MEMORY_MAX]), "good/students.policy");
        ASSERT_EQ(p->memory_high.kind, POLICY_LIMIT_PERMYRIAD);
        ASSERT_EQ(p->memory_high.value, 7500);
        ASSERT_EQ(p->cpu_quota.value, 15000);
        ASSERT_EQ(p->cpu_weight, 50);
        ASSERT_EQ(p->tasks_max.value, 256);
        ASSERT_EQ(p->io_weight, 50);
        ASSERT_EQ(p->runtime_max.kind, POLICY_LIMIT_ABSOLUTE);
        ASSERT_EQ(p->runtime_max.value, UINT64_C(8) * 3600 * 1000000);
        ASSERT_EQ(p->origin[POLICY_RUNTIME_MAX_SEC].line, 12);
        ASSERT_TRUE(p->private_network && p->private_tmp && p->private_ipc);
        ASSERT_TRUE(p->protect_hostname && p->no_new_privileges);
        ASSERT_EQ(p->protect_system, PROTECT_SYSTEM_STRICT);
        ASSERT_EQ(p->protect_home, PROTECT_HOME_READ_ONLY);
        ASSERT_EQ(p->read_write_paths.n, 1);
        ASSERT_STREQ(p->read_write_paths.items[0].path, "/srv/scratch");
        ASSERT_EQ(p->inaccessible_paths.n, 2);
        ASSERT_FALSE(p->inaccessible_paths.items[0].ignore_missing);
        ASSERT_TRUE(p->inaccessible_paths.items[1].ignore_missing);
        ASSERT_STREQ(p->inaccessible_paths.items[1].path, "/var/lib/private");
        ASSERT_EQ(p->inaccessible_paths.items[1].origin.line, 23);
        ASSERT_EQ(p->bind_read_only_paths.n, 1);
        ASSERT_STREQ(p->bind_read_only_paths.items[0].path, "/srv/datasets");
        ASSERT_STREQ(p->bind_read_only_paths.items[0].dest, "/data");
        ASSERT_EQ(p->capability_bounding_set, (UINT64_C(1) << 10) | (UINT64_C(1) << 0));
        ASSERT_EQ(p->ambient_capabilities, UINT64_C(1) << 10);
        ASSERT_FALSE(p->system_call_filter.allow_list);
        ASSERT_TRUE(policy_syscalls_contains(&p->system_call_filter, "mount"));
        ASSERT_TRUE(policy_syscalls_contains(&p->system_call_filter, "ptrace"));
        ASSERT_TRUE(policy_syscalls_contains(&p->system_call_filter, "bpf"));
        ASSERT_TRUE(policy_syscalls_contains(&p->system_call_filter, "kexec_load"));
        ASSERT_FALSE(policy_syscalls_contains(&p->system_call_filter, "read"));
        ASSERT_EQ(p->origin[POLICY_SYSTEM_CALL_FILTER].line,
                  28); /* the last line that changed it */
        ASSERT_EQ(p->restrict_namespaces, POLICY_NS_USER | POLICY_NS_NET | POLICY_NS_MNT);
        ASSERT_EQ(p->environment.n, 2);
        ASSERT_STREQ(p->environment.items[1].name, "COURSE");
        ASSERT_STREQ(p->environment.items[1].value, "Intro to C");
}

TEST(everyone_policy)
{
        _cleanup_policy_free_ struct policy *p =
            parse_fixture("good/everyone.policy", POLICY_KIND_POLICY);

        ASSERT_TRUE(p);
        ASSERT_FALSE(policy_is_set(p, POLICY_USER));
        ASSERT_EQ(p->tasks_max.kind, POLICY_LIMIT_PERMYRIAD);
        ASSERT_EQ(p->tasks_max.value, 1000);
        ASSERT_EQ(p->memory_max.kind, POLICY_LIMIT_INFINITY);
        ASSERT_EQ(p->protect_system, PROTECT_SYSTEM_FULL);
        /* ~A B then ~C: everything but the three */
        ASSERT_EQ(p->capability_bounding_set,
                  POLICY_CAP_ALL &
                      ~((UINT64_C(1) << 21) | (UINT64_C(1) << 16) | (UINT64_C(1) << 22)));
}

TEST(browser_profile)
{
        _cleanup_policy_free_ struct policy *p =
            parse_fixture("good/browser.profile", POLICY_KIND_PROFILE);

        ASSERT_TRUE(p);
        ASSERT_EQ(strv_length(p->exec), 3);
        ASSERT_STREQ(p->exec[2], "--profile=/tmp/my profile");
        ASSERT_STREQ(p->description, "Web browser, offline edition");
        ASSERT_EQ(p->memory_max.value, UINT64_C(3) << 29); /* 1.5G */
        ASSERT_EQ(p->cpu_quota.value, 5050);
        ASSERT_TRUE(p->private_network);
        ASSERT_EQ(p->protect_home, PROTECT_HOME_TMPFS);
        ASSERT_EQ(p->bind_paths.n, 1);
        ASSERT_TRUE(p->bind_paths.items[0].ignore_missing);
        ASSERT_TRUE(p->bind_paths.items[0].nonrecursive);
        ASSERT_STREQ(p->bind_paths.items[0].path, "/srv/scratch/downloads");
        ASSERT_STREQ(p->bind_paths.items[0].dest, "/home/u/Downloads");
        /* @mount minus umount, as an allow-list */
        ASSERT_TRUE(p->system_call_filter.allow_list);
        ASSERT_TRUE(policy_syscalls_contains(&p->system_call_filter, "umount2"));
        ASSERT_FALSE(policy_syscalls_contains(&p->system_call_filter, "umount"));
        ASSERT_EQ(p->system_call_filter.n, 11);
        ASSERT_EQ(p->restrict_namespaces, POLICY_NS_ALL & ~POLICY_NS_USER);
        ASSERT_STREQ(p->environment.items[1].value, "say \"hi\"\tthere");
}

TEST(list_semantics)
{
        _cleanup_policy_free_ struct policy *p =
            parse_fixture("good/lists.profile", POLICY_KIND_PROFILE);

        ASSERT_TRUE(p);
        /* reset, then "/c//d/" and "/c/d" are the same path */
        ASSERT_EQ(p->read_only_paths.n, 1);
        ASSERT_STREQ(p->read_only_paths.items[0].path, "/c/d");
        ASSERT_EQ(p->read_only_paths.items[0].origin.line, 5);
        /* an empty capability set is a value: no capabilities */
        ASSERT_TRUE(policy_is_set(p, POLICY_CAPABILITY_BOUNDING_SET));
        ASSERT_EQ(p->capability_bounding_set, 0);
        ASSERT_EQ(p->ambient_capabilities, UINT64_C(1) << 5);
        /* reset, then deny @swap, then take swapon back out of the deny-list */
        ASSERT_FALSE(p->system_call_filter.allow_list);
        ASSERT_EQ(p->system_call_filter.n, 1);
        ASSERT_STREQ(p->system_call_filter.names[0], "swapoff");
        ASSERT_EQ(p->restrict_namespaces, POLICY_NS_NET);
        ASSERT_EQ(p->environment.n, 1);
        ASSERT_STREQ(p->environment.items[0].value, "4");
        ASSERT_EQ(p->environment.items[0].origin.line, 18);
}

TEST(images_section)
{
        struct sb_error e = {};
        _cleanup_policy_free_ struct policy *p =
            parse_str("[Images]\nRequireSigned=no\nTrustedKeys=prod-2024 @user\n"
                      "TrustedKeys=0123456789ABCDEF @admin prod-2024\nAllowedEnvironments=prod\n"
                      "AllowedEnvironments=\nAllowedEnvironments=dev staging\n"
                      "RollbackProtection=warn-stale\nMaxSignatureAge=30d\n",
                      POLICY_KIND_POLICY, &e);
        _cleanup_policy_free_ struct policy *empty =
            parse_str("[Images]\nTrustedKeys=prod\nTrustedKeys=\n", POLICY_KIND_PROFILE, &e);
        _cleanup_policy_free_ struct policy *none = parse_str("", POLICY_KIND_PROFILE, &e);
        _cleanup_policy_free_ struct policy *flags = policy_new(POLICY_KIND_FLAGS, "command line");
        _cleanup_free_ char *age = NULL;

        ASSERT_TRUE(p && empty && none && flags);
        ASSERT_FALSE(p->require_signed);
        ASSERT_FALSE(policy_image_require_signed(p));
        /* a sorted set */
        ASSERT_EQ(strv_length(p->trusted_keys), 4);
        ASSERT_STREQ(p->trusted_keys[0], "0123456789ABCDEF");
        ASSERT_STREQ(p->trusted_keys[1], "@admin");
        ASSERT_STREQ(p->trusted_keys[2], "@user");
        ASSERT_STREQ(p->trusted_keys[3], "prod-2024");
        ASSERT_TRUE(policy_image_user_keys(p));
        ASSERT_EQ(strv_length(p->allowed_environments), 2);
        ASSERT_STREQ(p->allowed_environments[0], "dev");
        ASSERT_EQ(p->rollback_protection, POLICY_ROLLBACK_WARN_STALE);
        ASSERT_EQ(p->max_signature_age, 30 * 86400);
        age = policy_format_value(p, POLICY_MAX_SIGNATURE_AGE);
        ASSERT_STREQ(age, "30d");
        /* an empty TrustedKeys= is a value: no key */
        ASSERT_TRUE(policy_is_set(empty, POLICY_TRUSTED_KEYS));
        ASSERT_TRUE(policy_image_trusted_keys(empty) && !policy_image_trusted_keys(empty)[0]);
        ASSERT_FALSE(policy_image_user_keys(empty));
        /* unset: signatures required, every admin key, no user key, strict rollback */
        ASSERT_TRUE(policy_image_require_signed(none));
        ASSERT_TRUE(policy_image_trusted_keys(none) == NULL);
        ASSERT_FALSE(policy_image_user_keys(none));
        ASSERT_EQ(policy_image_rollback(none), POLICY_ROLLBACK_YES);
        /* the command line may set them too */
        ASSERT_OK(policy_parse_assignment(flags, "MaxSignatureAge=12h", "command line", 3, &e));
        ASSERT_EQ(flags->max_signature_age, 12 * 3600);
}

TEST(reset_to_unset)
{
        struct sb_error e = {};
        _cleanup_policy_free_ struct policy *p =
            parse_str("[Sandbox]\nReadOnlyPaths=/a\nReadOnlyPaths=\nSystemCallFilter=read\n"
                      "SystemCallFilter=\nRestrictNamespaces=net\nRestrictNamespaces=\n",
                      POLICY_KIND_POLICY, &e);

        ASSERT_TRUE(p);
        ASSERT_FALSE(policy_is_set(p, POLICY_READ_ONLY_PATHS));
        ASSERT_FALSE(policy_is_set(p, POLICY_SYSTEM_CALL_FILTER));
        ASSERT_FALSE(policy_is_set(p, POLICY_RESTRICT_NAMESPACES));
}

TEST(allow_list_emptied)
{
        struct sb_error e = {};
        _cleanup_policy_free_ struct policy *p =
            parse_str("[Sandbox]\nSystemCallFilter=read write\nSystemCallFilter=~read write\n",
                      POLICY_KIND_POLICY, &e);

        ASSERT_TRUE(p);
        ASSERT_TRUE(policy_is_set(p, POLICY_SYSTEM_CALL_FILTER));
        ASSERT_TRUE(p->system_call_filter.allow_list);
        ASSERT_EQ(p->system_call_filter.n, 0);
}

static const struct {
        const char *file;
        enum policy_file_kind kind;
        unsigned line, column;
        const char *message;
} malformed[] = {
    {"unknown-section.policy", POLICY_KIND_POLICY, 4, 2, "unknown section [Foo]"},
    {"unknown-key.policy", POLICY_KIND_POLICY, 2, 1, "unknown key MemoryMaxx="},
    {"misspelled-key.policy", POLICY_KIND_POLICY, 2, 3, "did you mean PrivateNetwork=?"},
    {"duplicate-key.policy", POLICY_KIND_POLICY, 4, 1,
     "duplicate MemoryMax=, already set at line 2"},
    {"bad-size.policy", POLICY_KIND_POLICY, 2, 11, "invalid MemoryMax=12Q"},
    {"outside-section.policy", POLICY_KIND_POLICY, 2, 1,
     "outside of a section (it belongs in [Resources])"},
    {"wrong-section.policy", POLICY_KIND_POLICY, 3, 1, "belongs in [Resources], not [Sandbox]"},
    {"app-in-policy.policy", POLICY_KIND_POLICY, 1, 2, "only allowed in app profiles"},
    {"match-in-profile.profile", POLICY_KIND_PROFILE, 3, 2, "only allowed in admin policies"},
    {"relative-path.policy", POLICY_KIND_POLICY, 2, 20, "absolute paths"},
    {"dotdot-path.policy", POLICY_KIND_POLICY, 2, 19, "\"..\""},
    {"bad-capability.policy", POLICY_KIND_POLICY, 2, 33, "unknown capability \"CAP_FLY\""},
    {"bad-syscall.policy", POLICY_KIND_POLICY, 2, 26, "unknown system call \"mkdri\""},
    {"bad-syscall-group.policy", POLICY_KIND_POLICY, 2, 25, "unknown system call group \"@bogus\""},
    {"bad-namespace.policy", POLICY_KIND_POLICY, 2, 25, "unknown namespace type \"bogus\""},
    {"bad-boolean.policy", POLICY_KIND_POLICY, 2, 16, "invalid PrivateNetwork=maybe"},
    {"weight-range.policy", POLICY_KIND_POLICY, 2, 11, "out of range"},
    {"quota-no-percent.policy", POLICY_KIND_POLICY, 2, 10, "a percentage above 0%"},
    {"memory-over-100.policy", POLICY_KIND_POLICY, 2, 12, "out of range"},
    {"unterminated-quote.policy", POLICY_KIND_POLICY, 2, 17, "unterminated quote"},
    {"bad-escape.policy", POLICY_KIND_POLICY, 2, 15, "unknown escape"},
    {"env-no-value.policy", POLICY_KIND_POLICY, 2, 17, "NAME=VALUE"},
    {"long-line.policy", POLICY_KIND_POLICY, 2, 4097, "line longer than 4096 bytes"},
    {"nul-byte.policy", POLICY_KIND_POLICY, 2, 13, "NUL byte"},
    {"crlf.policy", POLICY_KIND_POLICY, 1, 10, "carriage return"},
    {"invalid-utf8.policy", POLICY_KIND_POLICY, 2, 23, "invalid UTF-8"},
    {"section-garbage.policy", POLICY_KIND_POLICY, 1, 19, "expected ']'"},
    {"no-equals.policy", POLICY_KIND_POLICY, 2, 1, "expected Key=Value"},
    {"empty-scalar.policy", POLICY_KIND_POLICY, 2, 11, "MemoryMax= needs a value"},
    {"bind-options.policy", POLICY_KIND_POLICY, 2, 22, "rbind or norbind, not \"ro\""},
    {"duplicate-section.policy", POLICY_KIND_POLICY, 5, 2,
     "duplicate section [Resources], first at line 1"},
    {"protect-system.policy", POLICY_KIND_POLICY, 2, 15, "no, yes, full or strict"},
    {"tasks-zero.policy", POLICY_KIND_POLICY, 2, 10, "out of range"},
    {"size-overflow.policy", POLICY_KIND_POLICY, 2, 11, "out of range"},
    {"empty-exec.profile", POLICY_KIND_PROFILE, 2, 6, "Exec= needs a command"},
    {"rollback-no.policy", POLICY_KIND_POLICY, 2, 20,
     "invalid RollbackProtection=no: expected yes or warn-stale"},
    {"trusted-key-name.policy", POLICY_KIND_POLICY, 2, 20,
     "invalid TrustedKeys= entry \"../evil\""},
    {"environment-name.policy", POLICY_KIND_POLICY, 2, 26, "invalid environment name \"Dev\""},
    {"signature-age.policy", POLICY_KIND_POLICY, 2, 17, "invalid MaxSignatureAge=30 fortnights"},
    {"require-signed.policy", POLICY_KIND_POLICY, 2, 15, "invalid RequireSigned=maybe"},
    {"images-key-wrong-section.policy", POLICY_KIND_POLICY, 2, 1,
     "belongs in [Images], not [Sandbox]"},
    {"home-absolute.profile", POLICY_KIND_PROFILE, 2, 16, "relative to the home"},
    {"home-dotdot.profile", POLICY_KIND_PROFILE, 2, 6, "without \".\" or \"..\""},
    {"home-mode.profile", POLICY_KIND_PROFILE, 2, 15,
     "DIR, DIR:ro or DIR:rw, not \"Downloads:rx\""},
    {"dbus-value.profile", POLICY_KIND_PROFILE, 2, 6, "invalid DBus=yes: expected none or filter"},
    {"dbus-name.profile", POLICY_KIND_PROFILE, 2, 40, "invalid D-Bus name \"1bad.name\""},
    {"x11-value.profile", POLICY_KIND_PROFILE, 2, 5, "invalid X11=maybe"},
    {"desktop-wrong-section.profile", POLICY_KIND_PROFILE, 2, 1,
     "X11= belongs in [Desktop], not [Sandbox]"},
    {"runtime-zero.policy", POLICY_KIND_POLICY, 2, 15,
     "out of range; expected a time span above 0"},
    {"runtime-unit.policy", POLICY_KIND_POLICY, 2, 15, "invalid RuntimeMaxSec=5 hrs: expected"},
};

TEST(malformed_fixtures)
{
        for (size_t i = 0; i < ELEMENTSOF(malformed); i++) {
                char rel[256], prefix[300];
                struct sb_error e = {};
                struct policy *p = NULL;
                unsigned line = 0, column = 0;
                size_t size = 0;
                char *data;
                int r;

                snprintf(rel, sizeof(rel), "malformed/%s", malformed[i].file);
                data = read_fixture(rel, &size);
                ASSERT_TRUE(data);
                r = policy_parse_buffer(rel, data, size, malformed[i].kind, &p, &line, &column, &e);
                free(data);
                printf("# %s\n", e.msg);
                ASSERT_TRUE(r < 0);
                ASSERT_FALSE(p);
                ASSERT_EQ(e.err, -r);
                ASSERT_EQ(line, malformed[i].line);
                ASSERT_EQ(column, malformed[i].column);
                /* the message itself says file:line:column */
                snprintf(prefix, sizeof(prefix), "%s:%u:%u: ", rel, malformed[i].line,
                         malformed[i].column);
                ASSERT_TRUE(strncmp(e.msg, prefix, strlen(prefix)) == 0);
                ASSERT_TRUE(strstr(e.msg, malformed[i].message));
        }
}

/* Every file in malformed/ has an entry above: no fixture goes unchecked. */
TEST(malformed_fixtures_all_listed)
{
        char path[4096];
        struct dirent *de;
        size_t n = 0;
        DIR *d;

        snprintf(path, sizeof(path), "%s/malformed", POLICY_FIXTURES_DIR);
        d = opendir(path);
        ASSERT_TRUE(d);
        while ((de = readdir(d))) {
                bool found = false;

                if (de->d_name[0] == '.')
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(malformed); i++)
                        found = found || streq(malformed[i].file, de->d_name);
                if (!found)
                        printf("# unlisted fixture %s\n", de->d_name);
                n += found;
                ASSERT_TRUE(found);
        }
        closedir(d);
        ASSERT_EQ(n, ELEMENTSOF(malformed));
}

TEST(file_size_cap)
{
        size_t size = POLICY_FILE_SIZE_MAX + 1;
        char *data = malloc(size);
        struct sb_error e = {};
        struct policy *p = NULL;
        int r;

        ASSERT_TRUE(data);
        memset(data, '\n', size);
        r = policy_parse_buffer("big", data, size, POLICY_KIND_POLICY, &p, NULL, NULL, &e);
        ASSERT_EQ(r, -E2BIG);
        ASSERT_TRUE(strstr(e.msg, "big:1:1: file is larger than"));
        /* exactly at the cap is fine */
        ASSERT_OK(
            policy_parse_buffer("big", data, size - 1, POLICY_KIND_POLICY, &p, NULL, NULL, &e));
        policy_free(p);
        free(data);
}

TEST(list_cap)
{
        size_t cap = 64 * (POLICY_LIST_MAX + 2);
        char *buf = malloc(cap), *s = buf;
        unsigned line = 0, column = 0;
        struct sb_error e = {};
        struct policy *p = NULL;
        int r;

        ASSERT_TRUE(buf);
        s += sprintf(s, "[Sandbox]\n");
        for (unsigned i = 0; i <= POLICY_LIST_MAX; i++)
                s += sprintf(s, "ReadOnlyPaths=/p%u\n", i);
        r = policy_parse_buffer("many", buf, (size_t)(s - buf), POLICY_KIND_POLICY, &p, &line,
                                &column, &e);
        ASSERT_EQ(r, -E2BIG);
        ASSERT_EQ(line, POLICY_LIST_MAX + 2);
        ASSERT_EQ(column, 15);
        ASSERT_TRUE(strstr(e.msg, "too many entries in ReadOnlyPaths="));
        /* the same path listed again does not count */
        s = buf + sprintf(buf, "[Sandbox]\n");
        for (unsigned i = 0; i <= POLICY_LIST_MAX * 2; i++)
                s += sprintf(s, "ReadOnlyPaths=/p%u\n", i % 3);
        ASSERT_OK(policy_parse_buffer("many", buf, (size_t)(s - buf), POLICY_KIND_POLICY, &p, NULL,
                                      NULL, &e));
        ASSERT_EQ(p->read_only_paths.n, 3);
        policy_free(p);
        free(buf);
}

TEST(last_line_without_newline)
{
        struct sb_error e = {};
        _cleanup_policy_free_ struct policy *p =
            parse_str("[Resources]\nTasksMax=7", POLICY_KIND_POLICY, &e);

        ASSERT_TRUE(p);
        ASSERT_EQ(p->tasks_max.value, 7);
}

TEST(sections_per_kind)
{
        struct sb_error e = {};
        struct policy *p;

        p = parse_str("[App]\nDescription=x\n", POLICY_KIND_PROFILE, &e);
        ASSERT_TRUE(p);
        policy_free(p);
        /* flags have no sections at all */
        p = parse_str("[Sandbox]\n", POLICY_KIND_FLAGS, &e);
        ASSERT_FALSE(p);
        ASSERT_TRUE(strstr(e.msg, "test:1:1: expected Key=Value"));
        p = parse_str("PrivateTmp=yes\nMemoryMax=1G\n", POLICY_KIND_FLAGS, &e);
        ASSERT_TRUE(p);
        policy_free(p);
}

TEST(assignment)
{
        struct sb_error e = {};
        _cleanup_policy_free_ struct policy *p = policy_new(POLICY_KIND_FLAGS, "command line");

        ASSERT_TRUE(p);
        ASSERT_OK(policy_parse_assignment(p, "MemoryMax=512M", "command line", 2, &e));
        ASSERT_OK(policy_parse_assignment(p, "ReadOnlyPaths=/srv", "command line", 4, &e));
        ASSERT_OK(policy_parse_assignment(p, "ReadOnlyPaths=/opt", "command line", 5, &e));
        ASSERT_EQ(p->memory_max.value, UINT64_C(512) << 20);
        ASSERT_EQ(p->origin[POLICY_MEMORY_MAX].line, 2);
        ASSERT_STREQ(policy_origin_file(&p->origin[POLICY_MEMORY_MAX]), "command line");
        ASSERT_EQ(p->read_only_paths.n, 2);
        ASSERT_EQ(p->read_only_paths.items[1].origin.line, 5);
        ASSERT_EQ(p->kind, POLICY_KIND_FLAGS);

        /* failures leave p as it was */
        ASSERT_EQ(policy_parse_assignment(p, "MemoryMax=1G", "command line", 6, &e), -EINVAL);
        ASSERT_STREQ(e.msg, "command line:6:1: duplicate MemoryMax=, already set at line 2");
        ASSERT_EQ(policy_parse_assignment(p, "ReadOnlyPaths=/ok rel", "command line", 7, &e),
                  -EINVAL);
        ASSERT_TRUE(strstr(e.msg, "command line:7:19: "));
        ASSERT_EQ(p->read_only_paths.n, 2);
        ASSERT_EQ(policy_parse_assignment(p, "Exec=/bin/sh", "command line", 8, &e), -EINVAL);
        ASSERT_TRUE(strstr(e.msg, "Exec= can only be set in a file"));
        ASSERT_EQ(policy_parse_assignment(p, "Nonsense", "command line", 9, &e), -EINVAL);
        ASSERT_EQ(policy_parse_assignment(p, "[Sandbox]", "command line", 9, &e), -EINVAL);
        ASSERT_EQ(p->memory_max.value, UINT64_C(512) << 20);
}

TEST(whitespace_and_comments)
{
        struct sb_error e = {};
        _cleanup_policy_free_ struct policy *p =
            parse_str("  # comment\n\t; another\n[Sandbox]\n  PrivateTmp =\tyes  \n\n"
                      "Description=x\n",
                      POLICY_KIND_POLICY, &e);

        ASSERT_FALSE(p); /* Description= is an [App] key: not in a .policy */
        ASSERT_TRUE(strstr(e.msg, "test:6:1: Description= is not allowed in this kind of file"));
        p = parse_str("  # comment\n\t; another\n[Sandbox]\n  PrivateTmp =\tyes  \n\n",
                      POLICY_KIND_POLICY, &e);
        ASSERT_TRUE(p);
        ASSERT_TRUE(p->private_tmp);
        ASSERT_EQ(p->origin[POLICY_PRIVATE_TMP].line, 4);
}

TEST_MAIN
