/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the reader of the instance registry's records (lib/confine/instance.c), which steer
 * `sandbox enter`, `stop` and `ps`: the pids whose namespaces `enter` joins, the scope `stop`
 * kills. The input is a record of the sandbox "app-1" of uid 1000. Oracles (abort() on
 * violation):
 *   - a refusal always carries a message;
 *   - what parses is the sandbox asked for (name, uid, a monitor pid);
 *   - it formats to a record that parses back to the same instance (instance_format() is what
 *     the monitor writes);
 *   - the reader accepts only what the writer writes: every non-empty line of the input is a
 *     line of that record. A value the writer cannot have written (a pid beyond pid_t that
 *     wraps to another process, a sign, "0x", a second uid= that overrides the first, bytes
 *     after a NUL that are silently dropped) is a record someone else made, and must be
 *     refused rather than read as something else. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "strv.h"

#define FUZZ_INPUT_MAX (64U * 1024U)
#define FUZZ_NAME      "app-1"
#define FUZZ_UID       1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool str_equal(const char *a, const char *b)
{
        return a == b || (a && b && streq(a, b));
}

static bool strv_equal(char *const *a, char *const *b)
{
        size_t n = strv_length(a);

        if (n != strv_length(b))
                return false;
        for (size_t k = 0; k < n; k++)
                if (!streq(a[k], b[k]))
                        return false;
        return true;
}

static bool instance_equal(const struct instance *a, const struct instance *b)
{
        return str_equal(a->name, b->name) && a->uid == b->uid &&
               a->monitor_pid == b->monitor_pid && a->monitor_start == b->monitor_start &&
               a->init_pid == b->init_pid && a->init_start == b->init_start &&
               a->started_usec == b->started_usec && str_equal(a->app, b->app) &&
               str_equal(a->scope, b->scope) && str_equal(a->cgroup, b->cgroup) &&
               a->limits == b->limits && a->private_network == b->private_network &&
               a->keep_caps == b->keep_caps && a->syscall_filter == b->syscall_filter &&
               a->syscall_allow_list == b->syscall_allow_list &&
               strv_equal(a->syscall_names, b->syscall_names) &&
               str_equal(a->workdir, b->workdir) && strv_equal(a->argv, b->argv) &&
               strv_equal(a->env, b->env);
}

/* Is line (len bytes, no '\n') one of the lines of text? */
static bool has_line(const char *text, size_t text_len, const char *line, size_t len)
{
        for (size_t pos = 0; pos < text_len;) {
                const char *start = text + pos, *nl = memchr(start, '\n', text_len - pos);
                size_t n = nl ? (size_t)(nl - start) : text_len - pos;

                if (n == len && memcmp(start, line, len) == 0)
                        return true;
                pos += n + 1;
        }
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *text = (const char *)data;
        struct instance i = {}, again = {};
        struct sb_error e = {};
        char *out = NULL;
        size_t out_size = 0;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        if (instance_parse(text, size, FUZZ_NAME, FUZZ_UID, &i, &e) < 0) {
                if (e.msg[0] == '\0')
                        abort();
                return 0;
        }
        if (!i.name || !streq(i.name, FUZZ_NAME) || i.uid != FUZZ_UID || i.monitor_pid <= 0)
                abort();
        if (instance_format(&i, &out, &out_size) < 0)
                abort();
        if (instance_parse(out, out_size, FUZZ_NAME, FUZZ_UID, &again, NULL) < 0 ||
            !instance_equal(&i, &again))
                abort();
        for (size_t pos = 0; pos < size;) {
                const char *start = text + pos, *nl = memchr(start, '\n', size - pos);
                size_t n = nl ? (size_t)(nl - start) : size - pos;

                if (n > 0 && !has_line(out, out_size, start, n))
                        abort();
                pos += n + 1;
        }
        free(out);
        instance_done(&i);
        instance_done(&again);
        return 0;
}
