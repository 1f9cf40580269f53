/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ceiling rule: stack peers to the more restrictive value, refuse a layer that asks for more.
 *
 * Paths are the subtle part. Each policy defines, for every host path, how much of the host's
 * data there the sandbox may use (policy_path_access(): none, read-only, read-write), decided by
 * the most specific rule. The merge keeps
 *   - every InaccessiblePaths= entry of both sides (and the stronger ProtectSystem=,
 *     ProtectHome=, PrivateTmp=, whose rules only ever take access away),
 *   - a ReadOnlyPaths= entry only where the other side grants at least read access, and
 *   - a ReadWritePaths= entry only where the other side grants write access,
 * so that for every path the result grants at most what each side grants: a deeper read-write
 * exception of one side can never reopen what the other side closed. The property test in
 * test-policy-merge checks exactly this on random policies. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd-util.h"
#include "policy-internal.h"
#include "strv.h"

static int read_u64_file(const char *path, uint64_t *ret)
{
        char buf[32], *end;
        unsigned long long v;
        ssize_t n = read_small_file_at(AT_FDCWD, path, buf, sizeof(buf));

        /* A negative errno always: a plain (int) cast of the ssize_t lets gcc -O3 think the
         * result could be >= 0 with *ret unset (-Werror=maybe-uninitialized in the callers). */
        if (n < 0)
                return n >= INT_MIN ? (int)n : -EIO;
        errno = 0;
        v = strtoull(buf, &end, 10);
        if (errno != 0 || end == buf || (*end != '\n' && *end != '\0') || v == 0)
                return -EINVAL;
        *ret = v;
        return 0;
}

int policy_system_detect(struct policy_system *ret)
{
        long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
        uint64_t threads, pids;
        int r;

        if (pages <= 0 || page_size <= 0)
                return -EIO;
        r = read_u64_file("/proc/sys/kernel/threads-max", &threads);
        if (r < 0)
                return r;
        r = read_u64_file("/proc/sys/kernel/pid_max", &pids);
        if (r < 0)
                return r;
        *ret = (struct policy_system){
            .memory_bytes = (uint64_t)pages * (uint64_t)page_size,
            .tasks_max = threads < pids ? threads : pids,
        };
        return 0;
}

uint64_t policy_limit_resolve(const struct policy_limit *l, uint64_t total)
{
        unsigned __int128 v;

        switch (l->kind) {
        case POLICY_LIMIT_ABSOLUTE:
                return l->value;
        case POLICY_LIMIT_PERMYRIAD:
                v = (unsigned __int128)total * l->value / 10000;
                return v >= UINT64_MAX ? UINT64_MAX - 1 : (uint64_t)v;
        case POLICY_LIMIT_UNSET:
        case POLICY_LIMIT_INFINITY:
        default:
                return UINT64_MAX;
        }
}

/* What percentages of key are taken of. */
static uint64_t limit_total(const struct policy_system *sys, enum policy_key k)
{
        switch (k) {
        case POLICY_MEMORY_MAX:
        case POLICY_MEMORY_HIGH:
                return sys->memory_bytes;
        case POLICY_TASKS_MAX:
                return sys->tasks_max;
        default:
                return 10000; /* CPUQuota=: the permyriad is the value */
        }
}

static uint64_t limit_of(const struct policy *p, enum policy_key k, const struct policy_system *sys)
{
        if (!policy_is_set(p, k))
                return UINT64_MAX;
        return policy_limit_resolve(policy_field_const(p, k), limit_total(sys, k));
}

/* ---- the access model ----
 *
 * Two kinds of rules decide a path. Explicit ones (ReadWritePaths=, ReadOnlyPaths=,
 * InaccessiblePaths=): the most specific wins, among equally specific ones the most restrictive,
 * so ReadWritePaths=/srv/data opens a hole in ProtectSystem=strict's read-only root. Implied ones
 * (ProtectSystem=, ProtectHome=, PrivateTmp=) only ever take access away: where one covers the
 * path at least as deeply as the deciding explicit rule, the more restrictive of the two counts.
 * Were the implied rules to win by depth alone, ProtectHome=read-only (a read-only /home) from one
 * policy would reopen /home under another policy's InaccessiblePaths=/ in a merge. */

struct rule {
        const char *path; /* the rule's path (an implied rule's fixed path) */
        enum policy_access access;
        enum policy_key key;
        const struct policy_origin *origin;
        bool found;
        size_t depth; /* implied rules: the deepest one covering the path */
};

static void consider(struct rule *best, const char *rule_path, const char *path,
                     enum policy_access access, enum policy_key key,
                     const struct policy_origin *origin)
{
        if (!policy_path_covers(rule_path, path))
                return;
        if (best->found) {
                size_t a = strlen(rule_path), b = strlen(best->path);
                /* the most specific rule wins; among equals the most restrictive */
                if (a < b || (a == b && access >= best->access))
                        return;
        }
        *best = (struct rule){rule_path, access, key, origin, true, strlen(rule_path)};
}

/* Implied rules: the most restrictive covering one decides, the depth is the deepest's. */
static void imply(struct rule *best, const char *rule_path, const char *path,
                  enum policy_access access, enum policy_key key,
                  const struct policy_origin *origin)
{
        size_t depth;

        if (!policy_path_covers(rule_path, path))
                return;
        depth = strlen(rule_path);
        if (best->found && depth > best->depth)
                best->depth = depth;
        if (!best->found || access < best->access ||
            (access == best->access && depth >= strlen(best->path))) {
                size_t d = best->found && best->depth > depth ? best->depth : depth;
                *best = (struct rule){rule_path, access, key, origin, true, d};
        }
}

static void consider_list(struct rule *best, const struct policy *p, enum policy_key k,
                          enum policy_access access, const char *path)
{
        const struct policy_path_list *l = policy_field_const(p, k);

