/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "strv.h"
#include "trust-util.h"
#include "trust.h"

#define STATE_FILE_MAX    (8U * 1024U * 1024U)
#define STATE_ENTRIES_MAX 100000U
#define STATE_HEADER      "# sandbox trust state v1: NAME ENV run|seen VERSION MANIFEST\n"

int trust_state_default_path(char **ret)
{
        return xdg_user_path("XDG_STATE_HOME", ".local/state", "sandbox/trust-state", ret);
}

void trust_state_done(struct trust_state *s)
{
        if (!s)
                return;
        free(s->entries);
        *s = (struct trust_state){};
}

static int parse_line(char *line, struct trust_state_entry *ret)
{
        char *f[6];
        size_t n = 0;
        uint64_t v = 0;

        for (char *p = line;; p++) {
                if (n == ELEMENTSOF(f))
                        return -EBADMSG;
                f[n++] = p;
                p = strchr(p, '\t');
                if (!p)
                        break;
                *p = '\0';
        }
        if (n != 5 || !trust_name_is_valid(f[0]) || !trust_env_is_valid(f[1]) ||
            (!streq(f[2], "run") && !streq(f[2], "seen")) || !trust_digest_is_valid(f[4]))
                return -EBADMSG;
        if (f[3][0] == '\0' || strlen(f[3]) > 19 || (f[3][0] == '0' && f[3][1]) ||
            strspn(f[3], "0123456789") != strlen(f[3]))
                return -EBADMSG;
        for (const char *c = f[3]; *c; c++)
                v = v * 10 + (uint64_t)(*c - '0');
        *ret = (struct trust_state_entry){.run = streq(f[2], "run"), .version = v};
        strcpy(ret->name, f[0]);
        strcpy(ret->env, f[1]);
        strcpy(ret->digest, f[4]);
        return 0;
}

static int state_parse(const char *path, char *data, struct trust_state *ret, struct sb_error *e)
{
        struct trust_state s = {};
        unsigned line_no = 0;

        for (char *line = data, *next; line && *line; line = next) {
                char *nl = strchr(line, '\n');
                struct trust_state_entry ent, *ne;

                line_no++;
                if (!nl) {
                        trust_state_done(&s);
                        return sb_error_set(e, -EBADMSG, "%s:%u: truncated line", path, line_no);
                }
                *nl = '\0';
                next = nl + 1;
                if (line[0] == '#')
                        continue;
                if (parse_line(line, &ent) < 0 || s.n >= STATE_ENTRIES_MAX) {
                        trust_state_done(&s);
                        return sb_error_set(e, -EBADMSG,
                                            "%s:%u: malformed; delete the file to reset rollback "
                                            "protection",
                                            path, line_no);
                }
                ne = realloc(s.entries, (s.n + 1) * sizeof(*ne));
                if (!ne) {
                        trust_state_done(&s);
                        return sb_error_set(e, -ENOMEM, "out of memory");
                }
                s.entries = ne;
                s.entries[s.n++] = ent;
        }
        *ret = s;
        return 0;
}

int trust_state_load(const char *path, struct trust_state *ret, struct sb_error *e)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        if (fd < 0) {
                if (errno == ENOENT) {
                        *ret = (struct trust_state){};
                        return 0;
                }
                return sb_error_set(e, -errno, "cannot open %s: %m", path);
        }
        r = read_regular_fd(fd, STATE_FILE_MAX, &data, &size, NULL);
        if (r < 0)
                return sb_error_set(e, r, "cannot read %s: %m", path);
        if (memchr(data, '\0', size))
                return sb_error_set(e, -EBADMSG, "%s: contains a NUL byte", path);
        return state_parse(path, data, ret, e);
}

static const struct trust_state_entry *find(const struct trust_state *s, const char *name,
                                            const char *env, bool run)
{
        for (size_t i = 0; s && i < s->n; i++)
                if (s->entries[i].run == run && streq(s->entries[i].name, name) &&
                    streq(s->entries[i].env, env))
                        return &s->entries[i];
        return NULL;
}

