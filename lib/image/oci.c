/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci.h"
#include "strv.h"

/* jansson's own cleanup helper (json_decrefp(), behind json_auto_t). */
#define _cleanup_json_ _cleanup_(json_decrefp)

static int load(const char *doc, const char *data, size_t size, json_t **ret, struct sb_error *e)
{
        json_error_t err;
        json_t *j;

        if (size > OCI_JSON_MAX)
                return sb_error_set(e, -E2BIG, "%s: larger than %u bytes", doc, OCI_JSON_MAX);
        /* Duplicated members are an error, not "last one wins"; trailing data and \u0000 are
         * refused by default. */
        j = json_loadb(data, size, JSON_REJECT_DUPLICATES, &err);
        if (!j)
                return sb_error_set(e, -EBADMSG, "%s: invalid JSON at line %d, column %d: %s", doc,
                                    err.line, err.column, err.text);
        if (!json_is_object(j)) {
                json_decref(j);
                return sb_error_set(e, -EBADMSG, "%s: not a JSON object", doc);
        }
        *ret = j;
        return 0;
}

static int check_schema_version(const char *doc, json_t *root, struct sb_error *e)
{
        json_t *v = json_object_get(root, "schemaVersion");

        if (!json_is_integer(v) || json_integer_value(v) != 2)
                return sb_error_set(e, -EOPNOTSUPP, "%s: schemaVersion must be 2", doc);
        return 0;
}

/* A string member: absent → *ret = NULL (or an error when required); wrong type → error. */
static int get_string(const char *doc, const char *where, json_t *obj, const char *key,
                      bool required, char **ret, struct sb_error *e)
{
        json_t *v = json_object_get(obj, key);
        char *s;

        if (!v || (json_is_null(v) && !required)) {
                if (required)
                        return sb_error_set(e, -EBADMSG, "%s: %s%s%s is missing", doc, where,
                                            where[0] ? "." : "", key);
                *ret = NULL;
                return 0;
        }
        if (!json_is_string(v))
                return sb_error_set(e, -EBADMSG, "%s: %s%s%s is not a string", doc, where,
                                    where[0] ? "." : "", key);
        s = strdup(json_string_value(v));
        if (!s)
                return sb_error_set(e, -ENOMEM, "%s: out of memory", doc);
        *ret = s;
        return 0;
}

/* null or absent → NULL; [] → an empty vector. */
static int get_string_array(const char *doc, json_t *obj, const char *key, char ***ret,
                            struct sb_error *e)
{
        json_t *a = json_object_get(obj, key), *v;
        _cleanup_strv_free_ char **l = NULL;
        size_t i;

