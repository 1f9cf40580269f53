/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "caps.h"
#include "fd-util.h"
#include "net.h"
#include "seccomp-dl.h"
#include "seccomp-policy.h"
#include "session-process.h"

int process_check_single_threaded(struct sb_error *e)
{
        char buf[2048];
        const char *p;
        ssize_t n;
        long threads;

        /* /proc/self/stat, not status: status grows with the caller's supplementary groups. Field
         * 20 is num_threads; count from the last ')', since the command name may hold anything. */
        n = read_small_file_at(AT_FDCWD, "/proc/self/stat", buf, sizeof(buf));
        if (n < 0)
                return sb_error_set(e, (int)n, "cannot read /proc/self/stat: %m");
        p = strrchr(buf, ')');
        for (int field = 2; p && field < 20; field++)
                p = strchr(p + 1, ' ');
        if (!p)
                return sb_error_set(e, -EIO, "cannot parse /proc/self/stat");
        threads = strtol(p + 1, NULL, 10);
        if (threads != 1)
                return sb_error_set(e, -EBUSY,
                                    "the calling program runs %ld threads; namespaces and filters "
                                    "would bind only one of them, so a multithreaded caller cannot "
                                    "be confined",
                                    threads);
        return 0;
}

int process_unshare(int flags, const char *what, struct sb_error *e)
{
        if (unshare(flags) < 0)
                return sb_error_set(e, -errno, "cannot create %s: %m", what);
        return 0;
}

int process_private_network(struct sb_error *e)
{
        int r = process_unshare(CLONE_NEWNET, "a network namespace (PrivateNetwork=yes)", e);

        if (r < 0)
                return r;
        r = loopback_up();
        if (r < 0)
                return sb_error_set(e, r, "cannot bring up the loopback interface: %m");
        return 0;
}

int process_bounding_set(uint64_t keep, struct sb_error *e)
{
        int last = cap_last();

        for (int c = 0; c <= last; c++) {
                if (keep & (UINT64_C(1) << c))
                        continue;
                /* EINVAL: the kernel does not know this capability (cap_last() said it does, but
                 * cap_last() is a best guess when /proc/sys is unreadable). */
                if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
                        return sb_error_set(e, -errno,
                                            "cannot drop cap_%s from the bounding set: %m",
                                            cap_name(c) ? cap_name(c) : "?");
        }
        return 0;
}

int process_no_new_privs(struct sb_error *e)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return sb_error_set(e, -errno, "cannot set no_new_privs: %m");
        return 0;
}

static void release(scmp_filter_ctx *ctx)
{
        if (*ctx)
                seccomp_release(*ctx);
}

static int add_arches(scmp_filter_ctx ctx)
{
        int r;

        if (seccomp_arch_native() != SCMP_ARCH_X86_64)
                return 0;
        /* A 64-bit process can enter the kernel through the i386 and x32 entry points too; an
         * unfiltered ABI would be a way around the filter. */
        r = seccomp_arch_add(ctx, SCMP_ARCH_X86);
        if (r < 0 && r != -EEXIST)
                return r;
        r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
        return r == -EEXIST ? 0 : r;
}

int process_restrict_namespaces(unsigned allowed, struct sb_error *e)
{
        static const struct {
                unsigned bit;
                uint64_t flag;
        } types[] = {
            {POLICY_NS_CGROUP, CLONE_NEWCGROUP}, {POLICY_NS_IPC, CLONE_NEWIPC},
            {POLICY_NS_NET, CLONE_NEWNET},       {POLICY_NS_MNT, CLONE_NEWNS},
            {POLICY_NS_PID, CLONE_NEWPID},       {POLICY_NS_USER, CLONE_NEWUSER},
            {POLICY_NS_UTS, CLONE_NEWUTS},
        };
        _cleanup_(release) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
        int r;

        if ((allowed & POLICY_NS_ALL) == POLICY_NS_ALL)
                return 0;
        if (!ctx)
                return sb_error_set(e, -ENOMEM, "cannot build the RestrictNamespaces= filter");
        /* libseccomp sets no_new_privs when it loads a filter unless told otherwise. This filter
         * only stops namespaces from being made and needs none: the caller is root (loading a
         * filter without no_new_privs takes CAP_SYS_ADMIN, else seccomp_load() fails and the
         * session is refused), and no_new_privs would cost the user sudo. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r >= 0)
                r = add_arches(ctx);
        if (r < 0)
                return sb_error_set(e, r, "cannot set up the RestrictNamespaces= filter: %m");

        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                const uint64_t f = types[i].flag;

                if (allowed & types[i].bit)
                        continue;
                /* The flags are the first argument of clone() on x86 (not on s390, which this
                 * filter does not cover) and of unshare(); the second of setns(). */
                r = seccomp_rule_add(ctx, deny, SCMP_SYS(unshare), 1,
                                     SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
                if (r >= 0)
                        r = seccomp_rule_add(ctx, deny, SCMP_SYS(clone), 1,
                                             SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
                if (r >= 0)
                        r = seccomp_rule_add(ctx, deny, SCMP_SYS(setns), 1,
                                             SCMP_A1(SCMP_CMP_MASKED_EQ, f, f));
                if (r < 0)
                        return sb_error_set(e, r,
                                            "cannot build the RestrictNamespaces= filter: %m");
        }
        /* setns(fd, 0) joins whatever namespace fd is: with any type forbidden, refuse it. The
         * argument is an int: compare only the low 32 bits, or a raw syscall with garbage in the
         * upper half would pass (CVE-2019-10063 is the same mistake with ioctl). */
        r = seccomp_rule_add(ctx, deny, SCMP_SYS(setns), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, UINT32_MAX, 0));
        if (r >= 0)
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
        if (r < 0 && r != -EDOM)
                return sb_error_set(e, r, "cannot build the RestrictNamespaces= filter: %m");
        r = seccomp_load(ctx);
        if (r < 0)
                return sb_error_set(e, r, "cannot load the RestrictNamespaces= filter: %m");
        return 0;
}

int process_syscall_filter(const struct policy_syscalls *f, struct sb_error *e)
{
        int r = seccomp_dl_open(); /* the login's own root: the host's */

        if (r < 0)
                return sb_error_set(e, r, "SystemCallFilter= needs libseccomp.so.2: %m");
        return seccomp_policy_filter_install(f->allow_list, f->names, e);
}
