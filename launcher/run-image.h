/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* sandbox run --image LAYOUT[:TAG]: verify the image's signature against the administrator's
 * keys, unpack its layers into the cache, and make it the sandbox's root. */

#include "error.h"
#include "image.h"
#include "spec.h"
#include "trust.h"

struct run_image {
        struct image *img;
        struct image_layers layers; /* keep until the sandbox exits: the locks pin the layers */
        struct trust_verdict verdict;
};

void run_image_done(struct run_image *ri);

/* Open ref, require a valid signature by a key of /etc/sandbox/keys.d (not revoked, not
 * expired, no rollback below what this user ran before), unpack the layers and record the run.
 * Fails closed: an unsigned or badly signed image never runs. */
int run_image_prepare(const char *ref, struct run_image *ret, struct sb_error *e);

/* The image as the sandbox's root: layers, Env (before the policy's), WorkingDir, User (numeric
 * or root: the caller appears as that id inside), and the command: Entrypoint followed by args,
 * or by Cmd when args is empty. */
int run_image_apply(const struct run_image *ri, char *const *args, struct sandbox_spec *spec,
                    struct sb_error *e);
