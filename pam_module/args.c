/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "fs-util.h"
#include "strv.h"

#define ARGS_KNOWN "phase=prepare|enter, debug, config=DIR, exempt_services=NAME[,NAME...]"

static int refuse(struct sandbox_args *a, struct sb_error *e, int index, const char *arg,
                  const char *why)
{
        a->invalid = true;
        /* Keep the first error: it is the one the admin sees first in the file. */
        if (e && e->err != 0)
                return -EINVAL;
        return sb_error_set(e, -EINVAL, "pam_sandbox.so argument %d \"%s\": %s (known: %s)", index,
                            arg, why, ARGS_KNOWN);
}

static int parse_services(struct sandbox_args *a, const char *list)
{
        const char *p = list;

        while (*p) {
                size_t n = strcspn(p, ",");

                if (n > 0) {
                        char *s = strndup(p, n);

                        if (!s || strv_consume(&a->exempt_services, s) < 0) {
                                free(s);
                                return -ENOMEM;
                        }
                }
                p += n;
                if (*p == ',')
                        p++;
        }
        return 0;
}

int args_parse(int argc, const char **argv, struct sandbox_args *ret, struct sb_error *e)
{
        int r = 0;

        *ret = (struct sandbox_args){};
        for (int i = 0; i < argc; i++) {
                const char *arg = argv[i], *v;

                if (streq(arg, "debug"))
                        ret->debug = true;
                else if ((v = startswith_lit(arg, "phase="))) {
                        if (ret->phase != PHASE_UNSET)
                                r = refuse(ret, e, i + 1, arg, "phase= given twice");
                        else if (streq(v, "prepare"))
                                ret->phase = PHASE_PREPARE;
                        else if (streq(v, "enter"))
                                ret->phase = PHASE_ENTER;
                        else
                                r = refuse(ret, e, i + 1, arg,
                                           "phase= must be \"prepare\" or \"enter\"");
                } else if ((v = startswith_lit(arg, "config="))) {
                        if (!path_is_safe_absolute(v))
                                r = refuse(ret, e, i + 1, arg,
                                           "config= needs an absolute path without . or ..");
                        else
                                ret->config_dir = v;
                } else if ((v = startswith_lit(arg, "exempt_services="))) {
                        if (parse_services(ret, v) < 0)
                                return sb_error_set(e, -ENOMEM, "out of memory");
                } else
                        r = refuse(ret, e, i + 1, arg, "unknown argument");
        }
        if (ret->phase == PHASE_UNSET && !ret->invalid) {
                ret->invalid = true;
                r = sb_error_set(e, -EINVAL,
                                 "pam_sandbox.so: phase=prepare or phase=enter is missing "
                                 "(known: %s)",
                                 ARGS_KNOWN);
        }
        return r;
}

void args_done(struct sandbox_args *a)
{
        a->exempt_services = strv_free(a->exempt_services);
}

bool args_service_exempt(const struct sandbox_args *a, const char *service)
{
        return service && strv_find(a->exempt_services, service) >= 0;
}

const char *phase_to_string(enum sandbox_phase p)
{
        switch (p) {
        case PHASE_PREPARE:
                return "prepare";
        case PHASE_ENTER:
                return "enter";
        case PHASE_UNSET:
        default:
                return "unset";
        }
}
