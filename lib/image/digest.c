/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "macro.h"

#if HAVE_LIBCRYPTO
#include <openssl/evp.h>

struct sha256_ctx {
        EVP_MD_CTX *md;
};

struct sha256_ctx *sha256_new(void)
{
        struct sha256_ctx *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        c->md = EVP_MD_CTX_new();
        if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
                EVP_MD_CTX_free(c->md);
                free(c);
                return NULL;
        }
        return c;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t size)
{
        if (size > 0)
                (void)EVP_DigestUpdate(c->md, data, size);
}

static void sha256_final_raw(struct sha256_ctx *c, unsigned char raw[DIGEST_RAW_LEN])
{
        unsigned len = 0;

        if (EVP_DigestFinal_ex(c->md, raw, &len) != 1 || len != DIGEST_RAW_LEN)
                abort(); /* cannot happen with a working libcrypto; never return a wrong digest */
}

void sha256_free(struct sha256_ctx *c)
{
        if (!c)
                return;
        EVP_MD_CTX_free(c->md);
        free(c);
}
#else
#include <sodium.h>

struct sha256_ctx {
        crypto_hash_sha256_state st;
};

struct sha256_ctx *sha256_new(void)
{
        struct sha256_ctx *c = malloc(sizeof(*c));

        if (!c)
                return NULL;
        crypto_hash_sha256_init(&c->st);
        return c;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t size)
{
        crypto_hash_sha256_update(&c->st, data, size);
}

static void sha256_final_raw(struct sha256_ctx *c, unsigned char raw[DIGEST_RAW_LEN])
{
        crypto_hash_sha256_final(&c->st, raw);
}

void sha256_free(struct sha256_ctx *c)
{
        free(c);
}
#endif

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
        struct sha256_ctx *c = sha256_new();

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
