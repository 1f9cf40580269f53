/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <errno.h>

#include "archive-dl.h"

#define ARCHIVE_DL_DEFINE(f) __typeof__(f) *sym_##f;
ARCHIVE_DL_FUNCTIONS(ARCHIVE_DL_DEFINE)
#undef ARCHIVE_DL_DEFINE

int archive_dl_open(void)
{
        static int result = 1;
        void *dl;

        if (result <= 0)
                return result;
        dl = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
        if (!dl)
                return result = -EOPNOTSUPP;
#define ARCHIVE_DL_RESOLVE(f)                                                                      \
        sym_##f = (__typeof__(f) *)dlsym(dl, #f);                                                  \
        if (!sym_##f)                                                                              \
                return result = -EOPNOTSUPP;
        ARCHIVE_DL_FUNCTIONS(ARCHIVE_DL_RESOLVE)
#undef ARCHIVE_DL_RESOLVE
        return result = 0; /* kept loaded for the life of the process */
}
