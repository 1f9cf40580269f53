/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Provenance output: the text form (golden output, parses back to an equal policy) and the JSON
 * form (valid RFC 8259 by a strict checker below, escaping of hostile file names). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "policy-internal.h"
#include "test.h"

#ifndef POLICY_FIXTURES_DIR
#error "POLICY_FIXTURES_DIR must point at tests/fixtures/policy"
#endif

static const struct policy_system sys = {.memory_bytes = UINT64_C(8) << 30, .tasks_max = 10000};

/* Print s as TAP diagnostics: "# " before every line. */
static void diag(const char *s)
{
        while (s && *s) {
                size_t n = strcspn(s, "\n");
                printf("# %.*s\n", (int)n, s);
                s += n + (s[n] == '\n');
        }
}

static struct policy *parse_kind(const char *name, const char *text, enum policy_file_kind kind)
{
        struct sb_error e = {};
        struct policy *p = NULL;

        if (policy_parse_buffer(name, text, strlen(text), kind, &p, NULL, NULL, &e) < 0) {
                printf("# %s\n", e.msg);
                return NULL;
        }
        return p;
}

static struct policy *load_fixture(const char *rel, enum policy_file_kind kind)
{
        char path[4096];
        struct sb_error e = {};
        struct policy *p = NULL;

        snprintf(path, sizeof(path), "%s/%s", POLICY_FIXTURES_DIR, rel);
        if (policy_load_file(path, kind, NULL, &p, NULL, NULL, &e) < 0) {
                printf("# %s\n", e.msg);
                return NULL;
        }
        return p;
}

static char *text_of(const struct policy *p)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        if (policy_write_text(p, f) < 0) {
                fclose(f);
                free(buf);
                return NULL;
        }
        fclose(f);
        return buf;
}

static char *json_of(const struct policy *p)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        if (policy_write_json(p, f) < 0) {
                fclose(f);
                free(buf);
                return NULL;
        }
        fclose(f);
        return buf;
}

/* Write p, parse it back, compare. */
static void assert_round_trip(const struct policy *p)
{
        char *text = text_of(p);
        struct policy *q;
        enum policy_file_kind kind =
            p->kind == POLICY_KIND_EFFECTIVE ? POLICY_KIND_PROFILE : p->kind;

        ASSERT_TRUE(text);
        q = parse_kind("round-trip", text, kind);
        if (!q || !policy_equal(p, q))
                diag(text);
        ASSERT_TRUE(q);
        ASSERT_TRUE(policy_equal(p, q));
        policy_free(q);
        free(text);
}

/* ---- a strict JSON checker (RFC 8259), enough to prove the output is valid ---- */

static const char *json_value(const char *s, int depth);

static const char *json_ws(const char *s)
{
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
        return s;
}

static const char *json_str(const char *s)
{
        if (*s++ != '"')
                return NULL;
        while (*s != '"') {
                unsigned char c = (unsigned char)*s;

                if (c < 0x20)
                        return NULL; /* raw control characters are not allowed */
                if (c == '\\') {
                        s++;
                        if (*s == 'u') {
                                for (int i = 1; i <= 4; i++)
                                        if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
                                                return NULL;
                                s += 5;
                        } else if (*s && strchr("\"\\/bfnrt", *s)) {
                                s++;
                        } else {
                                return NULL;
                        }
                        continue;
                }
                size_t n = utf8_char_len((const unsigned char *)s, strlen(s));
                if (n == 0)
                        return NULL;
                s += n;
        }
        return s + 1;
}

static const char *json_number(const char *s)
{
        const char *start = s;

        if (*s == '-')
                s++;
        if (*s == '0')
                s++;
        else if (*s >= '1' && *s <= '9')
                while (*s >= '0' && *s <= '9')
                        s++;
        else
                return NULL;
        return s > start ? s : NULL;
}

