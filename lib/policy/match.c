/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* [Match]: which users a group policy applies to, and the user's groups from NSS. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy-internal.h"
#include "strv.h"

static bool any_in(char *const *want, char *const *have)
{
        STRV_FOREACH (w, want)
                if (strv_find(have, *w) >= 0)
                        return true;
        return false;
}

bool policy_matches(const struct policy *p, const char *user, char *const *groups)
{
        struct policy_member m = {.user = user, .groups = groups, .groups_known = true};

        return policy_member_matches(p, &m) > 0;
}

void policy_member_done(struct policy_member *m)
{
        if (m->looked_up && m->groups == m->looked_up) {
                m->groups = NULL;
                m->groups_known = false;
        }
        m->looked_up = strv_free(m->looked_up);
}

int policy_member_matches(const struct policy *p, struct policy_member *m)
{
        int r;

        if (strv_length(p->match_users) && (!m->user || strv_find(p->match_users, m->user) < 0))
                return 0;
        if (!strv_length(p->match_groups))
                return 1;
        if (!m->groups_known) {
                if (!m->user)
                        return 0; /* no name, no membership to look up */
                r = policy_user_groups(m->user, m->gid, &m->looked_up);
                if (r < 0)
                        return r;
                m->groups = m->looked_up;
                m->groups_known = true;
        }
        return any_in(p->match_groups, m->groups) ? 1 : 0;
}

/* More than any sane system has; stops a broken NSS module from making us loop forever. */
#define GROUPS_MAX   65536
#define GRBUF_MAX    (1024 * 1024)
#define GRBUF_START  1024
#define GROUPS_START 64

/* Name of group gid: 1 with *ret, 0 when the group has no entry, or -errno. */
static int group_name(gid_t gid, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = GRBUF_START;

        for (;;) {
                struct group grp, *result = NULL;
                char *b = realloc(buf, size);
                int r;

                if (!b)
                        return -ENOMEM;
                buf = b;
                r = getgrgid_r(gid, &grp, buf, size, &result);
                if (r == ERANGE) {
                        if (size >= GRBUF_MAX)
                                return -ERANGE;
                        size *= 2;
                        continue;
                }
                /* glibc documents these as "not found" from some NSS modules */
                if (r == 0 && !result)
                        return 0;
                if (r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)
                        return 0;
                if (r != 0)
                        return -r;
                *ret = strdup(grp.gr_name);
                return *ret ? 1 : -ENOMEM;
        }
}

int policy_user_groups(const char *user, gid_t gid, char ***ret_groups)
{
        _cleanup_free_ gid_t *gids = NULL;
        _cleanup_strv_free_ char **names = NULL;
        int n = GROUPS_START, r;

        /* getgrouplist() says how many it needs when the array is too small: grow and retry.
         * Membership can change between the calls, hence a loop. */
        for (;;) {
                int want = n;
                gid_t *g = reallocarray(gids, (size_t)n, sizeof(gid_t));

                if (!g)
                        return -ENOMEM;
                gids = g;
                if (getgrouplist(user, gid, gids, &want) >= 0) {
                        n = want;
                        break;
                }
                if (want <= n)
                        want = n * 2; /* no hint (old glibc): double */
                if (want > GROUPS_MAX)
                        return -E2BIG;
                n = want;
        }

        names = calloc(1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        for (int i = 0; i < n; i++) {
                char *name = NULL;

                r = group_name(gids[i], &name);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                if (strv_find(names, name) >= 0) {
                        free(name);
                        continue;
                }
                r = strv_consume(&names, name);
                if (r < 0) {
                        free(name);
                        return r;
                }
        }
        *ret_groups = TAKE_PTR(names);
        return 0;
}
