/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the minisign key formats (lib/trust/minisign.c): public key files (the trust store's
 * keys.d and revoked.d, a user's ~/.config/sandbox/keys, `sandbox trust key FILE`), unencrypted
 * secret key files, key ids (TrustedKeys=, revocation lists, the command line) and the strict
 * base64 under all of them. Every input goes through each parser. Oracles (abort() on
 * violation):
 *   - a public key that parses formats to a file that parses to the same key, and that file
 *     formats to itself;
 *   - a key id that parses is the 16 hex digits minisign prints, in either case;
 *   - base64 is decoded strictly: what decodes re-encodes to exactly the input (one spelling
 *     per key: no whitespace, no padding variants, no stray trailing bits);
 *   - an unencrypted secret key that parses writes out and parses back to the same key, whose
 *     public half is the one its seed derives;
 *   - every refusal carries a message.
 * Encrypted secret keys stop at minisign_seckey_is_encrypted(): decrypting one runs scrypt with
 * up to 2 GiB, which is no work for a fuzzer (and a secret key file is its owner's own). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "minisign.h"

#define FUZZ_INPUT_MAX (16U * 1024U)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_pubkey(const char *s, size_t n)
{
        struct minisign_pubkey k, k2;
        struct sb_error e = {};
        char *text = NULL, *text2 = NULL;

        if (minisign_pubkey_parse(s, n, &k, &e) < 0) {
                if (e.msg[0] == '\0')
                        abort();
                return;
        }
        if (minisign_pubkey_format(&k, &text) < 0)
                return;
        if (minisign_pubkey_parse(text, strlen(text), &k2, NULL) < 0 ||
            memcmp(&k, &k2, sizeof(k)) != 0)
                abort();
        if (minisign_pubkey_format(&k2, &text2) < 0)
                return;
        if (strcmp(text, text2) != 0)
                abort();
        free(text);
        free(text2);
}

static void check_keyid(const char *s)
{
        uint8_t id[MINISIGN_KEYID_BYTES];
        char back[MINISIGN_KEYID_STRING];

        if (minisign_keyid_parse(s, id) < 0)
                return;
        minisign_keyid_string(id, back);
        if (strlen(s) != 16 || strncasecmp(s, back, 16) != 0)
                abort();
}

static void check_base64(const char *s, size_t n)
{
        /* the sizes the formats use: key id, public key, signature, secret key */
        static const size_t sizes[] = {8, 42, 64, 74, 158};
        uint8_t buf[158];

        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
                char *back;

                if (minisign_base64_decode_exact(s, n, buf, sizes[k]) < 0)
                        continue;
                back = minisign_base64_encode(buf, sizes[k]);
                if (!back)
                        return;
                if (strlen(back) != n || memcmp(back, s, n) != 0)
                        abort();
                free(back);
        }
}

static void check_seckey(const char *s, size_t n)
{
        struct minisign_seckey *k = NULL, *k2 = NULL;
        struct minisign_pubkey pk;
        struct sb_error e = {};
        char *text = NULL;
        int r;

        r = minisign_seckey_is_encrypted(s, n, &e);
        if (r < 0) {
                if (e.msg[0] == '\0')
                        abort();
                return;
        }
        if (r > 0)
                return;
        if (minisign_seckey_parse(s, n, NULL, &k, &e) < 0) {
                if (e.msg[0] == '\0')
                        abort();
                return;
        }
        minisign_seckey_public(k, &pk);
        if (memcmp(pk.keyid, k->keyid, sizeof(pk.keyid)) != 0 ||
            memcmp(pk.pk, k->sk + 32, sizeof(pk.pk)) != 0)
                abort();
        if (minisign_seckey_format(k, NULL, 0, 0, &text) < 0)
                goto out;
        if (minisign_seckey_parse(text, strlen(text), NULL, &k2, NULL) < 0 ||
            memcmp(k->keyid, k2->keyid, sizeof(k->keyid)) != 0 ||
            memcmp(k->sk, k2->sk, sizeof(k->sk)) != 0)
                abort();
out:
        free(text);
        minisign_seckey_free(k);
        minisign_seckey_free(k2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        check_pubkey(s, size);
        check_keyid(s);
        check_base64(s, size);
        check_seckey(s, size);
        free(s);
        return 0;
}