static const char *json_value(const char *s, int depth)
{
        if (depth > 32)
                return NULL;
        s = json_ws(s);
        if (*s == '{' || *s == '[') {
                char close = *s == '{' ? '}' : ']';
                bool object = *s == '{';

                s = json_ws(s + 1);
                if (*s == close)
                        return s + 1;
                for (;;) {
                        if (object) {
                                s = json_str(json_ws(s));
                                if (!s)
                                        return NULL;
                                s = json_ws(s);
                                if (*s++ != ':')
                                        return NULL;
                        }
                        s = json_value(s, depth + 1);
                        if (!s)
                                return NULL;
                        s = json_ws(s);
                        if (*s == close)
                                return s + 1;
                        if (*s++ != ',')
                                return NULL;
                }
        }
        if (*s == '"')
                return json_str(s);
        if (strncmp(s, "true", 4) == 0)
                return s + 4;
        if (strncmp(s, "false", 5) == 0)
                return s + 5;
        if (strncmp(s, "null", 4) == 0)
                return s + 4;
        return json_number(s);
}

static bool json_valid(const char *s)
{
        s = json_value(s, 0);
        return s && *json_ws(s) == '\0';
}

TEST(json_checker_itself)
{
        ASSERT_TRUE(json_valid("{\"a\": [1, true, \"x\\u00e9\"]}\n"));
        ASSERT_FALSE(json_valid("{\"a\": \"\x01\"}"));
        ASSERT_FALSE(json_valid("{\"a\": \"\xff\"}"));
        ASSERT_FALSE(json_valid("{\"a\": \"\\x\"}"));
        ASSERT_FALSE(json_valid("{\"a\" 1}"));
        ASSERT_FALSE(json_valid("[1,]"));
        ASSERT_FALSE(json_valid("{} x"));
}

/* ---- tests ---- */

TEST(text_golden)
{
        _cleanup_policy_free_ struct policy *p = parse_kind(
            "/etc/sandbox/policy.d/students.policy",
            "[Match]\nGroup=students \"domain users\"\n[Resources]\nMemoryMax=2147483648\n"
            "TasksMax=5%\nRuntimeMaxSec=90min\n[Sandbox]\nPrivateNetwork=on\nReadOnlyPaths=/srv "
            "\"/srv/my data\"\n"
            "BindPaths=-/a:/b:norbind /c\nCapabilityBoundingSet=CAP_CHOWN CAP_KILL\n"
            "SystemCallFilter=~@swap @reboot mount\nRestrictNamespaces=~user\n"
            "Environment=\"GREETING=hi there\"\n",
            POLICY_KIND_POLICY);
        _cleanup_free_ char *text = NULL;

        ASSERT_TRUE(p);
        text = text_of(p);
        ASSERT_STREQ(text, "# policy from /etc/sandbox/policy.d/students.policy\n"
                           "\n[Match]\n"
                           "# /etc/sandbox/policy.d/students.policy:2\n"
                           "Group=students \"domain users\"\n"
                           "\n[Resources]\n"
                           "# /etc/sandbox/policy.d/students.policy:4\n"
                           "MemoryMax=2G\n"
                           "# /etc/sandbox/policy.d/students.policy:5\n"
                           "TasksMax=5%\n"
                           "# /etc/sandbox/policy.d/students.policy:6\n"
                           "RuntimeMaxSec=1h 30min\n"
                           "\n[Sandbox]\n"
                           "# /etc/sandbox/policy.d/students.policy:8\n"
                           "PrivateNetwork=yes\n"
                           "# /etc/sandbox/policy.d/students.policy:9\n"
                           "ReadOnlyPaths=/srv\n"
                           "# /etc/sandbox/policy.d/students.policy:9\n"
                           "ReadOnlyPaths=\"/srv/my data\"\n"
                           "# /etc/sandbox/policy.d/students.policy:10\n"
                           "BindPaths=-/a:/b:norbind\n"
                           "# /etc/sandbox/policy.d/students.policy:10\n"
                           "BindPaths=/c\n"
                           "# /etc/sandbox/policy.d/students.policy:11\n"
                           "CapabilityBoundingSet=CAP_CHOWN CAP_KILL\n"
                           "# /etc/sandbox/policy.d/students.policy:12\n"
                           "SystemCallFilter=~@reboot @swap mount\n"
                           "# /etc/sandbox/policy.d/students.policy:13\n"
                           "RestrictNamespaces=cgroup ipc net mnt pid uts\n"
                           "# /etc/sandbox/policy.d/students.policy:14\n"
                           "Environment=\"GREETING=hi there\"\n");
        assert_round_trip(p);
}

