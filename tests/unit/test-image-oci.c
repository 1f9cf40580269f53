/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI JSON parsing (strict: duplicates, digests, sizes, media types), digests and references. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "oci.h"
#include "test.h"

#define D1          "sha256:4498b84316f9fcd45cf63f15615b9ab45f07fe44c4678b12a1f6a1733268be4a"
#define D2          "sha256:bd69332611c361e3c34897ad87a0814b13f514e37b1c1bd658e3dccd67afd563"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG   "application/vnd.oci.image.config.v1+json"
#define MT_GZIP     "application/vnd.oci.image.layer.v1.tar+gzip"

#define INDEX(entry) "{\"schemaVersion\":2,\"manifests\":[" entry "]}"
#define ENTRY(digest, size, tag)                                                                   \
        "{\"mediaType\":\"" MT_MANIFEST "\",\"digest\":\"" digest "\",\"size\":" size              \
        ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" tag "\"}}"
#define MANIFEST(layer_mt, layer_digest)                                                           \
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_CONFIG "\",\"digest\":\"" D2        \
        "\",\"size\":446},\"layers\":[{\"mediaType\":\"" layer_mt "\",\"digest\":\"" layer_digest  \
        "\",\"size\":1084120}]}"

static int index_parse(const char *s, struct oci_index *ret)
{
        struct sb_error e = {};
        int r = oci_index_parse(s, strlen(s), ret, &e);
        if (r < 0)
                printf("# %s\n", e.msg);
        return r;
}

TEST(index_good)
{
        struct oci_index i = {};

        ASSERT_OK(index_parse(INDEX(ENTRY(D1, "349", "base") "," ENTRY(D2, "1", "v2")), &i));
        ASSERT_EQ(i.n_manifests, 2);
        ASSERT_STREQ(i.manifests[0].digest, D1);
        ASSERT_EQ(i.manifests[0].size, 349);
        ASSERT_STREQ(i.manifests[0].ref_name, "base");
        ASSERT_STREQ(i.manifests[1].ref_name, "v2");
        oci_index_done(&i);
        oci_index_done(&i); /* idempotent */
}

TEST(index_rejects)
{
        static const struct {
                const char *json;
                int r;
        } bad[] = {
            /* a duplicated member: two digests for one descriptor */
            {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_MANIFEST
             "\",\"digest\":\"" D1 "\",\"digest\":\"" D2 "\",\"size\":1}]}",
             -EBADMSG},
            {"{\"schemaVersion\":2,\"schemaVersion\":2,\"manifests\":[]}", -EBADMSG},
            {INDEX(ENTRY("sha256:4498B84316F9FCD45CF63F15615B9AB45F07FE44C4678B12A1F6A1733268BE4A",
                         "1", "x")),
             -EBADMSG},
            {INDEX(ENTRY("sha512:4498", "1", "x")), -EOPNOTSUPP},
            {INDEX(ENTRY(D1 " ", "1", "x")), -EBADMSG},
            {INDEX(ENTRY(D1, "-1", "x")), -EBADMSG},
            {INDEX(ENTRY(D1, "1.5", "x")), -EBADMSG},
            {INDEX(ENTRY(D1, "\"1\"", "x")), -EBADMSG},
            {INDEX(ENTRY(D1, "1", "x")) "garbage", -EBADMSG},
            {INDEX(ENTRY(D1, "1", "a\\u0000b")), -EBADMSG},
            {"{\"schemaVersion\":1,\"manifests\":[]}", -EOPNOTSUPP},
            {"{\"schemaVersion\":2}", -EBADMSG},
            {"[]", -EBADMSG},
            {"{\"schemaVersion\":2,\"mediaType\":\"" MT_MANIFEST "\",\"manifests\":[]}",
             -EOPNOTSUPP},
            {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"" D1
             "\",\"size\":1,\"annotations\":[]}]}",
             -EBADMSG},
        };

        for (size_t k = 0; k < ELEMENTSOF(bad); k++) {
                struct oci_index i = {};
                struct sb_error e = {};
                int r = oci_index_parse(bad[k].json, strlen(bad[k].json), &i, &e);
                if (r != bad[k].r)
                        TEST_FAIL("case %zu: %d instead of %d (%s)", k, r, bad[k].r, e.msg);
                ASSERT_TRUE(e.msg[0] != '\0');
        }
}

TEST(size_cap_before_parsing)
{
        struct oci_index i = {};
        struct sb_error e = {};
        size_t n = OCI_JSON_MAX + 1;
        char *big = malloc(n);

        ASSERT_TRUE(big);
        memset(big, ' ', n);
        ASSERT_EQ(oci_index_parse(big, n, &i, &e), -E2BIG);
        free(big);
}

