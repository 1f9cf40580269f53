/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "macro.h"
#include "seccomp-dl.h"
#include "seccomp-policy.h"

/* What PID 1 and the app do between loading the filter and execve, and what init does after:
 * allowed whatever an allow list says, as systemd always allows the calls its own exec path
 * needs. */
static const char *const always_allowed[] = {
    "execve",
    "exit",
    "exit_group",
    "rt_sigreturn",
    "rt_sigprocmask",
    "rt_sigaction",
    "signalfd4",
    "read",
    "write",
    "wait4",
    "kill",
    "capget",
    "capset",
    "prctl",
    "setsid",
    "close",
    "close_range",
    "chdir",
    "newfstatat",
    "fstat",
    "access",
    "faccessat",
    "faccessat2",
    "getpid",
    "fork",
    "clone",
    "brk",
    "mmap",
    "munmap",
    "sigreturn",
    "vfork",
#ifdef __SANITIZE_ADDRESS__
    /* Test builds only: the sanitizer runtime in PID 1 and in the app before its execve makes
     * calls of its own (thread ids, its locks, its signal stack, advice on shadow memory) and
     * aborts when they fail. Never in a build without -fsanitize=address. */
    "gettid",
    "futex",
    "sigaltstack",
    "madvise",
#endif
};

static int add_arches(scmp_filter_ctx ctx)
{
        int r = sym_seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        if (r < 0 || sym_seccomp_arch_native() != SCMP_ARCH_X86_64)
                return r;
        r = sym_seccomp_arch_add(ctx, SCMP_ARCH_X86);
        if (r < 0 && r != -EEXIST)
                return r;
        r = sym_seccomp_arch_add(ctx, SCMP_ARCH_X32);
        return r == -EEXIST ? 0 : r;
}

static void release(scmp_filter_ctx *ctx)
{
        if (*ctx)
                sym_seccomp_release(*ctx);
}

int seccomp_policy_filter_install(bool allow_list, char *const *names, struct sb_error *e)
{
        _cleanup_(release) scmp_filter_ctx ctx = NULL;
        const uint32_t action = allow_list ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(EPERM);
        int r;

        /* Loaded by the caller beforehand, in the host's root: here we may be inside the
         * sandbox's, where a library of that name could be anyone's. */
        if (!sym_seccomp_init)
                return sb_error_set(e, -EOPNOTSUPP,
                                    "SystemCallFilter= needs libseccomp, which is not loaded");
        ctx = sym_seccomp_init(allow_list ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_ALLOW);
        if (!ctx)
                return sb_error_set(e, -ENOMEM, "cannot build the SystemCallFilter= filter");
        r = add_arches(ctx);
        if (r < 0)
                return sb_error_set(e, r, "cannot set up the SystemCallFilter= filter: %m");
        for (size_t i = 0; names && names[i]; i++) {
                int nr = sym_seccomp_syscall_resolve_name(names[i]);

                if (nr == __NR_SCMP_ERROR) {
                        if (allow_list)
                                continue;
                        return sb_error_set(e, -EINVAL,
                                            "SystemCallFilter=~%s: unknown system call, cannot "
                                            "deny it",
                                            names[i]);
                }
                r = sym_seccomp_rule_add(ctx, action, nr, 0);
                if (r < 0 && r != -EEXIST && r != -EDOM)
                        return sb_error_set(e, r, "SystemCallFilter=: cannot add %s: %m", names[i]);
        }
        for (size_t i = 0; allow_list && i < ELEMENTSOF(always_allowed); i++) {
                int nr = sym_seccomp_syscall_resolve_name(always_allowed[i]);

                if (nr == __NR_SCMP_ERROR)
                        continue;
                r = sym_seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
                if (r < 0 && r != -EEXIST && r != -EDOM)
                        return sb_error_set(e, r, "SystemCallFilter=: cannot add %s: %m",
                                            always_allowed[i]);
        }
        r = sym_seccomp_load(ctx);
        if (r < 0)
                return sb_error_set(e, r, "cannot load the SystemCallFilter= filter: %m");
        return 0;
}