        for (size_t i = 0; i < l->n; i++)
                consider(best, l->items[i].path, path, access, k, &l->items[i].origin);
}

static struct rule implied_rule(const struct policy *p, const char *path)
{
        static const char *const system_yes[] = {"/usr", "/boot", "/efi"};
        static const char *const homes[] = {"/home", "/root", "/run/user"};
        static const char *const tmps[] = {"/tmp", "/var/tmp"};
        struct rule best = {};
        const struct policy_origin *o;

        if (policy_is_set(p, POLICY_PROTECT_SYSTEM)) {
                o = &p->origin[POLICY_PROTECT_SYSTEM];
                switch (p->protect_system) {
                case PROTECT_SYSTEM_STRICT:
                        /* systemd leaves /dev /proc /sys writable; we count them read-only too,
                         * the safe side for deciding what a profile may ask for */
                        imply(&best, "/", path, POLICY_ACCESS_READ_ONLY, POLICY_PROTECT_SYSTEM, o);
                        break;
                case PROTECT_SYSTEM_FULL:
                        imply(&best, "/etc", path, POLICY_ACCESS_READ_ONLY, POLICY_PROTECT_SYSTEM,
                              o);
                        /* fall through */
                case PROTECT_SYSTEM_YES:
                        for (size_t i = 0; i < ELEMENTSOF(system_yes); i++)
                                imply(&best, system_yes[i], path, POLICY_ACCESS_READ_ONLY,
                                      POLICY_PROTECT_SYSTEM, o);
                        break;
                case PROTECT_SYSTEM_NO:
                default:
                        break;
                }
        }
        if (policy_is_set(p, POLICY_PROTECT_HOME) && p->protect_home != PROTECT_HOME_NO) {
                /* tmpfs hides the real home as yes does: the host's data is out of reach */
                enum policy_access a = p->protect_home == PROTECT_HOME_READ_ONLY
                                           ? POLICY_ACCESS_READ_ONLY
                                           : POLICY_ACCESS_NONE;
                for (size_t i = 0; i < ELEMENTSOF(homes); i++)
                        imply(&best, homes[i], path, a, POLICY_PROTECT_HOME,
                              &p->origin[POLICY_PROTECT_HOME]);
        }
        if (policy_is_set(p, POLICY_PRIVATE_TMP) && p->private_tmp)
                for (size_t i = 0; i < ELEMENTSOF(tmps); i++)
                        imply(&best, tmps[i], path, POLICY_ACCESS_NONE, POLICY_PRIVATE_TMP,
                              &p->origin[POLICY_PRIVATE_TMP]);
        return best;
}

static struct rule path_rule(const struct policy *p, const char *path)
{
        struct rule implied = implied_rule(p, path), explicit = {};

        consider_list(&explicit, p, POLICY_READ_WRITE_PATHS, POLICY_ACCESS_READ_WRITE, path);
        consider_list(&explicit, p, POLICY_READ_ONLY_PATHS, POLICY_ACCESS_READ_ONLY, path);
        consider_list(&explicit, p, POLICY_INACCESSIBLE_PATHS, POLICY_ACCESS_NONE, path);

        if (!implied.found && !explicit.found)
                return (struct rule){.access = POLICY_ACCESS_READ_WRITE, .key = _POLICY_KEY_MAX};
        if (!implied.found)
                return explicit;
        if (!explicit.found || explicit.depth <= implied.depth)
                /* the implied rule reaches as deep: the more restrictive counts (on a tie the
                 * implied one, the more specific) */
                return explicit.found && explicit.access < implied.access ? explicit : implied;
        return explicit; /* an explicit rule below the implied ones: its own word */
}

enum policy_access policy_path_access(const struct policy *p, const char *path,
                                      enum policy_key *ret_key, struct policy_origin *ret_origin)
{
        struct rule r = path_rule(p, path);

        if (ret_key)
                *ret_key = r.key;
        if (ret_origin)
                *ret_origin = r.origin ? *r.origin : (struct policy_origin){};
        return r.access;
}

/* How much of host path src p lets a bind expose: its own access to src, or a bind of p whose
 * source covers src (p already exposes that data). */
static struct rule bind_rule(const struct policy *p, const char *src)
{
        struct rule best = path_rule(p, src);

        for (size_t i = 0; i < p->bind_read_only_paths.n; i++) {
                const struct policy_path *x = &p->bind_read_only_paths.items[i];
                if (best.access < POLICY_ACCESS_READ_ONLY && policy_path_covers(x->path, src))
                        best = (struct rule){x->path, POLICY_ACCESS_READ_ONLY,
                                             POLICY_BIND_READ_ONLY_PATHS, &x->origin, true};
        }
        for (size_t i = 0; i < p->bind_paths.n; i++) {
                const struct policy_path *x = &p->bind_paths.items[i];
                if (best.access < POLICY_ACCESS_READ_WRITE && policy_path_covers(x->path, src))
                        best = (struct rule){x->path, POLICY_ACCESS_READ_WRITE, POLICY_BIND_PATHS,
                                             &x->origin, true};
        }
        return best;
}

/* ---- stacking ---- */

static int add_unique(struct policy_path_list *l, const struct policy_path *x, bool binds)
{
        if (policy_path_list_find(l, x, binds) >= 0)
                return 0;
        return policy_path_list_append(l, x);
}

static void set_list_origin(struct policy *r, enum policy_key k)
{
        const struct policy_path_list *l = policy_field(r, k);

        if (l->n > 0)
                policy_origin_set(&r->origin[k], &l->items[0].origin);
        else
                policy_origin_clear(&r->origin[k]);
}

