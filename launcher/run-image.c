/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "run-image.h"
#include "strv.h"

void run_image_done(struct run_image *ri)
{
        image_free(ri->img);
        image_layers_done(&ri->layers);
        trust_verdict_done(&ri->verdict);
        *ri = (struct run_image){};
}

int run_image_prepare(const char *ref, struct run_image *ret, struct sb_error *e)
{
        _cleanup_(run_image_done) struct run_image ri = {};
        _cleanup_trust_store_free_ struct trust_store *store = NULL;
        _cleanup_image_cache_free_ struct image_cache *cache = NULL;
        _cleanup_free_ char *path = NULL, *tag = NULL, *state_path = NULL, *cache_path = NULL;
        struct trust_state state = {};
        struct trust_request req;
        int r;

        r = image_ref_parse(ref, &path, &tag);
        if (r < 0)
                return sb_error_set(e, r, "--image %s: expected LAYOUT[:TAG]", ref);
        r = image_open(path, tag, &ri.img, e);
        if (r < 0)
                return r;

        /* Trust before anything of the image is unpacked or run. */
        r = trust_store_load(NULL, &store, e);
        if (r < 0)
                return r;
        r = trust_state_default_path(&state_path);
        if (r < 0)
                return sb_error_set(e, r, "cannot find the trust state file: %m");
        r = trust_state_load(state_path, &state, e);
        if (r < 0)
                return r;
        req = (struct trust_request){
            .layout_fd = ri.img->layout_fd,
            .manifest_digest = ri.img->manifest_digest,
            .manifest = ri.img->manifest_data,
            .manifest_size = ri.img->manifest_size,
            .rollback = TRUST_ROLLBACK_STRICT,
            .state = &state,
        };
        r = trust_verify(store, &req, &ri.verdict, e);
        trust_state_done(&state);
        if (r < 0)
                return r;

        r = image_cache_default_path(&cache_path);
        if (r < 0)
                return sb_error_set(e, r, "cannot find the image cache: %m");
        r = image_cache_open(cache_path, &cache, e);
        if (r < 0)
                return r;
        r = image_prepare_layers(ri.img, cache, NULL, &ri.layers, e);
        if (r < 0)
                return r;
        r = trust_state_record(state_path, &ri.verdict.statement, true, e);
        if (r < 0)
                return r;
        *ret = ri;
        ri = (struct run_image){};
        return 0;
}

/* "0", "1000", "1000:100", "root": numeric ids only, names would need the image's /etc/passwd
 * and are refused rather than guessed. */
static int parse_user(const char *user, uid_t *uid, gid_t *gid)
{
        unsigned long u, g;
        char *end;

        if (!user || !*user)
                return 0;
        if (streq(user, "root")) {
                *uid = 0;
                *gid = 0;
                return 0;
        }
        errno = 0;
        u = strtoul(user, &end, 10);
        if (errno || end == user || u >= UINT32_MAX - 1)
                return -EINVAL;
        g = u;
        if (*end == ':') {
                const char *gs = end + 1;
                g = strtoul(gs, &end, 10);
                if (errno || end == gs || g >= UINT32_MAX - 1)
                        return -EINVAL;
        }
        if (*end)
                return -EINVAL;
        *uid = (uid_t)u;
        *gid = (gid_t)g;
        return 0;
}

int run_image_apply(const struct run_image *ri, char *const *args, struct sandbox_spec *spec,
                    struct sb_error *e)
{
        const struct oci_config *c = &ri->img->config;
        int r;

        if (ri->layers.n == 0)
                return sb_error_set(e, -EINVAL, "the image has no layers");
        for (size_t i = 0; i < ri->layers.n; i++)
                if (strv_extend(&spec->image_layers, ri->layers.dirs[i]) < 0)
                        return -ENOMEM;
        STRV_FOREACH (v, c->env) {
                r = env_set(&spec->env, *v);
                if (r < 0)
                        return sb_error_set(e, r, "image config: bad Env entry '%s'", *v);
        }
        if (c->working_dir && c->working_dir[0] == '/' && !(spec->workdir = strdup(c->working_dir)))
                return -ENOMEM;
        r = parse_user(c->user, &spec->inside_uid, &spec->inside_gid);
        if (r < 0)
                return sb_error_set(e, r,
                                    "image config: User=%s: only numeric ids (UID[:GID]) and root "
                                    "are supported",
                                    c->user);

        STRV_FOREACH (w, c->entrypoint)
                if (strv_extend(&spec->argv, *w) < 0)
                        return -ENOMEM;
        STRV_FOREACH (w, args && *args ? args : c->cmd)
                if (strv_extend(&spec->argv, *w) < 0)
                        return -ENOMEM;
        if (!spec->argv)
                return sb_error_set(e, -EINVAL,
                                    "the image has no Entrypoint or Cmd: name a command after --");
        return 0;
}
