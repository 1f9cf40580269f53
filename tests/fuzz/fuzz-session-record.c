/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the session records of pam_sandbox (pam_module/session-record.c): the reader that every
 * login, as root, runs on every record in /run/sandbox/sessions to decide which to delete, and
 * the writer whose text carries strings a user has a say in (the user name, the PAM service, the
 * session id). The first byte picks the mode:
 *   even: the rest is a record's text for record_parse_owner(); what it returns is a pid;
 *   odd:  the rest is a record to write: pid (4 bytes), start time (8), uid (4), then user,
 *         service, session and the entries of policy_files and applied, separated by NUL bytes.
 *         The text written must be JSON that gives back every value (UTF-8 as it is, a byte
 *         that is not UTF-8 as U+FFFD), and its owner must read back as the pid and
 *         start time written, whatever the strings hold: a user name that smuggled a "pid" of
 *         its own onto the first line would let a login delete another session's record. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "policy.h"
#include "session-record.h"
#include "strv.h"

#define FUZZ_INPUT_MAX (64U * 1024U)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t load_be(const uint8_t *p, size_t n)
{
        uint64_t v = 0;

        for (size_t k = 0; k < n; k++)
                v = v << 8 | p[k];
        return v;
}

/* s as record_format() spells it in JSON: valid UTF-8 as it is, every other byte as U+FFFD. */
static char *as_written(const char *s)
{
        size_t len = strlen(s);
        char *out = malloc(len * 3 + 1), *q = out;

        if (!out)
                return NULL;
        for (size_t i = 0; i < len;) {
                size_t n = utf8_char_len((const unsigned char *)s + i, len - i);

                if (n == 0) {
                        memcpy(q, "\xef\xbf\xbd", 3);
                        q += 3;
                        i++;
                } else {
                        memcpy(q, s + i, n);
                        q += n;
                        i += n;
                }
        }
        *q = '\0';
        return out;
}

static void check_string(json_t *root, const char *key, const char *want)
{
        json_t *v = json_object_get(root, key);
        char *spelled;

        if (!want) {
                if (!json_is_null(v))
                        abort();
                return;
        }
        spelled = as_written(want);
        if (!spelled)
                return;
        if (!json_is_string(v) || !streq(json_string_value(v), spelled))
                abort();
        free(spelled);
}

static void check_strv(json_t *root, const char *key, char *const *want)
{
        json_t *v = json_object_get(root, key);
        size_t n = strv_length(want);

        if (!json_is_array(v) || json_array_size(v) != n)
                abort();
        for (size_t k = 0; k < n; k++) {
                char *spelled = as_written(want[k]);
                json_t *s = json_array_get(v, k);

                if (!spelled)
                        return;
                if (!json_is_string(s) || !streq(json_string_value(s), spelled))
                        abort();
                free(spelled);
        }
}

static void check_integer(json_t *root, const char *key, uint64_t want)
{
        json_t *v = json_object_get(root, key);

        if (!json_is_integer(v) || (uint64_t)json_integer_value(v) != want)
                abort();
}

static void check_written(const uint8_t *data, size_t size)
{
        struct policy *policy = policy_new(POLICY_KIND_PROFILE, "fuzz");
        char *fields[3] = {}, **files = NULL, **applied = NULL, *text = NULL;
        struct record_info info = {};
        uint64_t start, got_start;
        size_t pos = 16, text_size = 0, n_fields = 0;
        pid_t got_pid;
        json_error_t err;
        json_t *root;
        FILE *f;

        if (size < 16 || !policy)
                goto out;
        /* pids are 1..2^31-1; start times are clock ticks (JSON integers are signed 64-bit) */
        info.pid = (pid_t)(load_be(data, 4) % INT32_MAX + 1);
        start = load_be(data + 4, 8) & INT64_MAX;
        info.pid_start = start;
        info.uid = (uid_t)load_be(data + 12, 4);
        while (pos <= size) {
                const uint8_t *nul = memchr(data + pos, '\0', size - pos);
                size_t n = nul ? (size_t)(nul - (data + pos)) : size - pos;
                char *s = strndup((const char *)data + pos, n);

                if (!s)
                        goto out;
                if (n_fields < 3)
                        fields[n_fields++] = s;
                else if (strv_consume(n_fields++ % 2 ? &files : &applied, s) < 0)
                        goto out;
                pos += n + 1;
        }
        info.user = fields[0] ? fields[0] : "";
        info.service = fields[1] ? fields[1] : "";
        info.session = fields[2] && fields[2][0] ? fields[2] : NULL;
        info.policy_files = files;
        info.applied = applied;
        info.policy = policy;

        f = open_memstream(&text, &text_size);
        if (!f)
                goto out;
        if (record_format(f, &info) < 0)
                abort();
        if (fclose(f) != 0)
                goto out;
        if (record_parse_owner(text, &got_pid, &got_start) < 0 || got_pid != info.pid ||
            got_start != start)
                abort();
        root = json_loadb(text, text_size, JSON_REJECT_DUPLICATES, &err);
        if (!root) {
                fprintf(stderr, "not JSON (%s):\n%s", err.text, text);
                abort();
        }
        check_string(root, "user", info.user);
        check_string(root, "service", info.service);
        check_string(root, "session", info.session);
        check_integer(root, "pid", (uint64_t)info.pid);
        check_integer(root, "pid_start", start);
        check_integer(root, "uid", info.uid);
        check_strv(root, "policy_files", files);
        check_strv(root, "applied", applied);
        if (!json_is_object(json_object_get(root, "policy")))
                abort();
        json_decref(root);
out:
        free(text);
        for (size_t k = 0; k < 3; k++)
                free(fields[k]);
        strv_free(files);
        strv_free(applied);
        policy_free(policy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size < 1 || size > FUZZ_INPUT_MAX)
                return 0;
        if (data[0] % 2 == 0) {
                char *text = strndup((const char *)data + 1, size - 1);
                uint64_t start;
                pid_t pid;

                if (!text)
                        return 0;
                if (record_parse_owner(text, &pid, &start) == 0 && pid <= 0)
                        abort();
                free(text);
        } else {
                check_written(data + 1, size - 1);
        }
        return 0;
}
