/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The trust store: key files, ownership and mode checks, revocation lists. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "strv.h"
#include "trust.h"

static char root[] = "/tmp/test-trust-store.XXXXXX";

static void put(const char *rel, const char *content, mode_t mode)
{
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        f = fopen(path, "we");
        if (!f)
                TEST_FAIL("cannot create %s", path);
        fputs(content, f);
        fclose(f);
        if (chmod(path, mode) < 0)
                TEST_FAIL("chmod %s", path);
}

static void setup(void)
{
        char path[512];
        struct minisign_seckey *sk;
        struct minisign_pubkey pk;
        char *text;
        static bool made = false;

        /* once (a flag, not the name: mkdtemp() may well end the name in 'X' itself) */
        if (!made && !mkdtemp(root))
                TEST_FAIL("mkdtemp %s", root);
        made = true;
        snprintf(path, sizeof(path), "%s/keys", root);
        (void)mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/revoked", root);
        (void)mkdir(path, 0755);
        for (int i = 0; i < 2; i++) {
                char name[64];
                if (minisign_keypair_generate(&sk, &pk) < 0 ||
                    minisign_pubkey_format(&pk, &text) < 0)
                        TEST_FAIL("%s", "keygen");
                snprintf(name, sizeof(name), "keys/%s.pub", i ? "beta" : "alpha");
                put(name, text, 0644);
                free(text);
                minisign_seckey_free(sk);
        }
}

static int load(struct trust_store **ret, struct sb_error *e)
{
        char k[512], r[512];
        struct trust_store_options o = {.keys_dir = k, .revoked_dir = r, .owner = getuid()};

        snprintf(k, sizeof(k), "%s/keys", root);
        snprintf(r, sizeof(r), "%s/revoked", root);
        return trust_store_load(&o, ret, e);
}

TEST(loads_keys_sorted)
{
        struct trust_store *s = NULL;
        struct sb_error e = {};

        setup();
        put("keys/README", "not a key\n", 0644); /* other suffixes are ignored */
        ASSERT_OK(load(&s, &e));
        ASSERT_EQ(s->n_keys, 2);
        ASSERT_STREQ(s->keys[0].name, "alpha");
        ASSERT_STREQ(s->keys[1].name, "beta");
        trust_store_free(s);
}

TEST(writable_key_refused)
{
        struct trust_store *s = NULL;
        struct sb_error e = {};
        char path[512];

        setup();
        snprintf(path, sizeof(path), "%s/keys/beta.pub", root);
        ASSERT_OK(chmod(path, 0666));
        ASSERT_EQ(load(&s, &e), -EPERM);
        ASSERT_TRUE(strstr(e.msg, "beta.pub must belong to root") != NULL);
        ASSERT_OK(chmod(path, 0644));
        snprintf(path, sizeof(path), "%s/keys", root);
        ASSERT_OK(chmod(path, 0777));
        ASSERT_EQ(load(&s, &e), -EPERM);
        ASSERT_OK(chmod(path, 0755));
}

TEST(symlinked_key_refused)
{
        struct trust_store *s = NULL;
        struct sb_error e = {};
        char path[512], target[512];

        setup();
        snprintf(path, sizeof(path), "%s/keys/gamma.pub", root);
        snprintf(target, sizeof(target), "%s/keys/alpha.pub", root);
        ASSERT_OK(symlink(target, path));
        ASSERT_EQ(load(&s, &e), -ELOOP);
        ASSERT_TRUE(strstr(e.msg, "symlink") != NULL);
        ASSERT_OK(unlink(path));
}

TEST(malformed_key_names_the_file)
{
        struct trust_store *s = NULL;
        struct sb_error e = {};
        char path[512];

        setup();
        put("keys/broken.pub", "untrusted comment: x\nnot base64\n", 0644);
        ASSERT_EQ(load(&s, &e), -EBADMSG);
        ASSERT_TRUE(strstr(e.msg, "keys/broken.pub: public key") != NULL);
        snprintf(path, sizeof(path), "%s/keys/broken.pub", root);
        ASSERT_OK(unlink(path));
}

