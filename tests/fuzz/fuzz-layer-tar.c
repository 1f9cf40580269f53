/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the layer unpacker with uncompressed tar streams: the most exposed parser of all (a
 * layer is a tar file written by whoever built the image; only its digest is checked). Each
 * input is unpacked into a fresh directory. Oracles: no crash or sanitizer report; a refusal
 * always carries a message; nothing appears outside the destination directory (an escape would
 * land beside it or above it). Small limits keep every run fast. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-util.h"
#include "image.h"

#define FUZZ_INPUT_MAX (1U << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int base_fd = -1;
static char base_path[] = "/tmp/fuzz-layer-tar.XXXXXX";

static void remove_base(void)
{
        (void)rm_rf_at(base_fd, "sandbox");
        (void)rmdir(base_path);
}

static size_t count_entries(int dir_fd)
{
        int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *de;
        size_t n = 0;

        if (!d)
                abort();
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        n++;
        closedir(d);
        return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const struct image_unpack_limits limits = {
            .max_entry_size = 1U << 20, .max_total_size = 4U << 20, .max_entries = 2000};
        struct sb_error e = {};
        int blob, dest, r;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        if (base_fd < 0) {
                /* base/ holds only sandbox/; the layer goes to base/sandbox/root */
                if (!mkdtemp(base_path))
                        abort();
                base_fd = open(base_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (base_fd < 0 || mkdirat(base_fd, "sandbox", 0700) < 0)
                        abort();
                atexit(remove_base);
        }
        blob = memfd_create("layer", MFD_CLOEXEC);
        if (blob < 0 || write(blob, data, size) != (ssize_t)size || lseek(blob, 0, SEEK_SET) != 0)
                abort();
        {
                int sb = openat(base_fd, "sandbox", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (sb < 0 || mkdirat(sb, "root", 0700) < 0)
                        abort();
                dest = openat(sb, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dest < 0)
                        abort();
                r = image_layer_unpack(blob, OCI_COMPRESSION_NONE, NULL, dest, &limits, NULL, NULL,
                                       NULL, &e);
                if (r < 0 && e.msg[0] == '\0')
                        abort();
                close(dest);
                /* escapes would show up next to root/ or next to sandbox/ */
                if (count_entries(sb) != 1 || count_entries(base_fd) != 1)
                        abort();
                if (rm_rf_at(sb, "root") < 0)
                        abort();
                close(sb);
        }
        close(blob);
        return 0;
}
