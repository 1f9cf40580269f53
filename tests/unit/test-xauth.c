/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DISPLAY parsing and the Xauthority filter (launcher/xauth.c) on hand-built input: which
 * displays are local, which cookies a sandbox gets, and that a short or lying file is refused
 * without a read past its end (every input here is a heap block of exactly its size, so ASan
 * sees any over-read). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "xauth.h"

#define LOCAL    256
#define INTERNET 0
#define WILD     65535
#define HOST     "build-host"

struct buf {
        unsigned char *p;
        size_t n;
};

static void put(struct buf *b, const void *data, size_t len)
{
        b->p = realloc(b->p, b->n + len);
        if (!b->p)
                abort();
        memcpy(b->p + b->n, data, len);
        b->n += len;
}

static void put16(struct buf *b, unsigned v)
{
        unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)(v & 0xff)};
        put(b, x, 2);
}

static void put_field(struct buf *b, const void *data, size_t len)
{
        put16(b, (unsigned)len);
        put(b, data, len);
}

/* One record as Xau writes it; the cookie is the name and data of an MIT-MAGIC-COOKIE-1. */
static void record(struct buf *b, unsigned family, const char *addr, const char *num,
                   const char *cookie)
{
        put16(b, family);
        put_field(b, addr, strlen(addr));
        put_field(b, num, strlen(num));
        put_field(b, "MIT-MAGIC-COOKIE-1", 18);
        put_field(b, cookie, strlen(cookie));
}

/* xauth_filter() on an exact-size copy of b. */
static int filter(const struct buf *b, unsigned display, const char *host, char **ret,
                  size_t *ret_size)
{
        void *copy = malloc(b->n ? b->n : 1);
        int r;

        if (!copy)
                abort();
        if (b->n)
                memcpy(copy, b->p, b->n);
        r = xauth_filter(copy, b->n, display, host, ret, ret_size);
        free(copy);
        return r;
}

static void assert_filtered_as(const struct buf *in, unsigned display, const char *host,
                               const struct buf *want)
{
        char *out = NULL;
        size_t n = 12345;

        ASSERT_OK(filter(in, display, host, &out, &n));
        ASSERT_TRUE(out != NULL);
        ASSERT_EQ(n, want->n);
        ASSERT_TRUE(n == 0 || memcmp(out, want->p, n) == 0);
        free(out);
}

static void assert_filtered(const struct buf *in, unsigned display, const struct buf *want)
{
        assert_filtered_as(in, display, HOST, want);
}

TEST(display_accepted)
{
        static const struct {
                const char *display;
                unsigned number;
        } good[] = {{":0", 0}, {":1.0", 1}, {":12.3", 12}, {":65535", 65535}};

        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                unsigned d = 99999;

                if (xauth_parse_display(good[i].display, &d) < 0)
                        TEST_FAIL("DISPLAY=\"%s\" was refused", good[i].display);
                ASSERT_EQ(d, good[i].number);
        }
}

TEST(display_refused)
{
        /* "unix:N" names the same local socket, but xauth.c refuses it on purpose ("rare
         * enough to refuse rather than guess"): pinned here so that changing it is a decision. */
        static const char *const bad[] = {"unix:3",
                                          "host:0",
                                          "localhost:10.0",
                                          "",
                                          ":",
                                          ":abc",
                                          ":1x",
                                          ":1.",
                                          ":1.x",
                                          ":0.0x",
                                          ":-1",
                                          ": 1",
                                          ":+1",
                                          "0",
                                          ":65536",
                                          ":4294967296",
                                          ":99999999999999999999999999"};
        unsigned d = 99;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                if (xauth_parse_display(bad[i], &d) != -EINVAL)
                        TEST_FAIL("DISPLAY=\"%s\" was accepted", bad[i]);
                ASSERT_EQ(d, 99); /* untouched */
        }
        ASSERT_EQ(xauth_parse_display(NULL, &d), -EINVAL);
}

/* Entries for displays 0 and 1 of this host, another host, the network, a number that is only
 * numerically equal, and host names that share a prefix with this one. */
static void sample(struct buf *b)
{
        record(b, LOCAL, HOST, "0", "cookie-local-0");
        record(b, LOCAL, HOST, "1", "cookie-local-1");
        record(b, WILD, "", "0", "cookie-wild-0");
        record(b, LOCAL, "other-host", "0", "cookie-other-host");
        record(b, INTERNET, "\x0a\x00\x00\x01", "0", "cookie-tcp");
        record(b, LOCAL, HOST, "00", "cookie-zero-zero");
        record(b, LOCAL, HOST "x", "0", "cookie-host-longer");
        record(b, LOCAL, "build", "0", "cookie-host-prefix");
        record(b, LOCAL, "", "0", "cookie-host-empty");
        record(b, WILD, "anything", "0", "cookie-wild-addr");
}

