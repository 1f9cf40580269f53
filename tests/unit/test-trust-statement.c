/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The signed statement's grammar (statement.h), times and durations, and the rollback rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "trust.h"

#define DIGEST_A "sha256:f908ec53682dd42e766caac688a5502ab35dfd729842cbb1e98216d73e7737da"
#define DIGEST_B "sha256:0000000000000000000000000000000000000000000000000000000000000000"
#define GOOD                                                                                       \
        "sandbox-v1\tname:org.example.kat\tenv:prod\tversion:42\tissued:2025-01-01T00:00:00Z\t"    \
        "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A

static int parse(const char *s, struct trust_statement *st)
{
        struct sb_error e = {};
        int r = trust_statement_parse(s, strlen(s), st, &e);

        if (r < 0)
                printf("# %s\n", e.msg);
        return r;
}

TEST(canonical)
{
        struct trust_statement st;
        char *text;

        ASSERT_OK(parse(GOOD, &st));
        ASSERT_STREQ(st.name, "org.example.kat");
        ASSERT_STREQ(st.env, "prod");
        ASSERT_EQ(st.version, 42);
        ASSERT_EQ(st.issued, 1735689600);
        ASSERT_EQ(st.expires, 2051222400);
        ASSERT_STREQ(st.manifest, DIGEST_A);
        ASSERT_OK(trust_statement_format(&st, &text));
        ASSERT_STREQ(text, GOOD);
        free(text);
}

TEST(any_order)
{
        struct trust_statement a, b;

        ASSERT_OK(parse("sandbox-v1\tmanifest:" DIGEST_A "\texpires:2035-01-01T00:00:00Z\t"
                        "version:42\tenv:prod\tissued:2025-01-01T00:00:00Z\tname:org.example.kat",
                        &a));
        ASSERT_OK(parse(GOOD, &b));
        ASSERT_TRUE(memcmp(&a, &b, sizeof(a)) == 0);
}

TEST(rejects)
{
        static const char *const bad[] = {
            /* duplicates, unknown, missing */
            GOOD "\tenv:dev",
            GOOD "\tcomment:hello",
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z",
            /* separators */
            GOOD "\t",
            "sandbox-v1 name:org.example.kat\tenv:prod\tversion:42\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\t\tname:org.example.kat\tenv:prod\tversion:42\tissued:2025-01-01T00:00:"
            "00Z\texpires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            " " GOOD,
            /* tag */
            "sandbox-v2\tname:org.example.kat\tenv:prod\tversion:42\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "timestamp:1700000000\tfile:manifest.json\thashed",
            "",
            /* values */
            "sandbox-v1\tname:\tenv:prod\tversion:42\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:.hidden\tenv:prod\tversion:42\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:a b\tenv:prod\tversion:42\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:Prod\tversion:42\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:042\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:-1\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:10000000000000000000\tissued:2025-01-01T00:00:"
            "00Z\texpires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-02-29T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-01-01T24:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-01-01T00:00:60Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-01-01T00:00:00+00:00\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:1700000000\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2035-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A,
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:"
            "sha256:F908EC53682DD42E766CAAC688A5502AB35DFD729842CBB1E98216D73E7737DA",
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:sha512:f908",
            "sandbox-v1\tname:x\tenv:prod\tversion:1\tissued:2025-01-01T00:00:00Z\t"
            "expires:2035-01-01T00:00:00Z\tmanifest:" DIGEST_A "0",
        };
        struct trust_statement st;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct sb_error e = {};
                int r = trust_statement_parse(bad[i], strlen(bad[i]), &st, &e);
                if (r != -EBADMSG)
                        TEST_FAIL("case %zu was not refused: %s", i, bad[i]);
                ASSERT_TRUE(strncmp(e.msg, "trusted comment:", 16) == 0);
        }
        /* a NUL byte inside the given length, at the end or inside a name (found by the fuzzer:
         * strchr(set, c) matches c == '\0') */
        ASSERT_EQ(trust_statement_parse(GOOD "\0", sizeof(GOOD), &st, NULL), -EBADMSG);
        {
                static const char nul[] = "sandbox-v1\tname:org.\0x\tenv:prod\tversion:42\t"
                                          "issued:2025-01-01T00:00:00Z\texpires:2035-01-01T00:00:"
                                          "00Z\tmanifest:" DIGEST_A;
                ASSERT_EQ(trust_statement_parse(nul, sizeof(nul) - 1, &st, NULL), -EBADMSG);
        }
}

TEST(messages_name_the_problem)
{
        struct trust_statement st;
        struct sb_error e = {};

        ASSERT_EQ(trust_statement_parse(GOOD "\tenv:dev", strlen(GOOD "\tenv:dev"), &st, &e),
                  -EBADMSG);
        ASSERT_STREQ(e.msg, "trusted comment: duplicate key \"env\"");
        ASSERT_EQ(trust_statement_parse(GOOD "\tx:y", strlen(GOOD "\tx:y"), &st, &e), -EBADMSG);
        ASSERT_STREQ(e.msg, "trusted comment: field 7: unknown key \"x\"");
}

