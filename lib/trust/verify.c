/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "strv.h"
#include "trust-util.h"
#include "trust.h"

/* How far one signature got through the checks (trust.h): the error reported when none passes
 * is the one of the signature with the highest stage. */
enum stage {
        STAGE_PARSE,
        STAGE_KEY,
        STAGE_SIGNATURE,
        STAGE_STATEMENT,
        STAGE_MANIFEST,
        STAGE_SCOPE,
        STAGE_TIME,
        STAGE_ROLLBACK,
        STAGE_PASSED,
};

#define SIG_DIR_MAX (sizeof(TRUST_SIGNATURES_DIR) + 8 + 64 + 2)

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

void trust_verdict_done(struct trust_verdict *v)
{
        if (!v)
                return;
        free(v->warning);
        v->warning = NULL;
}

static bool manifest_sha256(const void *data, size_t size, char out[static TRUST_DIGEST_MAX])
{
        static const char hex[] = "0123456789abcdef";
        uint8_t h[crypto_hash_sha256_BYTES];
        char *p;

        if (sodium_init() < 0)
                return false;
        crypto_hash_sha256(h, data, size);
        p = stpcpy(out, "sha256:");
        for (size_t i = 0; i < sizeof(h); i++) {
                *p++ = hex[h[i] >> 4];
                *p++ = hex[h[i] & 15];
        }
        *p = '\0';
        return true;
}

static bool key_allowed(const struct trust_key *k, char *const *trusted)
{
        char id[MINISIGN_KEYID_STRING];

        /* The user's own keys only ever where the policy says @user; names and ids in
         * TrustedKeys= are the admin's keys (a user could name a key of theirs like one). */
        if (k->user)
                return strv_find(trusted, "@user") >= 0;
        if (!trusted)
                return true;
        minisign_keyid_string(k->key.keyid, id);
        STRV_FOREACH (t, trusted)
                if (streq(*t, "@admin") || streq(*t, k->name) || strcasecmp(*t, id) == 0)
                        return true;
        return false;
}

static bool key_revoked(const struct trust_store *s, const uint8_t id[static MINISIGN_KEYID_BYTES])
{
        for (size_t i = 0; i < s->n_revoked_ids; i++)
                if (memcmp(s->revoked_ids[i], id, MINISIGN_KEYID_BYTES) == 0)
                        return true;
        return false;
}

/* Check one signature file's content. Returns 0 when it passes everything (ret filled), else an
 * error with *ret_stage telling how far it got. */
static int check_one(const struct trust_store *store, const struct trust_request *req,
                     const char *file, const char *data, size_t size, int64_t now,
                     struct trust_verdict *ret, enum stage *ret_stage, struct sb_error *e)
{
        struct minisign_signature sig = {};
        const struct trust_key *key = NULL;
        struct trust_statement st;
        struct sb_error e2 = {};
        char id[MINISIGN_KEYID_STRING], t[TRUST_TIME_STRING];
        char *warning = NULL;
        int r;

        *ret_stage = STAGE_PARSE;
        r = minisign_signature_parse(data, size, &sig, &e2);
        if (r < 0)
                return sb_error_set(e, r, "%s: %s", file, e2.msg);

        *ret_stage = STAGE_KEY;
        minisign_keyid_string(sig.keyid, id);
        for (size_t i = 0; i < store->n_keys; i++)
                if (memcmp(store->keys[i].key.keyid, sig.keyid, MINISIGN_KEYID_BYTES) == 0) {
                        key = &store->keys[i];
                        break;
                }
        if (key_revoked(store, sig.keyid)) {
                r = sb_error_set(e, -EKEYREVOKED, "%s: signed by key %s, which is revoked", file,
                                 id);
                goto out;
        }
        if (!key) {
                r = sb_error_set(e, -ENOKEY, "%s: signed by key %s, which is not a trusted key",
                                 file, id);
                goto out;
        }
        if (!key_allowed(key, req->trusted_keys)) {
                r = sb_error_set(e, -EPERM,
                                 "%s: signed by %s key %s (%s), which the policy does not trust "
                                 "for images (TrustedKeys=)",
                                 file, key->user ? "your own" : "admin", key->name, id);
                goto out;
        }