/* Which cookies of sample() a sandbox gets, by display number and host name, in their order. */
static const struct {
        unsigned display;
        const char *host;
        const char *want[4];
} sample_cases[] = {
    {0, HOST, {"cookie-local-0", "cookie-wild-0", "cookie-wild-addr"}},
    {1, HOST, {"cookie-local-1"}},
    /* under another host name, that name's FamilyLocal entries and the FamilyWild ones */
    {0, "other-host", {"cookie-wild-0", "cookie-other-host", "cookie-wild-addr"}},
    /* nothing for the display: an empty result, not an error */
    {7, HOST, {}},
    {65535, HOST, {}},
};

TEST(filter_keeps_this_display_as_wild)
{
        struct buf in = {};

        sample(&in);
        for (size_t i = 0; i < sizeof(sample_cases) / sizeof(sample_cases[0]); i++) {
                struct buf want = {};
                char num[16];

                snprintf(num, sizeof(num), "%u", sample_cases[i].display);
                for (size_t k = 0; k < 4 && sample_cases[i].want[k]; k++)
                        record(&want, WILD, "", num, sample_cases[i].want[k]);
                printf("# :%u on %s\n", sample_cases[i].display, sample_cases[i].host);
                assert_filtered_as(&in, sample_cases[i].display, sample_cases[i].host, &want);
                free(want.p);
        }
        free(in.p);
}

TEST(filter_empty)
{
        struct buf in = {}, want = {};

        assert_filtered(&in, 0, &want);
}

TEST(filter_long_fields)
{
        struct buf in = {}, want = {};
        char *big = malloc(70000);

        ASSERT_TRUE(big != NULL);
        memset(big, 'c', 65535);
        big[65535] = '\0'; /* the largest length a field can have */
        record(&in, LOCAL, HOST, "3", big);
        record(&want, WILD, "", "3", big);
        assert_filtered(&in, 3, &want);
        free(big);
        free(in.p);
        free(want.p);
}

TEST(filter_truncated)
{
        struct buf in = {};
        size_t first;

        record(&in, LOCAL, HOST, "0", "cookie-a");
        first = in.n;
        record(&in, WILD, "", "0", "cookie-b");
        /* every cut but at a record boundary is not an Xauthority file */
        for (size_t cut = 0; cut <= in.n; cut++) {
                struct buf part = {.p = in.p, .n = cut};
                char *out = (char *)&part;
                size_t n = 4242;
                int r = filter(&part, 0, HOST, &out, &n);

                if (cut == 0 || cut == first || cut == in.n) {
                        ASSERT_OK(r);
                        free(out);
                        continue;
                }
                if (r != -EBADMSG)
                        TEST_FAIL("cut at %zu of %zu: %d, not -EBADMSG", cut, in.n, r);
                ASSERT_TRUE(out == (char *)&part); /* untouched */
                ASSERT_EQ(n, 4242);
        }
        free(in.p);
}

TEST(filter_oversized_length)
{
        struct buf in = {};
        char *out = NULL;
        size_t n = 0;

        /* a field that claims more than the file holds: refused, never read */
        put16(&in, LOCAL);
        put_field(&in, HOST, strlen(HOST));
        put_field(&in, "0", 1);
        put_field(&in, "MIT-MAGIC-COOKIE-1", 18);
        put16(&in, 0xffff);
        put(&in, "short", 5);
        ASSERT_EQ(filter(&in, 0, HOST, &out, &n), -EBADMSG);
        free(in.p);

        /* the same in the first field, and a family with nothing after it */
        in = (struct buf){};
        put16(&in, WILD);
        put16(&in, 0x8000);
        ASSERT_EQ(filter(&in, 0, HOST, &out, &n), -EBADMSG);
        free(in.p);
        in = (struct buf){};
        put16(&in, WILD);
        ASSERT_EQ(filter(&in, 0, HOST, &out, &n), -EBADMSG);
        in.n = 1; /* half a family */
        ASSERT_EQ(filter(&in, 0, HOST, &out, &n), -EBADMSG);
        free(in.p);
        ASSERT_TRUE(out == NULL);

        /* a bad record after a good one spoils the file: no partial result */
        in = (struct buf){};
        record(&in, WILD, "", "0", "good");
        put16(&in, LOCAL);
        put16(&in, 200);
        ASSERT_EQ(filter(&in, 0, HOST, &out, &n), -EBADMSG);
        ASSERT_TRUE(out == NULL);
        free(in.p);
}

TEST_MAIN