/* Entries of from.k whose path both from and other grant at least min: an entry another rule of
 * its own policy overrules (ReadWritePaths=/usr under ProtectSystem=yes) is no grant either. */
static int add_granted(struct policy *r, enum policy_key k, const struct policy *from,
                       const struct policy *other, enum policy_access min)
{
        const struct policy_path_list *l = policy_field_const(from, k);
        int q;

        for (size_t i = 0; i < l->n; i++) {
                if (path_rule(other, l->items[i].path).access < min ||
                    path_rule(from, l->items[i].path).access < min)
                        continue;
                q = add_unique(policy_field(r, k), &l->items[i], false);
                if (q < 0)
                        return q;
        }
        return 0;
}

static int stack_paths(struct policy *r, const struct policy *a, const struct policy *b)
{
        int q;

        q = add_granted(r, POLICY_INACCESSIBLE_PATHS, a, b, POLICY_ACCESS_NONE);
        if (q >= 0)
                q = add_granted(r, POLICY_INACCESSIBLE_PATHS, b, a, POLICY_ACCESS_NONE);
        if (q >= 0)
                q = add_granted(r, POLICY_READ_ONLY_PATHS, a, b, POLICY_ACCESS_READ_ONLY);
        if (q >= 0)
                q = add_granted(r, POLICY_READ_ONLY_PATHS, b, a, POLICY_ACCESS_READ_ONLY);
        if (q >= 0)
                q = add_granted(r, POLICY_READ_WRITE_PATHS, a, b, POLICY_ACCESS_READ_WRITE);
        if (q >= 0)
                q = add_granted(r, POLICY_READ_WRITE_PATHS, b, a, POLICY_ACCESS_READ_WRITE);
        if (q < 0)
                return q;
        set_list_origin(r, POLICY_INACCESSIBLE_PATHS);
        set_list_origin(r, POLICY_READ_ONLY_PATHS);
        set_list_origin(r, POLICY_READ_WRITE_PATHS);
        return 0;
}

static int add_binds(struct policy *r, const struct policy *from, const struct policy *other)
{
        int q;

        for (size_t i = 0; i < from->bind_paths.n; i++) {
                const struct policy_path *x = &from->bind_paths.items[i];
                enum policy_access g = bind_rule(other, x->path).access;

                if (g == POLICY_ACCESS_READ_WRITE)
                        q = add_unique(&r->bind_paths, x, true);
                else if (g == POLICY_ACCESS_READ_ONLY)
                        q = add_unique(&r->bind_read_only_paths, x, true); /* read-only wins */
                else
                        q = 0;
                if (q < 0)
                        return q;
        }
        for (size_t i = 0; i < from->bind_read_only_paths.n; i++) {
                const struct policy_path *x = &from->bind_read_only_paths.items[i];

                if (bind_rule(other, x->path).access < POLICY_ACCESS_READ_ONLY)
                        continue;
                q = add_unique(&r->bind_read_only_paths, x, true);
                if (q < 0)
                        return q;
        }
        return 0;
}

static int stack_binds(struct policy *r, const struct policy *a, const struct policy *b)
{
        struct policy_path_list *rw = &r->bind_paths;
        int q;

        q = add_binds(r, a, b);
        if (q >= 0)
                q = add_binds(r, b, a);
        if (q < 0)
                return q;
        /* the same bind read-write on one side and read-only on the other: read-only */
        for (size_t i = 0; i < rw->n;) {
                if (policy_path_list_find(&r->bind_read_only_paths, &rw->items[i], true) < 0) {
                        i++;
                        continue;
                }
                policy_path_done(&rw->items[i]);
                memmove(rw->items + i, rw->items + i + 1, (rw->n - i - 1) * sizeof(*rw->items));
                rw->n--;
        }
        set_list_origin(r, POLICY_BIND_PATHS);
        set_list_origin(r, POLICY_BIND_READ_ONLY_PATHS);
        return 0;
}

/* ---- [Desktop] ---- */

static int take(struct policy *r, const struct policy *a, const struct policy *b, enum policy_key k,
                bool pick_b);
static void origin_of(struct policy *r, const struct policy *a, const struct policy *b,
                      enum policy_key k, bool equals_a);

