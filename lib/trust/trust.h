/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Signed images: who may vouch for an image, and what a signature must say before an image
 * runs. Builds on minisign.h (formats, crypto) and statement.h (the signed statement); knows
 * nothing about OCI beyond "a manifest is bytes with a digest, the layout is a directory".
 *
 * WHERE SIGNATURES LIVE. Beside the layout, by manifest digest, so that copying the layout (cp -a,
 * skopeo copy into another layout) keeps them reachable and one manifest can carry several
 * signatures (prod and dev, two signers):
 *     LAYOUT/signatures/sha256-HEX/ENV-KEYID.minisig
 * Each is an ordinary minisign signature over the exact manifest bytes (the blob
 * LAYOUT/blobs/sha256/HEX), so `minisign -Vm LAYOUT/blobs/sha256/HEX -x THAT.minisig -p KEY.pub`
 * checks it too. Files are read below the layout with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, at
 * most TRUST_SIGNATURES_MAX of them, each at most MINISIGN_FILE_MAX bytes.
 *
 * THE TRUST STORE (admin): TRUST_KEYS_DIR/NAME.pub, minisign public keys; NAME is what policies
 * call the key (TrustedKeys=). TRUST_REVOKED_DIR/ holds *.pub (revoked keys: refused even while
 * still in keys.d) and *.list files of lines "key KEYID" (a revoked key id) or
 * "manifest sha256:HEX" (a denied manifest, whoever signed it); '#' starts a comment. Every file
 * and both directories must belong to root (or to trust_store_options.owner) and not be writable
 * by group or others, else loading fails: a key anyone could replace vouches for nothing. Files
 * with other suffixes are ignored.
 *
 * THE USER'S PART, loaded only when the caller asks: the user's own keys
 * (~/.config/sandbox/keys/ *.pub, marked trust_key.user: they vouch for an image only where
 * TrustedKeys= names "@user", which only an admin policy can grant) and the user's deny list
 * (~/.config/sandbox/revoked.list, the *.list format above). The deny list only adds refusals:
 * nothing a user writes can take back an admin's revocation. Both must belong to the user (or
 * root) and not be writable by group or others.
 *
 * THE CHECKS, in this order, for each signature file; the first signature that passes all wins,
 * and when none does the error is the one of the signature that got furthest:
 *   1. the manifest digest is not denied (before any signature: a denied image has no appeal)
 *   2. parse (strict minisign format, prehashed "ED" only)
 *   3. key: known in the store, allowed by TrustedKeys= (name or key id), not revoked
 *   4. signature over BLAKE2b-512(manifest bytes), then the global signature over the trusted
 *      comment (both Ed25519)
 *   5. the trusted comment parses as a statement (statement.h)
 *   6. the statement's manifest digest is the layout's (a valid signature for another manifest,
 *      copied beside this one, is refused)
 *   7. name, if the caller expects one; environment among the allowed ones
 *   8. time: not issued in the future (beyond TRUST_CLOCK_SKEW), not expired, not older than
 *      max_age
 *   9. rollback (trust_state_check()): a lower version than the highest run for the name in any
 *      environment the request accepts, or the same version with another manifest in the same
 *      environment, is refused; a lower version than the highest seen is "stale": refused or
 *      only warned about, per trust_request.rollback. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "minisign.h"
#include "statement.h"

#define TRUST_KEYS_DIR       "/etc/sandbox/keys.d"
#define TRUST_REVOKED_DIR    "/etc/sandbox/revoked.d"
#define TRUST_SIGNATURES_DIR "signatures"
#define TRUST_SIGNATURES_MAX 64U
#define TRUST_CLOCK_SKEW     300 /* seconds an issue time may lie in the future */
#define TRUST_KEY_FILE_MAX   4096U

/* ---- the trust store ---------------------------------------------------------------------------
 */

struct trust_key {
        char *name; /* file name without ".pub" */
        char *path;
        struct minisign_pubkey key;
        bool user; /* from the user's own key directory */
};

