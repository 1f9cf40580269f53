/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <seccomp.h>

#include "macro.h"

/* The default seccomp profile: everything is allowed except the calls no unprivileged
 * application needs and that have been the door of kernel exploits or container escapes:
 * the mount API, namespaces (unshare, setns, clone/clone3 with namespace flags), keyrings,
 * bpf, perf, userfaultfd, io_uring, kexec and modules, open_by_handle_at, ptrace and the rest
 * of systemd's @debug, @clock, @cpu-emulation, @obsolete, @raw-io, @reboot, @swap groups,
 * and TIOCSTI/TIOCLINUX ioctls (terminal input injection, CVE-2017-5226; the request number
 * is compared on its low 32 bits only, CVE-2019-10063). Denied calls fail with EPERM;
 * clone3 fails with ENOSYS so that libc falls back to clone, whose flags can be inspected.
 *
 * On x86_64 the i386 and x32 ABIs get the same rules (a deny list that only covered the
 * native table would be bypassed by int $0x80 or the x32 bit); any other ABI is killed.
 *
 * Builds the filter with libseccomp; returns NULL with errno set on failure. Used at build time
 * by seccomp-gen (and by tests): the launcher loads the precompiled program of
 * seccomp-program.h. */
scmp_filter_ctx seccomp_default_filter_new(void);

static inline void seccomp_releasep(scmp_filter_ctx *ctx)
{
        if (*ctx)
                seccomp_release(*ctx);
}
#define _cleanup_seccomp_ _cleanup_(seccomp_releasep)