        *ret_stage = STAGE_SIGNATURE;
        r = minisign_verify(&sig, &key->key, req->manifest, req->manifest_size, &e2);
        if (r < 0) {
                r = sb_error_set(e, r, "%s: %s", file, e2.msg);
                goto out;
        }

        *ret_stage = STAGE_STATEMENT;
        r = trust_statement_parse(sig.trusted_comment, strlen(sig.trusted_comment), &st, &e2);
        if (r < 0) {
                r = sb_error_set(e, r, "%s: %s", file, e2.msg);
                goto out;
        }

        /* A genuine signature for another manifest, copied here, vouches for nothing here. */
        *ret_stage = STAGE_MANIFEST;
        if (!streq(st.manifest, req->manifest_digest)) {
                r = sb_error_set(e, -EBADMSG,
                                 "%s: the signed statement is for manifest %.19s..., not for this "
                                 "one (%.19s...)",
                                 file, st.manifest, req->manifest_digest);
                goto out;
        }

        *ret_stage = STAGE_SCOPE;
        if (req->name && !streq(req->name, st.name)) {
                r = sb_error_set(e, -EPERM, "%s: signed as %s, not as %s", file, st.name,
                                 req->name);
                goto out;
        }
        if (req->allowed_envs && strv_find(req->allowed_envs, st.env) < 0) {
                _cleanup_free_ char *list = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&list, &len);
                if (f) {
                        STRV_FOREACH (v, req->allowed_envs)
                                fprintf(f, "%s%s", v == req->allowed_envs ? "" : ", ", *v);
                        if (fclose(f) != 0)
                                list = NULL;
                }
                r = sb_error_set(e, -EPERM,
                                 "%s: wrong environment: signed for %s, allowed here: %s", file,
                                 st.env, list ? list : "(none)");
                goto out;
        }

        *ret_stage = STAGE_TIME;
        if (st.issued > now + TRUST_CLOCK_SKEW) {
                (void)trust_time_format(st.issued, t);
                r = sb_error_set(e, -EKEYEXPIRED, "%s: issued in the future (%s)", file, t);
                goto out;
        }
        if (now >= st.expires) {
                (void)trust_time_format(st.expires, t);
                r = sb_error_set(e, -EKEYEXPIRED, "%s: expired at %s", file, t);
                goto out;
        }
        if (req->max_age > 0 && now > st.issued && (uint64_t)(now - st.issued) > req->max_age) {
                (void)trust_time_format(st.issued, t);
                r = sb_error_set(e, -EKEYEXPIRED,
                                 "%s: signed at %s, longer ago than the policy allows (%" PRIu64
                                 " s)",
                                 file, t, req->max_age);
                goto out;
        }

        *ret_stage = STAGE_ROLLBACK;
        if (req->state) {
                r = trust_state_check(req->state, &st, req->allowed_envs, req->rollback, &warning,
                                      &e2);
                if (r < 0) {
                        r = sb_error_set(e, r, "%s: %s", file, e2.msg);
                        goto out;
                }
        }

        *ret_stage = STAGE_PASSED;
        *ret = (struct trust_verdict){.statement = st, .warning = warning};
        snprintf(ret->key_name, sizeof(ret->key_name), "%s", key->name);
        memcpy(ret->keyid, id, sizeof(id));
        snprintf(ret->signature, sizeof(ret->signature), "%s", file);
        r = 0;
out:
        minisign_signature_done(&sig);
        return r;
}

/* Rehash the manifest, then list LAYOUT/signatures/sha256-HEX/ *.minisig: *ret_names NULL when
 * there is none (or no directory). */