struct trust_store {
        struct trust_key *keys;
        size_t n_keys;
        uint8_t (*revoked_ids)[MINISIGN_KEYID_BYTES]; /* from *.list and *.pub */
        size_t n_revoked_ids;
        char **denied_digests; /* from *.list */
};

struct trust_store_options {
        const char *keys_dir;          /* NULL: TRUST_KEYS_DIR */
        const char *revoked_dir;       /* NULL: TRUST_REVOKED_DIR */
        uid_t owner;                   /* may own the files besides root; 0: root only */
        const char *user_keys_dir;     /* NULL: no user keys */
        const char *user_revoked_file; /* NULL: no user deny list; missing: empty */
        uid_t user_uid;                /* owns the user's files (besides root) */
};

/* The user's files: $XDG_CONFIG_HOME/sandbox/keys and .../revoked.list (HOME/.config without
 * XDG_CONFIG_HOME). NULL on ENOMEM or when there is no home. */
char *trust_user_keys_dir(void);
char *trust_user_revoked_file(void);

/* Load the store. A missing directory is an empty store (so every image is "unknown key"); a
 * file that fails the ownership/mode check or does not parse is an error naming it. */
int trust_store_load(const struct trust_store_options *o, struct trust_store **ret,
                     struct sb_error *e);
struct trust_store *trust_store_free(struct trust_store *s);
static inline void trust_store_freep(struct trust_store **s)
{
        trust_store_free(*s);
}
#define _cleanup_trust_store_free_ _cleanup_(trust_store_freep)

/* Add entry ("key KEYID" or "manifest sha256:HEX") to the revocation list dir/name, which the
 * store reads (TRUST_REVOKED_DIR/ *.list, or the user's deny list): under an flock of dir, the
 * existing file re-read and checked, the entry appended with a dated comment, written atomically
 * with mode 0644. dir must exist and belong to the caller (or root) and not be writable by group
 * or others. 0 added, 1 already there, or -errno. */
int trust_revocation_add(const char *dir, const char *name, const char *entry, struct sb_error *e);

/* Load one key file a user names (sandbox trust key, tests): no ownership check. */
int trust_pubkey_load(const char *path, struct minisign_pubkey *ret, struct sb_error *e);

/* ---- rollback state ----------------------------------------------------------------------------
 */

/* The user's high-water marks, one line per name+env and kind:
 *     NAME TAB ENV TAB (run|seen) TAB VERSION TAB sha256:HEX
 * "run": the highest version actually started; "seen": the highest version whose signature
 * verified. Written atomically (temporary file, fsync, rename) under an flock of PATH.lock. */
struct trust_state_entry {
        char name[TRUST_NAME_MAX + 1];
        char env[TRUST_ENV_MAX + 1];
        bool run; /* else seen */
        uint64_t version;
        char digest[TRUST_DIGEST_MAX];
};
struct trust_state {
        struct trust_state_entry *entries;
        size_t n;
};

/* $XDG_STATE_HOME/sandbox/trust-state, or ~/.local/state/sandbox/trust-state. */
int trust_state_default_path(char **ret);
/* A missing file is an empty state. A malformed one is an error (-EBADMSG, with the line): the
 * user may delete it, which restarts rollback protection from zero. */
int trust_state_load(const char *path, struct trust_state *ret, struct sb_error *e);
void trust_state_done(struct trust_state *s);

enum trust_rollback {
        TRUST_ROLLBACK_OFF,        /* no rollback or staleness checks */
        TRUST_ROLLBACK_STRICT,     /* rollback and stale images refused */
        TRUST_ROLLBACK_WARN_STALE, /* rollback refused, stale images warned about */
};

/* Check st (of manifest digest st->manifest) against the marks of its name in every environment
 * that envs accepts (NULL: any; st's own always): those are the signatures whoever writes the
 * layout may choose between, so they share one version sequence. 0 (with *ret_warning set to a
 * malloc'ed message for a stale image under WARN_STALE, else NULL), or -ESTALE with a message. */
int trust_state_check(const struct trust_state *s, const struct trust_statement *st,
                      char *const *envs, enum trust_rollback mode, char **ret_warning,
                      struct sb_error *e);