TEST(revocation_lists)
{
        struct trust_store *s = NULL;
        struct sb_error e = {};
        char path[512];

        setup();
        put("revoked/site.list",
            "# revoked after the 2025 incident\n"
            "key B8C12C5F954266A7\n"
            "\n"
            "manifest sha256:f908ec53682dd42e766caac688a5502ab35dfd729842cbb1e98216d73e7737da\n",
            0644);
        ASSERT_OK(load(&s, &e));
        ASSERT_EQ(s->n_revoked_ids, 1);
        ASSERT_EQ(strv_length(s->denied_digests), 1);
        trust_store_free(s);

        put("revoked/bad.list", "manifest sha256:F908\n", 0644);
        ASSERT_EQ(load(&s, &e), -EBADMSG);
        ASSERT_TRUE(strstr(e.msg, "bad.list:1:") != NULL);
        put("revoked/bad.list", "revoke everything\n", 0644);
        ASSERT_EQ(load(&s, &e), -EBADMSG);
        snprintf(path, sizeof(path), "%s/revoked/bad.list", root);
        ASSERT_OK(unlink(path));

        /* a revoked .pub file revokes its key id */
        {
                char src[512], dst[512];
                snprintf(src, sizeof(src), "%s/keys/beta.pub", root);
                snprintf(dst, sizeof(dst), "%s/revoked/beta.pub", root);
                ASSERT_OK(link(src, dst)); /* the same file, as a copy would be */
        }
        ASSERT_OK(load(&s, &e));
        ASSERT_EQ(s->n_revoked_ids, 2);
        ASSERT_TRUE(memcmp(s->revoked_ids[0], s->keys[1].key.keyid, 8) == 0 ||
                    memcmp(s->revoked_ids[1], s->keys[1].key.keyid, 8) == 0);
        trust_store_free(s);
}

TEST(user_keys_and_deny_list)
{
        char k[512], r[512], uk[512], ul[512];
        struct trust_store_options o = {.keys_dir = k,
                                        .revoked_dir = r,
                                        .owner = getuid(),
                                        .user_keys_dir = uk,
                                        .user_revoked_file = ul,
                                        .user_uid = getuid()};
        struct trust_store *s = NULL;
        struct sb_error e = {};
        char *text;
        struct minisign_seckey *sk;
        struct minisign_pubkey pk;
        size_t n_ids, n_digests;

        setup();
        snprintf(k, sizeof(k), "%s/keys", root);
        snprintf(r, sizeof(r), "%s/revoked", root);
        snprintf(uk, sizeof(uk), "%s/user-keys", root);
        snprintf(ul, sizeof(ul), "%s/user-revoked.list", root);
        (void)mkdir(uk, 0700);
        if (minisign_keypair_generate(&sk, &pk) < 0 || minisign_pubkey_format(&pk, &text) < 0)
                TEST_FAIL("%s", "keygen");
        put("user-keys/mine.pub", text, 0644);
        free(text);
        minisign_seckey_free(sk);

        /* a missing deny list is an empty one; user keys come after the admin's, marked */
        ASSERT_OK(trust_store_load(&o, &s, &e));
        ASSERT_EQ(s->n_keys, 3);
        ASSERT_FALSE(s->keys[0].user || s->keys[1].user);
        ASSERT_TRUE(s->keys[2].user);
        ASSERT_STREQ(s->keys[2].name, "mine");
        n_ids = s->n_revoked_ids; /* the admin's, left by revocation_lists */
        n_digests = strv_length(s->denied_digests);
        trust_store_free(s);

        /* trust_revocation_add: appended in the store's format, once */
        ASSERT_EQ(trust_revocation_add(root, "user-revoked.list", "key 0123456789ABCDEF", &e), 0);
        ASSERT_EQ(trust_revocation_add(root, "user-revoked.list", "key 0123456789abcdef", &e), 1);
        ASSERT_EQ(trust_revocation_add(root, "user-revoked.list",
                                       "manifest sha256:f908ec53682dd42e766caac688a5502ab35dfd72"
                                       "9842cbb1e98216d73e7737da",
                                       &e),
                  0);
        ASSERT_EQ(trust_revocation_add(root, "user-revoked.list", "revoke everything", &e),
                  -EBADMSG);
        ASSERT_OK(trust_store_load(&o, &s, &e));
        ASSERT_EQ(s->n_revoked_ids, n_ids + 1);
        ASSERT_EQ(strv_length(s->denied_digests), n_digests + 1);
        trust_store_free(s);

        /* a deny list others may write refuses everything, as the admin's would */
        ASSERT_OK(chmod(ul, 0666));
        ASSERT_EQ(trust_store_load(&o, &s, &e), -EPERM);
        ASSERT_TRUE(strstr(e.msg, "user-revoked.list must belong to") != NULL);
        ASSERT_EQ(trust_revocation_add(root, "user-revoked.list", "key 0123456789ABCDEF", &e),
                  -EPERM);
        ASSERT_OK(chmod(ul, 0644));
}

TEST(missing_dirs_empty_store)
{
        struct trust_store_options o = {.keys_dir = "/nonexistent/keys.d",
                                        .revoked_dir = "/nonexistent/revoked.d"};
        struct trust_store *s = NULL;

        ASSERT_OK(trust_store_load(&o, &s, NULL));
        ASSERT_EQ(s->n_keys, 0);
        trust_store_free(s);
}

TEST(cleanup)
{
        ASSERT_EQ(test_rm_rf(root), 0);
}

TEST_MAIN
