/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* sandbox run --image LAYOUT[:TAG]: verify the image's signature against the administrator's
 * keys, unpack its layers into the cache, and make it the sandbox's root. */

#include "error.h"
#include "image.h"
#include "policy.h"
#include "spec.h"
#include "trust.h"

struct run_image {
        struct image *img;
        struct image_layers layers; /* keep until the sandbox exits: the locks pin the layers */
        struct trust_verdict verdict;
};

void run_image_done(struct run_image *ri);

/* Open ref, require a valid signature as the [Images] keys of the effective policy eff say (by
 * default: a key of /etc/sandbox/keys.d, not revoked, not expired, no rollback below what this
 * user ran before, no stale version) and, with name, a statement for that name; unpack the
 * layers and record the run. Fails closed: a badly signed image never runs, an unsigned one
 * only under an admin's RequireSigned=no and when no name was asked for. */
int run_image_prepare(const char *ref, const char *name, const struct policy *eff,
                      struct run_image *ret, struct sb_error *e);

/* The caller's effective policy for images: their admin ceiling, no app, no flags. */
struct run_policy;
int run_image_policy(struct run_policy *ret, struct sb_error *e);
/* The trust store `sandbox run --image` checks against under eff: the admin's store, the user's
 * deny list, and the user's keys where eff allows them (or always, with user_keys). */
int run_image_store(const struct policy *eff, bool user_keys, struct trust_store **ret,
                    struct sb_error *e);
/* The trust request for img under eff's [Images] keys, with the rollback state. */
void run_image_request(const struct policy *eff, const struct image *img,
                       const struct trust_state *state, struct trust_request *ret);

/* The image as the sandbox's root: layers, Env (before the policy's), WorkingDir, User (numeric
 * or root: the caller appears as that id inside), and the command: Entrypoint followed by args,
 * or by Cmd when args is empty. */
int run_image_apply(const struct run_image *ri, char *const *args, struct sandbox_spec *spec,
                    struct sb_error *e);
