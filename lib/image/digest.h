/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* SHA-256 content digests as OCI writes them: "sha256:" and 64 lowercase hex digits.
 *
 * Layer blobs are hashed in full before they are unpacked, so the hash sits on the path of every
 * first start: streams (sha256_new()) use OpenSSL's libcrypto (SHA-NI, about 20 times libsodium's
 * portable code on this class of machine), loaded with dlopen() on first use when the build found
 * it, and libsodium otherwise; one-shot digests of small documents (sha256_string()) always use
 * libsodium, so that a warm start never loads libcrypto. Nothing here logs. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_ALGORITHM  "sha256"
#define DIGEST_HEX_LEN    64
#define DIGEST_RAW_LEN    32
#define DIGEST_STRING_LEN (sizeof(DIGEST_ALGORITHM ":") - 1 + DIGEST_HEX_LEN) /* 71 */
#define DIGEST_STRING_MAX (DIGEST_STRING_LEN + 1)

struct sha256_ctx;

/* A new hashing context, or NULL on ENOMEM. */
struct sha256_ctx *sha256_new(void);
void sha256_update(struct sha256_ctx *c, const void *data, size_t size);
/* Finish into out (DIGEST_STRING_MAX bytes, "sha256:HEX") and free c. */
void sha256_final_string(struct sha256_ctx *c, char out[static DIGEST_STRING_MAX]);
/* Free without finishing (NULL-safe). */
void sha256_free(struct sha256_ctx *c);
static inline void sha256_freep(struct sha256_ctx **c)
{
        sha256_free(*c);
}

/* One-shot: digest of data as "sha256:HEX". 0 or -ENOMEM. */
int sha256_string(const void *data, size_t size, char out[static DIGEST_STRING_MAX]);

/* Is s exactly "sha256:" followed by 64 lowercase hex digits? Uppercase hex, other algorithms,
 * whitespace and trailing bytes are refused: a digest has exactly one spelling, so comparing
 * strings compares contents (OCI image-spec descriptor.md). */
bool digest_is_valid(const char *s);

/* The 64 hex digits of a valid digest (s + 7). */
static inline const char *digest_hex(const char *s)
{
        return s + sizeof(DIGEST_ALGORITHM ":") - 1;
}
