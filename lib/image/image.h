/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Images for `sandbox run --image`: an OCI image layout on disk (as `skopeo copy ... oci:DIR:TAG`
 * or umoci write it), resolved by tag to a manifest and a config, and its layers unpacked once
 * into a per-user, content-addressed cache whose directories are stacked with overlayfs.
 *
 * Trust in an image comes from its manifest: the manifest names the config and every layer by
 * size and SHA-256, and the manifest's own digest is what signatures cover (lib/trust). So every
 * blob is checked before any other use, in this order: its size from the descriptor is compared
 * with the file's (fstat, before reading a byte: a blob cannot make us read more than its
 * descriptor allows), then its SHA-256. JSON documents are read into memory, checked and parsed
 * from that same buffer; layer blobs are hashed in full before libarchive sees a byte of them
 * (DESIGN §5: never extract before the digest check). Files are opened below the layout
 * directory with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) and O_NOFOLLOW: a layout is a
 * directory somebody else may have written, and a symlink in it must not make us read (and then
 * trust) a file elsewhere.
 *
 * Errors: functions return 0 or a negative errno; with a struct sb_error they explain it in one
 * line that names the file, the blob or the layer entry. Nothing here prints or logs. Out
 * parameters (ret_*) are written only on success. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "digest.h"
#include "error.h"
#include "oci.h"

/* ---- layouts and images ---------------------------------------------------------------------- */

struct image {
        int layout_fd;     /* O_PATH directory fd of the layout */
        char *layout_path; /* as given */
        char *tag;         /* the tag asked for; NULL when the layout's only image was taken */

        char manifest_digest[DIGEST_STRING_MAX]; /* what signatures name */
        char *manifest_data;                     /* the exact, verified bytes signatures cover */
        size_t manifest_size;
        struct oci_manifest manifest;

        /* Entrypoint, Cmd, Env, WorkingDir, User for the launcher; config.diff_ids match
         * manifest.layers one to one (checked). */
        struct oci_config config;
        bool loaded; /* manifest and config parsed (image_load()) */
};

/* Split "PATH[:TAG]": the tag is what follows the last ':' when no '/' follows it, so
 * "dir:latest" → ("dir", "latest"), "/srv/images/app" → (path, NULL). Tags are
 * [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} (the Docker tag grammar). -EINVAL for an empty path or a bad
 * tag; -ENOMEM. */
int image_ref_parse(const char *ref, char **ret_path, char **ret_tag);

/* Open the layout at path and resolve tag (NULL: the layout must hold exactly one image) through
 * index.json (org.opencontainers.image.ref.name annotations) and at most one nested image index
 * (picking the linux/<host architecture> entry), then read and verify the manifest and the
 * config. The config must be for linux and this machine's architecture. Layer blobs are not read
 * here (image_verify_layers(), image_prepare_layers()). Errors: -ENOENT (no such tag, not a
 * layout), -EBADMSG (malformed or failed verification: size or digest mismatch), -EOPNOTSUPP,
 * -E2BIG, -ELOOP (a symlink in the layout), -errno. */
int image_open(const char *path, const char *tag, struct image **ret, struct sb_error *e);

/* image_open() in two steps, for callers that check a signature: image_open_unparsed() resolves
 * the tag and reads the manifest's exact bytes, checked against the digest the index names
 * (manifest_digest, manifest_data, manifest_size are set), but parses nothing of the manifest
 * and reads nothing it names: a manifest is untrusted until its signature is checked, and its
 * parser and the config's are not exposed to one that has none. image_load() then parses the
 * manifest and reads and verifies the config (once; later calls return 0). Same errors as
 * image_open(). */
int image_open_unparsed(const char *path, const char *tag, struct image **ret, struct sb_error *e);
int image_load(struct image *img, struct sb_error *e);

struct image *image_free(struct image *img);
static inline void image_freep(struct image **img)
{
        image_free(*img);
}
#define _cleanup_image_free_ _cleanup_(image_freep)

/* The tags of every image index.json names (ref.name annotations), in file order. */
int image_layout_tags(const char *path, char ***ret_tags, struct sb_error *e);

