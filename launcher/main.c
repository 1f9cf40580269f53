/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "exec-util.h"
#include "log.h"
#include "macro.h"
#include "exec-full.h"
#include "verbs.h"

#if !SANDBOX_FULL
static int verb_exec_full(int argc, char **argv)
{
        return exec_full();
}
#endif

static const struct {
        const char *name;
        int (*fn)(int argc, char **argv);
        const char *summary;
} verbs[] = {
    {"run", verb_run, "run a command in a new sandbox"},
    {"policy", verb_policy, "check policy files, show the effective policy"},
    {"session", verb_session, "a login shell in a sandbox (sshd ForceCommand)"},
    {"ps", verb_ps, "list your running sandboxes"},
    {"enter", verb_enter, "run a command inside a running sandbox"},
    {"stop", verb_stop, "stop a running sandbox"},
    {"desktop", verb_desktop, "install or remove an app's desktop entry"},
#if SANDBOX_FULL
    {"image", verb_image, "list, unpack and prune the image layer cache"},
    {"trust", verb_trust, "sign and verify OCI images (minisign format)"},
#else
    {"image", verb_exec_full, "list, unpack and prune the image layer cache"},
    {"trust", verb_exec_full, "sign and verify OCI images (minisign format)"},
#endif
};

static int help(void)
{
        printf("Usage: sandbox VERB [OPTIONS] ...\n\nVerbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-8s %s\n", verbs[i].name, verbs[i].summary);
        printf("\nsandbox VERB --help shows a verb's options; see sandbox(1).\n");
        return 0;
}

int main(int argc, char **argv)
{
        exec_full_argv = argv;
        if (argc < 2) {
                log_error("no verb given; try 'sandbox run -- COMMAND' or 'sandbox --help'");
                return EXIT_LAUNCHER_ERROR;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help"))
                return help();
        if (streq(argv[1], "--version")) {
                printf("sandbox %s\n", SANDBOX_VERSION);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(argv[1], verbs[i].name))
                        return verbs[i].fn(argc - 1, argv + 1);
        log_error("unknown verb '%s'; see 'sandbox --help'", argv[1]);
        return EXIT_LAUNCHER_ERROR;
}
