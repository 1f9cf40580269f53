/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "net.h"

int loopback_up(void)
{
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = {};

        if (fd < 0)
                return -errno;
        strcpy(ifr.ifr_name, "lo");
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return -errno;
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return -errno;
        return 0;
}

/* The helper runs in the caller's memory (CLONE_VM, on a stack of its own), so it is cheap to
 * start and costs the caller no copy-on-write faults; in exchange it only makes system calls on
 * its own stack and touches nothing else of the caller's memory but errno, which libc's wrappers
 * set only when a call fails (and then the helper's failure is what gets reported). Its exit status
 * is 0 or the errno of the step that failed. Not instrumented: the sanitizers do not know its
 * stack. */
struct netns_helper_args {
        int slot;
};

_no_sanitize_ static int netns_helper(void *userdata)
{
        const struct netns_helper_args *a = userdata;
        struct ifreq ifr = {.ifr_name = "lo"};
        int fd;

        if (unshare(CLONE_NEWNET) < 0)
                _exit(errno);
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                _exit(errno);
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                _exit(errno);
        (void)close(fd);
        fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                _exit(errno);
        /* The descriptor table is shared: this replaces the caller's placeholder in one step. */
        if (dup3(fd, a->slot, O_CLOEXEC) < 0)
                _exit(errno);
        /* The table is shared: an fd left open here stays open in the caller. */
        (void)close(fd);
        _exit(0);
}

int netns_prepare_start(pid_t *ret_helper, int *ret_slot)
{
        /* One helper per process (PID 1 makes one namespace), so static storage will do. */
        static struct netns_helper_args args;
        static char stack[16384] __attribute__((aligned(16)));
        _cleanup_close_ int slot = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        pid_t pid;

        if (slot < 0)
                return -errno;
        args.slot = slot;
        pid = clone(netns_helper, stack + sizeof(stack), CLONE_VM | CLONE_FILES | SIGCHLD, &args);
        if (pid < 0)
                return -errno;
        *ret_helper = pid;
        *ret_slot = TAKE_FD(slot);
        return 0;
}

int netns_prepare_finish(pid_t helper, int slot)
{
        int status;

        while (waitpid(helper, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (!WIFEXITED(status))
                return -ECHILD;
        if (WEXITSTATUS(status) != 0)
                return -WEXITSTATUS(status);
        if (setns(slot, CLONE_NEWNET) < 0)
                return -errno;
        return 0;
}