TEST(format_value)
{
        _cleanup_policy_free_ struct policy *p = parse_kind(
            "x.profile",
            "[Resources]\nMemoryMax=1536M\nMemoryHigh=50.5%\nCPUQuota=12.25%\nCPUWeight=7\n"
            "RuntimeMaxSec=1.5h 2s 3.004ms\n"
            "[Sandbox]\nProtectHome=read-only\nCapabilityBoundingSet=~CAP_SYS_ADMIN\n"
            "AmbientCapabilities=\nRestrictNamespaces=yes\nSystemCallFilter=~\n",
            POLICY_KIND_PROFILE);
        struct {
                enum policy_key k;
                const char *want;
        } v[] = {
            {POLICY_MEMORY_MAX, "1536M"},       {POLICY_MEMORY_HIGH, "50.5%"},
            {POLICY_CPU_QUOTA, "12.25%"},       {POLICY_CPU_WEIGHT, "7"},
            {POLICY_PROTECT_HOME, "read-only"}, {POLICY_CAPABILITY_BOUNDING_SET, "~CAP_SYS_ADMIN"},
            {POLICY_AMBIENT_CAPABILITIES, ""},  {POLICY_RESTRICT_NAMESPACES, "yes"},
            {POLICY_SYSTEM_CALL_FILTER, "~"},   {POLICY_RUNTIME_MAX_SEC, "1h 30min 2s 3ms 4us"},
        };

        ASSERT_TRUE(p);
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                char *s = policy_format_value(p, v[i].k);
                ASSERT_STREQ(s, v[i].want);
                free(s);
        }
        ASSERT_FALSE(policy_format_value(p, POLICY_TASKS_MAX)); /* unset */
        assert_round_trip(p);
}

TEST(round_trip_fixtures)
{
        static const struct {
                const char *file;
                enum policy_file_kind kind;
        } f[] = {
            {"good/students.policy", POLICY_KIND_POLICY},
            {"good/everyone.policy", POLICY_KIND_POLICY},
            {"good/browser.profile", POLICY_KIND_PROFILE},
            {"good/lists.profile", POLICY_KIND_PROFILE},
        };
        struct policy *p[ELEMENTSOF(f)];

        for (size_t i = 0; i < ELEMENTSOF(f); i++) {
                p[i] = load_fixture(f[i].file, f[i].kind);
                ASSERT_TRUE(p[i]);
                assert_round_trip(p[i]);
        }
        /* merged policies round-trip too */
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                for (size_t j = 0; j < ELEMENTSOF(f); j++) {
                        _cleanup_policy_free_ struct policy *r = NULL;
                        ASSERT_OK(policy_stack(p[i], p[j], &sys, &r));
                        assert_round_trip(r);
                }
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                policy_free(p[i]);
}