        if (!a || json_is_null(a)) {
                *ret = NULL;
                return 0;
        }
        if (!json_is_array(a))
                return sb_error_set(e, -EBADMSG, "%s: %s is not an array", doc, key);
        if (json_array_size(a) > OCI_LIST_MAX)
                return sb_error_set(e, -E2BIG, "%s: %s has more than %u entries", doc, key,
                                    OCI_LIST_MAX);
        l = calloc(1, sizeof(char *));
        if (!l)
                return sb_error_set(e, -ENOMEM, "%s: out of memory", doc);
        json_array_foreach(a, i, v)
        {
                if (!json_is_string(v))
                        return sb_error_set(e, -EBADMSG, "%s: %s[%zu] is not a string", doc, key,
                                            i);
                if (strv_extend(&l, json_string_value(v)) < 0)
                        return sb_error_set(e, -ENOMEM, "%s: out of memory", doc);
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int parse_descriptor(const char *doc, const char *where, json_t *o,
                            struct oci_descriptor *ret, struct sb_error *e)
{
        struct oci_descriptor d = {};
        _cleanup_free_ char *digest = NULL;
        json_t *size, *annotations, *platform;
        json_int_t n;
        int r;

        if (!json_is_object(o))
                return sb_error_set(e, -EBADMSG, "%s: %s is not an object", doc, where);
        r = get_string(doc, where, o, "mediaType", true, &d.media_type, e);
        if (r < 0)
                goto fail;
        r = get_string(doc, where, o, "digest", true, &digest, e);
        if (r < 0)
                goto fail;
        if (!digest_is_valid(digest)) {
                r = sb_error_set(e, strncmp(digest, "sha256:", 7) == 0 ? -EBADMSG : -EOPNOTSUPP,
                                 "%s: %s.digest is not sha256: and 64 lowercase hex digits", doc,
                                 where);
                goto fail;
        }
        memcpy(d.digest, digest, DIGEST_STRING_MAX);

        size = json_object_get(o, "size");
        if (!json_is_integer(size) || (n = json_integer_value(size)) < 0) {
                r = sb_error_set(e, -EBADMSG, "%s: %s.size is not a non-negative integer", doc,
                                 where);
                goto fail;
        }
        d.size = (uint64_t)n;

        annotations = json_object_get(o, "annotations");
        if (annotations && !json_is_null(annotations)) {
                if (!json_is_object(annotations)) {
                        r = sb_error_set(e, -EBADMSG, "%s: %s.annotations is not an object", doc,
                                         where);
                        goto fail;
                }
                r = get_string(doc, where, annotations, OCI_ANNOTATION_REF_NAME, false, &d.ref_name,
                               e);
                if (r < 0)
                        goto fail;
        }
        platform = json_object_get(o, "platform");
        if (platform && !json_is_null(platform)) {
                if (!json_is_object(platform)) {
                        r = sb_error_set(e, -EBADMSG, "%s: %s.platform is not an object", doc,
                                         where);
                        goto fail;
                }
                r = get_string(doc, where, platform, "os", false, &d.platform_os, e);
                if (r >= 0)
                        r = get_string(doc, where, platform, "architecture", false,
                                       &d.platform_arch, e);
                if (r < 0)
                        goto fail;
        }
        *ret = d;
        return 0;
fail:
        oci_descriptor_done(&d);
        return r;
}

void oci_descriptor_done(struct oci_descriptor *d)
{
        if (!d)
                return;
        free(d->media_type);
        free(d->ref_name);
        free(d->platform_os);
        free(d->platform_arch);
        *d = (struct oci_descriptor){};
}

bool oci_media_type_is_index(const char *t)
{
        return t && (streq(t, OCI_MT_INDEX) || streq(t, OCI_MT_DOCKER_LIST));
}

bool oci_media_type_is_manifest(const char *t)
{
        return t && (streq(t, OCI_MT_MANIFEST) || streq(t, OCI_MT_DOCKER_MANIFEST));
}

/* The layer media types we can unpack. "nondistributable" layers are deprecated but still plain
 * tar archives; Docker's own type is gzip-compressed. Anything else (encrypted layers, other
 * compressions, artifacts) is refused rather than guessed at. */
static int layer_compression(const char *t, enum oci_compression *ret)
{
        static const struct {
                const char *type;
                enum oci_compression c;
        } table[] = {
            {"application/vnd.oci.image.layer.v1.tar", OCI_COMPRESSION_NONE},
            {"application/vnd.oci.image.layer.v1.tar+gzip", OCI_COMPRESSION_GZIP},
            {"application/vnd.oci.image.layer.v1.tar+zstd", OCI_COMPRESSION_ZSTD},
            {"application/vnd.oci.image.layer.nondistributable.v1.tar", OCI_COMPRESSION_NONE},
            {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", OCI_COMPRESSION_GZIP},
            {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", OCI_COMPRESSION_ZSTD},
            {"application/vnd.docker.image.rootfs.diff.tar.gzip", OCI_COMPRESSION_GZIP},
            {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", OCI_COMPRESSION_GZIP},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(t, table[i].type)) {
                        *ret = table[i].c;
                        return 0;
                }
        return -EOPNOTSUPP;
}

/* An index and a manifest open alike: JSON, schemaVersion 2, and an optional mediaType that, when
 * present, must name this kind of document (an index handed where a manifest is expected must
 * fail, not parse as an empty one). */
static int load_top_level(const char *doc, const char *data, size_t size,
                          bool (*media_type_is_kind)(const char *t), const char *kind, json_t **ret,
                          struct sb_error *e)
{
        _cleanup_json_ json_t *root = NULL;
        _cleanup_free_ char *media_type = NULL;
        int r;

        r = load(doc, data, size, &root, e);
        if (r < 0)
                return r;
        r = check_schema_version(doc, root, e);
        if (r < 0)
                return r;
        r = get_string(doc, "", root, "mediaType", false, &media_type, e);
        if (r < 0)
                return r;
        if (media_type && !media_type_is_kind(media_type))
                return sb_error_set(e, -EOPNOTSUPP, "%s: mediaType \"%s\" is not an %s", doc,
                                    media_type, kind);
        *ret = TAKE_PTR(root);
        return 0;
}

int oci_index_parse(const char *data, size_t size, struct oci_index *ret, struct sb_error *e)
{
        static const char doc[] = "image index";
        _cleanup_json_ json_t *root = NULL;
        struct oci_index idx = {};
        json_t *manifests, *m;
        size_t i;
        int r;

        r = load_top_level(doc, data, size, oci_media_type_is_index, "image index", &root, e);
        if (r < 0)
                return r;
        manifests = json_object_get(root, "manifests");
        if (!json_is_array(manifests))
                return sb_error_set(e, -EBADMSG, "%s: manifests is missing or not an array", doc);
        if (json_array_size(manifests) > OCI_LIST_MAX)
                return sb_error_set(e, -E2BIG, "%s: more than %u manifests", doc, OCI_LIST_MAX);
        idx.manifests = calloc(json_array_size(manifests) + 1, sizeof(*idx.manifests));
        if (!idx.manifests)
                return sb_error_set(e, -ENOMEM, "%s: out of memory", doc);
        json_array_foreach(manifests, i, m)
        {
                char where[32];

                snprintf(where, sizeof(where), "manifests[%zu]", i);
                r = parse_descriptor(doc, where, m, &idx.manifests[i], e);
                if (r < 0) {
                        oci_index_done(&idx);
                        return r;
                }
                idx.n_manifests++;
        }
        *ret = idx;
        return 0;
}

void oci_index_done(struct oci_index *i)
{
        if (!i)
                return;
        for (size_t k = 0; k < i->n_manifests; k++)
                oci_descriptor_done(&i->manifests[k]);
        free(i->manifests);
        *i = (struct oci_index){};
}

int oci_manifest_parse(const char *data, size_t size, struct oci_manifest *ret, struct sb_error *e)
{
        static const char doc[] = "manifest";
        _cleanup_json_ json_t *root = NULL;
        struct oci_manifest man = {};
        json_t *layers, *l;
        size_t i;
        int r;

        r = load_top_level(doc, data, size, oci_media_type_is_manifest, "image manifest", &root, e);
        if (r < 0)
                return r;
        r = parse_descriptor(doc, "config", json_object_get(root, "config"), &man.config, e);
        if (r < 0)
                return r;
        if (!streq(man.config.media_type, OCI_MT_CONFIG) &&
            !streq(man.config.media_type, OCI_MT_DOCKER_CONFIG)) {
                r = sb_error_set(
                    e, -EOPNOTSUPP,
                    "%s: config.mediaType \"%s\" is not an image config (an artifact?)", doc,
                    man.config.media_type);
                goto fail;
        }
        layers = json_object_get(root, "layers");
        if (!json_is_array(layers)) {
                r = sb_error_set(e, -EBADMSG, "%s: layers is missing or not an array", doc);
                goto fail;
        }
        if (json_array_size(layers) > OCI_LAYERS_MAX) {
                r = sb_error_set(e, -E2BIG, "%s: more than %u layers", doc, OCI_LAYERS_MAX);
                goto fail;
        }
        man.layers = calloc(json_array_size(layers) + 1, sizeof(*man.layers));
        if (!man.layers) {
                r = sb_error_set(e, -ENOMEM, "%s: out of memory", doc);
                goto fail;
        }
        json_array_foreach(layers, i, l)
        {
                char where[32];

                snprintf(where, sizeof(where), "layers[%zu]", i);
                r = parse_descriptor(doc, where, l, &man.layers[i].desc, e);
                if (r < 0)
                        goto fail;
                man.n_layers++;
                if (layer_compression(man.layers[i].desc.media_type, &man.layers[i].compression) <
                    0) {
                        r = sb_error_set(e, -EOPNOTSUPP,
                                         "%s: %s.mediaType \"%s\" is not a layer type we can "
                                         "unpack (tar, tar+gzip, tar+zstd)",
                                         doc, where, man.layers[i].desc.media_type);
                        goto fail;
                }
        }
        *ret = man;
        return 0;
fail:
        oci_manifest_done(&man);
        return r;
}

void oci_manifest_done(struct oci_manifest *m)
{
        if (!m)
                return;
        oci_descriptor_done(&m->config);
        for (size_t k = 0; k < m->n_layers; k++)
                oci_descriptor_done(&m->layers[k].desc);
        free(m->layers);
        *m = (struct oci_manifest){};
}

int oci_config_parse(const char *data, size_t size, struct oci_config *ret, struct sb_error *e)
{
        static const char doc[] = "image config";
        _cleanup_json_ json_t *root = NULL;
        _cleanup_free_ char *rootfs_type = NULL;
        struct oci_config c = {};
        json_t *config, *rootfs;
        int r;

        r = load(doc, data, size, &root, e);
        if (r < 0)
                return r;
        r = get_string(doc, "", root, "architecture", true, &c.architecture, e);
        if (r >= 0)
                r = get_string(doc, "", root, "os", true, &c.os, e);
        if (r < 0)
                goto fail;

        config = json_object_get(root, "config");
        if (config && !json_is_null(config)) {
                if (!json_is_object(config)) {
                        r = sb_error_set(e, -EBADMSG, "%s: config is not an object", doc);
                        goto fail;
                }
                if ((r = get_string_array(doc, config, "Entrypoint", &c.entrypoint, e)) < 0 ||
                    (r = get_string_array(doc, config, "Cmd", &c.cmd, e)) < 0 ||
                    (r = get_string_array(doc, config, "Env", &c.env, e)) < 0 ||
                    (r = get_string(doc, "config", config, "WorkingDir", false, &c.working_dir,
                                    e)) < 0 ||
                    (r = get_string(doc, "config", config, "User", false, &c.user, e)) < 0)
                        goto fail;
                STRV_FOREACH (v, c.env) {
                        const char *eq = strchr(*v, '=');

                        if (!eq || eq == *v) {
                                r = sb_error_set(e, -EBADMSG,
                                                 "%s: config.Env entry \"%.64s\" is not NAME=VALUE",
                                                 doc, *v);
                                goto fail;
                        }
                }
                if (c.working_dir && c.working_dir[0] != '\0' && c.working_dir[0] != '/') {
                        r = sb_error_set(e, -EBADMSG,
                                         "%s: config.WorkingDir \"%.64s\" is not absolute", doc,
                                         c.working_dir);
                        goto fail;
                }
        }

        rootfs = json_object_get(root, "rootfs");
        if (!json_is_object(rootfs)) {
                r = sb_error_set(e, -EBADMSG, "%s: rootfs is missing or not an object", doc);
                goto fail;
        }
        r = get_string(doc, "rootfs", rootfs, "type", true, &rootfs_type, e);
        if (r < 0)
                goto fail;
        if (!streq(rootfs_type, "layers")) {
                r = sb_error_set(e, -EOPNOTSUPP, "%s: rootfs.type must be \"layers\"", doc);
                goto fail;
        }
        {
                json_t *ids = json_object_get(rootfs, "diff_ids");
                if (!json_is_array(ids)) {
                        r = sb_error_set(e, -EBADMSG, "%s: rootfs.diff_ids is not an array", doc);
                        goto fail;
                }
                if (json_array_size(ids) > OCI_LAYERS_MAX) {
                        r = sb_error_set(e, -E2BIG, "%s: more than %u diff_ids", doc,
                                         OCI_LAYERS_MAX);
                        goto fail;
                }
                r = get_string_array(doc, rootfs, "diff_ids", &c.diff_ids, e);
                if (r < 0)
                        goto fail;
                c.n_diff_ids = strv_length(c.diff_ids);
                for (size_t i = 0; i < c.n_diff_ids; i++)
                        if (!digest_is_valid(c.diff_ids[i])) {
                                r = sb_error_set(e, -EBADMSG,
                                                 "%s: rootfs.diff_ids[%zu] is not sha256: and 64 "
                                                 "lowercase hex digits",
                                                 doc, i);
                                goto fail;
                        }
        }
        *ret = c;
        return 0;
fail:
        oci_config_done(&c);
        return r;
}

void oci_config_done(struct oci_config *c)
{
        if (!c)
                return;
        free(c->architecture);
        free(c->os);
        strv_free(c->entrypoint);
        strv_free(c->cmd);
        strv_free(c->env);
        free(c->working_dir);
        free(c->user);
        strv_free(c->diff_ids);
        *c = (struct oci_config){};
}

const char *oci_host_architecture(void)
{
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#elif defined(__i386__)
        return "386";
#elif defined(__arm__)
        return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return "ppc64le";
#elif defined(__s390x__)
        return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
        return "riscv64";
#else
        return "unknown";
#endif
}
