/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Layer unpacking and the layer cache against hostile input: the limits count every inode a layer
 * makes, and a blob changed between its digest check and its unpack never becomes a cache
 * entry. Tar streams are written here byte by byte (ustar), layouts as files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "digest.h"
#include "image.h"
#include "oci.h"
#include "test.h"

#define MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"

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

/* ---- a layout whose layer blob changes after its digest check ------------------------------- */

/* lseek() as the library calls it, interposed: the first rewind of the armed blob (after it was
 * hashed, before it is unpacked) rewrites the blob's file in place, as another process that can
 * write it could at that moment. */
static const char *mutate_path;
static const char *mutate_data;
static size_t mutate_size;
static ino_t mutate_ino;
static unsigned mutations;

off_t lseek(int fd, off_t offset, int whence)
{
        struct stat st;

        if (mutate_path && offset == 0 && whence == SEEK_SET && fstat(fd, &st) == 0 &&
            st.st_ino == mutate_ino) {
                int w = open(mutate_path, O_WRONLY | O_CLOEXEC);
                if (w < 0 || pwrite(w, mutate_data, mutate_size, 0) != (ssize_t)mutate_size)
                        abort();
                close(w);
                mutate_path = NULL;
                mutations++;
        }
        return (off_t)syscall(SYS_lseek, fd, offset, whence);
}

static void write_file(const char *dir, const char *name, const char *data, size_t size)
{
        char path[512];
        int fd;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, data, size) != (ssize_t)size || fchmod(fd, 0644) < 0)
                abort();
        close(fd);
}

/* blobs/sha256/HEX for data; ret_digest receives "sha256:HEX". */
static void write_blob(const char *layout, const char *data, size_t size,
                       char ret_digest[static DIGEST_STRING_MAX])
{
        char name[128];

        if (sha256_string(data, size, ret_digest) < 0)
                abort();
        snprintf(name, sizeof(name), "blobs/sha256/%s", digest_hex(ret_digest));
        write_file(layout, name, data, size);
}

TEST(blob_changed_after_its_check_never_enters_the_cache)
{
        char base[] = "/tmp/test-image-unpack.XXXXXX", layout[64], cache_path[64], path[512];
        char layer_d[DIGEST_STRING_MAX], config_d[DIGEST_STRING_MAX], manifest_d[DIGEST_STRING_MAX];
        _cleanup_free_ char *config = NULL, *manifest = NULL, *index = NULL;
        _cleanup_image_free_ struct image *img = NULL;
        _cleanup_image_cache_free_ struct image_cache *cache = NULL;
        struct image_layers layers = {};
        struct tar good = {}, evil = {};
        struct sb_error e = {};
        struct stat st;
        int r;

        /* the same size, other content */
        tar_entry(&good, "hello", '0', "good\n");
        tar_end(&good);
        tar_entry(&evil, "hello", '0', "evil\n");
        tar_end(&evil);
        ASSERT_EQ(good.size, evil.size);

        ASSERT_TRUE(mkdtemp(base));
        snprintf(layout, sizeof(layout), "%s/layout", base);
        snprintf(cache_path, sizeof(cache_path), "%s/cache", base);
        ASSERT_OK(mkdir(layout, 0755));
        snprintf(path, sizeof(path), "%s/blobs", layout);
        ASSERT_OK(mkdir(path, 0755));
        snprintf(path, sizeof(path), "%s/blobs/sha256", layout);
        ASSERT_OK(mkdir(path, 0755));
        write_file(layout, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);

        write_blob(layout, good.data, good.size, layer_d);
        ASSERT_TRUE(asprintf(&config,
                             "{\"architecture\":\"%s\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                             "\"layers\",\"diff_ids\":[\"%s\"]}}",
                             oci_host_architecture(), layer_d) > 0);
        write_blob(layout, config, strlen(config), config_d);
        ASSERT_TRUE(asprintf(&manifest,
                             "{\"schemaVersion\":2,\"mediaType\":\"" OCI_MT_MANIFEST
                             "\",\"config\":{\"mediaType\":\"" OCI_MT_CONFIG
                             "\",\"digest\":\"%s\",\"size\":%zu},\"layers\":[{\"mediaType\":"
                             "\"" MT_LAYER_TAR "\",\"digest\":\"%s\",\"size\":%zu}]}",
                             config_d, strlen(config), layer_d, good.size) > 0);
        write_blob(layout, manifest, strlen(manifest), manifest_d);
        ASSERT_TRUE(asprintf(&index,
                             "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" OCI_MT_MANIFEST
                             "\",\"digest\":\"%s\",\"size\":%zu}]}",
                             manifest_d, strlen(manifest)) > 0);
        write_file(layout, "index.json", index, strlen(index));

        ASSERT_OK(image_open(layout, NULL, &img, &e));
        ASSERT_OK(image_cache_open(cache_path, &cache, &e));

        /* The blob is the caller's own file, 0644, which the cache once read twice: hashed, then
         * rewound and unpacked in place. It must be read once, into a private copy, so a change
         * after its check reaches nothing (the lseek() above would make one at a rewind). */
        snprintf(path, sizeof(path), "%s/blobs/sha256/%s", layout, digest_hex(layer_d));
        ASSERT_OK(stat(path, &st));
        mutate_path = path;
        mutate_data = evil.data;
        mutate_size = evil.size;
        mutate_ino = st.st_ino;
        r = image_prepare_layers(img, cache, NULL, &layers, &e);
        mutate_path = NULL;
        ASSERT_EQ(mutations, 0);
        if (r < 0)
                printf("# %s\n", e.msg);
        ASSERT_OK(r);
        {
                /* only the bytes that were checked may be what the cache holds */
                char got[16] = "";
                int fd;

                ASSERT_EQ(layers.n, 1);
                snprintf(path, sizeof(path), "%s/hello", layers.dirs[0]);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                ASSERT_TRUE(fd >= 0);
                ASSERT_TRUE(read(fd, got, sizeof(got) - 1) >= 0);
                close(fd);
                ASSERT_STREQ(got, "good\n");
                image_layers_done(&layers);
        }
        ASSERT_EQ(test_rm_rf(base), 0);
}

TEST_MAIN
