/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Layer unpacking against hostile input: the limits count every inode a layer makes. Tar streams
 * are written here byte by byte (ustar). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "test.h"

/* ---- ustar writing ------------------------------------------------------------------------- */

struct tar {
        char data[16 * 512];
        size_t size;
};

static void tar_entry(struct tar *t, const char *name, char type, const char *content)
{
        char *h = t->data + t->size;
        size_t len = content ? strlen(content) : 0;
        unsigned sum = 0;

        if (t->size + 512 + (len + 511) / 512 * 512 + 1024 > sizeof(t->data) || strlen(name) >= 100)
                abort();
        memset(h, 0, 512);
        memcpy(h, name, strlen(name));
        snprintf(h + 100, 8, "%07o", type == '5' ? 0755U : 0644U);
        snprintf(h + 108, 8, "%07o", 0U);
        snprintf(h + 116, 8, "%07o", 0U);
        snprintf(h + 124, 12, "%011o", (unsigned)len);
        snprintf(h + 136, 12, "%011o", 0U);
        h[156] = type;
        memcpy(h + 257, "ustar", 6);
        memcpy(h + 263, "00", 2);
        memset(h + 148, ' ', 8);
        for (size_t i = 0; i < 512; i++)
                sum += (unsigned char)h[i];
        snprintf(h + 148, 8, "%06o", sum);
        t->size += 512;
        if (len > 0) {
                memset(t->data + t->size, 0, (len + 511) / 512 * 512);
                memcpy(t->data + t->size, content, len);
                t->size += (len + 511) / 512 * 512;
        }
}

static void tar_end(struct tar *t)
{
        memset(t->data + t->size, 0, 1024);
        t->size += 1024;
}

static int unpack_tar(const struct tar *t, const struct image_unpack_limits *limits,
                      const char *dir, struct sb_error *e)
{
        int blob = memfd_create("layer", MFD_CLOEXEC), dest, r;

        if (blob < 0 || write(blob, t->data, t->size) != (ssize_t)t->size ||
            lseek(blob, 0, SEEK_SET) != 0)
                abort();
        dest = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dest < 0)
                abort();
        r = image_layer_unpack(blob, OCI_COMPRESSION_NONE, NULL, dest, limits, NULL, NULL, NULL, e);
        close(dest);
        close(blob);
        return r;
}

/* One entry whose path names eight directories no entry of the layer lists: they are inodes the
 * layer makes all the same, and count against max_entries (else a layer of max_entries deep
 * paths makes thousands of directories per entry: inode exhaustion from a small stream). */
TEST(implied_directories_count_as_entries)
{
        char base[] = "/tmp/test-image-unpack.XXXXXX", dir[64];
        struct image_unpack_limits limits = {
            .max_entry_size = 1U << 20, .max_total_size = 1U << 20, .max_entries = 8};
        struct sb_error e = {};
        struct tar t = {};
        struct stat st;

        tar_entry(&t, "d1/d2/d3/d4/d5/d6/d7/d8/file", '0', "x\n");
        tar_end(&t);
        ASSERT_TRUE(mkdtemp(base));

        snprintf(dir, sizeof(dir), "%s/a", base);
        ASSERT_OK(mkdir(dir, 0700));
        ASSERT_EQ(unpack_tar(&t, &limits, dir, &e), -E2BIG);
        ASSERT_TRUE(strstr(e.msg, "entries") != NULL);

        /* eight directories and one file: nine */
        limits.max_entries = 9;
        snprintf(dir, sizeof(dir), "%s/b", base);
        ASSERT_OK(mkdir(dir, 0700));
        ASSERT_OK(unpack_tar(&t, &limits, dir, &e));
        snprintf(dir, sizeof(dir), "%s/b/d1/d2/d3/d4/d5/d6/d7/d8/file", base);
        ASSERT_OK(stat(dir, &st));
        ASSERT_EQ(test_rm_rf(base), 0);
}

TEST_MAIN