/* Why a mark of another environment counts. */
static const char *cross_env_note(char *const *envs)
{
        return envs ? " (AllowedEnvironments= accepts both, so one version sequence spans them)"
                    : " (no AllowedEnvironments=: every environment's signature is accepted, so "
                      "one version sequence spans them)";
}

/* The highest run (or seen) mark of st's name over the environments that compete with st's:
 * every environment when envs is NULL (the policy accepts any), else those of envs and st's own.
 * Whoever can write the layout picks which of its signatures is presented; a mark kept for one
 * environment only would let an old signature for another slip under it. */
static const struct trust_state_entry *
highest(const struct trust_state *s, const struct trust_statement *st, char *const *envs, bool run)
{
        const struct trust_state_entry *best = NULL;

        for (size_t i = 0; s && i < s->n; i++) {
                const struct trust_state_entry *m = &s->entries[i];

                if (m->run != run || !streq(m->name, st->name))
                        continue;
                if (envs && !streq(m->env, st->env) && strv_find(envs, m->env) < 0)
                        continue;
                if (!best || m->version > best->version)
                        best = m;
        }
        return best;
}

/* " for ENV" naming the mark's environment where it is not st's, else "". */
static const char *mark_env(const struct trust_state_entry *m, const struct trust_statement *st,
                            char *buf, size_t size)
{
        if (streq(m->env, st->env))
                return "";
        snprintf(buf, size, " for %s", m->env);
        return buf;
}

int trust_state_check(const struct trust_state *s, const struct trust_statement *st,
                      char *const *envs, enum trust_rollback mode, char **ret_warning,
                      struct sb_error *e)
{
        const struct trust_state_entry *run, *seen;
        char where[TRUST_ENV_MAX + 8];