TEST(round_trip_edge_cases)
{
        static const char *const cases[] = {
            /* an allow-list emptied by a deny-list has no spelling of its own */
            "[Sandbox]\nSystemCallFilter=read\nSystemCallFilter=~read\n",
            "[Sandbox]\nSystemCallFilter=~\n",
            "[Sandbox]\nCapabilityBoundingSet=~\n",
            "[Sandbox]\nCapabilityBoundingSet=\nAmbientCapabilities=\n",
            "[Sandbox]\nRestrictNamespaces=no\n",
            "[Sandbox]\nEnvironment=\"A=line\\nbreak\" \"B=tab\\there\" 'C=\"q\"' D=\\\\ E=\n",
            "[Sandbox]\nReadWritePaths=\"/with space/and\\\"quote\" -/x\\ y\n",
            ("[App]\nDescription=  free text: \"quotes\", \\backslashes\\ and # hashes  \n"
             "Exec=/bin/sh -c \"echo 'hi there'\" \"\"\n"),
            "[Resources]\nMemoryMax=0\nMemoryHigh=1\nTasksMax=infinity\nCPUQuota=0.01%\n",
            "[Resources]\nMemoryMax=15E\nCPUQuota=1000000%\nIOWeight=10000\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_policy_free_ struct policy *p =
                    parse_kind("edge.profile", cases[i], POLICY_KIND_PROFILE);
                ASSERT_TRUE(p);
                assert_round_trip(p);
        }
}

TEST(text_wraps_long_lists)
{
        char text[4096], *s = text;
        _cleanup_free_ char *out = NULL;
        struct policy *p;
        unsigned deny_lines = 0, user_lines = 0;

        s += sprintf(s, "[Match]\nUser=");
        for (int i = 0; i < 40; i++)
                s += sprintf(s, "%s\"user number %d\"", i ? " " : "", i);
        s +=
            sprintf(s, "\n[Sandbox]\nSystemCallFilter=~@mount @module @reboot @swap @raw-io @clock "
                       "@cpu-emulation @debug @obsolete @keyring bpf userfaultfd "
                       "open_by_handle_at perf_event_open kcmp\n");
        p = parse_kind("wrap.policy", text, POLICY_KIND_POLICY);
        ASSERT_TRUE(p);
        out = text_of(p);
        ASSERT_TRUE(out);
        for (const char *l = out; *l;) {
                size_t n = strcspn(l, "\n");
                ASSERT_TRUE(n <= 100);
                deny_lines += strncmp(l, "SystemCallFilter=~", 18) == 0;
                user_lines += strncmp(l, "User=", 5) == 0;
                l += n + (l[n] == '\n');
        }
        /* every continuation line keeps the deny polarity; no comment between them */
        ASSERT_TRUE(deny_lines >= 2);
        ASSERT_FALSE(strstr(out, "SystemCallFilter=@") || strstr(out, "SystemCallFilter=b"));
        ASSERT_TRUE(user_lines >= 5);
        assert_round_trip(p);
        policy_free(p);
}

TEST(flags_round_trip)
{
        _cleanup_policy_free_ struct policy *p = policy_new(POLICY_KIND_FLAGS, "command line");
        _cleanup_free_ char *text = NULL;

        ASSERT_TRUE(p);
        ASSERT_OK(policy_parse_assignment(p, "MemoryMax=1G", "command line", 1, NULL));
        ASSERT_OK(policy_parse_assignment(p, "PrivateNetwork=yes", "command line", 3, NULL));
        text = text_of(p);
        ASSERT_TRUE(text);
        ASSERT_FALSE(strchr(text, '[')); /* flags have no sections */
        ASSERT_TRUE(strstr(text, "# command line:3\nPrivateNetwork=yes\n"));
        assert_round_trip(p);
}