static int list_signatures(const struct trust_request *req, char dir[static SIG_DIR_MAX],
                           int *ret_dfd, char ***ret_names, struct sb_error *e)
{
        char digest[TRUST_DIGEST_MAX];
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_strv_free_ char **names = NULL;
        struct dirent *de;
        DIR *d;

        if (!trust_digest_is_valid(req->manifest_digest))
                return sb_error_set(e, -EINVAL, "invalid manifest digest");
        /* Rehash: the caller's digest is only a name for the bytes we are handed. */
        if (!manifest_sha256(req->manifest, req->manifest_size, digest))
                return sb_error_set(e, -EIO, "libsodium failed to initialise");
        if (!streq(digest, req->manifest_digest))
                return sb_error_set(e, -EBADMSG, "the manifest does not hash to %s",
                                    req->manifest_digest);

        snprintf(dir, SIG_DIR_MAX, TRUST_SIGNATURES_DIR "/sha256-%s", req->manifest_digest + 7);
        dfd = trust_openat_beneath(req->layout_fd, dir, O_RDONLY | O_DIRECTORY);
        if (dfd == -ENOENT) {
                *ret_dfd = -EBADF;
                *ret_names = NULL;
                return 0;
        }
        if (dfd < 0)
                return sb_error_set(e, dfd, "cannot open %s: %s", dir,
                                    dfd == -ELOOP || dfd == -EXDEV ? "a symlink is in the way"
                                                                   : strerror(-dfd));
        {
                int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                d = fd >= 0 ? fdopendir(fd) : NULL;
                if (!d) {
                        safe_close(fd);
                        return sb_error_set(e, -errno, "cannot read %s: %m", dir);
                }
        }
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                if (de->d_name[0] == '.' || len <= 8 || !streq(de->d_name + len - 8, ".minisig"))
                        continue;
                if (strv_length(names) >= TRUST_SIGNATURES_MAX) {
                        closedir(d);
                        return sb_error_set(e, -E2BIG, "more than %u signatures in %s",
                                            TRUST_SIGNATURES_MAX, dir);
                }
                if (strv_extend(&names, de->d_name) < 0) {
                        closedir(d);
                        return sb_error_set(e, -ENOMEM, "out of memory");
                }
        }
        closedir(d);
        /* readdir() order is the file system's: sort, so reports and "the first that passes"
         * do not depend on it */
        if (names)
                qsort(names, strv_length(names), sizeof(char *), compare_names);
        *ret_dfd = TAKE_FD(dfd);
        *ret_names = TAKE_PTR(names);
        return 0;
}

/* Read one signature file below dfd and run every check on it. */
static int check_file(const struct trust_store *store, const struct trust_request *req, int dfd,
                      const char *dir, const char *name, int64_t now, struct trust_verdict *ret,
                      enum stage *ret_stage, char **ret_data, size_t *ret_size, struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *data = NULL;
        char file[SIG_DIR_MAX + 256];
        size_t size = 0;
        int r;

        *ret_stage = STAGE_PARSE;
        snprintf(file, sizeof(file), "%s/%s", dir, name);
        fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return sb_error_set(e, -errno, "%s: %s", file,
                                    errno == ELOOP ? "is a symlink: refused" : strerror(errno));
        r = read_regular_fd(fd, MINISIGN_FILE_MAX, &data, &size, NULL);
        if (r < 0)
                return sb_error_set(e, r == -EBADFD ? -EBADMSG : r, "%s: %s", file,
                                    r == -E2BIG    ? "larger than 4 MiB"
                                    : r == -EBADFD ? "not a regular file"
                                                   : strerror(-r));
        r = check_one(store, req, file, data, size, now, ret, ret_stage, e);
        if (ret_data) {
                *ret_data = TAKE_PTR(data);
                *ret_size = size;
        }
        return r;
}

