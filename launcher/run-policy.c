/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "env.h"
#include "instance.h"
#include "run-policy.h"
#include "strv.h"

void run_policy_done(struct run_policy *rp)
{
        policy_free(rp->ceiling);
        policy_free(rp->request);
        policy_free(rp->effective);
        policy_free(rp->admin_profile);
        policy_free(rp->user_profile);
        free(rp->user_dir);
        *rp = (struct run_policy){};
}

char *run_policy_user_dir(const char *home)
{
        const char *xdg = secure_getenv("XDG_CONFIG_HOME");
        char *p = NULL;

        if (xdg && xdg[0] == '/')
                return asprintf(&p, "%s/sandbox", xdg) < 0 ? NULL : p;
        if (!home || home[0] != '/')
                return NULL;
        return asprintf(&p, "%s/.config/sandbox", home) < 0 ? NULL : p;
}

bool run_policy_app_exists(const char *name, const char *user_dir)
{
        const char *const dirs[] = {POLICY_ADMIN_DIR, POLICY_SHIPPED_DIR, user_dir};

        if (strchr(name, '/') || name[0] == '.')
                return false;
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                char path[4096];

                if (!dirs[i])
                        continue;
                snprintf(path, sizeof(path), "%s/apps/%s.profile", dirs[i], name);
                if (faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                        return true;
        }
        return false;
}

/* Stack b onto *acc (both may be NULL). */
static int stack_onto(struct policy **acc, const struct policy *b, const struct policy_system *sys)
{
        struct policy *s = NULL;
        int r;

        if (!b)
                return 0;
        if (!*acc)
                return policy_copy(b, acc);
        r = policy_stack(*acc, b, sys, &s);
        if (r < 0)
                return r;
        policy_free(*acc);
        *acc = s;
        return 0;
}

int run_policy_resolve(struct policy_member *who, char *const *admin_dirs, const char *user_dir,
                       const char *app, const struct policy *flags, struct run_policy *ret,
                       struct sb_error *e)
{
        _cleanup_(run_policy_done) struct run_policy rp = {};
        const struct policy_dirs dirs = {
            .admin_dirs = admin_dirs,
            .admin_uid = admin_dirs ? getuid() : 0,
            .user_dir = user_dir,
            .user_uid = getuid(),
        };
        struct policy_system sys;
        int r;

        r = policy_system_detect(&sys);
        rp.sys = sys;
        if (r < 0)
                return sb_error_set(e, r, "cannot read the machine's memory and task limits: %m");
        if (user_dir && !(rp.user_dir = strdup(user_dir)))
                return -ENOMEM;
        r = policy_load_ceiling_member(&dirs, who, &sys, &rp.ceiling, e);
        if (r < 0)
                return r;
        if (app) {
                r = policy_load_profiles(&dirs, app, &rp.admin_profile, &rp.user_profile, e);
                if (r < 0)
                        return r;
        }
        r = policy_copy(rp.ceiling, &rp.effective);
        if (r < 0)
                return r;
        const struct policy *layers[] = {rp.admin_profile, rp.user_profile, flags};
        for (size_t i = 0; i < ELEMENTSOF(layers); i++) {
                struct policy *t = NULL;

                if (!layers[i])
                        continue;
                r = policy_tighten(rp.effective, layers[i], &sys, &t, e);
                if (r < 0)
                        return r;
                policy_free(rp.effective);
                rp.effective = t;
                r = stack_onto(&rp.request, layers[i], &sys);
                if (r < 0)
                        return r;
        }
        if (!rp.request && !(rp.request = policy_new(POLICY_KIND_EFFECTIVE, NULL)))
                return -ENOMEM;
        *ret = rp;
        rp = (struct run_policy){};
        return 0;
}

static const char *origin_of(const struct policy *p, enum policy_key k, char *buf, size_t size)
{
        const struct policy_origin *o = &p->origin[k];

        snprintf(buf, size, "%s:%u", policy_origin_file(o) ? policy_origin_file(o) : "?", o->line);
        return buf;
}

static int add_path_mounts(struct sandbox_spec *spec, const struct policy_path_list *l,
                           enum mount_kind kind, bool same_path)
{
        for (size_t i = 0; i < l->n; i++) {
                const struct policy_path *pp = &l->items[i];
                _cleanup_free_ char *arg = NULL;
                int r;

                if (asprintf(&arg, "%s:%s", pp->path,
                             same_path || !pp->dest ? pp->path : pp->dest) < 0)
                        return -ENOMEM;
                r = sandbox_spec_add_mount(spec, kind, arg);
                if (r < 0)
                        return r;
                spec->mounts[spec->n_mounts - 1].ignore_missing = pp->ignore_missing;
        }
        return 0;
}

/* path with repeated and trailing slashes dropped ("/" stays), malloc'ed; NULL on ENOMEM. The
 * paths compared here are free of "." and ".." already. */
