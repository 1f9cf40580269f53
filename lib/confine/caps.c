/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

/* Names as in capabilities(7), indexed by number. A table of our own instead of libcap's
 * cap_from_name(): libcap's constructor probes the kernel at every start of the launcher. */
static const char *const cap_names[] = {
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
};

int cap_parse_name(const char *name)
{
        const char *base = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;

        for (size_t i = 0; i < ELEMENTSOF(cap_names); i++)
                if (strcasecmp(base, cap_names[i]) == 0)
                        return (int)i <= cap_last() ? (int)i : -EINVAL;
        return -EINVAL;
}

const char *cap_name(int cap)
{
        return cap >= 0 && (size_t)cap < ELEMENTSOF(cap_names) ? cap_names[cap] : NULL;
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

int caps_bounding_drop(uint64_t caps)
{
        int last = cap_last();

        for (int c = 0; c <= last; c++)
                if ((caps & (UINT64_C(1) << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        return -errno;
        return 0;
}

int caps_reduce_to(uint64_t keep)
{
        /* 1. Bounding set: needs CAP_SETPCAP, so first. */
        int r = caps_bounding_drop(~keep);

        return r < 0 ? r : caps_reduce_sets(keep);
}

int caps_reduce_sets(uint64_t keep)
{
        const uint64_t setpcap = UINT64_C(1) << CAP_SETPCAP;
        int last = cap_last(), r;

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
