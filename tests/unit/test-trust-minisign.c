/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* minisign formats and crypto: strict base64 and key/signature parsing, and known answers from
 * fixtures made once with the stock minisign (tests/fixtures/trust/make-fixtures.sh): its
 * signature verifies here, our signature over the same message with the same comments is
 * byte-for-byte minisign's (Ed25519 is deterministic), its encrypted key decrypts here. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minisign.h"
#include "test.h"

#ifndef TRUST_FIXTURES_DIR
#error "TRUST_FIXTURES_DIR must name tests/fixtures/trust"
#endif

static char *slurp(const char *name, size_t *ret_size)
{
        char path[4096];
        FILE *f;
        char *buf = malloc(65536);
        size_t n;

        snprintf(path, sizeof(path), "%s/%s", TRUST_FIXTURES_DIR, name);
        f = fopen(path, "re");
        if (!f || !buf) {
                printf("# cannot read %s\n", path);
                free(buf);
                if (f)
                        fclose(f);
                return NULL;
        }
        n = fread(buf, 1, 65535, f);
        fclose(f);
        buf[n] = '\0';
        if (ret_size)
                *ret_size = n;
        return buf;
}

TEST(base64_strict)
{
        uint8_t out[4];

        ASSERT_OK(minisign_base64_decode_exact("AQIDBA==", 8, out, 4));
        ASSERT_TRUE(out[0] == 1 && out[3] == 4);
        ASSERT_EQ(minisign_base64_decode_exact("AQIDBA==", 8, out, 3), -EBADMSG); /* too long */
        ASSERT_EQ(minisign_base64_decode_exact("AQID", 4, out, 4), -EBADMSG);     /* too short */
        ASSERT_EQ(minisign_base64_decode_exact("AQIDBA", 6, out, 4), -EBADMSG);   /* padding */
        ASSERT_EQ(minisign_base64_decode_exact("AQIDBB==", 8, out, 4),
                  -EBADMSG); /* trailing bits */
        ASSERT_EQ(minisign_base64_decode_exact("AQI DBA==", 9, out, 4), -EBADMSG); /* blank */
        ASSERT_EQ(minisign_base64_decode_exact("AQIDB-==", 8, out, 4), -EBADMSG); /* url alphabet */
        /* Bytes above 0x7f: libsodium 1.0.18 reads each as '/' (found by fuzz-minisign), so a
         * key or signature line had 129 spellings per '/', which minisign itself refuses. */
        ASSERT_OK(minisign_base64_decode_exact("AP//", 4, out, 3));
        ASSERT_EQ(minisign_base64_decode_exact("AP\xff/", 4, out, 3), -EBADMSG);
        ASSERT_EQ(minisign_base64_decode_exact("AP/\x80", 4, out, 3), -EBADMSG);
        ASSERT_EQ(minisign_base64_decode_exact("AP\xaf\xaf", 4, out, 3), -EBADMSG);
        {
                char *s = minisign_base64_encode((const uint8_t *)"\1\2\3\4", 4);
                ASSERT_STREQ(s, "AQIDBA==");
                free(s);
        }
}

TEST(keyid_as_minisign_prints_it)
{
        _cleanup_free_ char *data = slurp("kat.pub", NULL);
        struct minisign_pubkey k;
        char id[MINISIGN_KEYID_STRING];
        uint8_t raw[MINISIGN_KEYID_BYTES];

        ASSERT_TRUE(data);
        ASSERT_OK(minisign_pubkey_parse(data, strlen(data), &k, NULL));
        minisign_keyid_string(k.keyid, id);
        /* minisign's own comment line names the key id */
        ASSERT_TRUE(strstr(data, id) != NULL);
        ASSERT_OK(minisign_keyid_parse(id, raw));
        ASSERT_TRUE(memcmp(raw, k.keyid, sizeof(raw)) == 0);
        ASSERT_EQ(minisign_keyid_parse("B8C12C5F954266A", raw), -EINVAL);
        ASSERT_EQ(minisign_keyid_parse("B8C12C5F954266AX", raw), -EINVAL);
}