static char *path_tidy(const char *path)
{
        char *out = malloc(strlen(path) + 2), *o = out;

        if (!out)
                return NULL;
        for (const char *p = path; *p; p++)
                if (*p != '/' || o == out || o[-1] != '/')
                        *o++ = *p;
        if (o > out + 1 && o[-1] == '/')
                o--;
        if (o == out)
                *o++ = '/';
        *o = '\0';
        return out;
}

/* Where a bind from source shows host path (both tidy) inside the sandbox: malloc'ed, or NULL
 * (with *ret_oom false) when source does not cover path. */
static char *bind_shows(const char *source, const char *dest, const char *path, bool *ret_oom)
{
        size_t len = streq(source, "/") ? 0 : strlen(source);
        char *r = NULL;

        *ret_oom = false;
        if (strncmp(path, source, len) != 0 || (path[len] != '/' && path[len] != '\0'))
                return NULL;
        if (asprintf(&r, "%s%s", dest, streq(path, "/") ? "" : path + len) < 0) {
                *ret_oom = true;
                return NULL;
        }
        return r;
}

/* A host path a bind of one of its parents must not show more of than the policy allows. */
struct guard {
        char *path; /* tidy; with symlinks resolved where it exists, as bind sources are */
        enum policy_access access; /* POLICY_ACCESS_READ_ONLY or POLICY_ACCESS_NONE */
};

static int add_guard(struct guard **l, size_t *n, const char *path, enum policy_access access)
{
        _cleanup_free_ char *real = realpath(path, NULL), *tidy = NULL;
        struct guard *nl;

        if (access == POLICY_ACCESS_READ_WRITE)
                return 0;
        /* Bind sources are opened with symlinks refused, so they are real paths: compare with
         * the real path of a guard reached through a symlink (/home -> /data/home), or a bind of
         * /data/home would show it unguarded. A missing path keeps its own name. */
        tidy = path_tidy(real ? real : path);
        if (!tidy)
                return -ENOMEM;
        nl = reallocarray(*l, *n + 1, sizeof(**l));
        if (!nl)
                return -ENOMEM;
        *l = nl;
        nl[(*n)++] = (struct guard){TAKE_PTR(tidy), access};
        return 0;
}

static void guards_free(struct guard *l, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(l[i].path);
        free(l);
}

int run_policy_protect(const struct run_policy *rp, struct sandbox_spec *spec, struct sb_error *e)
{
        /* The places ProtectSystem=, ProtectHome= and PrivateTmp= speak of: how much of each the
         * policy leaves is policy_path_access()'s to say. */
        static const char *const implied[] = {"/usr",  "/boot",     "/efi", "/etc",    "/home",
                                              "/root", "/run/user", "/tmp", "/var/tmp"};
        const struct policy *eff = rp->effective;
        const struct policy_path_list *lists[] = {&eff->read_only_paths, &eff->inaccessible_paths};
        const size_t n_binds = spec->n_mounts;
        struct guard *guards = NULL;
        size_t n_guards = 0;
        char registry[4200];
        bool any_bind = false;
        int r = 0;

        /* What the policy hides is hidden where it is, too (the host's /usr is in every root). */
        for (size_t i = 0; r >= 0 && i < eff->inaccessible_paths.n; i++)
                r = sandbox_spec_add_mount(spec, MOUNT_INACCESSIBLE,
                                           eff->inaccessible_paths.items[i].path);
        if (r < 0)
                return sb_error_set(e, r, "cannot apply InaccessiblePaths=: %m");
        for (size_t i = 0; i < n_binds; i++)
                any_bind = any_bind || spec->mounts[i].source;
        if (!any_bind)
                return 0; /* the common case: nothing more to look up */

        for (size_t k = 0; r >= 0 && k < ELEMENTSOF(lists); k++)
                for (size_t i = 0; r >= 0 && i < lists[k]->n; i++)
                        r = add_guard(&guards, &n_guards, lists[k]->items[i].path,
                                      policy_path_access(eff, lists[k]->items[i].path, NULL, NULL));
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(implied); i++)
                r = add_guard(&guards, &n_guards, implied[i],
                              policy_path_access(eff, implied[i], NULL, NULL));
        /* Sandboxes never see the user's own profiles writable: one written there could loosen
         * the next run (within the ceiling, but beyond what the user chose). Nor the instance
         * registry: a record written from inside could make a later `sandbox enter` join with
         * other settings than the sandbox's own. */
        if (r >= 0 && rp->user_dir)
                r = add_guard(&guards, &n_guards, rp->user_dir, POLICY_ACCESS_READ_ONLY);
        if (r >= 0 && instance_registry_path(registry, sizeof(registry)) >= 0)
                r = add_guard(&guards, &n_guards, registry, POLICY_ACCESS_READ_ONLY);

        /* For every bind (the policy's, the options', the desktop's) whose source covers a
         * guarded path, a mount at the place the bind shows it: read-only binds of the path over
         * writable binds first, then the masks, which must lie on top of those. */
        for (int pass = 0; r >= 0 && pass < 2; pass++) {
                enum policy_access want = pass == 0 ? POLICY_ACCESS_READ_ONLY : POLICY_ACCESS_NONE;

                for (size_t g = 0; r >= 0 && g < n_guards; g++) {
                        if (guards[g].access != want)
                                continue;
                        for (size_t i = 0; r >= 0 && i < n_binds; i++) {
                                const struct mount_request *m = &spec->mounts[i];
                                _cleanup_free_ char *src = NULL, *shown = NULL, *arg = NULL;
                                bool oom;

                                if (!m->source ||
                                    (want == POLICY_ACCESS_READ_ONLY && m->kind != MOUNT_BIND))
                                        continue;
                                src = path_tidy(m->source);
                                if (!src) {
                                        r = -ENOMEM;
                                        break;
                                }
                                shown = bind_shows(src, m->dest, guards[g].path, &oom);
                                if (!shown) {
                                        r = oom ? -ENOMEM : 0;
                                        continue;
                                }
                                if (want == POLICY_ACCESS_NONE)
                                        r = sandbox_spec_add_mount(spec, MOUNT_INACCESSIBLE, shown);
                                else if (strchr(guards[g].path, ':'))
                                        r = -EINVAL; /* not expressible as SRC:DST: refuse */
                                else if (asprintf(&arg, "%s:%s", guards[g].path, shown) < 0)
                                        r = -ENOMEM;
                                else
                                        r = sandbox_spec_add_mount(spec, MOUNT_RO_BIND, arg);
                                if (r >= 0)
                                        spec->mounts[spec->n_mounts - 1].ignore_missing = true;
                        }
                }
        }
        guards_free(guards, n_guards);
        if (r < 0)
                return sb_error_set(e, r,
                                    "cannot keep the policy's paths protected inside the "
                                    "binds: %m");
        return 0;
}

