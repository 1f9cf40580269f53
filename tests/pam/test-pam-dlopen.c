/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Load the built module as libpam does (dlopen RTLD_NOW: every symbol resolved now, so a missing
 * one fails here and not in the middle of someone's login) and check that it exports the PAM entry
 * points and nothing of the libraries linked into it. Usage: test-pam-dlopen MODULE. TAP. */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned n, failed;

static void ok(bool cond, const char *what, const char *name, const char *detail)
{
        n++;
        failed += !cond;
        printf("%s %u - %s%s%s\n", cond ? "ok" : "not ok", n, what, name, "");
        if (!cond && detail)
                printf("# %s\n", detail);
}

int main(int argc, char **argv)
{
        static const char *const exported[] = {
            "pam_sm_open_session", "pam_sm_close_session", "pam_sm_authenticate",
            "pam_sm_setcred",      "pam_sm_acct_mgmt",     "pam_sm_chauthtok",
        };
        /* A sample of what the static libraries define: none of it may leak into the host. */
        static const char *const hidden[] = {
            "policy_load_file",
            "policy_parse_buffer",
            "open_path_no_symlinks",
            "sb_error_set",
            "strv_free",
            "bind_mount_fd",
            "caps_reduce_to",
            "cgroup_set_slice_limits",
            "decision_make",
            "mounts_apply",
            "sandbox_log",
            "seccomp_default_program",
        };
        void *dl;

        if (argc != 2) {
                fprintf(stderr, "usage: %s MODULE\n", argv[0]);
                return 2;
        }
        dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        ok(dl != NULL, "dlopen(RTLD_NOW) resolves every symbol", "", dl ? NULL : dlerror());
        if (!dl) {
                printf("1..%u\n", n);
                return 1;
        }
        for (size_t i = 0; i < sizeof(exported) / sizeof(exported[0]); i++)
                ok(dlsym(dl, exported[i]) != NULL, "exports ", exported[i], NULL);
        for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
                ok(dlsym(dl, hidden[i]) == NULL, "does not export ", hidden[i], NULL);
        dlclose(dl);
        printf("1..%u\n", n);
        return failed ? 1 : 0;
}