TEST(time_round_trip)
{
        static const char *const times[] = {
            "1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z", "2024-12-31T23:59:59Z",
            "2100-03-01T00:00:00Z", "9999-12-31T23:59:59Z",
        };
        for (size_t i = 0; i < ELEMENTSOF(times); i++) {
                int64_t t;
                char out[TRUST_TIME_STRING];
                ASSERT_OK(trust_time_parse(times[i], strlen(times[i]), &t));
                ASSERT_OK(trust_time_format(t, out));
                ASSERT_STREQ(out, times[i]);
        }
        {
                int64_t t;
                ASSERT_OK(trust_time_parse("2000-02-29T00:00:00Z", 20, &t));
                ASSERT_EQ(t, 951782400);
                ASSERT_EQ(trust_time_parse("1900-02-29T00:00:00Z", 20, &t), -EINVAL);
                ASSERT_EQ(trust_time_parse("1969-12-31T23:59:59Z", 20, &t), -EINVAL);
        }
}

TEST(duration)
{
        uint64_t s;

        ASSERT_OK(trust_duration_parse("90d", &s));
        ASSERT_EQ(s, 90 * 86400);
        ASSERT_OK(trust_duration_parse("12h", &s));
        ASSERT_EQ(s, 12 * 3600);
        ASSERT_OK(trust_duration_parse("5min", &s));
        ASSERT_EQ(s, 300);
        ASSERT_OK(trust_duration_parse("2w", &s));
        ASSERT_EQ(s, 14 * 86400);
        ASSERT_OK(trust_duration_parse("30", &s));
        ASSERT_EQ(s, 30);
        /* systemd's time spans, as the policy's MaxSignatureAge= takes them */
        ASSERT_OK(trust_duration_parse("1 d", &s));
        ASSERT_EQ(s, 86400);
        ASSERT_OK(trust_duration_parse("1w 3d", &s));
        ASSERT_EQ(s, 10 * 86400);
        ASSERT_OK(trust_duration_parse("1y", &s));
        ASSERT_EQ(s, 31557600);
        ASSERT_EQ(trust_duration_parse("0d", &s), -EINVAL);
        ASSERT_EQ(trust_duration_parse("-1d", &s), -EINVAL);
        ASSERT_EQ(trust_duration_parse("1.5s", &s), -EINVAL);
        ASSERT_EQ(trust_duration_parse("101y", &s), -EINVAL);
        ASSERT_EQ(trust_duration_parse("90 days of summer", &s), -EINVAL);
        ASSERT_EQ(trust_duration_parse("99999999999999999999d", &s), -EINVAL);
        ASSERT_EQ(trust_duration_parse("", &s), -EINVAL);
}

static struct trust_statement stmt(uint64_t version, const char *digest)
{
        struct trust_statement st = {.version = version, .issued = 1, .expires = 2};
        strcpy(st.name, "app");
        strcpy(st.env, "prod");
        strcpy(st.manifest, digest);
        return st;
}

