/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp-program.h"

int seccomp_default_filter_install(void)
{
        struct sock_fprog prog = {
            .len = (unsigned short)seccomp_default_program_len,
            .filter = (struct sock_filter *)seccomp_default_program,
        };

        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
                return -errno;
        return 0;
}