int trust_verify(const struct trust_store *store, const struct trust_request *req,
                 struct trust_verdict *ret, struct sb_error *e)
{
        char dir[SIG_DIR_MAX];
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_strv_free_ char **names = NULL;
        enum stage best = STAGE_PARSE;
        struct sb_error best_e = {};
        int64_t now = req->now ? req->now : (int64_t)time(NULL);
        size_t n_checked = 0;
        int best_r = 0, r;

        r = list_signatures(req, dir, &dfd, &names, e);
        if (r < 0)
                return r;
        if (strv_find(store->denied_digests, req->manifest_digest) >= 0)
                return sb_error_set(e, -EPERM, "manifest %s is denied by a revocation list",
                                    req->manifest_digest);
        if (!names)
                return sb_error_set(e, -ENOENT, "unsigned: no signature in %s", dir);

        STRV_FOREACH (name, names) {
                struct sb_error e2 = {};
                enum stage stage;

                r = check_file(store, req, dfd, dir, *name, now, ret, &stage, NULL, NULL, &e2);
                n_checked++;
                if (r >= 0)
                        return 0;
                if (best_r == 0 || stage > best) {
                        best = stage;
                        best_r = r;
                        best_e = e2;
                }
        }
        if (n_checked > 1)
                return sb_error_set(e, best_r, "%s (and %zu other signatures failed too)",
                                    best_e.msg, n_checked - 1);
        return sb_error_set(e, best_r, "%s", best_e.msg);
}

int trust_inspect(const struct trust_store *store, const struct trust_request *req,
                  struct trust_signature_report **ret, size_t *ret_n, struct sb_error *e)
{
        char dir[SIG_DIR_MAX];
        _cleanup_close_ int dfd = -EBADF;
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ struct trust_signature_report *reports = NULL;
        int64_t now = req->now ? req->now : (int64_t)time(NULL);
        bool denied = strv_find(store->denied_digests, req->manifest_digest) >= 0;
        size_t n = 0;
        int r;

        r = list_signatures(req, dir, &dfd, &names, e);
        if (r < 0)
                return r;
        reports = calloc(strv_length(names) + 1, sizeof(*reports));
        if (!reports)
                return sb_error_set(e, -ENOMEM, "out of memory");
        STRV_FOREACH (name, names) {
                struct trust_signature_report *rep = &reports[n++];
                struct minisign_signature sig = {};
                struct trust_verdict v = {};
                struct sb_error e2 = {}, e3 = {};
                _cleanup_free_ char *data = NULL;
                enum stage stage;
                size_t size = 0;

                snprintf(rep->file, sizeof(rep->file), "%s/%s", dir, *name);
                rep->result =
                    check_file(store, req, dfd, dir, *name, now, &v, &stage, &data, &size, &e2);
                trust_verdict_done(&v);
                if (denied && rep->result >= 0)
                        rep->result =
                            sb_error_set(&e2, -EPERM, "manifest %s is denied by a revocation list",
                                         req->manifest_digest);
                snprintf(rep->message, sizeof(rep->message), "%s", rep->result < 0 ? e2.msg : "");
                /* What the file claims, verified or not: the report says which. */
                if (!data || minisign_signature_parse(data, size, &sig, &e3) < 0)
                        continue;
                minisign_keyid_string(sig.keyid, rep->keyid);
                for (size_t i = 0; i < store->n_keys; i++)
                        if (memcmp(store->keys[i].key.keyid, sig.keyid, MINISIGN_KEYID_BYTES) ==
                            0) {
                                rep->key = &store->keys[i];
                                break;
                        }
                rep->has_statement =
                    trust_statement_parse(sig.trusted_comment, strlen(sig.trusted_comment),
                                          &rep->statement, &e3) >= 0;
                minisign_signature_done(&sig);
        }
        *ret = TAKE_PTR(reports);
        *ret_n = n;
        return 0;
}