TEST(pubkey_parse_rejects)
{
        _cleanup_free_ char *data = slurp("kat.pub", NULL);
        char buf[512], *nl;
        struct minisign_pubkey k;
        struct sb_error e = {};

        ASSERT_TRUE(data);
        nl = strchr(data, '\n');
        /* CRLF and trailing empty lines are fine, as in minisign */
        snprintf(buf, sizeof(buf), "%.*s\r\n%s\n\n", (int)(nl - data), data, nl + 1);
        ASSERT_OK(minisign_pubkey_parse(buf, strlen(buf), &k, NULL));
        /* no comment line */
        ASSERT_EQ(minisign_pubkey_parse(nl + 1, strlen(nl + 1), &k, &e), -EBADMSG);
        /* garbage after the key */
        snprintf(buf, sizeof(buf), "%sextra\n", data);
        ASSERT_EQ(minisign_pubkey_parse(buf, strlen(buf), &k, &e), -EBADMSG);
        /* a NUL byte */
        ASSERT_EQ(minisign_pubkey_parse(data, strlen(data) + 1, &k, &e), -EBADMSG);
        /* another algorithm: "Ed" → "Ee" changes the first base64 characters */
        {
                uint8_t raw[42];
                char *b64, *line = nl + 1;
                ASSERT_OK(minisign_base64_decode_exact(line, strcspn(line, "\n"), raw, 42));
                raw[1] = 'e';
                b64 = minisign_base64_encode(raw, 42);
                snprintf(buf, sizeof(buf), "untrusted comment: x\n%s\n", b64);
                free(b64);
                ASSERT_EQ(minisign_pubkey_parse(buf, strlen(buf), &k, &e), -EOPNOTSUPP);
        }
        /* the key line cut short */
        snprintf(buf, sizeof(buf), "%.*s\n", (int)(nl - data + 20), data);
        ASSERT_EQ(minisign_pubkey_parse(buf, strlen(buf), &k, &e), -EBADMSG);
        /* format → parse round trip */
        {
                struct minisign_pubkey k2;
                char *text;
                ASSERT_OK(minisign_pubkey_parse(data, strlen(data), &k, NULL));
                ASSERT_OK(minisign_pubkey_format(&k, &text));
                ASSERT_STREQ(text, data);
                ASSERT_OK(minisign_pubkey_parse(text, strlen(text), &k2, NULL));
                ASSERT_TRUE(memcmp(&k, &k2, sizeof(k)) == 0);
                free(text);
        }
}

TEST(kat_minisign_signature_verifies)
{
        size_t msize, ssize;
        _cleanup_free_ char *pub = slurp("kat.pub", NULL), *msg = slurp("kat-message.json", &msize),
                            *sigtext = slurp("kat-message.minisig", &ssize);
        struct minisign_signature sig = {};
        struct minisign_pubkey k;
        struct sb_error e = {};

        ASSERT_TRUE(pub && msg && sigtext);
        ASSERT_OK(minisign_pubkey_parse(pub, strlen(pub), &k, NULL));
        ASSERT_OK(minisign_signature_parse(sigtext, ssize, &sig, &e));
        ASSERT_STREQ(sig.untrusted_comment, "signature from minisign secret key");
        ASSERT_TRUE(strncmp(sig.trusted_comment, "sandbox-v1\tname:org.example.kat\t", 32) == 0);
        ASSERT_OK(minisign_verify(&sig, &k, msg, msize, &e));

        /* one flipped byte of the message */
        msg[10] ^= 1;
        ASSERT_EQ(minisign_verify(&sig, &k, msg, msize, &e), -EKEYREJECTED);
        msg[10] ^= 1;
        /* a trusted comment edited after signing */
        sig.trusted_comment[strlen(sig.trusted_comment) - 1] ^= 1;
        ASSERT_EQ(minisign_verify(&sig, &k, msg, msize, &e), -EKEYREJECTED);
        ASSERT_TRUE(strstr(e.msg, "trusted comment") != NULL);
        sig.trusted_comment[strlen(sig.trusted_comment) - 1] ^= 1;
        /* another key id */
        k.keyid[0] ^= 1;
        ASSERT_EQ(minisign_verify(&sig, &k, msg, msize, &e), -ENOKEY);
        minisign_signature_done(&sig);
}

