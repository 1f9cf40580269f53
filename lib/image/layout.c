/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-util.h"
#include "image.h"
#include "strv.h"

#define BLOB_BUFFER_SIZE (1U << 20)

static bool tag_is_valid(const char *t)
{
        size_t n = strlen(t);

        if (n == 0 || n > 128)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = t[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '_';
                if (!alnum && (i == 0 || (c != '.' && c != '-')))
                        return false;
        }
        return true;
}

int image_ref_parse(const char *ref, char **ret_path, char **ret_tag)
{
        const char *colon = strrchr(ref, ':');
        _cleanup_free_ char *path = NULL, *tag = NULL;

        if (colon && !strchr(colon, '/')) {
                path = strndup(ref, (size_t)(colon - ref));
                tag = strdup(colon + 1);
                if (!path || !tag)
                        return -ENOMEM;
                if (!tag_is_valid(tag))
                        return -EINVAL;
        } else {
                path = strdup(ref);
                if (!path)
                        return -ENOMEM;
        }
        if (path[0] == '\0')
                return -EINVAL;
        *ret_path = TAKE_PTR(path);
        *ret_tag = TAKE_PTR(tag);
        return 0;
}

static const char *short_digest(const char *digest, char buf[static 20])
{
        snprintf(buf, 20, "%.19s", digest);
        return buf;
}