/* Raise the "seen" mark (and with run, the "run" mark) of st's name+env to st's version and
 * digest where it is higher, under the lock, re-reading the file first. The file is written
 * (atomically, with fsync) only when a mark moves. With run, the rollback rules of
 * trust_state_check() are applied again first, under the lock, to the file as it is now: another
 * sandbox may have run a newer version since the caller's check (-ESTALE, nothing written). */
int trust_state_record(const char *path, const struct trust_statement *st, bool run,
                       char *const *envs, struct sb_error *e);

/* ---- verification ------------------------------------------------------------------------------
 */

struct trust_request {
        int layout_fd;               /* the image layout directory */
        const char *manifest_digest; /* "sha256:HEX" */
        const void *manifest;        /* its exact bytes (rehashed here: must match the digest) */
        size_t manifest_size;
        const char *name;          /* the name the statement must carry, or NULL */
        char *const *allowed_envs; /* NULL: any (AllowedEnvironments=) */
        char *const *trusted_keys; /* TrustedKeys=: key names, key ids, "@admin" (every admin
                                    * key), "@user" (every user key); NULL: every admin key */
        uint64_t max_age;          /* seconds since issue; 0: no limit (MaxAge=) */
        int64_t now;               /* 0: time(NULL) */
        enum trust_rollback rollback;
        const struct trust_state *state; /* NULL: no rollback checks */
};

struct trust_verdict {
        struct trust_statement statement;
        char key_name[256];
        char keyid[MINISIGN_KEYID_STRING];
        char signature[512]; /* path of the signature file, relative to the layout */
        char *warning;       /* malloc'ed (a stale image under WARN_STALE), or NULL */
};
void trust_verdict_done(struct trust_verdict *v);

/* Run the checks above. 0: a signature passed every check (ret filled). Errors: -ENOENT no
 * signature at all ("unsigned"), -EPERM denied digest, wrong name or environment, key not
 * allowed; -ENOKEY unknown key; -EKEYREVOKED revoked key; -EKEYREJECTED bad signature;
 * -EBADMSG malformed signature or statement, or a statement for another manifest;
 * -EKEYEXPIRED expired, too old or issued in the future; -ESTALE rollback or stale. */
int trust_verify(const struct trust_store *store, const struct trust_request *req,
                 struct trust_verdict *ret, struct sb_error *e);

/* One signature file as `sandbox trust inspect` shows it. */
struct trust_signature_report {
        char file[512];                    /* relative to the layout */
        char keyid[MINISIGN_KEYID_STRING]; /* "" when the file does not parse */
        const struct trust_key *key;       /* the store's key with that id, NULL: unknown */
        bool has_statement;                /* the trusted comment parses as a statement; its
                                            * claims are verified only when result == 0 */
        struct trust_statement statement;
        int result;                 /* 0: passes every check now; else trust_verify()'s error */
        char message[SB_ERROR_MAX]; /* why not */
};

/* Run the checks of trust_verify() on every signature of the manifest (in file name order) and
 * report each. No signature: 0 with *ret_n == 0. Errors: the manifest does not hash to its
 * digest, the signature directory cannot be read. */
int trust_inspect(const struct trust_store *store, const struct trust_request *req,
                  struct trust_signature_report **ret, size_t *ret_n, struct sb_error *e);

/* ---- signing -----------------------------------------------------------------------------------
 */

struct trust_sign_request {
        int layout_fd;
        const char *manifest_digest;
        const void *manifest;
        size_t manifest_size;
        const struct minisign_seckey *key;
        const char *name;
        const char *env;
        uint64_t version;
        int64_t issued;  /* 0: now */
        int64_t expires; /* absolute */
};

/* Sign the manifest with a statement built from req, check the result with the key's public
 * half, and write it to LAYOUT/signatures/sha256-HEX/ENV-KEYID.minisig (atomically, replacing an
 * earlier signature of the same key for the same environment). ret_path (may be NULL) receives
 * the path relative to the layout. */
int trust_sign_image(const struct trust_sign_request *req, char **ret_path, struct sb_error *e);