TEST(kat_our_signature_equals_minisigns)
{
        size_t msize, ssize, ksize;
        _cleanup_free_ char *key = slurp("kat.key", &ksize),
                            *msg = slurp("kat-message.json", &msize),
                            *sigtext = slurp("kat-message.minisig", &ssize);
        struct minisign_signature theirs = {}, ours = {};
        struct minisign_seckey *sk = NULL;
        char *text = NULL;

        ASSERT_TRUE(key && msg && sigtext);
        ASSERT_EQ(minisign_seckey_is_encrypted(key, ksize, NULL), 0);
        ASSERT_OK(minisign_seckey_parse(key, ksize, NULL, &sk, NULL));
        ASSERT_OK(minisign_signature_parse(sigtext, ssize, &theirs, NULL));
        ASSERT_OK(minisign_sign(sk, msg, msize, theirs.untrusted_comment, theirs.trusted_comment,
                                &ours, NULL));
        ASSERT_OK(minisign_signature_format(&ours, &text));
        ASSERT_STREQ(text, sigtext);
        free(text);
        minisign_signature_done(&ours);
        minisign_signature_done(&theirs);
        minisign_seckey_free(sk);
}

TEST(kat_encrypted_key_decrypts)
{
        size_t ksize, esize;
        _cleanup_free_ char *key = slurp("kat.key", &ksize), *enc = slurp("kat-enc.key", &esize),
                            *pass = slurp("kat-passphrase.txt", NULL);
        struct minisign_seckey *a = NULL, *b = NULL;
        struct sb_error e = {};

        ASSERT_TRUE(key && enc && pass);
        pass[strcspn(pass, "\n")] = '\0';
        ASSERT_EQ(minisign_seckey_is_encrypted(enc, esize, NULL), 1);
        ASSERT_EQ(minisign_seckey_parse(enc, esize, NULL, &b, &e), -EINVAL);
        /* minisign's own scrypt limits (1 GiB): a few seconds */
        ASSERT_OK(minisign_seckey_parse(enc, esize, pass, &b, &e));
        ASSERT_OK(minisign_seckey_parse(key, ksize, NULL, &a, NULL));
        ASSERT_TRUE(memcmp(a->keyid, b->keyid, sizeof(a->keyid)) == 0);
        ASSERT_TRUE(sodium_memcmp(a->sk, b->sk, sizeof(a->sk)) == 0);
        minisign_seckey_free(a);
        minisign_seckey_free(b);
}

TEST(seckey_round_trip_and_wrong_passphrase)
{
        struct minisign_seckey *sk = NULL, *back = NULL;
        struct minisign_pubkey pk, pk2;
        struct sb_error e = {};
        char *text = NULL;
        const uint64_t ops = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
                       mem = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN;

        ASSERT_OK(minisign_keypair_generate(&sk, &pk));
        minisign_seckey_public(sk, &pk2);
        ASSERT_TRUE(memcmp(&pk, &pk2, sizeof(pk)) == 0);
        ASSERT_OK(minisign_seckey_format(sk, "hunter2", ops, mem, &text));
        ASSERT_EQ(minisign_seckey_is_encrypted(text, strlen(text), NULL), 1);
        ASSERT_EQ(minisign_seckey_parse(text, strlen(text), "hunter3", &back, &e), -EKEYREJECTED);
        ASSERT_TRUE(strstr(e.msg, "wrong passphrase") != NULL);
        ASSERT_OK(minisign_seckey_parse(text, strlen(text), "hunter2", &back, &e));
        ASSERT_TRUE(sodium_memcmp(back->sk, sk->sk, sizeof(sk->sk)) == 0);
        minisign_seckey_free(back);
        back = NULL;
        sodium_memzero(text, strlen(text));
        free(text);

        ASSERT_OK(minisign_seckey_format(sk, NULL, 0, 0, &text));
        ASSERT_EQ(minisign_seckey_is_encrypted(text, strlen(text), NULL), 0);
        ASSERT_OK(minisign_seckey_parse(text, strlen(text), NULL, &back, &e));
        ASSERT_TRUE(sodium_memcmp(back->sk, sk->sk, sizeof(sk->sk)) == 0);
        free(text);
        minisign_seckey_free(back);
        minisign_seckey_free(sk);
}

TEST(seckey_kdf_limits_capped)
{
        _cleanup_free_ char *enc = slurp("kat-enc.key", NULL);
        uint8_t raw[158];
        char *line, *b64, buf[512];
        struct minisign_seckey *k = NULL;
        struct sb_error e = {};

        ASSERT_TRUE(enc);
        line = strchr(enc, '\n') + 1;
        ASSERT_OK(minisign_base64_decode_exact(line, strcspn(line, "\n"), raw, sizeof(raw)));
        /* memlimit (bytes 46..53, little endian) → 2^40 */
        memset(raw + 46, 0, 8);
        raw[46 + 5] = 1;
        b64 = minisign_base64_encode(raw, sizeof(raw));
        snprintf(buf, sizeof(buf), "untrusted comment: x\n%s\n", b64);
        free(b64);
        ASSERT_EQ(minisign_seckey_parse(buf, strlen(buf), "x", &k, &e), -EOPNOTSUPP);
        ASSERT_TRUE(strstr(e.msg, "scrypt limits") != NULL);
}

