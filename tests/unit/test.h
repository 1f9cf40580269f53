/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A tiny TAP test harness: TEST(name) { ... } registers a case; ASSERT_* print file:line and
 * the values on failure and end that case; main() (from TEST_MAIN) runs every case and prints
 * TAP ("ok N - name" / "not ok N - name"). Meson runs the binaries with protocol 'tap'. */

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct test_case {
        const char *name;
        void (*fn)(void);
};

#define TEST_MAX 256
extern struct test_case test_cases[TEST_MAX];
extern size_t test_count;
extern jmp_buf test_abort;
extern int test_failed;

#define TEST(n)                                                                                    \
        static void test_##n(void);                                                                \
        __attribute__((constructor)) static void register_##n(void)                                \
        {                                                                                          \
                if (test_count < TEST_MAX)                                                         \
                        test_cases[test_count++] = (struct test_case){#n, test_##n};               \
        }                                                                                          \
        static void test_##n(void)

#define TEST_FAIL(fmt, ...)                                                                        \
        do {                                                                                       \
                printf("# %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__);                     \
                test_failed = 1;                                                                   \
                longjmp(test_abort, 1);                                                            \
        } while (0)

#define ASSERT_TRUE(e)                                                                             \
        do {                                                                                       \
                if (!(e))                                                                          \
                        TEST_FAIL("assertion failed: %s", #e);                                     \
        } while (0)
#define ASSERT_FALSE(e) ASSERT_TRUE(!(e))
#define ASSERT_EQ(a, b)                                                                            \
        do {                                                                                       \
                intmax_t _a = (intmax_t)(a), _b = (intmax_t)(b);                                   \
                if (_a != _b)                                                                      \
                        TEST_FAIL("%s == %s: %jd != %jd", #a, #b, _a, _b);                         \
        } while (0)
#define ASSERT_OK(e)                                                                               \
        do {                                                                                       \
                intmax_t _r = (intmax_t)(e);                                                       \
                if (_r < 0)                                                                        \
                        TEST_FAIL("%s failed: %jd (%s)", #e, _r, strerror((int)-_r));              \
        } while (0)
#define ASSERT_STREQ(a, b)                                                                         \
        do {                                                                                       \
                const char *_a = (a), *_b = (b);                                                   \
                if (!_a || !_b || strcmp(_a, _b) != 0)                                             \
                        TEST_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b, _a ? _a : "(null)",        \
                                  _b ? _b : "(null)");                                             \
        } while (0)

/* A case that cannot run here says so and passes, except where the environment demands that
 * everything run (CI sets SANDBOX_TESTS_MUST_WORK=1): there it fails. */
#define TEST_SKIP_CASE(why)                                                                        \
        do {                                                                                       \
                const char *_m = getenv("SANDBOX_TESTS_MUST_WORK");                                \
                if (_m && strcmp(_m, "1") == 0)                                                    \
                        TEST_FAIL("cannot run here, and SANDBOX_TESTS_MUST_WORK=1: %s", why);      \
                printf("# skipped: %s\n", why);                                                    \
                return;                                                                            \
        } while (0)

static inline int test_rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void)st;
        (void)ftw;
        return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

/* Remove a scratch tree the test made: depth first, never following a symbolic link. 0 or -1. */
static inline int test_rm_rf(const char *path)
{
        return nftw(path, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#define TEST_MAIN                                                                                  \
        struct test_case test_cases[TEST_MAX];                                                     \
        size_t test_count;                                                                         \
        jmp_buf test_abort;                                                                        \
        int test_failed;                                                                           \
        int main(void)                                                                             \
        {                                                                                          \
                volatile int failures = 0;                                                         \
                setvbuf(stdout, NULL, _IOLBF, 0);                                                  \
                printf("1..%zu\n", test_count);                                                    \
                for (size_t i = 0; i < test_count; i++) {                                          \
                        test_failed = 0;                                                           \
                        if (setjmp(test_abort) == 0)                                               \
                                test_cases[i].fn();                                                \
                        printf("%sok %zu - %s\n", test_failed ? "not " : "", i + 1,                \
                               test_cases[i].name);                                                \
                        failures += test_failed;                                                   \
                }                                                                                  \
                return failures ? 1 : 0;                                                           \
        }