/* Hash every layer blob (size first, then SHA-256), e.g. before signing. */
int image_verify_layers(const struct image *img, struct sb_error *e);

/* Open blob digest (size bytes by its descriptor) below layout_fd, read-only, and check its size
 * with fstat; its content is not checked. Returns the fd or -errno. */
int image_blob_open(int layout_fd, const char *digest, uint64_t size, struct sb_error *e);

/* ---- layer unpacking ------------------------------------------------------------------------ */

struct image_unpack_limits {
        uint64_t max_entry_size; /* bytes of one file */
        uint64_t max_total_size; /* bytes of all files of one layer, and of the decompressed tar */
        uint64_t max_entries;    /* entries of one layer, and the directories their paths
                                  * imply without an entry of their own */
};
#define IMAGE_UNPACK_LIMITS_DEFAULT                                                                \
        ((struct image_unpack_limits){.max_entry_size = UINT64_C(16) << 30,                        \
                                      .max_total_size = UINT64_C(64) << 30,                        \
                                      .max_entries = 1000000})

/* Something the unpacker changed rather than refused (a setuid bit it cleared, aufs metadata it
 * skipped): the program may print it. msg names the entry. */
typedef void (*image_notice_fn)(void *userdata, const char *msg);

struct image_unpack_stats {
        uint64_t entries;
        uint64_t bytes; /* file contents written */
        uint64_t whiteouts;
        uint64_t opaque_dirs;
        uint64_t neutralised; /* setuid/setgid bits cleared */
        bool root_opaque;     /* "./.wh..wh..opq": the layers below do not show at all */
};

/* Unpack one layer (a tar stream, compressed as said) from blob_fd into the empty directory
 * dest_fd, in the form overlayfs mounted with "userxattr" reads as a lower layer:
 *
 *   .wh.NAME       → NAME as a character device 0/0, overlayfs' own whiteout. The kernel lets
 *                    unprivileged users create exactly this device (vfs_mknod(), since 5.8), and
 *                    overlayfs honours it in any layer.
 *   .wh..wh..opq   → the directory gets the xattr user.overlay.opaque=y, which overlayfs mounted
 *                    with "userxattr" (the only way it can be mounted in a user namespace, since
 *                    5.11) reads instead of trusted.overlay.opaque. Opacity hides lower layers
 *                    only, never this layer's own entries, so it does not matter where in the tar
 *                    stream the marker comes (the OCI rule "apply the opaque marker before the
 *                    layer's other entries" holds by construction).
 *   a whiteout of a directory this layer itself creates makes that directory opaque instead
 *   (OCI: the whiteout hides the lower layers' content, not this layer's).
 *
 * Hostile layers are refused, naming the entry: absolute paths, ".." components, entries below a
 * symlink (an extractor that follows "x -> /etc" writes x/passwd into the host: the classic tar
 * escape; parents are resolved with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), hardlinks whose target is
 * absolute, climbs with "..", goes through a symlink or is not a file of this layer, device nodes,
 * sockets, more than max_entries entries (implied parent directories count), an entry whose size
 * header exceeds max_entry_size, more than max_total_size bytes in all. Neutralised, with a notice
 * naming the entry: setuid and setgid bits (cleared). Ignored: ownership (everything belongs to the
 * caller, who is the only id a user namespace maps), xattrs and ACLs from the archive (never
 * applied, so no layer can plant user.overlay.* attributes of its own). Symlinks are created as
 * they are: their targets are only ever resolved by the kernel inside the sandbox, whose root is
 * the image.
 *
 * diff_id (may be NULL) is the expected SHA-256 of the uncompressed tar stream (the config's
 * rootfs.diff_ids entry); it is computed while unpacking and a mismatch fails the unpack (the
 * caller discards dest). The compression is the one the media type names; no other filter is
 * enabled (libarchive would otherwise run external programs for some formats). */
