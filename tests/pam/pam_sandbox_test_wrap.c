/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A PAM module for the tests only, never installed.
 *
 *   session required pam_sandbox_test_wrap.so module=PATH tag=NAME [ARGS...]
 *
 * calls pam_sm_open_session() / pam_sm_close_session() of the module at PATH with ARGS, from
 * inside libpam's dispatch (so pam_get_data(), pam_set_data() and pam_putenv() behave as they do
 * for any module), and reports through the PAM environment what a stack cannot show:
 *
 *   SANDBOX_TEST_RC_<tag>=N            the module's exact return value (a stack turns PAM_IGNORE
 *                                      into whatever the other modules say)
 *   SANDBOX_TEST_systemd_memory_max=V  the PAM data pam_systemd would read (same for tasks_max,
 *                                      cpu_weight, io_weight, runtime_max_sec), when set
 *
 * It then returns PAM_SUCCESS, so the next line runs as it would after a "required" failure. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

typedef int (*pam_sm_fn)(pam_handle_t *, int, int, const char **);

static const char *const systemd_data[] = {"systemd.memory_max", "systemd.tasks_max",
                                           "systemd.cpu_weight", "systemd.io_weight",
                                           "systemd.runtime_max_sec"};

static int wrap(pam_handle_t *h, const char *fn, int flags, int argc, const char **argv)
{
        const char *module = NULL, *tag = "x";
        char env[256];
        void *dl;
        pam_sm_fn f;
        int rc;

        for (; argc > 0; argc--, argv++) {
                if (strncmp(argv[0], "module=", 7) == 0)
                        module = argv[0] + 7;
                else if (strncmp(argv[0], "tag=", 4) == 0)
                        tag = argv[0] + 4;
                else
                        break;
        }
        if (!module)
                return PAM_MODULE_UNKNOWN;
        /* Never dlclose(): the module's pam_set_data() cleanups run at pam_end(). */
        dl = dlopen(module, RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
                pam_syslog(h, LOG_ERR, "cannot load %s: %s", module, dlerror());
                return PAM_MODULE_UNKNOWN;
        }
        f = (pam_sm_fn)dlsym(dl, fn);
        if (!f)
                return PAM_SYMBOL_ERR;
        rc = f(h, flags, argc, argv);

        snprintf(env, sizeof(env), "SANDBOX_TEST_RC_%s=%d", tag, rc);
        pam_putenv(h, env);
        for (size_t i = 0; i < sizeof(systemd_data) / sizeof(systemd_data[0]); i++) {
                const void *v = NULL;

                if (pam_get_data(h, systemd_data[i], &v) != PAM_SUCCESS || !v)
                        continue;
                snprintf(env, sizeof(env), "SANDBOX_TEST_systemd_%s=%s", systemd_data[i] + 8,
                         (const char *)v);
                pam_putenv(h, env);
        }
        return PAM_SUCCESS;
}

int pam_sm_open_session(pam_handle_t *h, int flags, int argc, const char **argv)
{
        return wrap(h, "pam_sm_open_session", flags, argc, argv);
}

int pam_sm_close_session(pam_handle_t *h, int flags, int argc, const char **argv)
{
        return wrap(h, "pam_sm_close_session", flags, argc, argv);
}
