/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* minisign's key and signature formats, with libsodium, so that keys made by `minisign -G` sign
 * with `sandbox trust sign` and `minisign -V` checks what we sign (https://jedisct1.github.io/
 * minisign/, src/minisign.{c,h} of minisign 0.11/0.12):
 *
 *   public key file   "untrusted comment: TEXT\n" base64("Ed" keyid[8] pk[32]) "\n"
 *   secret key file   "untrusted comment: TEXT\n" base64("Ed" kdf[2] "B2" salt[32]
 *                     opslimit[8, LE] memlimit[8, LE] keyid[8] sk[64] chk[32]) "\n"
 *                     kdf "Sc": keyid|sk|chk are XORed with scrypt(passphrase, salt, opslimit,
 *                     memlimit) (crypto_pwhash_scryptsalsa208sha256); kdf "\0\0": unencrypted
 *                     (minisign -W). chk = BLAKE2b-256("Ed" keyid sk): a wrong passphrase
 *                     shows as a checksum mismatch.
 *   signature file    "untrusted comment: TEXT\n" base64("ED" keyid[8] sig[64]) "\n"
 *                     "trusted comment: TEXT\n" base64(global_sig[64]) "\n"
 *                     sig = Ed25519(BLAKE2b-512(message)) ("ED": prehashed; the legacy "Ed"
 *                     signs the message itself and is refused here, as `minisign -V` refuses it
 *                     unless told otherwise); global_sig = Ed25519(sig || trusted comment), so
 *                     the trusted comment is as authentic as the message.
 *   key id            8 random bytes; shown as minisign shows it, the little-endian 64-bit
 *                     number in 16 uppercase hex digits.
 *
 * Base64 is the standard alphabet with padding, decoded strictly (libsodium: constant time, no
 * whitespace, non-zero trailing bits refused). Secret key material lives in sodium_malloc()ed,
 * mlock()ed memory and is wiped when freed; the scrypt stream and passphrase buffers are wiped
 * with sodium_memzero().
 *
 * Functions return 0 or a negative errno, with a one-line message in e: -EBADMSG malformed,
 * -EOPNOTSUPP an algorithm we do not accept, -EKEYREJECTED a wrong passphrase or a signature
 * that does not verify, -ENOMEM. Nothing here prints. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MINISIGN_KEYID_BYTES    8
#define MINISIGN_PK_BYTES       32
#define MINISIGN_SK_BYTES       64
#define MINISIGN_SIG_BYTES      64
#define MINISIGN_KEYID_STRING   17    /* 16 hex digits and NUL */
#define MINISIGN_COMMENT_MAX    1024U /* an untrusted comment, as minisign reads it */
#define MINISIGN_TRUSTED_MAX    8000U /* a trusted comment (minisign: 8192 with prefix) */
#define MINISIGN_FILE_MAX       (4U * 1024U * 1024U)
#define MINISIGN_PASSPHRASE_MAX 1024U

struct minisign_pubkey {
        uint8_t keyid[MINISIGN_KEYID_BYTES];
        uint8_t pk[MINISIGN_PK_BYTES];
};

/* Always allocated by this module (sodium_malloc: guarded, locked, wiped on free). */
struct minisign_seckey {
        uint8_t keyid[MINISIGN_KEYID_BYTES];
        uint8_t sk[MINISIGN_SK_BYTES]; /* Ed25519: seed || public key */
};

struct minisign_signature {
        uint8_t keyid[MINISIGN_KEYID_BYTES];
        uint8_t sig[MINISIGN_SIG_BYTES];
        uint8_t global_sig[MINISIGN_SIG_BYTES];
        char *untrusted_comment; /* without the prefix */
        char *trusted_comment;   /* without the prefix */
};

/* Strict standard base64 of exactly out_size bytes. 0 or -EBADMSG. */
int minisign_base64_decode_exact(const char *s, size_t len, uint8_t *out, size_t out_size);
/* NUL-terminated base64 of n bytes, or NULL on ENOMEM. */
char *minisign_base64_encode(const uint8_t *in, size_t n);

void minisign_keyid_string(const uint8_t keyid[static MINISIGN_KEYID_BYTES],
                           char out[static MINISIGN_KEYID_STRING]);
/* 16 hex digits (either case) as minisign prints them. 0 or -EINVAL. */
int minisign_keyid_parse(const char *s, uint8_t ret[static MINISIGN_KEYID_BYTES]);

int minisign_pubkey_parse(const char *data, size_t size, struct minisign_pubkey *ret,
                          struct sb_error *e);
/* The content of a public key file, as `minisign -G` writes it. */
int minisign_pubkey_format(const struct minisign_pubkey *k, char **ret);

/* Is the secret key file data encrypted (so a passphrase is needed)? 1, 0 or -EBADMSG. */
int minisign_seckey_is_encrypted(const char *data, size_t size, struct sb_error *e);
/* Parse (and decrypt with passphrase, which must be given iff the key is encrypted) a secret key
 * file. Memory the KDF may use is capped at twice minisign's own setting, so a crafted key file
 * cannot make us allocate without bound. */
int minisign_seckey_parse(const char *data, size_t size, const char *passphrase,
                          struct minisign_seckey **ret, struct sb_error *e);
/* A secret key file for k: encrypted with passphrase (NULL: unencrypted, like minisign -W) using
 * scrypt with the given limits (0, 0: minisign's, OPSLIMIT/MEMLIMIT_SENSITIVE). */
int minisign_seckey_format(const struct minisign_seckey *k, const char *passphrase,
                           uint64_t opslimit, uint64_t memlimit, char **ret);
/* A fresh key pair with a random key id. */
int minisign_keypair_generate(struct minisign_seckey **ret_sk, struct minisign_pubkey *ret_pk);
void minisign_seckey_public(const struct minisign_seckey *k, struct minisign_pubkey *ret);
struct minisign_seckey *minisign_seckey_free(struct minisign_seckey *k);
static inline void minisign_seckey_freep(struct minisign_seckey **k)
{
        minisign_seckey_free(*k);
}

int minisign_signature_parse(const char *data, size_t size, struct minisign_signature *ret,
                             struct sb_error *e);
int minisign_signature_format(const struct minisign_signature *s, char **ret);
void minisign_signature_done(struct minisign_signature *s);

/* Sign msg ("ED": prehashed) with trusted_comment (printable, no newline, at most
 * MINISIGN_TRUSTED_MAX bytes) and untrusted_comment (same rules, MINISIGN_COMMENT_MAX). */
int minisign_sign(const struct minisign_seckey *k, const void *msg, size_t size,
                  const char *untrusted_comment, const char *trusted_comment,
                  struct minisign_signature *ret, struct sb_error *e);

/* Check s against k and msg: the key ids must match (-ENOKEY otherwise), then the signature of
 * the message and the global signature over the trusted comment (-EKEYREJECTED). */
int minisign_verify(const struct minisign_signature *s, const struct minisign_pubkey *k,
                    const void *msg, size_t size, struct sb_error *e);

/* minisign's rule for comments: printable ASCII or UTF-8 without control characters, TAB
 * allowed. */
bool minisign_comment_is_printable(const char *s);
