/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minisign.h"
#include "macro.h"

#define COMMENT_PREFIX         "untrusted comment: "
#define TRUSTED_COMMENT_PREFIX "trusted comment: "
#define SIGALG                 "Ed" /* keys; and legacy, non-prehashed signatures */
#define SIGALG_HASHED          "ED"
#define KDFALG                 "Sc"
#define CHKALG                 "B2"
#define PREHASH_BYTES          64 /* BLAKE2b-512 */
#define CHK_BYTES              32 /* BLAKE2b-256 */

/* The decoded secret key file. Only uint8_t arrays: no padding, the layout is the format. */
struct raw_seckey {
        uint8_t sig_alg[2];
        uint8_t kdf_alg[2];
        uint8_t chk_alg[2];
        uint8_t salt[crypto_pwhash_scryptsalsa208sha256_SALTBYTES];
        uint8_t opslimit_le[8];
        uint8_t memlimit_le[8];
        /* encrypted from here on */
        uint8_t keyid[MINISIGN_KEYID_BYTES];
        uint8_t sk[MINISIGN_SK_BYTES];
        uint8_t chk[CHK_BYTES];
};
_Static_assert(sizeof(struct raw_seckey) == 158, "minisign secret key layout");
#define RAW_SECRET_OFFSET offsetof(struct raw_seckey, keyid)
#define RAW_SECRET_BYTES  (sizeof(struct raw_seckey) - RAW_SECRET_OFFSET)

struct raw_pubkey {
        uint8_t sig_alg[2];
        uint8_t keyid[MINISIGN_KEYID_BYTES];
        uint8_t pk[MINISIGN_PK_BYTES];
};
_Static_assert(sizeof(struct raw_pubkey) == 42, "minisign public key layout");

struct raw_sig {
        uint8_t sig_alg[2];
        uint8_t keyid[MINISIGN_KEYID_BYTES];
        uint8_t sig[MINISIGN_SIG_BYTES];
};
_Static_assert(sizeof(struct raw_sig) == 74, "minisign signature layout");

/* A crafted key file must not make scrypt allocate without bound: twice minisign's setting. */
#define KDF_OPSLIMIT_MAX ((uint64_t)crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE * 2)
#define KDF_MEMLIMIT_MAX ((uint64_t)crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE * 2)

static int ensure_sodium(struct sb_error *e)
{
        if (sodium_init() < 0)
                return sb_error_set(e, -EIO, "libsodium failed to initialise");
        return 0;
}

static uint64_t le64_load(const uint8_t p[static 8])
{
        uint64_t v = 0;

        for (int i = 7; i >= 0; i--)
                v = (v << 8) | p[i];
        return v;
}

static void le64_store(uint8_t p[static 8], uint64_t v)
{
        for (int i = 0; i < 8; i++, v >>= 8)
                p[i] = (uint8_t)(v & 0xff);
}

