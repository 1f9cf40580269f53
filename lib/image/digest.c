/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "macro.h"

#include <dlfcn.h>
#include <sodium.h>

#if HAVE_LIBCRYPTO
#include <openssl/evp.h>

/* libcrypto, loaded with dlopen() on the first stream to hash: linked normally, loading and
 * relocating it costs every start of sandbox-full about 1.5 ms, and a warm image start hashes
 * only its small manifest and config (libsodium does those). */
#define CRYPTO_FUNCTIONS(X)                                                                        \
        X(EVP_MD_CTX_new)                                                                          \
        X(EVP_MD_CTX_free)                                                                         \
        X(EVP_sha256)                                                                              \
        X(EVP_DigestInit_ex)                                                                       \
        X(EVP_DigestUpdate)                                                                        \
        X(EVP_DigestFinal_ex)
#define CRYPTO_DEFINE(f) static __typeof__(f) *sym_##f;
CRYPTO_FUNCTIONS(CRYPTO_DEFINE)
#undef CRYPTO_DEFINE

static bool crypto_open(void)
{
        static int result = 1;
        void *dl;

        if (result <= 0)
                return result == 0;
        dl = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
        if (!dl) {
                result = -1;
                return false;
        }
#define CRYPTO_RESOLVE(f)                                                                          \
        sym_##f = (__typeof__(f) *)dlsym(dl, #f);                                                  \
        if (!sym_##f) {                                                                            \
                result = -1;                                                                       \
                return false;                                                                      \
        }
        CRYPTO_FUNCTIONS(CRYPTO_RESOLVE)
#undef CRYPTO_RESOLVE
        result = 0; /* kept loaded for the life of the process */
        return true;
}
#else
static bool crypto_open(void)
{
        return false;
}
#endif

/* One of the two, chosen when the context is made: libcrypto when it loads, else libsodium. */
struct sha256_ctx {
#if HAVE_LIBCRYPTO
        EVP_MD_CTX *md;
#endif
        crypto_hash_sha256_state st;
};

static struct sha256_ctx *sha256_new_with(bool crypto)
{
        struct sha256_ctx *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
#if HAVE_LIBCRYPTO
        if (crypto) {
                c->md = sym_EVP_MD_CTX_new();
                if (!c->md || sym_EVP_DigestInit_ex(c->md, sym_EVP_sha256(), NULL) != 1) {
                        if (c->md)
                                sym_EVP_MD_CTX_free(c->md);
                        free(c);
                        return NULL;
                }
                return c;
        }
#endif
        (void)crypto;
        crypto_hash_sha256_init(&c->st);
        return c;
}

struct sha256_ctx *sha256_new(void)
{
        return sha256_new_with(crypto_open());
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t size)
{
        if (size == 0)
                return;
#if HAVE_LIBCRYPTO
        if (c->md) {
                (void)sym_EVP_DigestUpdate(c->md, data, size);
                return;
        }
#endif
        crypto_hash_sha256_update(&c->st, data, size);
}

static void sha256_final_raw(struct sha256_ctx *c, unsigned char raw[DIGEST_RAW_LEN])
{
#if HAVE_LIBCRYPTO
        if (c->md) {
                unsigned len = 0;
                if (sym_EVP_DigestFinal_ex(c->md, raw, &len) != 1 || len != DIGEST_RAW_LEN)
                        abort(); /* cannot happen with a working libcrypto; never a wrong digest */
                return;
        }
#endif
        crypto_hash_sha256_final(&c->st, raw);
}

void sha256_free(struct sha256_ctx *c)
{
        if (!c)
                return;
#if HAVE_LIBCRYPTO
        if (c->md)
                sym_EVP_MD_CTX_free(c->md);
#endif
        free(c);
}

void sha256_final_string(struct sha256_ctx *c, char out[static DIGEST_STRING_MAX])
{
        static const char hex[] = "0123456789abcdef";
        unsigned char raw[DIGEST_RAW_LEN];
        char *p;

        sha256_final_raw(c, raw);
        sha256_free(c);
        p = stpcpy(out, DIGEST_ALGORITHM ":");
        for (size_t i = 0; i < DIGEST_RAW_LEN; i++) {
                *p++ = hex[raw[i] >> 4];
                *p++ = hex[raw[i] & 15];
        }
        *p = '\0';
}

int sha256_string(const void *data, size_t size, char out[static DIGEST_STRING_MAX])
{
        /* manifests and configs: small, and libsodium is loaded anyway */
        struct sha256_ctx *c = sha256_new_with(false);

        if (!c)
                return -ENOMEM;
        sha256_update(c, data, size);
        sha256_final_string(c, out);
        return 0;
}

bool digest_is_valid(const char *s)
{
        const char *hex = startswith_lit(s, DIGEST_ALGORITHM ":");

        if (!hex || strlen(hex) != DIGEST_HEX_LEN)
                return false;
        for (size_t i = 0; i < DIGEST_HEX_LEN; i++)
                if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
                        return false;
        return true;
}
