/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/capability.h>
#include <unistd.h>

#include "caps.h"
#include "fd-util.h"
#include "macro.h"

int cap_last(void)
{
        static int cached = -1;
        char buf[16];

        if (cached >= 0)
                return cached;
        if (read_small_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0)
                cached = atoi(buf);
        if (cached <= 0 || cached > 63)
                cached = CAP_LAST_CAP;
        return cached;
}

int cap_parse_name(const char *name)
{
        cap_value_t v;
        char buf[64];
        size_t i;

        if (strncasecmp(name, "CAP_", 4) != 0) {
                if (snprintf(buf, sizeof(buf), "cap_%s", name) >= (int)sizeof(buf))
                        return -EINVAL;
        } else if (strlen(name) >= sizeof(buf)) {
                return -EINVAL;
        } else {
                strcpy(buf, name);
        }
        for (i = 0; buf[i]; i++) {
                if (!isalnum((unsigned char)buf[i]) && buf[i] != '_')
                        return -EINVAL; /* libcap would also accept numbers and lists */
                buf[i] = (char)tolower((unsigned char)buf[i]);
        }
        if (cap_from_name(buf, &v) < 0 || v < 0 || v > cap_last())
                return -EINVAL;
        return (int)v;
}

static int set_cap_sets(uint64_t permitted, uint64_t effective, uint64_t inheritable)
{
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2] = {
            {.effective = (uint32_t)effective,
             .permitted = (uint32_t)permitted,
             .inheritable = (uint32_t)inheritable},
            {.effective = (uint32_t)(effective >> 32),
             .permitted = (uint32_t)(permitted >> 32),
             .inheritable = (uint32_t)(inheritable >> 32)},
        };

        return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int caps_reduce_to(uint64_t keep)
{
        const uint64_t setpcap = UINT64_C(1) << CAP_SETPCAP;
        int last = cap_last(), r;

        /* 1. Bounding set: needs CAP_SETPCAP, so first. */
        for (int c = 0; c <= last; c++)
                if (!(keep & (UINT64_C(1) << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        return -errno;

        /* 2. Keep CAP_SETPCAP a little longer to set securebits; inheritable = keep so the
         * ambient raise below is allowed. */
        r = set_cap_sets(keep | setpcap, keep | setpcap, keep);
        if (r < 0)
                return r;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
                return -errno;
        for (int c = 0; c <= last; c++)
                if ((keep & (UINT64_C(1) << c)) &&
                    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
                        return -errno;

        /* 3. Lock everything that could hand capabilities back. */
        if (prctl(PR_SET_SECUREBITS,
                  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                      SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                      SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
                  0, 0, 0) < 0)
                return -errno;

        /* 4. Drop CAP_SETPCAP unless it was asked for. */
        return set_cap_sets(keep, keep, keep);
}
