/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pam_sandbox's session records (pam_module/session-record.h) in a scratch directory: two logins
 * of one logind session never share a record, a record of a process that is gone is replaced, a
 * process replaces its own. */
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc-util.h"
#include "session-record.h"
#include "test.h"

static char root[] = "/tmp/test-session-record-XXXXXX";

static int scratch(void)
{
        static int fd = -1;

        if (fd < 0) {
                if (!mkdtemp(root))
                        abort();
                fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        return fd;
}

static char *slurp(const char *name)
{
        static char buf[8192];
        char path[4096];
        FILE *f;
        size_t n;

        snprintf(path, sizeof(path), "%s/%s", root, name);
        f = fopen(path, "re");
        if (!f)
                return NULL;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

/* Write a record of user for pid (its real start time) in session "7". */
static int write_as(const char *user, pid_t pid, char **ret_name)
{
        struct policy *p = policy_new(POLICY_KIND_EFFECTIVE, NULL);
        struct record_info info = {
            .user = user, .uid = 1000, .service = "su", .session = "7", .pid = pid, .policy = p};
        struct sb_error e = {};
        int r;

        if (!p || proc_pid_start_time(pid, &info.pid_start) < 0)
                abort();
        r = record_write_session(scratch(), "7", &info, ret_name, &e);
        if (r < 0)
                printf("# %s\n", e.msg);
        policy_free(p);
        return r;
}

TEST(one_session_two_logins)
{
        char *name = NULL, *text;
        pid_t child;
        int status;

        /* The first login of session 7 is another process, still running. */
        child = fork();
        ASSERT_TRUE(child >= 0);
        if (child == 0) {
                pause();
                _exit(0);
        }
        ASSERT_OK(write_as("first", child, &name));
        ASSERT_STREQ(name, "7.json");
        free(name);

        /* A second login in the same session gets a name of its own... */
        ASSERT_OK(write_as("second", getpid(), &name));
        ASSERT_TRUE(strncmp(name, "pid-", 4) == 0);
        free(name);
        /* ...and the first one's record is untouched. */
        text = slurp("7.json");
        ASSERT_TRUE(text && strstr(text, "\"user\": \"first\""));

        /* Once the first login's process is gone, its record is fair game. */
        kill(child, SIGKILL);
        ASSERT_EQ(waitpid(child, &status, 0), child);
        ASSERT_OK(write_as("third", getpid(), &name));
        ASSERT_STREQ(name, "7.json");
        free(name);
        text = slurp("7.json");
        ASSERT_TRUE(text && strstr(text, "\"user\": \"third\""));

        /* A process replaces its own record. */
        ASSERT_OK(write_as("fourth", getpid(), &name));
        ASSERT_STREQ(name, "7.json");
        free(name);
        text = slurp("7.json");
        ASSERT_TRUE(text && strstr(text, "\"user\": \"fourth\""));
}

/* The record is JSON (jansson parses it): a UTF-8 user name stays as it is, a byte that is not
 * UTF-8 becomes U+FFFD, quotes and control characters are escaped. Before, every byte above
 * 0x7f was written as its own \u00XX, which read back as Latin-1: "é" came out as "Ã©". */
TEST(record_text_is_json_with_names_as_given)
{
        struct policy *p = policy_new(POLICY_KIND_EFFECTIVE, NULL);
        char *const files[] = {(char *)"/etc/sandbox/policy.d/x\"y.policy", NULL};
        struct record_info info = {.user = "j\xc3\xa9r\xc3\xb4me",
                                   .uid = 1000,
                                   .service = "bad\xff\ttab",
                                   .session = NULL,
                                   .pid = 42,
                                   .policy_files = files,
                                   .policy = p};
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        json_error_t err;
        json_t *doc;

        ASSERT_TRUE(p && f);
        ASSERT_OK(record_format(f, &info));
        ASSERT_EQ(fclose(f), 0);
        doc = json_loads(text, JSON_REJECT_DUPLICATES, &err);
        if (!doc)
                printf("# %s: %s\n", err.text, text);
        ASSERT_TRUE(doc != NULL);
        ASSERT_STREQ(json_string_value(json_object_get(doc, "user")), "j\xc3\xa9r\xc3\xb4me");
        ASSERT_STREQ(json_string_value(json_object_get(doc, "service")), "bad\xef\xbf\xbd\ttab");
        ASSERT_TRUE(json_is_null(json_object_get(doc, "session")));
        ASSERT_STREQ(json_string_value(json_array_get(json_object_get(doc, "policy_files"), 0)),
                     files[0]);
        json_decref(doc);
        free(text);
        policy_free(p);
}

TEST(zz_cleanup)
{
        ASSERT_EQ(test_rm_rf(root), 0);
}

TEST_MAIN
