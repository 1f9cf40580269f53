/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the policy parser, and through it the merge and the writers.
 *
 * The first byte picks the kind of file (policy, profile, command line flags); the rest is the
 * file. Whatever parses must
 *   - write out as text that parses back to an equal policy (the only allowed failure: a single
 *     value whose quoted form is longer than a line may be),
 *   - write out as JSON without raw control characters,
 *   - stack with and tighten a fixed ceiling without crashing, and the result must write out and
 *     parse back too.
 * A broken oracle abort()s, which libFuzzer and the replay driver both report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"

/* Inputs above this only test the size check, which needs no fuzzing. */
#define FUZZ_INPUT_MAX (64U * 1024U)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ceiling_text[] =
    "[Resources]\nMemoryMax=2G\nTasksMax=10%\nCPUWeight=100\n"
    "[Sandbox]\nProtectSystem=strict\nReadWritePaths=/srv/data\nInaccessiblePaths=/srv/data/x\n"
    "ProtectHome=read-only\nBindPaths=/srv/share:/share\nPrivateNetwork=yes\n"
    "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN\nAmbientCapabilities=CAP_CHOWN\n"
    "SystemCallFilter=~@mount @debug\nRestrictNamespaces=user net\nEnvironment=LANG=C\n";

static const struct policy_system sys = {.memory_bytes = UINT64_C(4) << 30, .tasks_max = 4096};

static char *text_of(const struct policy *p, size_t *ret_size)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        if (policy_write_text(p, f) < 0)
                abort();
        if (fclose(f) != 0)
                return NULL;
        *ret_size = size;
        return buf;
}

static bool has_long_line(const char *s)
{
        for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1)
                if ((size_t)(nl - s) > POLICY_LINE_MAX)
                        return true;
        return strlen(s) > POLICY_LINE_MAX;
}

static void check_round_trip(const struct policy *p)
{
        enum policy_file_kind kind =
            p->kind == POLICY_KIND_EFFECTIVE ? POLICY_KIND_PROFILE : p->kind;
        struct policy *q = NULL;
        struct sb_error e = {};
        size_t size = 0;
        char *text = text_of(p, &size);
        int r;

        if (!text)
                return; /* out of memory */
        r = policy_parse_buffer("round-trip", text, size, kind, &q, NULL, NULL, &e);
        if (r == -E2BIG && (has_long_line(text) || size > POLICY_FILE_SIZE_MAX)) {
                free(text);
                return;
        }
        if (r < 0 || !policy_equal(p, q)) {
                fprintf(stderr, "round trip failed (%s):\n%s", r < 0 ? e.msg : "not equal", text);
                abort();
        }
        policy_free(q);
        free(text);
}

static void check_json(const struct policy *p)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return;
        if (policy_write_json(p, f) < 0)
                abort();
        if (fclose(f) != 0)
                return;
        for (size_t i = 0; i < size; i++)
                if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n')
                        abort(); /* a raw control character in JSON */
        free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const enum policy_file_kind kinds[] = {POLICY_KIND_POLICY, POLICY_KIND_PROFILE,
                                                      POLICY_KIND_FLAGS};
        struct policy *p = NULL, *c = NULL, *r = NULL;
        struct sb_error e = {};
        unsigned line = 0, column = 0;
        enum policy_file_kind kind;

        if (size < 1 || size > FUZZ_INPUT_MAX)
                return 0;
        kind = kinds[data[0] % 3];
        if (policy_parse_buffer("fuzz", (const char *)data + 1, size - 1, kind, &p, &line, &column,
                                &e) < 0) {
                /* errors always say where */
                if (line == 0 || column == 0 || strncmp(e.msg, "fuzz:", 5) != 0)
                        abort();
                return 0;
        }
        check_round_trip(p);
        check_json(p);
        for (int k = 0; k < _POLICY_KEY_MAX; k++)
                free(policy_format_value(p, k));
        (void)policy_matches(p, "alice", (char *[]){"users", NULL});
        (void)policy_path_access(p, "/home/alice/x", NULL, NULL);

        if (policy_parse_buffer("ceiling", ceiling_text, strlen(ceiling_text), POLICY_KIND_POLICY,
                                &c, NULL, NULL, NULL) < 0)
                abort();
        if (policy_stack(c, p, &sys, &r) == 0) {
                check_round_trip(r);
                check_json(r);
                r = policy_free(r);
        }
        if (policy_tighten(c, p, &sys, &r, &e) == 0) {
                check_round_trip(r);
                r = policy_free(r);
        } else if (!strstr(e.msg, "asks for more than the ceiling") &&
                   !strstr(e.msg, "out of memory")) {
                abort();
        }
        policy_free(c);
        policy_free(p);
        return 0;
}