int run_policy_apply(const struct run_policy *rp, struct sandbox_spec *spec, struct sb_error *e)
{
        const struct policy *eff = rp->effective, *req = rp->request;
        char where[512];
        int r;

        /* Network: the host's only when something below the ceiling asked for it. */
        if (policy_is_set(eff, POLICY_PRIVATE_NETWORK) && eff->private_network)
                spec->net = NET_NONE;
        else if (policy_is_set(req, POLICY_PRIVATE_NETWORK) && !req->private_network)
                spec->net = NET_HOST;
        else
                spec->net = NET_NONE;

        /* Capabilities: what --cap-add and the profiles' AmbientCapabilities= ask, all within
         * the effective bounding set (the flags' own CapabilityBoundingSet= was checked against
         * the ceiling already). */
        if (policy_is_set(eff, POLICY_AMBIENT_CAPABILITIES))
                spec->keep_caps |= eff->ambient_capabilities;
        if (policy_is_set(eff, POLICY_CAPABILITY_BOUNDING_SET) &&
            (spec->keep_caps & ~eff->capability_bounding_set)) {
                int cap = __builtin_ctzll(spec->keep_caps & ~eff->capability_bounding_set);
                char name[64];

                snprintf(name, sizeof(name), "%s", cap_name(cap) ? cap_name(cap) : "?");
                for (char *c = name; *c; c++)
                        *c = (char)toupper((unsigned char)*c);
                return sb_error_set(
                    e, -EPERM, "capability CAP_%s is outside CapabilityBoundingSet= set by %s",
                    name, origin_of(eff, POLICY_CAPABILITY_BOUNDING_SET, where, sizeof(where)));
        }

        /* Binds: everything the effective policy binds (already cut down to what the ceiling
         * grants), then the paths the request opened up by name. */
        r = add_path_mounts(spec, &eff->bind_read_only_paths, MOUNT_RO_BIND, false);
        if (r >= 0)
                r = add_path_mounts(spec, &eff->bind_paths, MOUNT_BIND, false);
        if (r >= 0)
                r = add_path_mounts(spec, &req->read_only_paths, MOUNT_RO_BIND, true);
        if (r >= 0)
                r = add_path_mounts(spec, &req->read_write_paths, MOUNT_BIND, true);
        /* What must stay read-only or hidden inside them is run_policy_protect()'s, once every
         * bind is known. */
        if (r < 0)
                return sb_error_set(e, r, "cannot apply the policy's paths: %m");

        /* Environment= of the policy, before --env (which may not change what it sets). */
        for (size_t i = 0; i < eff->environment.n; i++) {
                _cleanup_free_ char *a = NULL;

                if (asprintf(&a, "%s=%s", eff->environment.items[i].name,
                             eff->environment.items[i].value) < 0)
                        return -ENOMEM;
                r = env_set(&spec->env, a);
                if (r < 0)
                        return sb_error_set(e, r, "bad Environment= entry '%s'", a);
        }
        return 0;
}