TEST(rollback_state)
{
        char dir[] = "/tmp/test-trust-state.XXXXXX", path[128];
        struct trust_state s = {};
        struct trust_statement v7 = stmt(7, DIGEST_A), v7b = stmt(7, DIGEST_B),
                               v6 = stmt(6, DIGEST_B), v9 = stmt(9, DIGEST_B);
        struct sb_error e = {};
        char *warning = NULL;

        ASSERT_TRUE(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/sub/trust-state", dir);
        ASSERT_OK(trust_state_load(path, &s, &e)); /* missing: empty */
        ASSERT_EQ(s.n, 0);
        ASSERT_OK(trust_state_check(&s, &v6, NULL, TRUST_ROLLBACK_STRICT, &warning, &e));

        /* 7 ran */
        ASSERT_OK(trust_state_record(path, &v7, true, NULL, &e));
        ASSERT_OK(trust_state_load(path, &s, &e));
        ASSERT_EQ(s.n, 2);
        ASSERT_OK(trust_state_check(&s, &v7, NULL, TRUST_ROLLBACK_STRICT, &warning, &e));
        ASSERT_EQ(trust_state_check(&s, &v6, NULL, TRUST_ROLLBACK_STRICT, &warning, &e), -ESTALE);
        ASSERT_TRUE(strstr(e.msg, "rollback") != NULL);
        ASSERT_EQ(trust_state_check(&s, &v6, NULL, TRUST_ROLLBACK_WARN_STALE, &warning, &e),
                  -ESTALE);
        ASSERT_OK(trust_state_check(&s, &v6, NULL, TRUST_ROLLBACK_OFF, &warning, &e));
        ASSERT_EQ(trust_state_check(&s, &v7b, NULL, TRUST_ROLLBACK_STRICT, &warning, &e), -ESTALE);
        ASSERT_TRUE(strstr(e.msg, "another manifest") != NULL);
        /* Another environment's old signature: whoever writes the layout chooses which signature
         * is presented, so where the policy accepts any environment (NULL) or both, prod's mark
         * holds for dev too; only where prod is not accepted are the marks apart. */
        strcpy(v6.env, "dev");
        ASSERT_EQ(trust_state_check(&s, &v6, NULL, TRUST_ROLLBACK_STRICT, &warning, &e), -ESTALE);
        ASSERT_TRUE(strstr(e.msg, "older than version 7 for prod") != NULL);
        ASSERT_TRUE(strstr(e.msg, "no AllowedEnvironments=") != NULL);
        {
                char *both[] = {(char *)"dev", (char *)"prod", NULL},
                     *dev[] = {(char *)"dev", NULL};

                ASSERT_EQ(trust_state_check(&s, &v6, both, TRUST_ROLLBACK_STRICT, &warning, &e),
                          -ESTALE);
                ASSERT_OK(trust_state_check(&s, &v6, dev, TRUST_ROLLBACK_STRICT, &warning, &e));
        }
        /* a newer version in another environment, or the same with another manifest, is fine */
        strcpy(v7b.env, "dev");
        ASSERT_OK(trust_state_check(&s, &v7b, NULL, TRUST_ROLLBACK_STRICT, &warning, &e));
        strcpy(v7b.env, "prod");
        strcpy(v6.env, "prod");
        trust_state_done(&s);

        /* 9 seen (not run): 7 is now stale, not a rollback */
        ASSERT_OK(trust_state_record(path, &v9, false, NULL, &e));
        ASSERT_OK(trust_state_load(path, &s, &e));
        ASSERT_EQ(trust_state_check(&s, &v7, NULL, TRUST_ROLLBACK_STRICT, &warning, &e), -ESTALE);
        ASSERT_TRUE(strstr(e.msg, "stale") != NULL);
        ASSERT_OK(trust_state_check(&s, &v7, NULL, TRUST_ROLLBACK_WARN_STALE, &warning, &e));
        ASSERT_TRUE(warning && strstr(warning, "superseded by version 9"));
        free(warning);
        /* marks only go up: recording a run below the run mark is refused under the lock */
        ASSERT_EQ(trust_state_record(path, &v6, true, NULL, &e), -ESTALE);
        ASSERT_OK(trust_state_record(path, &v6, false, NULL, &e)); /* seen: nothing moves */
        trust_state_done(&s);
        ASSERT_OK(trust_state_load(path, &s, &e));
        ASSERT_EQ(trust_state_check(&s, &v6, NULL, TRUST_ROLLBACK_STRICT, &warning, &e), -ESTALE);
        trust_state_done(&s);

        /* a damaged file is an error, never an empty state */
        {
                FILE *f = fopen(path, "we");
                ASSERT_TRUE(f);
                fputs("app\tprod\trun\t07\t" DIGEST_A "\n", f);
                fclose(f);
        }
        ASSERT_EQ(trust_state_load(path, &s, &e), -EBADMSG);
        ASSERT_TRUE(strstr(e.msg, ":1: malformed") != NULL);

        ASSERT_EQ(test_rm_rf(dir), 0);
}

/* Two starts at once: both check against the state as it was before either ran; the newer one
 * records its run first. The older one must not run after it: its record re-checks under the
 * lock and refuses, whatever the caller's check said. */
TEST(rollback_state_concurrent_runs)
{
        char dir[] = "/tmp/test-trust-state.XXXXXX", path[128];
        struct trust_state before = {}, after = {};
        struct trust_statement v6 = stmt(6, DIGEST_A), v7 = stmt(7, DIGEST_B),
                               v7b = stmt(7, DIGEST_A);
        struct sb_error e = {};
        char *warning = NULL;

        ASSERT_TRUE(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/trust-state", dir);
        ASSERT_OK(trust_state_load(path, &before, &e));
        ASSERT_OK(trust_state_check(&before, &v6, NULL, TRUST_ROLLBACK_STRICT, &warning, &e));
        ASSERT_OK(trust_state_check(&before, &v7, NULL, TRUST_ROLLBACK_STRICT, &warning, &e));
        ASSERT_OK(trust_state_record(path, &v7, true, NULL, &e)); /* the newer one wins the race */
        ASSERT_EQ(trust_state_record(path, &v6, true, NULL, &e), -ESTALE);
        ASSERT_TRUE(strstr(e.msg, "rollback") != NULL);
        /* the same version for another manifest: refused too */
        ASSERT_EQ(trust_state_record(path, &v7b, true, NULL, &e), -ESTALE);
        ASSERT_TRUE(strstr(e.msg, "another manifest") != NULL);
        /* and the file still says 7 ran, for DIGEST_B */
        ASSERT_OK(trust_state_load(path, &after, &e));
        ASSERT_EQ(after.n, 2);
        for (size_t i = 0; i < after.n; i++) {
                ASSERT_EQ(after.entries[i].version, 7);
                ASSERT_STREQ(after.entries[i].digest, DIGEST_B);
        }
        /* the same run again is fine (a second start of what ran) */
        ASSERT_OK(trust_state_record(path, &v7, true, NULL, &e));
        trust_state_done(&before);
        trust_state_done(&after);
        ASSERT_EQ(test_rm_rf(dir), 0);
}

TEST_MAIN