int trust_sign_image(const struct trust_sign_request *req, char **ret_path, struct sb_error *e)
{
        struct trust_statement st = {};
        struct minisign_signature sig = {};
        struct minisign_pubkey pub;
        _cleanup_free_ char *comment = NULL, *text = NULL, *path = NULL;
        _cleanup_close_ int sfd = -EBADF, dfd = -EBADF;
        char id[MINISIGN_KEYID_STRING], sub[80], name[TRUST_ENV_MAX + 32], untrusted[256];
        struct sb_error e2 = {};
        int r;

        if (!trust_name_is_valid(req->name))
                return sb_error_set(e, -EINVAL,
                                    "invalid name \"%.64s\": 1-128 of A-Z a-z 0-9 . _ - +, "
                                    "starting with a letter or digit",
                                    req->name ? req->name : "");
        if (!trust_env_is_valid(req->env))
                return sb_error_set(e, -EINVAL,
                                    "invalid environment \"%.64s\": 1-32 of a-z 0-9 _ -, starting "
                                    "with a letter or digit",
                                    req->env ? req->env : "");
        snprintf(st.name, sizeof(st.name), "%s", req->name);
        snprintf(st.env, sizeof(st.env), "%s", req->env);
        snprintf(st.manifest, sizeof(st.manifest), "%s", req->manifest_digest);
        st.version = req->version;
        st.issued = req->issued ? req->issued : (int64_t)time(NULL);
        st.expires = req->expires;
        r = trust_statement_format(&st, &comment);
        if (r == -ENOMEM)
                return sb_error_set(e, r, "out of memory");
        if (r < 0)
                return sb_error_set(e, r,
                                    "cannot make a statement of these values (version below "
                                    "10^19? expiry after the issue time?)");

        minisign_keyid_string(req->key->keyid, id);
        snprintf(untrusted, sizeof(untrusted), "sandbox image signature: %s %s %" PRIu64, st.name,
                 st.env, st.version);
        r = minisign_sign(req->key, req->manifest, req->manifest_size, untrusted, comment, &sig,
                          &e2);
        if (r < 0)
                return sb_error_set(e, r, "cannot sign: %s", e2.msg);
        /* Never write a signature we would not accept. */
        minisign_seckey_public(req->key, &pub);
        r = minisign_verify(&sig, &pub, req->manifest, req->manifest_size, &e2);
        if (r >= 0)
                r = minisign_signature_format(&sig, &text);
        minisign_signature_done(&sig);
        if (r < 0)
                return sb_error_set(e, r, "the new signature does not verify: %s", e2.msg);

        if (mkdirat(req->layout_fd, TRUST_SIGNATURES_DIR, 0755) < 0 && errno != EEXIST)
                return sb_error_set(e, -errno, "cannot create %s/: %m", TRUST_SIGNATURES_DIR);
        sfd = trust_openat_beneath(req->layout_fd, TRUST_SIGNATURES_DIR, O_RDONLY | O_DIRECTORY);
        if (sfd < 0)
                return sb_error_set(e, sfd, "cannot open %s/: %m", TRUST_SIGNATURES_DIR);
        snprintf(sub, sizeof(sub), "sha256-%s", req->manifest_digest + 7);
        if (mkdirat(sfd, sub, 0755) < 0 && errno != EEXIST)
                return sb_error_set(e, -errno, "cannot create %s/%s: %m", TRUST_SIGNATURES_DIR,
                                    sub);
        dfd = trust_openat_beneath(sfd, sub, O_RDONLY | O_DIRECTORY);
        if (dfd < 0)
                return sb_error_set(e, dfd, "cannot open %s/%s: %m", TRUST_SIGNATURES_DIR, sub);
        snprintf(name, sizeof(name), "%s-%s.minisig", st.env, id);
        r = trust_write_atomic(dfd, name, text, strlen(text), 0644);
        if (r < 0)
                return sb_error_set(e, r, "cannot write %s/%s/%s: %m", TRUST_SIGNATURES_DIR, sub,
                                    name);
        if (ret_path) {
                if (asprintf(&path, "%s/%s/%s", TRUST_SIGNATURES_DIR, sub, name) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                *ret_path = TAKE_PTR(path);
        }
        return 0;
}