TEST(seckey_unencrypted_corruption_detected)
{
        size_t ksize;
        _cleanup_free_ char *key = slurp("kat.key", &ksize);
        uint8_t raw[158];
        char *line, *b64, buf[512];
        struct minisign_seckey *k = NULL;
        struct sb_error e = {};

        ASSERT_TRUE(key);
        line = strchr(key, '\n') + 1;
        ASSERT_OK(minisign_base64_decode_exact(line, strcspn(line, "\n"), raw, sizeof(raw)));
        raw[54 + 8 + 40] ^= 1; /* a byte of the public half of sk */
        b64 = minisign_base64_encode(raw, sizeof(raw));
        snprintf(buf, sizeof(buf), "untrusted comment: x\n%s\n", b64);
        free(b64);
        ASSERT_EQ(minisign_seckey_parse(buf, strlen(buf), NULL, &k, &e), -EBADMSG);
}

TEST(signature_parse_rejects)
{
        size_t ssize;
        _cleanup_free_ char *sigtext = slurp("kat-message.minisig", &ssize);
        struct minisign_signature s = {};
        struct sb_error e = {};
        char buf[2048], *l2, *l3, *l4;
        uint8_t raw[74];

        ASSERT_TRUE(sigtext);
        l2 = strchr(sigtext, '\n') + 1;
        l3 = strchr(l2, '\n') + 1;
        l4 = strchr(l3, '\n') + 1;
        /* legacy "Ed" (non-prehashed) signatures are refused, as minisign -V refuses them */
        ASSERT_OK(minisign_base64_decode_exact(l2, (size_t)(l3 - l2 - 1), raw, sizeof(raw)));
        raw[1] = 'd';
        {
                char *b64 = minisign_base64_encode(raw, sizeof(raw));
                snprintf(buf, sizeof(buf), "untrusted comment: x\n%s\n%s", b64, l3);
                free(b64);
        }
        ASSERT_EQ(minisign_signature_parse(buf, strlen(buf), &s, &e), -EOPNOTSUPP);
        ASSERT_TRUE(strstr(e.msg, "legacy") != NULL);
        /* no "trusted comment: " prefix */
        snprintf(buf, sizeof(buf), "%.*sTrusted comment: x\n%s", (int)(l3 - sigtext), sigtext, l4);
        ASSERT_EQ(minisign_signature_parse(buf, strlen(buf), &s, &e), -EBADMSG);
        /* a control character in the trusted comment */
        snprintf(buf, sizeof(buf), "%.*strusted comment: a\x1b[2Jb\n%s", (int)(l3 - sigtext),
                 sigtext, l4);
        ASSERT_EQ(minisign_signature_parse(buf, strlen(buf), &s, &e), -EBADMSG);
        /* a fifth line */
        snprintf(buf, sizeof(buf), "%sx\n", sigtext);
        ASSERT_EQ(minisign_signature_parse(buf, strlen(buf), &s, &e), -EBADMSG);
        /* the last line missing */
        ASSERT_EQ(minisign_signature_parse(sigtext, (size_t)(l4 - sigtext), &s, &e), -EBADMSG);
        /* fine without the final newline */
        ASSERT_OK(minisign_signature_parse(sigtext, ssize - 1, &s, &e));
        minisign_signature_done(&s);
}

TEST(comment_printable)
{
        ASSERT_TRUE(minisign_comment_is_printable("a\tb c"));
        ASSERT_TRUE(minisign_comment_is_printable("caf\xc3\xa9 \xe6\x97\xa5"));
        ASSERT_FALSE(minisign_comment_is_printable("a\nb"));
        ASSERT_FALSE(minisign_comment_is_printable("a\x7f"));
        ASSERT_FALSE(minisign_comment_is_printable("\xc2\x85"));     /* C1 control NEL */
        ASSERT_FALSE(minisign_comment_is_printable("\xc0\xaf"));     /* overlong '/' */
        ASSERT_FALSE(minisign_comment_is_printable("\xed\xa0\x80")); /* surrogate */
        ASSERT_FALSE(minisign_comment_is_printable("\xe6\x97"));     /* truncated */
}

TEST_MAIN
