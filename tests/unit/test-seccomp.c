/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The default seccomp filter, proven by running calls under it (in a child), not by reading
 * the code that builds it. */
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/mman.h>

#include "seccomp-filter.h"
#include "seccomp-program.h"
#include "test.h"

/* Run one raw syscall under the precompiled filter (what sandboxes get) in a child; returns the
 * errno it failed with, 0 on success, or -signal if the child was killed. */
static int errno_under_filter(long nr, long a0, long a1, long a2)
{
        int status;
        pid_t pid;

        pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0) {
                long r;
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                    seccomp_default_filter_install() < 0)
                        _exit(254);
                r = syscall(nr, a0, a1, a2, 0, 0);
                _exit(r < 0 ? (errno & 0x7f) : 0);
        }
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status))
                return -WTERMSIG(status);
        ASSERT_TRUE(WEXITSTATUS(status) != 254);
        return WEXITSTATUS(status);
}

TEST(denied_calls_fail_with_eperm)
{
        ASSERT_EQ(errno_under_filter(SYS_keyctl, 0, -3, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_add_key, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_bpf, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_perf_event_open, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_userfaultfd, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_kexec_load, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_open_by_handle_at, -1, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_mount, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_fsopen, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_move_mount, 0, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_setns, -1, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_ptrace, 0, 1, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_io_uring_setup, 1, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_init_module, 0, 0, 0), EPERM);
}

TEST(program_matches_the_libseccomp_build)
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = seccomp_default_filter_new();
        _cleanup_close_ int fd = memfd_create("bpf", MFD_CLOEXEC);
        struct sock_filter insn;
        size_t n = 0;

        ASSERT_TRUE(ctx != NULL);
        ASSERT_OK(fd);
        ASSERT_OK(seccomp_export_bpf(ctx, fd));
        ASSERT_OK(lseek(fd, 0, SEEK_SET));
        while (read(fd, &insn, sizeof(insn)) == (ssize_t)sizeof(insn)) {
                ASSERT_TRUE(n < seccomp_default_program_len);
                ASSERT_TRUE(memcmp(&insn, &seccomp_default_program[n], sizeof(insn)) == 0);
                n++;
        }
        ASSERT_EQ(n, seccomp_default_program_len);
}

TEST(clone3_is_enosys)
{
        ASSERT_EQ(errno_under_filter(SYS_clone3, 0, 0, 0), ENOSYS);
}

TEST(namespace_flags_are_refused)
{
        ASSERT_EQ(errno_under_filter(SYS_unshare, CLONE_NEWUSER, 0, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_unshare, CLONE_NEWNET, 0, 0), EPERM);
        /* unshare without namespace flags stays allowed */
        ASSERT_EQ(errno_under_filter(SYS_unshare, CLONE_FILES, 0, 0), 0);
}

TEST(tiocsti_low_32_bits)
{
        ASSERT_EQ(errno_under_filter(SYS_ioctl, 0, TIOCSTI, 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_ioctl, 0, (long)(TIOCSTI | (1UL << 32)), 0), EPERM);
        ASSERT_EQ(errno_under_filter(SYS_ioctl, 0, TIOCLINUX, 0), EPERM);
}

TEST(harmless_calls_pass)
{
        ASSERT_EQ(errno_under_filter(SYS_getpid, 0, 0, 0), 0);
        ASSERT_EQ(errno_under_filter(SYS_uname, 0, 0, 0), EFAULT); /* reached the kernel */
}

#if defined(__x86_64__)
TEST(x32_abi_is_filtered)
{
        ASSERT_EQ(errno_under_filter(0x40000000 | SYS_keyctl, 0, -3, 0), EPERM);
        ASSERT_EQ(errno_under_filter(0x40000000 | SYS_mount, 0, 0, 0), EPERM);
}
#endif

TEST_MAIN