TEST(manifest_layers)
{
        struct oci_manifest m = {};
        struct sb_error e = {};
        const char *s = MANIFEST(MT_GZIP, D1);

        ASSERT_OK(oci_manifest_parse(s, strlen(s), &m, &e));
        ASSERT_EQ(m.n_layers, 1);
        ASSERT_EQ(m.layers[0].compression, OCI_COMPRESSION_GZIP);
        ASSERT_STREQ(m.config.digest, D2);
        oci_manifest_done(&m);

        s = MANIFEST("application/vnd.oci.image.layer.v1.tar+zstd", D1);
        ASSERT_OK(oci_manifest_parse(s, strlen(s), &m, &e));
        ASSERT_EQ(m.layers[0].compression, OCI_COMPRESSION_ZSTD);
        oci_manifest_done(&m);

        s = MANIFEST("application/vnd.oci.image.layer.v1.tar+encrypted", D1);
        ASSERT_EQ(oci_manifest_parse(s, strlen(s), &m, &e), -EOPNOTSUPP);
        ASSERT_TRUE(strstr(e.msg, "layers[0].mediaType") != NULL);

        s = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.example+json\","
            "\"digest\":\"" D2 "\",\"size\":2},\"layers\":[]}";
        ASSERT_EQ(oci_manifest_parse(s, strlen(s), &m, &e), -EOPNOTSUPP);
}

TEST(manifest_too_many_layers)
{
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);
        struct oci_manifest m = {};
        struct sb_error e = {};

        ASSERT_TRUE(f);
        fprintf(f, "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_CONFIG
                   "\",\"digest\":\"" D2 "\",\"size\":2},\"layers\":[");
        for (unsigned i = 0; i <= OCI_LAYERS_MAX; i++)
                fprintf(f, "%s{\"mediaType\":\"" MT_GZIP "\",\"digest\":\"" D1 "\",\"size\":1}",
                        i ? "," : "");
        fprintf(f, "]}");
        fclose(f);
        ASSERT_EQ(oci_manifest_parse(s, len, &m, &e), -E2BIG);
        free(s);
}

TEST(config)
{
        const char *s = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
                        "\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":null,\"Env\":[\"A=1\",\"B=\"],"
                        "\"WorkingDir\":\"/srv\",\"User\":\"1000:1000\"},"
                        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
        struct oci_config c = {};
        struct sb_error e = {};

        ASSERT_OK(oci_config_parse(s, strlen(s), &c, &e));
        ASSERT_STREQ(c.entrypoint[1], "-c");
        ASSERT_TRUE(c.cmd == NULL);
        ASSERT_STREQ(c.env[1], "B=");
        ASSERT_STREQ(c.working_dir, "/srv");
        ASSERT_STREQ(c.user, "1000:1000");
        ASSERT_EQ(c.n_diff_ids, 1);
        oci_config_done(&c);

        s = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[]},"
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        ASSERT_OK(oci_config_parse(s, strlen(s), &c, &e));
        ASSERT_TRUE(c.entrypoint && c.entrypoint[0] == NULL); /* [] is not null */
        oci_config_done(&c);

        s = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"=x\"]},"
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        ASSERT_EQ(oci_config_parse(s, strlen(s), &c, &e), -EBADMSG);
        s = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"WorkingDir\":\"srv\"},"
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        ASSERT_EQ(oci_config_parse(s, strlen(s), &c, &e), -EBADMSG);
        s = "{\"architecture\":\"amd64\",\"os\":\"linux\","
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:abc\"]}}";
        ASSERT_EQ(oci_config_parse(s, strlen(s), &c, &e), -EBADMSG);
        s = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[1]},"
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        ASSERT_EQ(oci_config_parse(s, strlen(s), &c, &e), -EBADMSG);
        s = "{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        ASSERT_EQ(oci_config_parse(s, strlen(s), &c, &e), -EBADMSG);
}

TEST(digests)
{
        char d[DIGEST_STRING_MAX];

        ASSERT_OK(sha256_string("abc", 3, d));
        ASSERT_STREQ(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ASSERT_TRUE(digest_is_valid(d));
        ASSERT_FALSE(digest_is_valid(
            "sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        ASSERT_FALSE(digest_is_valid(
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"));
        ASSERT_FALSE(digest_is_valid(
            "sha384:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        {
                struct sha256_ctx *c = sha256_new();
                ASSERT_TRUE(c);
                sha256_update(c, "a", 1);
                sha256_update(c, "bc", 2);
                sha256_final_string(c, d);
                ASSERT_STREQ(
                    d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
}

TEST(references)
{
        char *p = NULL, *t = NULL;

        ASSERT_OK(image_ref_parse("dir:latest", &p, &t));
        ASSERT_STREQ(p, "dir");
        ASSERT_STREQ(t, "latest");
        free(p);
        free(t);
        ASSERT_OK(image_ref_parse("/srv/img:v1.2-rc_3", &p, &t));
        ASSERT_STREQ(p, "/srv/img");
        ASSERT_STREQ(t, "v1.2-rc_3");
        free(p);
        free(t);
        ASSERT_OK(image_ref_parse("/srv/a:b/img", &p, &t));
        ASSERT_STREQ(p, "/srv/a:b/img");
        ASSERT_TRUE(t == NULL);
        free(p);
        ASSERT_EQ(image_ref_parse(":tag", &p, &t), -EINVAL);
        ASSERT_EQ(image_ref_parse("dir:", &p, &t), -EINVAL);
        ASSERT_EQ(image_ref_parse("dir:.hidden", &p, &t), -EINVAL);
        ASSERT_EQ(image_ref_parse("dir:a$b", &p, &t), -EINVAL);
}

TEST_MAIN