        *ret_warning = NULL;
        if (mode == TRUST_ROLLBACK_OFF)
                return 0;
        run = highest(s, st, envs, true);
        seen = highest(s, st, envs, false);
        if (run && st->version < run->version)
                return sb_error_set(e, -ESTALE,
                                    "rollback: %s version %" PRIu64 " for %s is older than version "
                                    "%" PRIu64 "%s, which already ran here%s",
                                    st->name, st->version, st->env, run->version,
                                    mark_env(run, st, where, sizeof(where)),
                                    streq(run->env, st->env) ? "" : cross_env_note(envs));
        /* One version, two manifests in one environment: the signer (or its key) equivocates;
         * neither is safe to prefer. (Across environments a version may be rebuilt.) */
        for (int k = 0; k < 2; k++) {
                const struct trust_state_entry *m = find(s, st->name, st->env, k == 0);
                if (m && st->version == m->version && !streq(st->manifest, m->digest))
                        return sb_error_set(e, -ESTALE,
                                            "rollback: %s version %" PRIu64 " for %s was signed "
                                            "before for another manifest (%.19s...)",
                                            st->name, st->version, st->env, m->digest);
        }
        if (seen && st->version < seen->version) {
                char *w = NULL;

                if (mode == TRUST_ROLLBACK_STRICT)
                        return sb_error_set(e, -ESTALE,
                                            "stale: %s version %" PRIu64 " for %s is superseded "
                                            "by version %" PRIu64 "%s, seen here before%s",
                                            st->name, st->version, st->env, seen->version,
                                            mark_env(seen, st, where, sizeof(where)),
                                            streq(seen->env, st->env) ? "" : cross_env_note(envs));
                if (asprintf(&w,
                             "%s version %" PRIu64 " for %s is superseded by version %" PRIu64
                             "%s, seen here before",
                             st->name, st->version, st->env, seen->version,
                             mark_env(seen, st, where, sizeof(where))) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                *ret_warning = w;
        }
        return 0;
}

/* 1 when the mark moved, 0 when it stands already, -ENOMEM. */
static int raise_mark(struct trust_state *s, const struct trust_statement *st, bool run)
{
        struct trust_state_entry *m = (struct trust_state_entry *)find(s, st->name, st->env, run);

        if (!m) {
                struct trust_state_entry *ne = realloc(s->entries, (s->n + 1) * sizeof(*ne));
                if (!ne)
                        return -ENOMEM;
                s->entries = ne;
                m = &s->entries[s->n++];
                *m = (struct trust_state_entry){.run = run};
                strcpy(m->name, st->name);
                strcpy(m->env, st->env);
        } else if (m->version >= st->version)
                return 0;
        m->version = st->version;
        strcpy(m->digest, st->manifest);
        return 1;
}

static int mkdir_parents_of(const char *path)
{
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *p = NULL;

        if (!slash || slash == path)
                return 0;
        p = strndup(path, (size_t)(slash - path));
        if (!p)
                return -ENOMEM;
        return mkdir_p(p, 0700);
}

int trust_state_record(const char *path, const struct trust_statement *st, bool run,
                       char *const *envs, struct sb_error *e)
{
        _cleanup_free_ char *lock_path = NULL, *dir = NULL, *text = NULL;
        _cleanup_close_ int lock_fd = -EBADF, dir_fd = -EBADF;
        struct trust_state s = {};
        size_t text_size = 0;
        const char *base;
        FILE *f;
        int r;

        r = mkdir_parents_of(path);
        if (r < 0)
                return sb_error_set(e, r, "cannot create the directory of %s: %m", path);
        if (asprintf(&lock_path, "%s.lock", path) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        lock_fd = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (lock_fd < 0)
                return sb_error_set(e, -errno, "cannot open %s: %m", lock_path);
        while (flock(lock_fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return sb_error_set(e, -errno, "cannot lock %s: %m", lock_path);

        /* Under the lock, from the file as it is now: another sandbox may have raised a mark. */
        r = trust_state_load(path, &s, e);
        if (r < 0)
                return r;
        /* The caller checked st against the state it loaded before verifying and unpacking;
         * meanwhile another sandbox may have run a newer version (two starts at once, or one
         * held up by a long unpack). A run must still not go below what ran, nor equivocate:
         * checked again here, under the lock, on the state as it is now. A stale image stays
         * the caller's decision (its mode), so only the rollback rules are applied. */
        if (run) {
                char *warning = NULL;

                r = trust_state_check(&s, st, envs, TRUST_ROLLBACK_WARN_STALE, &warning, e);
                free(warning);
                if (r < 0) {
                        trust_state_done(&s);
                        return r;
                }
        }
        r = raise_mark(&s, st, false);
        if (r >= 0 && run) {
                int q = raise_mark(&s, st, true);
                r = q < 0 ? q : r + q;
        }
        if (r < 0) {
                trust_state_done(&s);
                return sb_error_set(e, r, "out of memory");
        }
        /* Nothing moved (the usual case: the same image again): no write, no fsync. The marks
         * only ever rise, so the file as read under the lock is already what we would write. */
        if (r == 0) {
                trust_state_done(&s);
                return 0;
        }
        f = open_memstream(&text, &text_size);
        if (!f) {
                trust_state_done(&s);
                return sb_error_set(e, -ENOMEM, "out of memory");
        }
        fputs(STATE_HEADER, f);
        for (size_t i = 0; i < s.n; i++)
                fprintf(f, "%s\t%s\t%s\t%" PRIu64 "\t%s\n", s.entries[i].name, s.entries[i].env,
                        s.entries[i].run ? "run" : "seen", s.entries[i].version,
                        s.entries[i].digest);
        trust_state_done(&s);
        if (fclose(f) != 0)
                return sb_error_set(e, -ENOMEM, "out of memory");

        dir = strdup(path);
        if (!dir)
                return sb_error_set(e, -ENOMEM, "out of memory");
        base = strrchr(dir, '/');
        if (base && base != dir) {
                dir[base - dir] = '\0';
                base = path + (base - dir) + 1;
        } else {
                free(dir);
                dir = strdup(base ? "/" : ".");
                base = base ? path + 1 : path;
                if (!dir)
                        return sb_error_set(e, -ENOMEM, "out of memory");
        }
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return sb_error_set(e, -errno, "cannot open %s: %m", dir);
        r = trust_write_atomic(dir_fd, base, text, text_size, 0600);
        if (r < 0)
                return sb_error_set(e, r, "cannot write %s: %m", path);
        return 0;
}
