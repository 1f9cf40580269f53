/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "log.h"
#include "run-image.h"
#include "run-policy.h"
#include "strv.h"

void run_image_done(struct run_image *ri)
{
        image_free(ri->img);
        image_layers_done(&ri->layers);
        trust_verdict_done(&ri->verdict);
        *ri = (struct run_image){};
}

static enum trust_rollback rollback_mode(const struct policy *eff)
{
        return policy_image_rollback(eff) == POLICY_ROLLBACK_WARN_STALE ? TRUST_ROLLBACK_WARN_STALE
                                                                        : TRUST_ROLLBACK_STRICT;
}

/* Where an [Images] key was decided, for messages: " (RequireSigned=no at FILE:LINE)". */
static void origin_note(const struct policy *eff, enum policy_key k, char *buf, size_t size)
{
        const struct policy_origin *o = &eff->origin[k];
        _cleanup_free_ char *v = policy_format_value(eff, k);

        if (!o->source || !v)
                snprintf(buf, size, "%s", "");
        else
                snprintf(buf, size, " (%s=%s at %s:%u)", policy_key_name(k), v,
                         policy_origin_file(o), o->line);
}

int run_image_store(const struct policy *eff, bool user_keys, struct trust_store **ret,
                    struct sb_error *e)
{
        _cleanup_free_ char *keys = NULL, *revoked = NULL;
        struct trust_store_options so = {.user_uid = getuid()};

        /* The user's deny list always counts (it only refuses); the user's keys only where the
         * policy says TrustedKeys=@user (inspect loads them to name them, trust_verify() still
         * refuses them without @user). */
        revoked = trust_user_revoked_file();
        if (!revoked)
                return sb_error_set(e, -ENOMEM, "cannot find your configuration directory");
        so.user_revoked_file = revoked;
        if (user_keys || policy_image_user_keys(eff)) {
                keys = trust_user_keys_dir();
                if (!keys)
                        return sb_error_set(e, -ENOMEM, "cannot find your key directory");
                so.user_keys_dir = keys;
        }
        return trust_store_load(&so, ret, e);
}

void run_image_request(const struct policy *eff, const struct image *img,
                       const struct trust_state *state, struct trust_request *ret)
{
        static char *const no_env[] = {NULL};

        *ret = (struct trust_request){
            .layout_fd = img->layout_fd,
            .manifest_digest = img->manifest_digest,
            .manifest = img->manifest_data,
            .manifest_size = img->manifest_size,
            .trusted_keys = policy_image_trusted_keys(eff),
            .allowed_envs = !policy_is_set(eff, POLICY_ALLOWED_ENVIRONMENTS) ? NULL
                            : eff->allowed_environments ? eff->allowed_environments
                                                        : no_env,
            .max_age = policy_is_set(eff, POLICY_MAX_SIGNATURE_AGE) ? eff->max_signature_age : 0,
            .rollback = rollback_mode(eff),
            .state = state,
        };
}

int run_image_prepare(const char *ref, const char *name, const struct policy *eff,
                      struct run_image *ret, struct sb_error *e)
{
        _cleanup_(run_image_done) struct run_image ri = {};
        _cleanup_trust_store_free_ struct trust_store *store = NULL;
        _cleanup_image_cache_free_ struct image_cache *cache = NULL;
        _cleanup_free_ char *path = NULL, *tag = NULL, *state_path = NULL, *cache_path = NULL;
        struct trust_state state = {};
        struct trust_request req;
        bool unsigned_ok = false;
        char note[512];
        int r;

        if (name && !trust_name_is_valid(name))
                return sb_error_set(e, -EINVAL, "--image-name %s: not a valid image name", name);
        r = image_ref_parse(ref, &path, &tag);
        if (r < 0)
                return sb_error_set(e, r, "--image %s: expected LAYOUT[:TAG]", ref);
        /* The manifest's bytes only: nothing in them is parsed or followed before the
         * signature over them has been checked. */
        r = image_open_unparsed(path, tag, &ri.img, e);
        if (r < 0)
                return r;

        /* Trust before anything of the image is parsed, unpacked or run. */
        r = run_image_store(eff, false, &store, e);
        if (r < 0)
                return r;
        r = trust_state_default_path(&state_path);
        if (r < 0)
                return sb_error_set(e, r, "cannot find the trust state file: %m");
        r = trust_state_load(state_path, &state, e);
        if (r < 0)
                return r;
        run_image_request(eff, ri.img, &state, &req);
        /* The tag in index.json is not signed: anyone who can write the layout can point it at
         * another signed image. A name the caller expects binds what runs to what was meant. */
        req.name = name;
        r = trust_verify(store, &req, &ri.verdict, e);
        trust_state_done(&state);
        if (r == -ENOENT && name)
                return sb_error_set(e, r,
                                    "%s carries no signature, so nothing vouches that it is %s "
                                    "(--image-name)",
                                    ref, name);
        if (r == -ENOENT && !policy_image_require_signed(eff)) {
                /* No signature at all, and the admin said that is acceptable. A signature that
                 * fails is still refused: it is a claim that turned out false, not no claim. */
                origin_note(eff, POLICY_REQUIRE_SIGNED, note, sizeof(note));
                log_error("run: warning: %s carries no signature; running it unsigned%s", ref,
                          note);
                unsigned_ok = true;
                r = 0;
        }
        if (r < 0) {
                enum policy_key k = r == -ENOENT        ? POLICY_REQUIRE_SIGNED
                                    : r == -EKEYEXPIRED ? POLICY_MAX_SIGNATURE_AGE
                                    : r == -ESTALE      ? POLICY_ROLLBACK_PROTECTION
                                    : r == -EPERM       ? POLICY_TRUSTED_KEYS
                                                        : _POLICY_KEY_MAX;
                /* name the policy setting behind a refusal, where one decided it */
                if (k == POLICY_MAX_SIGNATURE_AGE && !strstr(e->msg, "longer ago than the policy"))
                        k = _POLICY_KEY_MAX; /* plain expiry: the signer's date, not the policy */
                if (k != _POLICY_KEY_MAX && k != POLICY_TRUSTED_KEYS) {
                        origin_note(eff, k, note, sizeof(note));
                        if (note[0] && strlen(e->msg) + strlen(note) < sizeof(e->msg))
                                strcat(e->msg, note);
                }
                return r;
        }
        if (ri.verdict.warning)
                log_error("run: warning: %s", ri.verdict.warning);
        r = image_load(ri.img, e);
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
        if (!unsigned_ok) {
                r = trust_state_record(state_path, &ri.verdict.statement, true, req.allowed_envs,
                                       e);
                if (r < 0)
                        return r;
        }
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

int run_image_policy(struct run_policy *ret, struct sb_error *e)
{
        _cleanup_(policy_member_done) struct policy_member who = {};
        _cleanup_free_ char *user_dir = NULL;
        struct passwd *pw;

        errno = 0;
        pw = getpwuid(getuid());
        if (!pw)
                return sb_error_set(e, errno ? -errno : -ENOENT, "cannot look up uid %u",
                                    (unsigned)getuid());
        user_dir = run_policy_user_dir(pw->pw_dir);
        /* The groups are looked up only when a policy's Group= needs them (lib/policy/match.c). */
        who = (struct policy_member){.user = pw->pw_name, .gid = pw->pw_gid};
        return run_policy_resolve(&who, NULL, user_dir, NULL, NULL, ret, e);
}
