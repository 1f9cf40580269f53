/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name tables: capabilities, namespace types and the system call groups of SystemCallFilter=.
 *
 * The capability table is the kernel's ABI (linux/capability.h), kept here rather than asked of
 * libcap so a policy means the same on every host: a name libcap does not know yet would make the
 * same file valid on one machine and invalid on another. test-policy-values checks it against
 * the kernel header. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "policy-internal.h"
#include "seccomp-dl.h"

static const char *const cap_names[POLICY_CAP_MAX] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int policy_cap_from_name(const char *s)
{
        /* The "CAP_" prefix is required and numbers are refused: systemd accepts both, but a bare
         * number in an admin's file is a typo more often than a capability. */
        if (strncasecmp(s, "CAP_", 4) != 0)
                return -EINVAL;
        for (unsigned i = 0; i < POLICY_CAP_MAX; i++)
                if (strcasecmp(s, cap_names[i]) == 0)
                        return (int)i;
        return -EINVAL;
}

const char *policy_cap_to_name(unsigned cap)
{
        return cap < POLICY_CAP_MAX ? cap_names[cap] : NULL;
}

static const char *const ns_names[] = {
    "cgroup", "ipc", "net", "mnt", "pid", "user", "uts",
};

int policy_namespace_from_name(const char *s)
{
        for (unsigned i = 0; i < ELEMENTSOF(ns_names); i++)
                if (streq(s, ns_names[i]))
                        return (int)(1U << i);
        return -EINVAL;
}

const char *policy_namespace_to_name(unsigned bit)
{
        for (unsigned i = 0; i < ELEMENTSOF(ns_names); i++)
                if (bit == 1U << i)
                        return ns_names[i];
        return NULL;
}

/* The groups the design names (DESIGN.md §2, the default deny list) with systemd's meaning, plus
 * @keyring. Members missing on this architecture are fine: libseccomp knows them all by name. */
#define MEMBERS(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct policy_syscall_group policy_syscall_groups[] = {
    {"@clock", MEMBERS("adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime",
                       "clock_settime64", "settimeofday", "stime")},
    {"@cpu-emulation", MEMBERS("modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old")},
    {"@debug", MEMBERS("lookup_dcookie", "perf_event_open", "pidfd_getfd", "ptrace", "rtas",
                       "s390_runtime_instr", "sys_debug_setcontext")},
    {"@keyring", MEMBERS("add_key", "keyctl", "request_key")},
    {"@module", MEMBERS("delete_module", "finit_module", "init_module")},
    {"@mount",
     MEMBERS("chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr",
             "move_mount", "open_tree", "pivot_root", "umount", "umount2")},
    {"@obsolete", MEMBERS("_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime",
                          "get_kernel_syms", "getpmsg", "gtty", "idle", "lock", "mpx", "prof",
                          "profil", "putpmsg", "query_module", "security", "sgetmask", "ssetmask",
                          "stty", "sysfs", "tuxcall", "ulimit", "uselib", "ustat", "vserver")},
    {"@raw-io", MEMBERS("ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
                        "s390_pci_mmio_read", "s390_pci_mmio_write")},
    {"@reboot", MEMBERS("kexec_file_load", "kexec_load", "reboot")},
    {"@swap", MEMBERS("swapoff", "swapon")},
};
const size_t policy_syscall_groups_n = ELEMENTSOF(policy_syscall_groups);

const struct policy_syscall_group *policy_syscall_group_find(const char *name)
{
        for (size_t i = 0; i < policy_syscall_groups_n; i++)
                if (streq(name, policy_syscall_groups[i].name))
                        return &policy_syscall_groups[i];
        return NULL;
}

int policy_syscall_name_valid(const char *name)
{
        int r;

        /* Resolves names of every architecture libseccomp supports (negative pseudo numbers for
         * those absent here), so a file stays valid across architectures. */
        if (!name[0] || strlen(name) > 64)
                return 0;
        r = seccomp_dl_open();
        if (r < 0)
                return r;
        return sym_seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}
