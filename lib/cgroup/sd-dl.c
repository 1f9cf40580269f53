/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <errno.h>
#include <sys/stat.h>

#include "sd-dl.h"

#define SD_DL_DEFINE(f) __typeof__(f) *sym_##f;
SD_DL_FUNCTIONS(SD_DL_DEFINE)
#undef SD_DL_DEFINE

int sd_dl_open(void)
{
        static int result = 1;
        void *dl;

        if (result <= 0)
                return result;
        dl = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!dl)
                return result = -EOPNOTSUPP;
#define SD_DL_RESOLVE(f)                                                                           \
        sym_##f = (__typeof__(f) *)dlsym(dl, #f);                                                  \
        if (!sym_##f)                                                                              \
                return result = -EOPNOTSUPP;
        SD_DL_FUNCTIONS(SD_DL_RESOLVE)
#undef SD_DL_RESOLVE
        return result = 0; /* kept loaded for the life of the process */
}

bool sd_dl_booted(void)
{
        struct stat st;

        return lstat("/run/systemd/system/", &st) >= 0 && S_ISDIR(st.st_mode);
}
