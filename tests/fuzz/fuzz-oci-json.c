/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the OCI JSON parsers with what a layout could hold. The first byte picks the document
 * (index, manifest, config); the rest is the document. Oracles: parsing never crashes or leaks
 * (ASan), errors always carry a message, and what parses satisfies the invariants the rest of
 * lib/image relies on (valid digests, known layer compressions, Env entries NAME=VALUE, as many
 * entries as the counters say). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci.h"
#include "strv.h"

#define FUZZ_INPUT_MAX (256U * 1024U)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_descriptor(const struct oci_descriptor *d)
{
        if (!d->media_type || !digest_is_valid(d->digest))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *doc;
        struct sb_error e = {};
        size_t n;
        int r;

        if (size < 1 || size > FUZZ_INPUT_MAX)
                return 0;
        doc = (const char *)data + 1;
        n = size - 1;

        switch (data[0] % 3) {
        case 0: {
                struct oci_index i = {};
                r = oci_index_parse(doc, n, &i, &e);
                if (r >= 0) {
                        for (size_t k = 0; k < i.n_manifests; k++)
                                check_descriptor(&i.manifests[k]);
                        oci_index_done(&i);
                }
                break;
        }
        case 1: {
                struct oci_manifest m = {};
                r = oci_manifest_parse(doc, n, &m, &e);
                if (r >= 0) {
                        check_descriptor(&m.config);
                        if (m.n_layers > OCI_LAYERS_MAX)
                                abort();
                        for (size_t k = 0; k < m.n_layers; k++) {
                                check_descriptor(&m.layers[k].desc);
                                if (m.layers[k].compression > OCI_COMPRESSION_ZSTD)
                                        abort();
                        }
                        oci_manifest_done(&m);
                }
                break;
        }
        default: {
                struct oci_config c = {};
                r = oci_config_parse(doc, n, &c, &e);
                if (r >= 0) {
                        if (!c.os || !c.architecture || strv_length(c.diff_ids) != c.n_diff_ids)
                                abort();
                        for (size_t k = 0; k < c.n_diff_ids; k++)
                                if (!digest_is_valid(c.diff_ids[k]))
                                        abort();
                        STRV_FOREACH (v, c.env)
                                if (!strchr(*v, '=') || **v == '=')
                                        abort();
                        if (c.working_dir && c.working_dir[0] && c.working_dir[0] != '/')
                                abort();
                        oci_config_done(&c);
                }
                break;
        }
        }
        if (r < 0 && e.msg[0] == '\0')
                abort();
        return 0;
}