int minisign_base64_decode_exact(const char *s, size_t len, uint8_t *out, size_t out_size)
{
        const char *end = NULL;
        size_t n = 0;

        if (ensure_sodium(NULL) < 0)
                return -EIO;
        /* Only the alphabet and '=': libsodium up to 1.0.18 (Debian 12's) reads every byte
         * above 0x7f as '/' (its b64_char_to_byte() compares a sign-extended char), which would
         * give a key or signature line spellings that minisign itself refuses. */
        for (size_t i = 0; i < len; i++)
                if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/' || s[i] == '='))
                        return -EBADMSG;
        if (sodium_base642bin(out, out_size, s, len, NULL, &n, &end,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            end != s + len || n != out_size)
                return -EBADMSG;
        return 0;
}

char *minisign_base64_encode(const uint8_t *in, size_t n)
{
        size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
        char *s = malloc(len);

        if (!s)
                return NULL;
        sodium_bin2base64(s, len, in, n, sodium_base64_VARIANT_ORIGINAL);
        return s;
}

void minisign_keyid_string(const uint8_t keyid[static MINISIGN_KEYID_BYTES],
                           char out[static MINISIGN_KEYID_STRING])
{
        snprintf(out, MINISIGN_KEYID_STRING, "%016" PRIX64, le64_load(keyid));
}

int minisign_keyid_parse(const char *s, uint8_t ret[static MINISIGN_KEYID_BYTES])
{
        uint64_t v = 0;

        if (strlen(s) != 16)
                return -EINVAL;
        for (size_t i = 0; i < 16; i++) {
                char c = s[i];
                unsigned d;

                if (c >= '0' && c <= '9')
                        d = (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                        d = (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        d = (unsigned)(c - 'A' + 10);
                else
                        return -EINVAL;
                v = (v << 4) | d;
        }
        le64_store(ret, v);
        return 0;
}

/* UTF-8 without C0/C1 control characters (TAB allowed), DEL, overlongs or surrogates. */
bool minisign_comment_is_printable(const char *str)
{
        const unsigned char *p = (const unsigned char *)str;

        while (*p) {
                unsigned c = *p++, need, cp;

                if (c == '\t' || (c >= 0x20 && c < 0x7f))
                        continue;
                if (c < 0xc2 || c > 0xf4)
                        return false; /* controls, DEL, continuation bytes, overlong leads */
                need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
                cp = c & (need == 1 ? 0x1f : need == 2 ? 0x0f : 0x07);
                for (unsigned i = 0; i < need; i++, p++) {
                        if ((*p & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (*p & 0x3f);
                }
                if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
                    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
                        return false;
        }
        return true;
}

/* Split data into lines: "\n"-terminated, one "\r" before it dropped (minisign's trim()); the
 * last line may lack its "\n". Empty lines after the expected ones are allowed, nothing else. */
struct lines {
        const char *data;
        size_t size, pos;
};

static bool next_line(struct lines *l, const char **ret, size_t *ret_len)
{
        const char *start, *nl;
        size_t len;

        if (l->pos >= l->size)
                return false;
        start = l->data + l->pos;
        nl = memchr(start, '\n', l->size - l->pos);
        len = nl ? (size_t)(nl - start) : l->size - l->pos;
        l->pos += len + (nl ? 1 : 0);
        if (len > 0 && start[len - 1] == '\r')
                len--;
        *ret = start;
        *ret_len = len;
        return true;
}

static bool only_empty_lines_left(struct lines *l)
{
        const char *s;
        size_t n;

        while (next_line(l, &s, &n))
                if (n != 0)
                        return false;
        return true;
}

static int check_text(const char *data, size_t size, const char *what, struct sb_error *e)
{
        if (size > MINISIGN_FILE_MAX)
                return sb_error_set(e, -E2BIG, "%s: larger than %u bytes", what, MINISIGN_FILE_MAX);
        if (memchr(data, '\0', size))
                return sb_error_set(e, -EBADMSG, "%s: contains a NUL byte", what);
        return 0;
}

/* "PREFIX text" → malloc'ed text, checked printable and at most max bytes. */
static int comment_line(const char *line, size_t len, const char *prefix, size_t max,
                        const char *what, char **ret, struct sb_error *e)
{
        size_t plen = strlen(prefix);
        char *s;

        if (len < plen || memcmp(line, prefix, plen) != 0)
                return sb_error_set(e, -EBADMSG, "%s: line should start with \"%s\"", what, prefix);
        if (len - plen > max)
                return sb_error_set(e, -EBADMSG, "%s: comment longer than %zu bytes", what, max);
        s = strndup(line + plen, len - plen);
        if (!s)
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (!minisign_comment_is_printable(s)) {
                free(s);
                return sb_error_set(e, -EBADMSG, "%s: comment contains unprintable characters",
                                    what);
        }
        *ret = s;
        return 0;
}

/* A key file (public or secret) is a comment line, then the base64 key line. Checks the text and
 * the comment and returns the key line; the caller decodes it and checks that nothing follows. */
static int key_file_key_line(const char *data, size_t size, const char *what, struct lines *l,
                             const char **ret_line, size_t *ret_len, struct sb_error *e)
{
        _cleanup_free_ char *comment = NULL;
        int r;

        r = check_text(data, size, what, e);
        if (r < 0)
                return r;
        if (!next_line(l, ret_line, ret_len))
                return sb_error_set(e, -EBADMSG, "%s: empty file", what);
        r = comment_line(*ret_line, *ret_len, COMMENT_PREFIX, MINISIGN_COMMENT_MAX, what, &comment,
                         e);
        if (r < 0)
                return r;
        if (!next_line(l, ret_line, ret_len))
                return sb_error_set(e, -EBADMSG, "%s: the key line is missing", what);
        return 0;
}

int minisign_pubkey_parse(const char *data, size_t size, struct minisign_pubkey *ret,
                          struct sb_error *e)
{
        static const char what[] = "public key";
        struct lines l = {.data = data, .size = size};
        struct raw_pubkey raw;
        const char *line;
        size_t len;
        int r;

        r = key_file_key_line(data, size, what, &l, &line, &len, e);
        if (r < 0)
                return r;
        if (minisign_base64_decode_exact(line, len, (uint8_t *)&raw, sizeof(raw)) < 0)
                return sb_error_set(e, -EBADMSG, "%s: the key line is not base64 of %zu bytes",
                                    what, sizeof(raw));
        if (memcmp(raw.sig_alg, SIGALG, 2) != 0)
                return sb_error_set(e, -EOPNOTSUPP, "%s: unsupported signature algorithm", what);
        if (!only_empty_lines_left(&l))
                return sb_error_set(e, -EBADMSG, "%s: unexpected data after the key", what);
        memcpy(ret->keyid, raw.keyid, sizeof(raw.keyid));
        memcpy(ret->pk, raw.pk, sizeof(raw.pk));
        return 0;
}

int minisign_pubkey_format(const struct minisign_pubkey *k, char **ret)
{
        struct raw_pubkey raw;
        _cleanup_free_ char *b64 = NULL;
        char id[MINISIGN_KEYID_STRING];

        memcpy(raw.sig_alg, SIGALG, 2);
        memcpy(raw.keyid, k->keyid, sizeof(raw.keyid));
        memcpy(raw.pk, k->pk, sizeof(raw.pk));
        b64 = minisign_base64_encode((const uint8_t *)&raw, sizeof(raw));
        if (!b64)
                return -ENOMEM;
        minisign_keyid_string(k->keyid, id);
        if (asprintf(ret, COMMENT_PREFIX "minisign public key %s\n%s\n", id, b64) < 0)
                return -ENOMEM;
        return 0;
}

struct minisign_seckey *minisign_seckey_free(struct minisign_seckey *k)
{
        sodium_free(k); /* wipes, unlocks; NULL-safe */
        return NULL;
}

static void raw_free(struct raw_seckey **r)
{
        sodium_free(*r);
}

/* Decode the secret key line into locked memory. */
static int seckey_decode(const char *data, size_t size, struct raw_seckey **ret, struct sb_error *e)
{
        static const char what[] = "secret key";
        struct lines l = {.data = data, .size = size};
        _cleanup_(raw_free) struct raw_seckey *raw = NULL;
        const char *line;
        size_t len;
        int r;

        r = ensure_sodium(e);
        if (r < 0)
                return r;
        r = key_file_key_line(data, size, what, &l, &line, &len, e);
        if (r < 0)
                return r;
        raw = sodium_malloc(sizeof(*raw));
        if (!raw)
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (minisign_base64_decode_exact(line, len, (uint8_t *)raw, sizeof(*raw)) < 0)
                return sb_error_set(e, -EBADMSG, "%s: the key line is not base64 of %zu bytes",
                                    what, sizeof(*raw));
        if (!only_empty_lines_left(&l))
                return sb_error_set(e, -EBADMSG, "%s: unexpected data after the key", what);
        if (memcmp(raw->sig_alg, SIGALG, 2) != 0)
                return sb_error_set(e, -EOPNOTSUPP, "%s: unsupported signature algorithm", what);
        if (memcmp(raw->chk_alg, CHKALG, 2) != 0)
                return sb_error_set(e, -EOPNOTSUPP, "%s: unsupported checksum algorithm", what);
        if (memcmp(raw->kdf_alg, KDFALG, 2) != 0 && memcmp(raw->kdf_alg, "\0\0", 2) != 0)
                return sb_error_set(e, -EOPNOTSUPP, "%s: unsupported key derivation function",
                                    what);
        *ret = TAKE_PTR(raw);
        return 0;
}

int minisign_seckey_is_encrypted(const char *data, size_t size, struct sb_error *e)
{
        _cleanup_(raw_free) struct raw_seckey *raw = NULL;
        int r = seckey_decode(data, size, &raw, e);

        if (r < 0)
                return r;
        return memcmp(raw->kdf_alg, KDFALG, 2) == 0;
}

static void seckey_checksum(const struct raw_seckey *raw, uint8_t out[static CHK_BYTES])
{
        crypto_generichash_state st;

        crypto_generichash_init(&st, NULL, 0, CHK_BYTES);
        crypto_generichash_update(&st, raw->sig_alg, sizeof(raw->sig_alg));
        crypto_generichash_update(&st, raw->keyid, sizeof(raw->keyid));
        crypto_generichash_update(&st, raw->sk, sizeof(raw->sk));
        crypto_generichash_final(&st, out, CHK_BYTES);
        sodium_memzero(&st, sizeof(st));
}

/* XOR the secret part of raw with scrypt(passphrase): encrypts and decrypts alike. */
static int kdf_xor(struct raw_seckey *raw, const char *passphrase, struct sb_error *e)
{
        uint64_t ops = le64_load(raw->opslimit_le), mem = le64_load(raw->memlimit_le);
        uint8_t *stream;
        int r = 0;

        if (ops > KDF_OPSLIMIT_MAX || mem > KDF_MEMLIMIT_MAX)
                return sb_error_set(e, -EOPNOTSUPP,
                                    "secret key: scrypt limits (%" PRIu64 " ops, %" PRIu64
                                    " bytes) above what we allow",
                                    ops, mem);
        stream = sodium_malloc(RAW_SECRET_BYTES);
        if (!stream)
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (crypto_pwhash_scryptsalsa208sha256(stream, RAW_SECRET_BYTES, passphrase,
                                               strlen(passphrase), raw->salt,
                                               (unsigned long long)ops, (size_t)mem) != 0)
                r = sb_error_set(e, -ENOMEM, "secret key: scrypt failed (out of memory?)");
        else
                for (size_t i = 0; i < RAW_SECRET_BYTES; i++)
                        ((uint8_t *)raw)[RAW_SECRET_OFFSET + i] ^= stream[i];
        sodium_free(stream);
        return r;
}

int minisign_seckey_parse(const char *data, size_t size, const char *passphrase,
                          struct minisign_seckey **ret, struct sb_error *e)
{
        _cleanup_(raw_free) struct raw_seckey *raw = NULL;
        uint8_t chk[CHK_BYTES];
        struct minisign_seckey *k;
        bool encrypted;
        int r;

        r = seckey_decode(data, size, &raw, e);
        if (r < 0)
                return r;
        encrypted = memcmp(raw->kdf_alg, KDFALG, 2) == 0;
        if (encrypted && !passphrase)
                return sb_error_set(e, -EINVAL, "secret key: encrypted, and no passphrase given");
        if (encrypted) {
                r = kdf_xor(raw, passphrase, e);
                if (r < 0)
                        return r;
        }
        /* minisign checks the checksum of encrypted keys only, and `minisign -G -W` leaves it
         * all zero: so do we. */
        if (encrypted || !sodium_is_zero(raw->chk, CHK_BYTES)) {
                seckey_checksum(raw, chk);
                r = sodium_memcmp(chk, raw->chk, CHK_BYTES);
                sodium_memzero(chk, sizeof(chk));
                if (r != 0)
                        return encrypted ? sb_error_set(e, -EKEYREJECTED,
                                                        "wrong passphrase for the secret key")
                                         : sb_error_set(e, -EBADMSG,
                                                        "secret key: checksum mismatch (corrupt)");
        }
        /* Either way the key must be consistent: its public half derives from its seed. */
        {
                uint8_t pk[MINISIGN_PK_BYTES];
                uint8_t *sk2 = sodium_malloc(MINISIGN_SK_BYTES);

                if (!sk2)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                crypto_sign_seed_keypair(pk, sk2, raw->sk);
                r = sodium_memcmp(sk2, raw->sk, MINISIGN_SK_BYTES);
                sodium_free(sk2);
                if (r != 0)
                        return sb_error_set(e, -EBADMSG,
                                            "secret key: its public half does not match its seed "
                                            "(corrupt)");
        }
        k = sodium_malloc(sizeof(*k));
        if (!k)
                return sb_error_set(e, -ENOMEM, "out of memory");
        memcpy(k->keyid, raw->keyid, sizeof(k->keyid));
        memcpy(k->sk, raw->sk, sizeof(k->sk));
        *ret = k;
        return 0;
}

int minisign_seckey_format(const struct minisign_seckey *k, const char *passphrase,
                           uint64_t opslimit, uint64_t memlimit, char **ret)
{
        _cleanup_(raw_free) struct raw_seckey *raw = NULL;
        char *b64 = NULL;
        size_t b64_len;
        int r;

        if (ensure_sodium(NULL) < 0)
                return -EIO;
        raw = sodium_malloc(sizeof(*raw));
        if (!raw)
                return -ENOMEM;
        memset(raw, 0, sizeof(*raw));
        memcpy(raw->sig_alg, SIGALG, 2);
        memcpy(raw->kdf_alg, passphrase ? KDFALG : "\0\0", 2);
        memcpy(raw->chk_alg, CHKALG, 2);
        memcpy(raw->keyid, k->keyid, sizeof(raw->keyid));
        memcpy(raw->sk, k->sk, sizeof(raw->sk));
        seckey_checksum(raw, raw->chk);
        if (passphrase) {
                randombytes_buf(raw->salt, sizeof(raw->salt));
                le64_store(raw->opslimit_le,
                           opslimit ? opslimit
                                    : crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE);
                le64_store(raw->memlimit_le,
                           memlimit ? memlimit
                                    : crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE);
                r = kdf_xor(raw, passphrase, NULL);
                if (r < 0)
                        return r;
        }
        /* The encoding of an unencrypted key is itself secret: locked memory, wiped. */
        b64_len = sodium_base64_encoded_len(sizeof(*raw), sodium_base64_VARIANT_ORIGINAL);
        b64 = sodium_malloc(b64_len);
        if (!b64)
                return -ENOMEM;
        sodium_bin2base64(b64, b64_len, (const uint8_t *)raw, sizeof(*raw),
                          sodium_base64_VARIANT_ORIGINAL);
        r = asprintf(ret, COMMENT_PREFIX "minisign %s secret key\n%s\n",
                     passphrase ? "encrypted" : "unencrypted", b64) < 0
                ? -ENOMEM
                : 0;
        sodium_free(b64);
        return r;
}

int minisign_keypair_generate(struct minisign_seckey **ret_sk, struct minisign_pubkey *ret_pk)
{
        struct minisign_seckey *k;
        struct minisign_pubkey pk;

        if (ensure_sodium(NULL) < 0)
                return -EIO;
        k = sodium_malloc(sizeof(*k));
        if (!k)
                return -ENOMEM;
        randombytes_buf(k->keyid, sizeof(k->keyid));
        crypto_sign_keypair(pk.pk, k->sk);
        memcpy(pk.keyid, k->keyid, sizeof(pk.keyid));
        *ret_sk = k;
        *ret_pk = pk;
        return 0;
}

void minisign_seckey_public(const struct minisign_seckey *k, struct minisign_pubkey *ret)
{
        memcpy(ret->keyid, k->keyid, sizeof(ret->keyid));
        crypto_sign_ed25519_sk_to_pk(ret->pk, k->sk);
}

void minisign_signature_done(struct minisign_signature *s)
{
        if (!s)
                return;
        free(s->untrusted_comment);
        free(s->trusted_comment);
        *s = (struct minisign_signature){};
}

int minisign_signature_parse(const char *data, size_t size, struct minisign_signature *ret,
                             struct sb_error *e)
{
        static const char what[] = "signature";
        struct lines l = {.data = data, .size = size};
        struct minisign_signature s = {};
        struct raw_sig raw;
        const char *line;
        size_t len;
        int r;

        r = check_text(data, size, what, e);
        if (r < 0)
                return r;
        if (!next_line(&l, &line, &len)) {
                r = sb_error_set(e, -EBADMSG, "%s: empty file", what);
                goto fail;
        }
        r = comment_line(line, len, COMMENT_PREFIX, MINISIGN_COMMENT_MAX, what,
                         &s.untrusted_comment, e);
        if (r < 0)
                goto fail;
        if (!next_line(&l, &line, &len) ||
            minisign_base64_decode_exact(line, len, (uint8_t *)&raw, sizeof(raw)) < 0) {
                r = sb_error_set(e, -EBADMSG, "%s: line 2 is not base64 of %zu bytes", what,
                                 sizeof(raw));
                goto fail;
        }
        if (memcmp(raw.sig_alg, SIGALG, 2) == 0) {
                r = sb_error_set(e, -EOPNOTSUPP,
                                 "%s: legacy (non-prehashed) signature: sign with minisign 0.8 "
                                 "or later, without -l",
                                 what);
                goto fail;
        }
        if (memcmp(raw.sig_alg, SIGALG_HASHED, 2) != 0) {
                r = sb_error_set(e, -EOPNOTSUPP, "%s: unsupported signature algorithm", what);
                goto fail;
        }
        if (!next_line(&l, &line, &len)) {
                r = sb_error_set(e, -EBADMSG, "%s: the trusted comment is missing", what);
                goto fail;
        }
        r = comment_line(line, len, TRUSTED_COMMENT_PREFIX, MINISIGN_TRUSTED_MAX, what,
                         &s.trusted_comment, e);
        if (r < 0)
                goto fail;
        if (!next_line(&l, &line, &len) ||
            minisign_base64_decode_exact(line, len, s.global_sig, sizeof(s.global_sig)) < 0) {
                r = sb_error_set(e, -EBADMSG, "%s: line 4 is not base64 of %zu bytes", what,
                                 sizeof(s.global_sig));
                goto fail;
        }
        if (!only_empty_lines_left(&l)) {
                r = sb_error_set(e, -EBADMSG, "%s: unexpected data after line 4", what);
                goto fail;
        }
        memcpy(s.keyid, raw.keyid, sizeof(s.keyid));
        memcpy(s.sig, raw.sig, sizeof(s.sig));
        *ret = s;
        return 0;
fail:
        minisign_signature_done(&s);
        return r;
}

int minisign_signature_format(const struct minisign_signature *s, char **ret)
{
        struct raw_sig raw;
        _cleanup_free_ char *b1 = NULL, *b2 = NULL;

        memcpy(raw.sig_alg, SIGALG_HASHED, 2);
        memcpy(raw.keyid, s->keyid, sizeof(raw.keyid));
        memcpy(raw.sig, s->sig, sizeof(raw.sig));
        b1 = minisign_base64_encode((const uint8_t *)&raw, sizeof(raw));
        b2 = minisign_base64_encode(s->global_sig, sizeof(s->global_sig));
        if (!b1 || !b2)
                return -ENOMEM;
        if (asprintf(ret, COMMENT_PREFIX "%s\n%s\n" TRUSTED_COMMENT_PREFIX "%s\n%s\n",
                     s->untrusted_comment, b1, s->trusted_comment, b2) < 0)
                return -ENOMEM;
        return 0;
}

/* sig || trusted comment: what the global signature covers. */
static uint8_t *global_message(const uint8_t sig[static MINISIGN_SIG_BYTES], const char *tc,
                               size_t *ret_len)
{
        size_t n = strlen(tc);
        uint8_t *m = malloc(MINISIGN_SIG_BYTES + n);

        if (!m)
                return NULL;
        memcpy(m, sig, MINISIGN_SIG_BYTES);
        memcpy(m + MINISIGN_SIG_BYTES, tc, n);
        *ret_len = MINISIGN_SIG_BYTES + n;
        return m;
}

int minisign_sign(const struct minisign_seckey *k, const void *msg, size_t size,
                  const char *untrusted_comment, const char *trusted_comment,
                  struct minisign_signature *ret, struct sb_error *e)
{
        struct minisign_signature s = {};
        uint8_t hash[PREHASH_BYTES];
        _cleanup_free_ uint8_t *gm = NULL;
        size_t gm_len;
        int r;

        r = ensure_sodium(e);
        if (r < 0)
                return r;
        if (strlen(trusted_comment) > MINISIGN_TRUSTED_MAX ||
            !minisign_comment_is_printable(trusted_comment) ||
            strlen(untrusted_comment) > MINISIGN_COMMENT_MAX ||
            !minisign_comment_is_printable(untrusted_comment))
                return sb_error_set(e, -EINVAL, "comments must be printable and one line");
        s.untrusted_comment = strdup(untrusted_comment);
        s.trusted_comment = strdup(trusted_comment);
        gm = NULL;
        if (!s.untrusted_comment || !s.trusted_comment) {
                minisign_signature_done(&s);
                return sb_error_set(e, -ENOMEM, "out of memory");
        }
        memcpy(s.keyid, k->keyid, sizeof(s.keyid));
        crypto_generichash(hash, sizeof(hash), msg, size, NULL, 0);
        crypto_sign_detached(s.sig, NULL, hash, sizeof(hash), k->sk);
        gm = global_message(s.sig, s.trusted_comment, &gm_len);
        if (!gm) {
                minisign_signature_done(&s);
                return sb_error_set(e, -ENOMEM, "out of memory");
        }
        crypto_sign_detached(s.global_sig, NULL, gm, gm_len, k->sk);
        *ret = s;
        return 0;
}

int minisign_verify(const struct minisign_signature *s, const struct minisign_pubkey *k,
                    const void *msg, size_t size, struct sb_error *e)
{
        uint8_t hash[PREHASH_BYTES];
        _cleanup_free_ uint8_t *gm = NULL;
        size_t gm_len;
        int r;

        r = ensure_sodium(e);
        if (r < 0)
                return r;
        if (memcmp(s->keyid, k->keyid, MINISIGN_KEYID_BYTES) != 0) {
                char a[MINISIGN_KEYID_STRING], b[MINISIGN_KEYID_STRING];
                minisign_keyid_string(s->keyid, a);
                minisign_keyid_string(k->keyid, b);
                return sb_error_set(e, -ENOKEY, "signed by key %s, not by key %s", a, b);
        }
        crypto_generichash(hash, sizeof(hash), msg, size, NULL, 0);
        if (crypto_sign_verify_detached(s->sig, hash, sizeof(hash), k->pk) != 0)
                return sb_error_set(e, -EKEYREJECTED,
                                    "bad signature: it does not match the signed data (tampered?)");
        gm = global_message(s->sig, s->trusted_comment, &gm_len);
        if (!gm)
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (crypto_sign_verify_detached(s->global_sig, gm, gm_len, k->pk) != 0)
                return sb_error_set(e, -EKEYREJECTED,
                                    "bad signature: the trusted comment's signature does not "
                                    "verify (tampered?)");
        return 0;
}
