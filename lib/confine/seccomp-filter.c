/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>

#include "macro.h"
#include "seccomp-filter.h"

static const char *const denied_syscalls[] = {
    /* @mount and the new mount API */
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "open_tree",
    "move_mount",
    "mount_setattr",
    /* namespaces: a new user namespace hands out a full capability set again */
    "setns",
    /* keyrings are not namespaced */
    "keyctl",
    "add_key",
    "request_key",
    /* kernel attack surface with a long CVE record */
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "fanotify_init",
    "open_by_handle_at",
    "kcmp",
    "pidfd_getfd",
    "process_madvise",
    "lookup_dcookie",
    "quotactl",
    "quotactl_fd",
    "nfsservctl",
    /* @debug */
    "ptrace",
    "process_vm_writev",
    /* @module, @reboot, @swap */
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    /* @clock */
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "stime",
    /* @cpu-emulation, @raw-io */
    "modify_ldt",
    "vm86",
    "vm86old",
    "subpage_prot",
    "ioperm",
    "iopl",
    "pciconfig_iobase",
    "pciconfig_read",
    "pciconfig_write",
    /* @obsolete and host-wide knobs */
    "_sysctl",
    "uselib",
    "ustat",
    "sysfs",
    "create_module",
    "get_kernel_syms",
    "query_module",
    "afs_syscall",
    "getpmsg",
    "putpmsg",
    "security",
    "tuxcall",
    "vserver",
    "bdflush",
    "acct",
    "syslog",
    "vhangup",
    "sethostname",
    "setdomainname",
    /* NUMA placement of other processes' memory */
    "mbind",
    "set_mempolicy",
    "migrate_pages",
    "move_pages",
};

static const unsigned long namespace_flags[] = {
    CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWPID,    CLONE_NEWNET,
    CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWCGROUP, 0x00000080 /* CLONE_NEWTIME */,
};

static int add_rules(scmp_filter_ctx ctx)
{
        const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
        int r;

        for (size_t i = 0; i < ELEMENTSOF(denied_syscalls); i++) {
                int nr = seccomp_syscall_resolve_name(denied_syscalls[i]);
                if (nr == __NR_SCMP_ERROR)
                        continue; /* unknown to this libseccomp: nothing to filter */
                r = seccomp_rule_add(ctx, eperm, nr, 0);
                if (r < 0 && r != -EDOM) /* -EDOM: not on every architecture of the filter */
                        return r;
        }

        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(namespace_flags); i++) {
                scmp_datum_t f = namespace_flags[i];
                r = seccomp_rule_add(ctx, eperm, SCMP_SYS(unshare), 1,
                                     SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
                if (r < 0)
                        return r;
                r = seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1,
                                     SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
                if (r < 0)
                        return r;
        }

        /* Only the low 32 bits of the request reach the tty layer: compare just those, or
         * TIOCSTI | (1 << 32) would slip through (CVE-2019-10063). */
        r = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)TIOCSTI));
        if (r < 0)
                return r;
        return seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
                                SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)TIOCLINUX));
}

static int setup_arches(scmp_filter_ctx ctx)
{
        int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);

        /* A binary tree of syscall numbers instead of a linear list: every system call of the
         * sandbox walks O(log n) instructions, and so does the kernel when it precomputes its
         * per-syscall action cache at load time (the bulk of the load cost). */
        if (r >= 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        if (r < 0 || seccomp_arch_native() != SCMP_ARCH_X86_64)
                return r;
        r = seccomp_arch_add(ctx, SCMP_ARCH_X86);
        if (r < 0 && r != -EEXIST)
                return r;
        r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
        return r == -EEXIST ? 0 : r;
}

scmp_filter_ctx seccomp_default_filter_new(void)
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        int r;

        if (!ctx) {
                errno = ENOMEM;
                return NULL;
        }
        r = setup_arches(ctx);
        if (r >= 0)
                r = add_rules(ctx);
        if (r < 0) {
                errno = -r;
                return NULL;
        }
        return TAKE_PTR(ctx);
}