TEST(json_output)
{
        _cleanup_policy_free_ struct policy *p =
            load_fixture("good/students.policy", POLICY_KIND_POLICY);
        _cleanup_free_ char *json = NULL;

        ASSERT_TRUE(p);
        json = json_of(p);
        ASSERT_TRUE(json);
        if (!json_valid(json))
                diag(json);
        ASSERT_TRUE(json_valid(json));
        ASSERT_TRUE(strstr(json, "\"MemoryMax\": {\"value\": \"2G\", \"file\": \""));
        ASSERT_TRUE(strstr(json, "good/students.policy\", \"line\": 6}"));
        ASSERT_TRUE(strstr(json, "\"PrivateNetwork\": {\"value\": true,"));
        ASSERT_TRUE(strstr(json, "\"CPUWeight\": {\"value\": 50,"));
        ASSERT_TRUE(strstr(json, "\"RuntimeMaxSec\": {\"value\": \"8h\", \"file\": \""));
        ASSERT_TRUE(strstr(json, "\"Group\": {\"value\": [\"students\"]"));
        ASSERT_TRUE(strstr(json, "{\"path\": \"/var/lib/private\", \"ignore_missing\": true, "
                                 "\"file\": "));
        ASSERT_TRUE(strstr(json, "{\"source\": \"/srv/datasets\", \"destination\": \"/data\", "
                                 "\"recursive\": true, \"ignore_missing\": false"));
        ASSERT_TRUE(strstr(json, "\"RestrictNamespaces\": {\"value\": {\"allowed\": [\"net\", "
                                 "\"mnt\", \"user\"]}"));
        ASSERT_TRUE(strstr(json, "\"SystemCallFilter\": {\"value\": {\"mode\": \"deny\", "
                                 "\"names\": [\"_sysctl\", "));
        ASSERT_TRUE(strstr(json, "{\"name\": \"COURSE\", \"value\": \"Intro to C\", \"file\": "));
}

TEST(json_escaping)
{
        /* a file name with a quote, a backslash, a newline, a control character and invalid
         * UTF-8; values with quotes, newlines and tabs */
        _cleanup_policy_free_ struct policy *p =
            parse_kind("/tmp/we\"ird\\na\nme\x01\xff\xc3\xa9.profile",
                       "[App]\nDescription=say \"hi\" \\ \t tab\n[Sandbox]\n"
                       "Environment=\"X=a\\nb\\tc\\\"d\"\n",
                       POLICY_KIND_PROFILE);
        _cleanup_free_ char *json = NULL, *text = NULL;

        ASSERT_TRUE(p);
        json = json_of(p);
        ASSERT_TRUE(json);
        diag(json);
        ASSERT_TRUE(json_valid(json));
        ASSERT_TRUE(strstr(json, "\"file\": \"/tmp/we\\\"ird\\\\na\\nme\\u0001\\ufffd\xc3\xa9"
                                 ".profile\""));
        ASSERT_TRUE(strstr(json, "\"value\": \"say \\\"hi\\\" \\\\ \\t tab\""));
        ASSERT_TRUE(strstr(json, "\"value\": \"a\\nb\\tc\\\"d\""));
        /* the text form neither breaks nor becomes unparsable */
        text = text_of(p);
        ASSERT_TRUE(text);
        ASSERT_TRUE(strstr(text, "# /tmp/we\"ird\\na?me??\xc3\xa9.profile:2\n"));
        assert_round_trip(p);
}

TEST(json_empty_and_effective)
{
        _cleanup_policy_free_ struct policy *p = policy_new(POLICY_KIND_EFFECTIVE, NULL);
        _cleanup_policy_free_ struct policy *a =
            load_fixture("good/students.policy", POLICY_KIND_POLICY);
        _cleanup_policy_free_ struct policy *b =
            load_fixture("good/browser.profile", POLICY_KIND_PROFILE);
        _cleanup_policy_free_ struct policy *r = NULL;
        _cleanup_free_ char *json = NULL, *json2 = NULL, *text = NULL;

        ASSERT_TRUE(p && a && b);
        json = json_of(p);
        ASSERT_STREQ(json, "{}\n");
        text = text_of(p);
        ASSERT_STREQ(text, "# effective policy; each setting is preceded by the file and line "
                           "that decided it\n");
        ASSERT_OK(policy_stack(a, b, &sys, &r));
        json2 = json_of(r);
        ASSERT_TRUE(json_valid(json2));
        /* provenance survives the merge: the browser's lower MemoryMax, the policy's TasksMax */
        ASSERT_TRUE(strstr(json2, "\"MemoryMax\": {\"value\": \"1.5G\"") ||
                    strstr(json2, "\"MemoryMax\": {\"value\": \"1536M\""));
        ASSERT_TRUE(strstr(json2, "browser.profile\", \"line\": 7}"));
}

TEST_MAIN
