/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <errno.h>

#include "seccomp-dl.h"

#define SECCOMP_DL_DEFINE(f) __typeof__(f) *sym_##f;
SECCOMP_DL_FUNCTIONS(SECCOMP_DL_DEFINE)
#undef SECCOMP_DL_DEFINE

int seccomp_dl_open(void)
{
        static int result = 1;
        void *dl;

        if (result <= 0)
                return result;
        dl = dlopen("libseccomp.so.2", RTLD_NOW | RTLD_LOCAL);
        if (!dl)
                return result = -EOPNOTSUPP;
#define SECCOMP_DL_RESOLVE(f)                                                                      \
        sym_##f = (__typeof__(f) *)dlsym(dl, #f);                                                  \
        if (!sym_##f)                                                                              \
                return result = -EOPNOTSUPP;
        SECCOMP_DL_FUNCTIONS(SECCOMP_DL_RESOLVE)
#undef SECCOMP_DL_RESOLVE
        return result = 0; /* kept loaded for the life of the process */
}