int image_layer_unpack(int blob_fd, enum oci_compression compression, const char *diff_id,
                       int dest_fd, const struct image_unpack_limits *limits,
                       image_notice_fn notice, void *userdata, struct image_unpack_stats *ret_stats,
                       struct sb_error *e);

/* ---- the layer cache ------------------------------------------------------------------------ */

/* The per-user cache of unpacked layers: DIR/sha256-HEX/ per layer blob (HEX: the digest of the
 * blob as the manifest names it, so a hit needs no re-hashing), holding
 *   root/   the unpacked tree, an overlayfs lower directory
 *   info    what was unpacked (text, "key=value" lines)
 *   used    empty; its mtime is the last time an image used the layer (prune's clock)
 *   lock    flock()ed shared by every sandbox using the layer, exclusively by rm and prune
 * An entry is built in DIR/.tmp-sha256-HEX-RANDOM and renamed into place (RENAME_NOREPLACE), so
 * it is either absent or complete; two concurrent first starts both unpack and one rename wins.
 * DIR/.lock is held shared while layers are prepared and exclusively by rm and prune, so an entry
 * is never removed between its lookup and the moment its user locks it.
 * DIR is private (0700): image trees may contain world-writable directories. */
struct image_cache {
        int dir_fd;
        char *path;
};

/* $XDG_CACHE_HOME/sandbox/layers, or ~/.cache/sandbox/layers. */
int image_cache_default_path(char **ret);

/* Open (creating, 0700) the cache at path (NULL: the default). It must belong to the caller. */
int image_cache_open(const char *path, struct image_cache **ret, struct sb_error *e);
struct image_cache *image_cache_free(struct image_cache *c);
static inline void image_cache_freep(struct image_cache **c)
{
        image_cache_free(*c);
}
#define _cleanup_image_cache_free_ _cleanup_(image_cache_freep)

struct image_layers {
        char **dirs;   /* absolute paths of the layers' root/ directories, lowest layer first
                        * (overlayfs' lowerdir= lists the highest first) */
        int *lock_fds; /* a shared flock on each layer's lock file: keep them open for as long as
                        * the directories are mounted, so rm and prune leave the layers alone */
        size_t n;
};
void image_layers_done(struct image_layers *l);

struct image_prepare_options {
        const struct image_unpack_limits *limits; /* NULL: IMAGE_UNPACK_LIMITS_DEFAULT */
        image_notice_fn notice;                   /* may be NULL */
        void *userdata;
        unsigned n_unpacked; /* out: layers that were not in the cache */
};

/* Make sure every layer of img is in the cache (verifying and unpacking the missing ones), mark
 * them used, lock them shared and return their directories. */
int image_prepare_layers(const struct image *img, struct image_cache *c,
                         struct image_prepare_options *opts, struct image_layers *ret,
                         struct sb_error *e);

struct image_cache_entry {
        char digest[DIGEST_STRING_MAX];
        char *media_type;       /* may be NULL */
        uint64_t unpacked_size; /* bytes of file contents */
        uint64_t entries;
        time_t unpacked; /* when it was unpacked */
        time_t last_used;
};
void image_cache_entries_free(struct image_cache_entry *l, size_t n);

/* Every complete entry, sorted by digest. */
int image_cache_list(struct image_cache *c, struct image_cache_entry **ret, size_t *ret_n,
                     struct sb_error *e);

/* Remove the entry whose digest is digest ("sha256:HEX", or a unique prefix of at least 4 hex
 * digits, with or without "sha256:"). -ENOENT, -EBUSY (in use by a running sandbox: its lock is
 * held), -EINVAL (ambiguous prefix). ret_digest (DIGEST_STRING_MAX
 * bytes, may be NULL) receives the full digest. */
int image_cache_remove(struct image_cache *c, const char *digest, char *ret_digest,
                       struct sb_error *e);

/* Remove every entry not used since `before` (0: every entry) and not in use, and the leftovers
 * of interrupted unpacks and removals. ret_removed / ret_busy count entries (may be NULL). */
int image_cache_prune(struct image_cache *c, time_t before, unsigned *ret_removed,
                      unsigned *ret_busy, struct sb_error *e);
