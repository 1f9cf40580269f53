/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox-drm-probe — asks a DRM device node which driver it belongs to, for the VM tier's
 * GPU= scenario (tests/vm/scenarios/45-desktop-gpu.sh). Opening the node shows the bind kept
 * it a usable device; this shows a driver ioctl goes through from inside the sandbox too
 * (seccomp, the device cgroup and the mount options all let it).
 *
 *   sandbox-drm-probe NODE    prints "driver=NAME version=MAJOR.MINOR.PATCH"; exit 0
 *
 * Exit status 1 (with the reason on stderr) when the node does not open or the ioctl fails;
 * 64 for bad usage. No libdrm: DRM_IOCTL_VERSION is part of the kernel's stable UAPI, and the
 * VM image carries no libdrm for a test program. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* struct drm_version of <drm/drm.h> (kernel UAPI; the kernel fills the three strings up to the
 * lengths given and reports their full lengths back). */
struct drm_version_arg {
        int version_major;
        int version_minor;
        int version_patchlevel;
        size_t name_len;
        char *name;
        size_t date_len;
        char *date;
        size_t desc_len;
        char *desc;
};

#define DRM_IOCTL_VERSION_NR _IOWR('d', 0x00, struct drm_version_arg)

int main(int argc, char *argv[])
{
        char name[64] = "", date[64] = "", desc[256] = "";
        struct drm_version_arg v = {
            .name_len = sizeof(name) - 1,
            .name = name,
            .date_len = sizeof(date) - 1,
            .date = date,
            .desc_len = sizeof(desc) - 1,
            .desc = desc,
        };
        int fd;

        if (argc != 2) {
                fprintf(stderr, "usage: sandbox-drm-probe NODE\n");
                return 64;
        }
        fd = open(argv[1], O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                fprintf(stderr, "sandbox-drm-probe: cannot open %s: %s\n", argv[1],
                        strerror(errno));
                return 1;
        }
        if (ioctl(fd, DRM_IOCTL_VERSION_NR, &v) < 0) {
                fprintf(stderr, "sandbox-drm-probe: DRM_IOCTL_VERSION on %s: %s\n", argv[1],
                        strerror(errno));
                close(fd);
                return 1;
        }
        close(fd);
        /* The kernel copies at most *_len bytes and does not terminate them. */
        name[v.name_len < sizeof(name) ? v.name_len : sizeof(name) - 1] = '\0';
        printf("driver=%s version=%d.%d.%d\n", name, v.version_major, v.version_minor,
               v.version_patchlevel);
        return 0;
}
