/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The JSON documents of an OCI image layout (image-spec v1.0/v1.1): index.json and nested image
 * indexes, image manifests and image configs, parsed from memory.
 *
 * Every input here is attacker-controlled (an image is whatever a download produced), so:
 *   - jansson with JSON_REJECT_DUPLICATES: {"digest": A, "digest": B} is an error, never "the
 *     last one wins" (a verifier and a runtime that pick different duplicates see different
 *     images: the CVE-2017-12635 class of parser differentials);
 *   - trailing data after the document, NUL in strings (\u0000) and invalid UTF-8 are errors;
 *   - documents larger than OCI_JSON_MAX are refused before parsing;
 *   - digests must be "sha256:" + 64 lowercase hex (digest_is_valid()), sizes non-negative
 *     integers, media types among the ones we can use; arrays are capped.
 * Unknown members are ignored, as the image spec requires of readers.
 *
 * Functions return 0 or a negative errno (-EBADMSG for a malformed document, -EOPNOTSUPP for a
 * well-formed one we do not support, -E2BIG for the caps, -ENOMEM) and, with e, a one-line message
 * that names the member ("manifest: layers[2].digest: ..."). ret is written only on success. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"

#define OCI_JSON_MAX   (4U * 1024U * 1024U) /* index, manifest, config (and signatures) */
#define OCI_LAYERS_MAX 128U                 /* overlayfs stacks at most 500 lowerdirs */
#define OCI_LIST_MAX   4096U                /* manifests in an index, Env/Cmd entries */

#define OCI_MT_INDEX            "application/vnd.oci.image.index.v1+json"
#define OCI_MT_MANIFEST         "application/vnd.oci.image.manifest.v1+json"
#define OCI_MT_CONFIG           "application/vnd.oci.image.config.v1+json"
#define OCI_MT_DOCKER_LIST      "application/vnd.docker.distribution.manifest.list.v2+json"
#define OCI_MT_DOCKER_MANIFEST  "application/vnd.docker.distribution.manifest.v2+json"
#define OCI_MT_DOCKER_CONFIG    "application/vnd.docker.container.image.v1+json"
#define OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"

enum oci_compression {
        OCI_COMPRESSION_NONE,
        OCI_COMPRESSION_GZIP,
        OCI_COMPRESSION_ZSTD,
};

/* A content descriptor (descriptor.md). */
struct oci_descriptor {
        char *media_type;
        char digest[DIGEST_STRING_MAX];
        uint64_t size;
        char *ref_name;      /* annotations["org.opencontainers.image.ref.name"], or NULL */
        char *platform_os;   /* index entries: platform.os, or NULL */
        char *platform_arch; /* platform.architecture, or NULL */
};

struct oci_index {
        struct oci_descriptor *manifests;
        size_t n_manifests;
};

struct oci_layer {
        struct oci_descriptor desc;
        enum oci_compression compression;
};

struct oci_manifest {
        struct oci_descriptor config;
        struct oci_layer *layers;
        size_t n_layers;
};

/* The parts of an image config (config.md) a runtime uses. A missing or null array is NULL; an
 * empty one is an allocated vector with no entries (for Entrypoint, "[]" and null differ: an
 * image may clear its parent's entrypoint). */
struct oci_config {
        char *architecture;
        char *os;
        char **entrypoint;
        char **cmd;
        char **env; /* "NAME=VALUE" each, NAME non-empty */
        char *working_dir;
        char *user;
        char **diff_ids; /* rootfs.diff_ids, digests of the uncompressed layers, lowest first */
        size_t n_diff_ids;
};

/* Is media_type an index (OCI or Docker manifest list) / a manifest (OCI or Docker v2s2)? */
bool oci_media_type_is_index(const char *media_type);
bool oci_media_type_is_manifest(const char *media_type);

int oci_index_parse(const char *data, size_t size, struct oci_index *ret, struct sb_error *e);
int oci_manifest_parse(const char *data, size_t size, struct oci_manifest *ret, struct sb_error *e);
int oci_config_parse(const char *data, size_t size, struct oci_config *ret, struct sb_error *e);

/* NULL-safe, idempotent: free the members and zero the struct. */
void oci_descriptor_done(struct oci_descriptor *d);
void oci_index_done(struct oci_index *i);
void oci_manifest_done(struct oci_manifest *m);
void oci_config_done(struct oci_config *c);

/* The GOARCH-style name of the machine we were built for ("amd64", "arm64", ...). */
const char *oci_host_architecture(void);