int image_blob_open(int layout_fd, const char *digest, uint64_t size, struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        char path[sizeof("blobs/sha256/") + DIGEST_HEX_LEN], sd[20];
        struct stat st;

        if (!digest_is_valid(digest))
                return sb_error_set(e, -EBADMSG, "invalid blob digest");
        snprintf(path, sizeof(path), "blobs/sha256/%s", digest_hex(digest));
        /* O_NONBLOCK: a FIFO planted under a blob's name must not hang us in open(). */
        fd = openat_beneath(layout_fd, path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
        if (fd == -ENOENT)
                return sb_error_set(e, fd, "blob %s is missing from the layout", digest);
        if (fd == -ELOOP || fd == -EXDEV)
                return sb_error_set(e, -ELOOP, "blob %s is a symlink: refused", digest);
        if (fd < 0)
                return sb_error_set(e, fd, "cannot open blob %s: %m", digest);
        if (fstat(fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat blob %s: %m", digest);
        if (!S_ISREG(st.st_mode))
                return sb_error_set(e, -EBADMSG, "blob %s is not a regular file", digest);
        /* The size check comes first: it is free, and the descriptor's size is what bounds every
         * later read. */
        if ((uint64_t)st.st_size != size)
                return sb_error_set(e, -EBADMSG,
                                    "blob %s: size mismatch: %jd bytes on disk, the descriptor "
                                    "says %ju",
                                    short_digest(digest, sd), (intmax_t)st.st_size,
                                    (uintmax_t)size);
        if (fcntl(fd, F_SETFL, 0) < 0)
                return sb_error_set(e, -errno, "cannot use blob %s: %m", digest);
        return TAKE_FD(fd);
}

/* Read a small blob (JSON) into memory and check it there: what is parsed is exactly what was
 * hashed, whatever happens to the file afterwards. */
static int blob_read(int layout_fd, const struct oci_descriptor *d, const char *what, char **ret,
                     size_t *ret_size, struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        char digest[DIGEST_STRING_MAX];
        size_t size;
        int r;

        if (d->size > OCI_JSON_MAX)
                return sb_error_set(e, -E2BIG, "%s %s: %ju bytes, more than the limit of %u", what,
                                    d->digest, (uintmax_t)d->size, OCI_JSON_MAX);
        fd = image_blob_open(layout_fd, d->digest, d->size, e);
        if (fd < 0)
                return fd;
        r = read_regular_fd(fd, (size_t)d->size, &buf, &size, NULL);
        if (r == -E2BIG || (r >= 0 && size != d->size))
                return sb_error_set(e, -EBADMSG, "%s %s changed size while being read", what,
                                    d->digest);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s %s: %m", what, d->digest);
        r = sha256_string(buf, size, digest);
        if (r < 0)
                return sb_error_set(e, r, "out of memory");
        if (!streq(digest, d->digest))
                return sb_error_set(e, -EBADMSG,
                                    "%s %s: digest mismatch: the content hashes to %s (tampered "
                                    "or corrupt)",
                                    what, d->digest, digest);
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

/* A small non-blob file of the layout (oci-layout, index.json). */
static int layout_read_file(int layout_fd, const char *name, char **ret, size_t *ret_size,
                            struct sb_error *e)
{
        _cleanup_close_ int fd = openat_beneath(layout_fd, name, O_RDONLY | O_NOCTTY | O_NONBLOCK);
        int r;

        if (fd == -ELOOP || fd == -EXDEV)
                return sb_error_set(e, -ELOOP, "%s is a symlink: refused", name);
        if (fd < 0)
                return sb_error_set(e, fd, "cannot open %s: %m", name);
        r = read_regular_fd(fd, OCI_JSON_MAX, ret, ret_size, NULL);
        if (r == -E2BIG)
                return sb_error_set(e, r, "%s is larger than %u bytes", name, OCI_JSON_MAX);
        if (r == -EBADFD)
                return sb_error_set(e, -EBADMSG, "%s is not a regular file", name);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s: %m", name);
        return 0;
}

static int check_oci_layout(int layout_fd, const char *path, struct sb_error *e)
{
        _cleanup_free_ char *data = NULL;
        json_error_t err;
        json_t *j, *v;
        size_t size;
        int r;

        r = layout_read_file(layout_fd, "oci-layout", &data, &size, e);
        if (r == -ENOENT)
                return sb_error_set(e, r, "%s is not an OCI image layout (no oci-layout file)",
                                    path);
        if (r < 0)
                return r;
        j = json_loadb(data, size, JSON_REJECT_DUPLICATES, &err);
        if (!j)
                return sb_error_set(e, -EBADMSG, "%s/oci-layout: invalid JSON: %s", path, err.text);
        v = json_object_get(j, "imageLayoutVersion");
        r = json_is_string(v) && streq(json_string_value(v), "1.0.0") ? 0 : -EOPNOTSUPP;
        json_decref(j);
        if (r < 0)
                return sb_error_set(e, r, "%s/oci-layout: imageLayoutVersion is not \"1.0.0\"",
                                    path);
        return 0;
}

static int open_layout(const char *path, int *ret_fd, struct oci_index *ret_index,
                       struct sb_error *e)
{
        _cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_free_ char *data = NULL;
        struct sb_error e2 = {};
        size_t size;
        int r;

        if (fd < 0)
                return sb_error_set(e, -errno, "cannot open image layout %s: %m", path);
        r = check_oci_layout(fd, path, e);
        if (r < 0)
                return r;
        r = layout_read_file(fd, "index.json", &data, &size, e);
        if (r < 0)
                return r;
        r = oci_index_parse(data, size, ret_index, &e2);
        if (r < 0)
                return sb_error_set(e, r, "%s/index.json: %s", path, e2.msg);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static char *tags_string(const struct oci_index *idx)
{
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);

        if (!f)
                return NULL;
        for (size_t i = 0, n = 0; i < idx->n_manifests; i++)
                if (idx->manifests[i].ref_name)
                        fprintf(f, "%s%.64s", n++ ? ", " : "", idx->manifests[i].ref_name);
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

static int select_by_tag(const char *path, const struct oci_index *idx, const char *tag,
                         const struct oci_descriptor **ret, struct sb_error *e)
{
        const struct oci_descriptor *found = NULL;
        _cleanup_free_ char *tags = NULL;

        if (!tag) {
                if (idx->n_manifests == 1) {
                        *ret = &idx->manifests[0];
                        return 0;
                }
                tags = tags_string(idx);
                return sb_error_set(e, idx->n_manifests == 0 ? -ENOENT : -EINVAL,
                                    "%s holds %zu images; name one as %s:TAG (tags: %s)", path,
                                    idx->n_manifests, path, tags && tags[0] ? tags : "none");
        }
        for (size_t i = 0; i < idx->n_manifests; i++) {
                if (!idx->manifests[i].ref_name || !streq(idx->manifests[i].ref_name, tag))
                        continue;
                /* Two images under one tag: which one runs would depend on file order. */
                if (found)
                        return sb_error_set(e, -EBADMSG, "%s: tag %s names more than one image",
                                            path, tag);
                found = &idx->manifests[i];
        }
        if (!found) {
                tags = tags_string(idx);
                return sb_error_set(e, -ENOENT, "%s has no image tagged %s (tags: %s)", path, tag,
                                    tags && tags[0] ? tags : "none");
        }
        *ret = found;
        return 0;
}

/* A nested index (multi-platform image): the linux entry for this machine's architecture. */
static int select_platform(const struct oci_index *idx, const struct oci_descriptor **ret,
                           struct sb_error *e)
{
        const struct oci_descriptor *found = NULL;
        const char *arch = oci_host_architecture();

        for (size_t i = 0; i < idx->n_manifests; i++) {
                const struct oci_descriptor *d = &idx->manifests[i];

                if (!d->platform_os || !d->platform_arch || !streq(d->platform_os, "linux") ||
                    !streq(d->platform_arch, arch) || !oci_media_type_is_manifest(d->media_type))
                        continue;
                if (found)
                        return sb_error_set(e, -EBADMSG,
                                            "the image index names more than one linux/%s image",
                                            arch);
                found = d;
        }
        if (!found)
                return sb_error_set(e, -ENOENT, "the image index has no image for linux/%s", arch);
        *ret = found;
        return 0;
}

int image_open_unparsed(const char *path, const char *tag, struct image **ret, struct sb_error *e)
{
        _cleanup_image_free_ struct image *img = NULL;
        struct oci_index top = {}, nested = {};
        const struct oci_descriptor *d = NULL;
        _cleanup_free_ char *nested_data = NULL;
        struct sb_error e2 = {};
        size_t size;
        char sd[20];
        int r;

        img = calloc(1, sizeof(*img));
        if (!img)
                return sb_error_set(e, -ENOMEM, "out of memory");
        img->layout_fd = -EBADF;
        img->layout_path = strdup(path);
        img->tag = tag ? strdup(tag) : NULL;
        if (!img->layout_path || (tag && !img->tag))
                return sb_error_set(e, -ENOMEM, "out of memory");

        r = open_layout(path, &img->layout_fd, &top, e);
        if (r < 0)
                return r;
        r = select_by_tag(path, &top, tag, &d, e);
        if (r < 0)
                goto out;

        if (oci_media_type_is_index(d->media_type)) {
                r = blob_read(img->layout_fd, d, "image index", &nested_data, &size, e);
                if (r < 0)
                        goto out;
                r = oci_index_parse(nested_data, size, &nested, &e2);
                if (r < 0) {
                        r = sb_error_set(e, r, "%s: %s", short_digest(d->digest, sd), e2.msg);
                        goto out;
                }
                r = select_platform(&nested, &d, e);
                if (r < 0)
                        goto out;
        }
        if (!oci_media_type_is_manifest(d->media_type)) {
                r = sb_error_set(e, -EOPNOTSUPP, "%s%s%s names a %s, not an image manifest", path,
                                 tag ? ":" : "", tag ? tag : "", d->media_type);
                goto out;
        }

        /* The bytes and their digest only: the manifest is not parsed (nor the config it names
         * read) before image_load(), which a caller that checks signatures runs only after the
         * signature over these bytes has been checked. */
        r = blob_read(img->layout_fd, d, "manifest", &img->manifest_data, &img->manifest_size, e);
        if (r < 0)
                goto out;
        memcpy(img->manifest_digest, d->digest, DIGEST_STRING_MAX);
        *ret = TAKE_PTR(img);
        r = 0;
out:
        oci_index_done(&top);
        oci_index_done(&nested);
        return r;
}

int image_load(struct image *img, struct sb_error *e)
{
        _cleanup_free_ char *config_data = NULL;
        struct sb_error e2 = {};
        size_t size;
        char sd[20];
        int r;

        if (img->loaded)
                return 0;
        r = oci_manifest_parse(img->manifest_data, img->manifest_size, &img->manifest, &e2);
        if (r < 0)
                return sb_error_set(e, r, "%s: %s", short_digest(img->manifest_digest, sd), e2.msg);

        r = blob_read(img->layout_fd, &img->manifest.config, "config", &config_data, &size, e);
        if (r < 0)
                return r;
        r = oci_config_parse(config_data, size, &img->config, &e2);
        if (r < 0)
                return sb_error_set(e, r, "%s: %s", short_digest(img->manifest.config.digest, sd),
                                    e2.msg);
        if (!streq(img->config.os, "linux") ||
            !streq(img->config.architecture, oci_host_architecture()))
                return sb_error_set(
                    e, -EOPNOTSUPP, "the image is for %.32s/%.32s, this machine is linux/%s",
                    img->config.os, img->config.architecture, oci_host_architecture());
        if (img->config.n_diff_ids != img->manifest.n_layers)
                return sb_error_set(e, -EBADMSG,
                                    "the manifest has %zu layers but the config lists %zu diff_ids",
                                    img->manifest.n_layers, img->config.n_diff_ids);
        img->loaded = true;
        return 0;
}

int image_open(const char *path, const char *tag, struct image **ret, struct sb_error *e)
{
        _cleanup_image_free_ struct image *img = NULL;
        int r;

        r = image_open_unparsed(path, tag, &img, e);
        if (r < 0)
                return r;
        r = image_load(img, e);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(img);
        return 0;
}

struct image *image_free(struct image *img)
{
        if (!img)
                return NULL;
        safe_close(img->layout_fd);
        free(img->layout_path);
        free(img->tag);
        free(img->manifest_data);
        oci_manifest_done(&img->manifest);
        oci_config_done(&img->config);
        free(img);
        return NULL;
}

int image_layout_tags(const char *path, char ***ret_tags, struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        _cleanup_strv_free_ char **tags = NULL;
        struct oci_index idx = {};
        int r;

        r = open_layout(path, &fd, &idx, e);
        if (r < 0)
                return r;
        tags = calloc(1, sizeof(char *));
        if (!tags)
                r = -ENOMEM;
        for (size_t i = 0; r >= 0 && i < idx.n_manifests; i++)
                if (idx.manifests[i].ref_name)
                        r = strv_extend(&tags, idx.manifests[i].ref_name);
        oci_index_done(&idx);
        if (r < 0)
                return sb_error_set(e, r, "out of memory");
        *ret_tags = TAKE_PTR(tags);
        return 0;
}

int image_blob_verify_fd(int fd, const char *digest, uint64_t size, int copy_fd, struct sb_error *e)
{
        _cleanup_(sha256_freep) struct sha256_ctx *c = sha256_new();
        _cleanup_free_ char *buf = malloc(BLOB_BUFFER_SIZE);
        char got[DIGEST_STRING_MAX], sd[20];
        uint64_t total = 0;

        if (!c || !buf)
                return sb_error_set(e, -ENOMEM, "out of memory");
        for (;;) {
                /* Never read more than the descriptor allows, plus one byte to see growth. */
                size_t want = size - total + 1 < BLOB_BUFFER_SIZE ? (size_t)(size - total + 1)
                                                                  : BLOB_BUFFER_SIZE;
                ssize_t n = read(fd, buf, want);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return sb_error_set(e, -errno, "cannot read blob %s: %m", digest);
                }
                if (n == 0)
                        break;
                total += (uint64_t)n;
                if (total > size)
                        return sb_error_set(e, -EBADMSG, "blob %s grew while being read",
                                            short_digest(digest, sd));
                sha256_update(c, buf, (size_t)n);
                if (copy_fd >= 0) {
                        const char *p = buf;
                        size_t left = (size_t)n;
                        while (left > 0) {
                                ssize_t w = write(copy_fd, p, left);
                                if (w < 0 && errno == EINTR)
                                        continue;
                                if (w <= 0)
                                        return sb_error_set(e, w < 0 ? -errno : -EIO,
                                                            "cannot copy blob %s: %m",
                                                            short_digest(digest, sd));
                                p += w;
                                left -= (size_t)w;
                        }
                }
        }
        if (total != size)
                return sb_error_set(e, -EBADMSG, "blob %s shrank while being read",
                                    short_digest(digest, sd));
        sha256_final_string(TAKE_PTR(c), got);
        if (!streq(got, digest))
                return sb_error_set(e, -EBADMSG,
                                    "blob %s: digest mismatch: the content hashes to %s (tampered "
                                    "or corrupt)",
                                    digest, got);
        if (lseek(copy_fd >= 0 ? copy_fd : fd, 0, SEEK_SET) < 0)
                return sb_error_set(e, -errno, "cannot rewind blob %s: %m",
                                    short_digest(digest, sd));
        return 0;
}

int image_verify_layers(const struct image *img, struct sb_error *e)
{
        for (size_t i = 0; i < img->manifest.n_layers; i++) {
                const struct oci_descriptor *d = &img->manifest.layers[i].desc;
                _cleanup_close_ int fd = image_blob_open(img->layout_fd, d->digest, d->size, e);
                int r;

                if (fd < 0)
                        return fd;
                r = image_blob_verify_fd(fd, d->digest, d->size, -EBADF, e);
                if (r < 0)
                        return r;
        }
        return 0;
}