/* Is dir (relative, canonical) equal to parent or below it? */
static bool home_dir_covers(const char *parent, const char *dir)
{
        size_t n = strlen(parent);

        return strncmp(parent, dir, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

/* The Home= entry deciding dir (the deepest covering one), or NULL. */
static const struct policy_path *home_rule(const struct policy *p, const char *dir)
{
        const struct policy_path *best = NULL;

        for (size_t i = 0; i < p->home.n; i++)
                if (home_dir_covers(p->home.items[i].path, dir) &&
                    (!best || strlen(p->home.items[i].path) > strlen(best->path)))
                        best = &p->home.items[i];
        return best;
}

/* Without Home=, the home's data is as reachable as ProtectHome= and the rules on /home say
 * (the user's own home is not known here; /root, the one home outside /home, is left out: the
 * shipped policy hides it from everyone, which must not hide every user's home). */
static struct rule home_fallback_rule(const struct policy *p)
{
        return path_rule(p, "/home");
}

enum policy_access policy_home_access(const struct policy *p, const char *dir)
{
        const struct policy_path *x;

        if (!policy_is_set(p, POLICY_HOME))
                return home_fallback_rule(p).access;
        x = home_rule(p, dir);
        if (!x)
                return POLICY_ACCESS_NONE;
        return x->read_only ? POLICY_ACCESS_READ_ONLY : POLICY_ACCESS_READ_WRITE;
}

/* Entries of from's Home= that other grants, read-only where other grants only that. */
static int add_home(struct policy_path_list *l, const struct policy *from,
                    const struct policy *other)
{
        for (size_t i = 0; i < from->home.n; i++) {
                struct policy_path x = from->home.items[i];
                enum policy_access g = policy_home_access(other, x.path);
                ssize_t j;
                int q;

                if (g == POLICY_ACCESS_NONE)
                        continue;
                x.read_only = x.read_only || g == POLICY_ACCESS_READ_ONLY;
                j = policy_path_list_find(l, &x, false);
                if (j >= 0) {
                        l->items[j].read_only = l->items[j].read_only || x.read_only;
                        continue;
                }
                q = policy_path_list_append(l, &x);
                if (q < 0)
                        return q;
        }
        return 0;
}

static int stack_home(struct policy *r, const struct policy *a, const struct policy *b)
{
        const enum policy_key k = POLICY_HOME;
        int q;

        policy_key_reset(r, k);
        if (!policy_is_set(a, k) && !policy_is_set(b, k))
                return 0;
        q = add_home(&r->home, a, b);
        if (q >= 0)
                q = add_home(&r->home, b, a);
        if (q < 0)
                return q;
        /* set even when empty: "no subdirectory" is a value */
        if (r->home.n > 0)
                policy_origin_set(&r->origin[k], &r->home.items[0].origin);
        else
                policy_origin_set(&r->origin[k],
                                  policy_is_set(b, k) ? &b->origin[k] : &a->origin[k]);
        return 0;
}

/* Is name covered by an entry of the set l? */
static bool bus_names_cover(char *const *l, const char *name)
{
        for (size_t i = 0; l && l[i]; i++)
                if (policy_bus_name_covers(l[i], name))
                        return true;
        return false;
}

/* Both set: the names each side grants that the other covers too. */
static int stack_bus_names(struct policy *r, const struct policy *a, const struct policy *b,
                           enum policy_key k)
{
        char *const *x = *(char *const *const *)policy_field_const(a, k);
        char *const *y = *(char *const *const *)policy_field_const(b, k);
        _cleanup_free_ char **pick = NULL;
        char **set = NULL;
        size_t n = 0, n_set = 0;
        int q;

        if (!policy_is_set(a, k) || !policy_is_set(b, k))
                return take(r, a, b, k, false);
        pick = calloc(strv_length((char **)x) + strv_length((char **)y) + 1, sizeof(char *));
        if (!pick)
                return -ENOMEM;
        for (size_t i = 0; x && x[i]; i++)
                if (bus_names_cover(y, x[i]))
                        pick[n++] = x[i];
        for (size_t i = 0; y && y[i]; i++)
                if (bus_names_cover(x, y[i]))
                        pick[n++] = y[i];
        q = policy_names_to_set(pick, n, &set, &n_set);
        if (q < 0)
                return q;
        policy_key_reset(r, k);
        if (n_set == 0)
                set = strv_free(set); /* the empty set is NULL, as the parser leaves it */
        *(char ***)policy_field(r, k) = set;
        origin_of(r, a, b, k, n_set == strv_length((char **)x));
        return 0;
}

/* Pick the value of k from a or b: b when pick_b, else a; a key only one side sets comes from
 * that side. */
static int take(struct policy *r, const struct policy *a, const struct policy *b, enum policy_key k,
                bool pick_b)
{
        if (!policy_is_set(a, k))
                return policy_copy_key(r, b, k);
        if (!policy_is_set(b, k))
                return policy_copy_key(r, a, k);
        return policy_copy_key(r, pick_b ? b : a, k);
}

/* Keep the origin of the side whose value the result equals; otherwise b's (it changed it). */
static void origin_of(struct policy *r, const struct policy *a, const struct policy *b,
                      enum policy_key k, bool equals_a)
{
        policy_origin_set(&r->origin[k], equals_a ? &a->origin[k] : &b->origin[k]);
}

static int stack_syscalls(struct policy *r, const struct policy *a, const struct policy *b)
{
        const enum policy_key k = POLICY_SYSTEM_CALL_FILTER;
        const struct policy_syscalls *x = &a->system_call_filter, *y = &b->system_call_filter;
        _cleanup_free_ char **pick = NULL;
        struct policy_syscalls s = {};
        size_t n = 0;
        int q;

        if (!policy_is_set(a, k) || !policy_is_set(b, k))
                return take(r, a, b, k, false);
        pick = calloc(x->n + y->n + 1, sizeof(char *));
        if (!pick)
                return -ENOMEM;
        if (x->allow_list && y->allow_list) {
                for (size_t i = 0; i < x->n; i++) /* intersection */
                        if (policy_syscalls_contains(y, x->names[i]))
                                pick[n++] = x->names[i];
                s.allow_list = true;
        } else if (!x->allow_list && !y->allow_list) {
                /* union (memcpy() from a NULL names with n == 0 would be undefined) */
                for (size_t i = 0; i < x->n; i++)
                        pick[n++] = x->names[i];
                for (size_t i = 0; i < y->n; i++)
                        pick[n++] = y->names[i];
        } else {
                /* allowed by the allow-list and not denied by the deny-list */
                const struct policy_syscalls *allow = x->allow_list ? x : y;
                const struct policy_syscalls *deny = x->allow_list ? y : x;
                for (size_t i = 0; i < allow->n; i++)
                        if (!policy_syscalls_contains(deny, allow->names[i]))
                                pick[n++] = allow->names[i];
                s.allow_list = true;
        }
        q = policy_names_to_set(pick, n, &s.names, &s.n);
        if (q < 0)
                return q;
        policy_key_reset(r, k);
        r->system_call_filter = s;
        bool equals_a = s.allow_list == x->allow_list && s.n == x->n;
        for (size_t i = 0; equals_a && i < s.n; i++)
                equals_a = streq(s.names[i], x->names[i]);
        origin_of(r, a, b, k, equals_a);
        return 0;
}

/* Does the TrustedKeys= set l let entry through? "@admin" lets every admin key name and id
 * through, so it covers any entry but "@user". Key names and ids are not resolved here (the store
 * is not the policy's business): the same key spelled once by name and once by id does not
 * match, which errs on the side of trusting less. */
static bool keys_cover(char *const *l, const char *entry)
{
        if (strv_find(l, entry) >= 0)
                return true;
        return !streq(entry, POLICY_KEYS_USER) && strv_find(l, POLICY_KEYS_ADMIN) >= 0;
}

/* TrustedKeys= AllowedEnvironments= of two peers that both set them: the entries both let
 * through. */
static int stack_wordset(struct policy *r, const struct policy *a, const struct policy *b,
                         enum policy_key k)
{
        char *const *x = *(char *const *const *)policy_field_const(a, k);
        char *const *y = *(char *const *const *)policy_field_const(b, k);
        bool keys = policy_keys[k].type == VT_KEYS;
        _cleanup_free_ char **pick = NULL;
        char **set = NULL;
        size_t n = 0, n_set = 0;
        int q;

        pick = calloc(strv_length(x) + strv_length(y) + 1, sizeof(char *));
        if (!pick)
                return -ENOMEM;
        STRV_FOREACH (w, x)
                if (keys ? keys_cover(y, *w) : strv_find(y, *w) >= 0)
                        pick[n++] = *w;
        STRV_FOREACH (w, y)
                if (keys && keys_cover(x, *w))
                        pick[n++] = *w;
        q = policy_names_to_set(pick, n, &set, &n_set);
        if (q < 0)
                return q;
        policy_key_reset(r, k);
        *(char ***)policy_field(r, k) = set;
        origin_of(r, a, b, k, policy_strv_equal(set, x));
        return 0;
}

static int stack_key(struct policy *r, const struct policy *a, const struct policy *b,
                     enum policy_key k, const struct policy_system *sys)
{
        const void *x = policy_field_const(a, k), *y = policy_field_const(b, k);
        bool both = policy_is_set(a, k) && policy_is_set(b, k);

        switch (policy_keys[k].type) {
        case VT_NAMES:
                return 0; /* [Match] has done its job */
        case VT_EXEC:
        case VT_STRING:
                return take(r, a, b, k, true); /* the later layer describes the app */
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN:
                return take(r, a, b, k, limit_of(b, k, sys) < limit_of(a, k, sys));
        case VT_WEIGHT:
                return take(r, a, b, k, *(const uint64_t *)y < *(const uint64_t *)x);
        case VT_BOOL:
                return take(r, a, b, k, *(const bool *)y && !*(const bool *)x);
        case VT_GRANT: /* a grant: "no" is the restrictive value */
                return take(r, a, b, k, !*(const bool *)y && *(const bool *)x);
        case VT_DBUS:
                return take(r, a, b, k,
                            *(const enum policy_dbus *)y < *(const enum policy_dbus *)x);
        case VT_BUS_NAMES:
                return stack_bus_names(r, a, b, k);
        case VT_HOME:
                return 0; /* stack_home() */
        case VT_PROTECT_SYSTEM:
                return take(r, a, b, k,
                            *(const enum protect_system *)y > *(const enum protect_system *)x);
        case VT_PROTECT_HOME:
                return take(r, a, b, k,
                            *(const enum protect_home *)y > *(const enum protect_home *)x);
        case VT_CAPS:
                if (!both)
                        return take(r, a, b, k, false);
                *(uint64_t *)policy_field(r, k) = *(const uint64_t *)x & *(const uint64_t *)y;
                origin_of(r, a, b, k, *(uint64_t *)policy_field(r, k) == *(const uint64_t *)x);
                return 0;
        case VT_NAMESPACES:
                if (!both)
                        return take(r, a, b, k, false);
                *(unsigned *)policy_field(r, k) = *(const unsigned *)x & *(const unsigned *)y;
                origin_of(r, a, b, k, *(unsigned *)policy_field(r, k) == *(const unsigned *)x);
                return 0;
        case VT_SYSCALLS:
                return stack_syscalls(r, a, b);
        case VT_ENV: {
                /* united; for a variable both set, the later layer's value (checked for
                 * layers by policy_check()) */
                int q = policy_copy_key(r, a, k);
                for (size_t i = 0; q >= 0 && i < b->environment.n; i++)
                        q = policy_env_list_set(&r->environment, b->environment.items[i].name,
                                                b->environment.items[i].value,
                                                &b->environment.items[i].origin);
                if (q < 0)
                        return q;
                if (r->environment.n > 0 && !policy_is_set(r, k))
                        policy_origin_set(&r->origin[k], &b->origin[k]);
                return 0;
        }
        case VT_KEYS:
        case VT_ENVS:
                if (!both)
                        return take(r, a, b, k, false);
                return stack_wordset(r, a, b, k);
        case VT_ROLLBACK:
                return take(r, a, b, k,
                            *(const enum policy_rollback *)y > *(const enum policy_rollback *)x);
        case VT_DURATION:
                /* unset: no limit */
                return take(r, a, b, k, *(const uint64_t *)y < *(const uint64_t *)x);
        case VT_PATHS:
        case VT_BINDS:
                return 0; /* stack_paths(), stack_binds() */
        default:
                return -EINVAL;
        }
}

int policy_stack(const struct policy *a, const struct policy *b, const struct policy_system *sys,
                 struct policy **ret)
{
        _cleanup_policy_free_ struct policy *r = policy_new(POLICY_KIND_EFFECTIVE, NULL);
        int q;

        if (!r)
                return -ENOMEM;
        for (int k = 0; k < _POLICY_KEY_MAX; k++) {
                q = stack_key(r, a, b, k, sys);
                if (q < 0)
                        return q;
        }
        q = stack_paths(r, a, b);
        if (q < 0)
                return q;
        q = stack_binds(r, a, b);
        if (q < 0)
                return q;
        q = stack_home(r, a, b);
        if (q < 0)
                return q;
        /* ambient capabilities can't exceed the bounding set */
        if (policy_is_set(r, POLICY_AMBIENT_CAPABILITIES) &&
            policy_is_set(r, POLICY_CAPABILITY_BOUNDING_SET))
                r->ambient_capabilities &= r->capability_bounding_set;
        *ret = TAKE_PTR(r);
        return 0;
}

/* ---- checking a layer against the ceiling ---- */

static int refuse(struct sb_error *e, const struct policy_origin *lo, enum policy_key k,
                  const char *what, const char *why, enum policy_key ck, const char *cvalue,
                  const struct policy_origin *co)
{
        if (co && co->source)
                return sb_error_set(e, -EPERM,
                                    "%s:%u: %s=%s asks for more than the ceiling: %s%s%s=%s, set "
                                    "at %s:%u",
                                    policy_origin_file(lo), lo->line, policy_keys[k].name, what,
                                    why, why[0] ? " " : "", policy_keys[ck].name, cvalue,
                                    policy_origin_file(co), co->line);
        return sb_error_set(e, -EPERM, "%s:%u: %s=%s asks for more than the ceiling: %s",
                            policy_origin_file(lo), lo->line, policy_keys[k].name, what, why);
}

static int refuse_values(struct sb_error *e, const struct policy *c, const struct policy *l,
                         enum policy_key k, const char *why)
{
        _cleanup_free_ char *lv = policy_format_value(l, k), *cv = policy_format_value(c, k);

        if (!lv || !cv)
                return -ENOMEM;
        return refuse(e, &l->origin[k], k, lv, why, k, cv, &c->origin[k]);
}

/* A layer asking for more than an [Images] key's unset value, which no admin policy raised. */
static int refuse_default(struct sb_error *e, const struct policy *l, enum policy_key k,
                          const char *dflt)
{
        _cleanup_free_ char *lv = policy_format_value(l, k);

        if (!lv)
                return -ENOMEM;
        return sb_error_set(e, -EPERM,
                            "%s:%u: %s=%s asks for more than the ceiling: no admin policy sets "
                            "%s=, which then means %s=%s",
                            policy_origin_file(&l->origin[k]), l->origin[k].line,
                            policy_keys[k].name, lv, policy_keys[k].name, policy_keys[k].name,
                            dflt);
}

static int refuse_path(struct sb_error *e, const struct policy *c, const struct policy_path *x,
                       enum policy_key k, const struct rule *rule)
{
        _cleanup_free_ char *what = NULL, *why = NULL, *cv = NULL;

        what = k == POLICY_BIND_PATHS || k == POLICY_BIND_READ_ONLY_PATHS ? policy_format_bind(x)
                                                                          : strdup(x->path);
        if (!what)
                return -ENOMEM;
        if (asprintf(&why, "%s is %s under", x->path,
                     rule->access == POLICY_ACCESS_NONE ? "inaccessible" : "read-only") < 0)
                return -ENOMEM;
        /* name the rule: the path for list entries, the setting for ProtectSystem= and friends */
        if (policy_keys[rule->key].type == VT_PATHS || policy_keys[rule->key].type == VT_BINDS)
                cv = strdup(rule->path);
        else
                cv = policy_format_value(c, rule->key);
        if (!cv)
                return -ENOMEM;
        return refuse(e, &x->origin, k, what, why, rule->key, cv, rule->origin);
}

static int check_paths(const struct policy *c, const struct policy *l, struct sb_error *e)
{
        static const struct {
                enum policy_key key;
                enum policy_access need;
        } checks[] = {
            {POLICY_READ_ONLY_PATHS, POLICY_ACCESS_READ_ONLY},
            {POLICY_READ_WRITE_PATHS, POLICY_ACCESS_READ_WRITE},
        };

        for (size_t j = 0; j < ELEMENTSOF(checks); j++) {
                const struct policy_path_list *list = policy_field_const(l, checks[j].key);
                for (size_t i = 0; i < list->n; i++) {
                        struct rule rule = path_rule(c, list->items[i].path);
                        /* an entry the layer overrules itself asks for nothing */
                        if (path_rule(l, list->items[i].path).access < checks[j].need)
                                continue;
                        if (rule.access < checks[j].need)
                                return refuse_path(e, c, &list->items[i], checks[j].key, &rule);
                }
        }
        for (size_t i = 0; i < l->bind_paths.n; i++) {
                struct rule rule = bind_rule(c, l->bind_paths.items[i].path);
                if (rule.access < POLICY_ACCESS_READ_WRITE)
                        return refuse_path(e, c, &l->bind_paths.items[i], POLICY_BIND_PATHS, &rule);
        }
        for (size_t i = 0; i < l->bind_read_only_paths.n; i++) {
                struct rule rule = bind_rule(c, l->bind_read_only_paths.items[i].path);
                if (rule.access < POLICY_ACCESS_READ_ONLY)
                        return refuse_path(e, c, &l->bind_read_only_paths.items[i],
                                           POLICY_BIND_READ_ONLY_PATHS, &rule);
        }
        return 0;
}

/* What a policy's AmbientCapabilities= really grant: unset grants nothing, and nothing outside
 * its bounding set. */
static uint64_t effective_ambient(const struct policy *p)
{
        uint64_t a = policy_is_set(p, POLICY_AMBIENT_CAPABILITIES) ? p->ambient_capabilities : 0;

        if (policy_is_set(p, POLICY_CAPABILITY_BOUNDING_SET))
                a &= p->capability_bounding_set;
        return a;
}

static int refuse_caps(struct sb_error *e, const struct policy *c, const struct policy *l,
                       enum policy_key k, uint64_t extra)
{
        _cleanup_free_ char *why = NULL, *cv = NULL, *lv = policy_format_value(l, k);
        unsigned cap = (unsigned)__builtin_ctzll(extra);
        enum policy_key ck = k;

        if (!lv)
                return -ENOMEM;
        /* an ambient capability the ceiling lists but its bounding set drops: cite the latter */
        if (k == POLICY_AMBIENT_CAPABILITIES && policy_is_set(c, k) &&
            (c->ambient_capabilities & (UINT64_C(1) << cap)))
                ck = POLICY_CAPABILITY_BOUNDING_SET;
        if (!policy_is_set(c, ck))
                return sb_error_set(e, -EPERM,
                                    "%s:%u: %s=%s asks for more than the ceiling: %s is not "
                                    "granted (the ceiling sets no %s=)",
                                    policy_origin_file(&l->origin[k]), l->origin[k].line,
                                    policy_keys[k].name, lv, policy_cap_to_name(cap),
                                    policy_keys[k].name);
        if (asprintf(&why, "%s is not in", policy_cap_to_name(cap)) < 0)
                return -ENOMEM;
        cv = policy_format_value(c, ck);
        if (!cv)
                return -ENOMEM;
        return refuse(e, &l->origin[k], k, lv, why, ck, cv, &c->origin[ck]);
}

static int check_syscalls(const struct policy *c, const struct policy *l, struct sb_error *e)
{
        const enum policy_key k = POLICY_SYSTEM_CALL_FILTER;
        const struct policy_syscalls *cs = &c->system_call_filter, *ls = &l->system_call_filter;
        _cleanup_free_ char *why = NULL;

        if (!policy_is_set(l, k) || !policy_is_set(c, k) || !ls->allow_list)
                return 0; /* no filter asks for nothing; a deny-list never asks for more */
        for (size_t i = 0; i < ls->n; i++) {
                bool contained = policy_syscalls_contains(cs, ls->names[i]);
                if (contained == cs->allow_list)
                        continue;
                if (asprintf(&why, "%s is %s", ls->names[i],
                             cs->allow_list ? "not allowed by" : "denied by") < 0)
                        return -ENOMEM;
                return refuse_values(e, c, l, k, why);
        }
        return 0;
}

static int check_env(const struct policy *c, const struct policy *l, struct sb_error *e)
{
        for (size_t i = 0; i < l->environment.n; i++) {
                const struct policy_env *x = &l->environment.items[i];
                ssize_t j = policy_env_list_find(&c->environment, x->name);

                if (j < 0 || streq(c->environment.items[j].value, x->value))
                        continue;
                return sb_error_set(e, -EPERM,
                                    "%s:%u: Environment=%s=%s asks for more than the ceiling: it "
                                    "changes %s, which is set to \"%s\" at %s:%u",
                                    policy_origin_file(&x->origin), x->origin.line, x->name,
                                    x->value, x->name, c->environment.items[j].value,
                                    policy_origin_file(&c->environment.items[j].origin),
                                    c->environment.items[j].origin.line);
        }
        return 0;
}

static int check_bus_names(const struct policy *c, const struct policy *l, enum policy_key k,
                           struct sb_error *e)
{
        char *const *x = *(char *const *const *)policy_field_const(c, k);
        char *const *y = *(char *const *const *)policy_field_const(l, k);
        _cleanup_free_ char *why = NULL;

        if (!policy_is_set(c, k))
                return 0; /* no opinion: any name */
        for (size_t i = 0; y && y[i]; i++) {
                if (bus_names_cover(x, y[i]))
                        continue;
                if (asprintf(&why, "%s is not in", y[i]) < 0)
                        return -ENOMEM;
                return refuse_values(e, c, l, k, why);
        }
        return 0;
}

static int check_home(const struct policy *c, const struct policy *l, struct sb_error *e)
{
        for (size_t i = 0; i < l->home.n; i++) {
                const struct policy_path *x = &l->home.items[i];
                enum policy_access need =
                    x->read_only ? POLICY_ACCESS_READ_ONLY : POLICY_ACCESS_READ_WRITE;
                _cleanup_free_ char *what = NULL, *cv = NULL;
                const struct policy_path *cx;
                struct rule fb;

                if (policy_home_access(c, x->path) >= need)
                        continue;
                if (asprintf(&what, "%s:%s", x->path, x->read_only ? "ro" : "rw") < 0)
                        return -ENOMEM;
                if (policy_is_set(c, POLICY_HOME)) {
                        cx = home_rule(c, x->path);
                        if (!cx)
                                return refuse(e, &x->origin, POLICY_HOME, what,
                                              "no entry covers it in", POLICY_HOME,
                                              c->home.n ? "(other directories)" : "(empty)",
                                              &c->origin[POLICY_HOME]);
                        if (asprintf(&cv, "%s:ro", cx->path) < 0)
                                return -ENOMEM;
                        return refuse(e, &x->origin, POLICY_HOME, what, "read-only under",
                                      POLICY_HOME, cv, &cx->origin);
                }
                fb = home_fallback_rule(c);
                if (policy_keys[fb.key].type == VT_PATHS)
                        cv = strdup(fb.path);
                else
                        cv = policy_format_value(c, fb.key);
                if (!cv)
                        return -ENOMEM;
                return refuse(e, &x->origin, POLICY_HOME, what,
                              fb.access == POLICY_ACCESS_NONE ? "homes are inaccessible under"
                                                              : "homes are read-only under",
                              fb.key, cv, fb.origin);
        }
        return 0;
}

static int check_key(const struct policy *c, const struct policy *l, enum policy_key k,
                     const struct policy_system *sys, struct sb_error *e)
{
        const void *x = policy_field_const(c, k), *y = policy_field_const(l, k);
        bool cset = policy_is_set(c, k);

        if (!policy_is_set(l, k))
                return 0;
        switch (policy_keys[k].type) {
        case VT_MEMORY:
        case VT_TASKS:
        case VT_QUOTA:
        case VT_TIMESPAN:
                if (limit_of(l, k, sys) > limit_of(c, k, sys))
                        return refuse_values(e, c, l, k, "above");
                return 0;
        case VT_WEIGHT:
                if (cset && *(const uint64_t *)y > *(const uint64_t *)x)
                        return refuse_values(e, c, l, k, "above");
                return 0;
        case VT_BOOL:
                if (k == POLICY_REQUIRE_SIGNED && !cset && !*(const bool *)y)
                        return refuse_default(e, l, k, "yes");
                if (cset && *(const bool *)x && !*(const bool *)y)
                        return refuse_values(e, c, l, k, "weaker than");
                return 0;
        case VT_ROLLBACK:
                if (!cset && *(const enum policy_rollback *)y != POLICY_ROLLBACK_YES)
                        return refuse_default(e, l, k, "yes");
                if (cset && *(const enum policy_rollback *)y < *(const enum policy_rollback *)x)
                        return refuse_values(e, c, l, k, "weaker than");
                return 0;
        case VT_DURATION:
                if (cset && *(const uint64_t *)y > *(const uint64_t *)x)
                        return refuse_values(e, c, l, k, "above");
                return 0;
        case VT_KEYS: {
                static char *const admin_only[] = {(char *)POLICY_KEYS_ADMIN, NULL};
                char *const *cl = cset ? *(char *const *const *)x : admin_only;
                _cleanup_free_ char *why = NULL;

                STRV_FOREACH (w, *(char *const *const *)y) {
                        if (keys_cover(cl, *w))
                                continue;
                        if (!cset)
                                return refuse_default(e, l, k, POLICY_KEYS_ADMIN);
                        if (asprintf(&why, "%s is not allowed by", *w) < 0)
                                return -ENOMEM;
                        return refuse_values(e, c, l, k, why);
                }
                return 0;
        }
        case VT_ENVS: {
                _cleanup_free_ char *why = NULL;

                if (!cset)
                        return 0; /* unset: any environment */
                STRV_FOREACH (w, *(char *const *const *)y) {
                        if (strv_find(*(char *const *const *)x, *w) >= 0)
                                continue;
                        if (asprintf(&why, "environment %s is not allowed by", *w) < 0)
                                return -ENOMEM;
                        return refuse_values(e, c, l, k, why);
                }
                return 0;
        }
        case VT_GRANT:
                if (cset && !*(const bool *)x && *(const bool *)y)
                        return refuse_values(e, c, l, k, "not granted by");
                return 0;
        case VT_DBUS:
                if (cset && *(const enum policy_dbus *)y > *(const enum policy_dbus *)x)
                        return refuse_values(e, c, l, k, "not granted by");
                return 0;
        case VT_BUS_NAMES:
                return check_bus_names(c, l, k, e);
        case VT_HOME:
                return check_home(c, l, e);
        case VT_PROTECT_SYSTEM:
                if (cset && *(const enum protect_system *)y < *(const enum protect_system *)x)
                        return refuse_values(e, c, l, k, "weaker than");
                return 0;
        case VT_PROTECT_HOME:
                if (cset && *(const enum protect_home *)y < *(const enum protect_home *)x)
                        return refuse_values(e, c, l, k, "weaker than");
                return 0;
        case VT_CAPS: {
                uint64_t extra;

                if (k == POLICY_CAPABILITY_BOUNDING_SET) /* unset: every capability */
                        extra =
                            *(const uint64_t *)y & ~(cset ? *(const uint64_t *)x : POLICY_CAP_ALL);
                else
                        extra = effective_ambient(l) & ~effective_ambient(c);
                return extra ? refuse_caps(e, c, l, k, extra) : 0;
        }
        case VT_NAMESPACES: {
                unsigned extra = cset ? *(const unsigned *)y & ~*(const unsigned *)x : 0;
                _cleanup_free_ char *why = NULL;

                if (!extra)
                        return 0;
                if (asprintf(&why, "namespace type %s is not allowed by",
                             policy_namespace_to_name(extra & -extra)) < 0)
                        return -ENOMEM;
                return refuse_values(e, c, l, k, why);
        }
        case VT_SYSCALLS:
                return check_syscalls(c, l, e);
        case VT_ENV:
                return check_env(c, l, e);
        case VT_NAMES:
        case VT_EXEC:
        case VT_STRING:
        case VT_PATHS: /* check_paths() */
        case VT_BINDS:
        default:
                return 0;
        }
}

int policy_check(const struct policy *ceiling, const struct policy *layer,
                 const struct policy_system *sys, struct sb_error *e)
{
        int r;

        for (int k = 0; k < _POLICY_KEY_MAX; k++) {
                r = check_key(ceiling, layer, k, sys, e);
                if (r < 0)
                        return r == -ENOMEM ? sb_error_set(e, r, "out of memory") : r;
        }
        r = check_paths(ceiling, layer, e);
        return r == -ENOMEM ? sb_error_set(e, r, "out of memory") : r;
}

int policy_tighten(const struct policy *ceiling, const struct policy *layer,
                   const struct policy_system *sys, struct policy **ret, struct sb_error *e)
{
        int r = policy_check(ceiling, layer, sys, e);

        if (r < 0)
                return r;
        r = policy_stack(ceiling, layer, sys, ret);
        return r < 0 ? sb_error_set(e, r, "out of memory") : 0;
}
