/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: run inside a sandbox by the integration tests, tries one thing and prints what
 * happened: "ok" when the call succeeded, otherwise the errno name (EPERM, ENOSYS, ...).
 * Built without sanitizers (their runtime makes calls of its own under the filter), in the
 * spirit of bubblewrap's tests/try-syscall.c. Exit status 0 whatever the outcome, 2 on usage
 * errors: the test decides what is expected. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(long r)
{
        if (r < 0) {
                const char *n = strerrorname_np(errno);
                printf("%s\n", n ? n : "E?");
        } else {
                printf("ok\n");
        }
        return 0;
}

/* int $0x80: the i386 system call entry, reachable from a 64-bit process. */
static long i386_syscall3(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
        if (ret < 0 && ret > -4096) {
                errno = (int)-ret;
                return -1;
        }
        return ret;
#else
        errno = ENOSYS;
        return -1;
#endif
}

static int try_cap_regain(void)
{
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2] = {};

        /* Ask for CAP_SYS_ADMIN back in every way the kernel offers. */
        d[0].effective = d[0].permitted = 1u << CAP_SYS_ADMIN;
        if (syscall(SYS_capset, &h, d) == 0)
                return report(0);
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0) == 0)
                return report(0);
        if (prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) == 0)
                return report(0);
        return report(-1);
}

static int try_bind(int port)
{
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

        if (fd < 0)
                return report(-1);
        return report(bind(fd, (struct sockaddr *)&a, sizeof(a)));
}

int main(int argc, char **argv)
{
        const char *what = argc > 1 ? argv[1] : "";

        if (!strcmp(what, "tiocsti")) {
                char c = 'x';
                /* stdin is the caller's terminal; a successful TIOCSTI would type into it. */
                return report(ioctl(0, TIOCSTI, &c));
        }
        if (!strcmp(what, "tiocsti-high")) {
                char c = 'x';
                /* The same request with bit 32 set: the kernel ignores the high bits. */
                return report(syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI | (1UL << 32), &c));
        }
        if (!strcmp(what, "mount"))
                return report(mount("none", "/tmp", "tmpfs", 0, NULL));
        if (!strcmp(what, "umount"))
                return report(umount2("/proc", MNT_DETACH));
        if (!strcmp(what, "ptrace") && argc > 2)
                return report(ptrace(PTRACE_ATTACH, atoi(argv[2]), 0, 0));
        if (!strcmp(what, "keyctl"))
                return report(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
        if (!strcmp(what, "bpf")) {
                union bpf_attr attr = {};
                return report(syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
        }
        if (!strcmp(what, "kexec_load"))
                return report(syscall(SYS_kexec_load, 0, 0, NULL, 0));
        if (!strcmp(what, "perf_event_open")) {
                struct perf_event_attr a = {.size = sizeof(a),
                                            .type = PERF_TYPE_SOFTWARE,
                                            .config = PERF_COUNT_SW_CPU_CLOCK};
                return report(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
        }
        if (!strcmp(what, "open_by_handle_at")) {
                char buf[sizeof(struct file_handle) + 128] = {};
                struct file_handle *fh = (struct file_handle *)buf;
                fh->handle_bytes = 8;
                return report(syscall(SYS_open_by_handle_at, AT_FDCWD, fh, O_RDONLY));
        }
        if (!strcmp(what, "unshare-user"))
                return report(unshare(CLONE_NEWUSER));
        if (!strcmp(what, "clone3"))
                return report(syscall(SYS_clone3, NULL, 0));
        if (!strcmp(what, "sysctl-write")) {
                int fd = open("/proc/sys/kernel/hostname", O_WRONLY);
                if (fd < 0)
                        return report(-1);
                return report(write(fd, "pwned\n", 6));
        }
        if (!strcmp(what, "x32-keyctl"))
                /* x32 numbers are the x86_64 ones with bit 30 set (__X32_SYSCALL_BIT). */
                return report(syscall(0x40000000 | SYS_keyctl, 0, -3, 0));
        if (!strcmp(what, "x32-mount"))
                return report(syscall(0x40000000 | SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
        if (!strcmp(what, "i386-keyctl"))
                return report(i386_syscall3(288 /* i386 keyctl */, 0, -3, 0));
        if (!strcmp(what, "i386-getpid"))
                return report(i386_syscall3(20 /* i386 getpid */, 0, 0, 0));
        if (!strcmp(what, "cap-regain"))
                return try_cap_regain();
        if (!strcmp(what, "bind") && argc > 2)
                return try_bind(atoi(argv[2]));
        if (!strcmp(what, "sleep-term")) {
                /* Wait for SIGTERM; say so when it arrives. */
                sigset_t s;
                int sig;
                sigemptyset(&s);
                sigaddset(&s, SIGTERM);
                sigprocmask(SIG_BLOCK, &s, NULL);
                printf("ready\n");
                fflush(stdout);
                if (sigwait(&s, &sig) == 0)
                        printf("got SIGTERM\n");
                return 0;
        }
        fprintf(stderr, "usage: probe WHAT [ARG]\n");
        return 2;
}
