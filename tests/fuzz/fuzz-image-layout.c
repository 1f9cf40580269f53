/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz how an image is found in an OCI layout (lib/image/layout.c): tag selection in index.json,
 * nested image indexes and their platform entries, the reading and verification of the manifest
 * and config blobs, and the checks between them (fuzz-oci-json fuzzes each document alone).
 *
 * The input is NUL-separated parts: the tag ("" for none), oci-layout, index.json, then up to
 * FUZZ_BLOBS blobs. A blob can only be named by its SHA-256, which no fuzzer guesses, so before
 * the files are written "@N" in a part becomes the digest of blob N (N = 0-9, blob 0 is the
 * part after index.json) and "#N" its size. A blob may name only the blobs after it (the
 * placeholders are resolved from the last blob to the first), so nothing refers to itself.
 *
 * Each input is written as a layout in a fresh directory and opened. Oracles (abort() on
 * violation): no crash or sanitizer report; a refusal carries a message; an image that opens
 * has a manifest whose bytes hash to its digest and which is one of the blobs, a config for
 * linux on this machine's architecture, one diff_id per layer, and the tag asked for (which
 * image_layout_tags() lists); image_ref_parse() splits "PATH:TAG" into parts that make it again,
 * with a valid tag. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "image-util.h"
#include "image.h"
#include "strv.h"

#define FUZZ_INPUT_MAX (256U * 1024U)
#define FUZZ_BLOBS     10
#define FUZZ_PARTS     (3 + FUZZ_BLOBS)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int base_fd = -1;
static char base_path[] = "/tmp/fuzz-image-layout.XXXXXX";

static void remove_base(void)
{
        (void)rm_rf_at(base_fd, "layout");
        (void)rmdir(base_path);
}

struct part {
        char *data;
        size_t size;
        char digest[DIGEST_STRING_MAX];
};

/* Replace "@N" and "#N" in p by the digest and size of blob N, for N > self (-1: any blob). */
static int resolve(struct part *p, struct part *blobs, size_t n_blobs, int self)
{
        char *out = NULL;
        size_t out_size = 0;
        FILE *f = open_memstream(&out, &out_size);

        if (!f)
                return -1;
        for (size_t k = 0; k < p->size; k++) {
                char c = p->data[k];
                int n = k + 1 < p->size ? p->data[k + 1] - '0' : -1;

                if ((c == '@' || c == '#') && n >= 0 && n < (int)n_blobs && n > self) {
                        if (c == '@')
                                fputs(blobs[n].digest, f);
                        else
                                fprintf(f, "%zu", blobs[n].size);
                        k++;
                } else {
                        fputc(c, f);
                }
        }
        if (fclose(f) != 0)
                return -1;
        free(p->data);
        p->data = out;
        p->size = out_size;
        return 0;
}

static void write_file(int dir_fd, const char *name, const struct part *p)
{
        int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        if (fd < 0 || (p->size > 0 && write(fd, p->data, p->size) != (ssize_t)p->size))
                abort();
        close(fd);
}

static bool tag_ok(const char *t)
{
        size_t n = strlen(t);

        if (n == 0 || n > 128 ||
            strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_.-") != n)
                return false;
        return t[0] != '.' && t[0] != '-';
}

static void check_ref(const char *tag)
{
        char ref[300], back[600], *path = NULL, *t = NULL;

        if (strlen(tag) > 256)
                return;
        snprintf(ref, sizeof(ref), "/srv/images/app:%s", tag);
        if (image_ref_parse(ref, &path, &t) < 0)
                return;
        snprintf(back, sizeof(back), "%s%s%s", path, t ? ":" : "", t ? t : "");
        if (!streq(back, ref) || path[0] == '\0' || (t && (!tag_ok(t) || strchr(t, '/'))))
                abort();
        free(path);
        free(t);
}

static void check_open(const char *path, const char *tag, const struct part *blobs, size_t n_blobs)
{
        struct image *img = NULL;
        struct sb_error e = {};
        char **tags = NULL, digest[DIGEST_STRING_MAX];
        bool known = false;

        if (image_open(path, tag, &img, &e) < 0) {
                if (e.msg[0] == '\0')
                        abort();
                return;
        }
        if (sha256_string(img->manifest_data, img->manifest_size, digest) < 0)
                abort();
        if (!streq(digest, img->manifest_digest))
                abort();
        for (size_t k = 0; k < n_blobs; k++)
                known = known || streq(blobs[k].digest, digest);
        if (!known || !streq(img->config.os, "linux") ||
            !streq(img->config.architecture, oci_host_architecture()) ||
            img->config.n_diff_ids != img->manifest.n_layers)
                abort();
        if (tag && (image_layout_tags(path, &tags, NULL) < 0 || strv_find(tags, tag) < 0))
                abort();
        e.msg[0] = '\0';
        if (image_verify_layers(img, &e) < 0 && e.msg[0] == '\0')
                abort();
        strv_free(tags);
        image_free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct part parts[FUZZ_PARTS] = {}, *blobs = parts + 3;
        size_t n_parts = 0, n_blobs;
        char path[sizeof(base_path) + 16];
        int layout_fd, dir_fd;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        if (base_fd < 0) {
                if (!mkdtemp(base_path))
                        abort();
                base_fd = open(base_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (base_fd < 0)
                        abort();
                atexit(remove_base);
        }
        for (size_t pos = 0; pos <= size && n_parts < FUZZ_PARTS;) {
                const uint8_t *nul = memchr(data + pos, '\0', size - pos);
                size_t n = nul ? (size_t)(nul - (data + pos)) : size - pos;

                parts[n_parts].data = malloc(n + 1);
                if (!parts[n_parts].data)
                        goto out;
                memcpy(parts[n_parts].data, data + pos, n);
                parts[n_parts].data[n] = '\0';
                parts[n_parts++].size = n;
                pos += n + 1;
        }
        if (n_parts < 3)
                goto out;
        n_blobs = n_parts - 3;
        for (int k = (int)n_blobs - 1; k >= 0; k--)
                if (resolve(&blobs[k], blobs, n_blobs, k) < 0 ||
                    sha256_string(blobs[k].data, blobs[k].size, blobs[k].digest) < 0)
                        goto out;
        for (size_t k = 1; k < 3; k++)
                if (resolve(&parts[k], blobs, n_blobs, -1) < 0)
                        goto out;

        if (mkdirat(base_fd, "layout", 0700) < 0)
                abort();
        layout_fd = openat(base_fd, "layout", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (layout_fd < 0 || mkdirat(layout_fd, "blobs", 0700) < 0 ||
            mkdirat(layout_fd, "blobs/sha256", 0700) < 0)
                abort();
        dir_fd = openat(layout_fd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                abort();
        write_file(layout_fd, "oci-layout", &parts[1]);
        write_file(layout_fd, "index.json", &parts[2]);
        for (size_t k = 0; k < n_blobs; k++)
                write_file(dir_fd, digest_hex(blobs[k].digest), &blobs[k]);
        close(dir_fd);
        close(layout_fd);

        snprintf(path, sizeof(path), "%s/layout", base_path);
        check_open(path, parts[0].data[0] ? parts[0].data : NULL, blobs, n_blobs);
        check_ref(parts[0].data);
        if (rm_rf_at(base_fd, "layout") < 0)
                abort();
out:
        for (size_t k = 0; k < n_parts; k++)
                free(parts[k].data);
        return 0;
}
