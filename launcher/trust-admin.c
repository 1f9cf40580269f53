/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox trust inspect [--json] LAYOUT[:TAG]
 * sandbox trust revoke key KEYID|NAME|FILE.pub
 * sandbox trust revoke manifest sha256:HEX|LAYOUT[:TAG]
 *
 * inspect shows what a layout's signatures claim and whether each would let `sandbox run
 * --image` start the image now, under the caller's policy and rollback state, and if not why.
 * revoke adds a refusal: root's goes to TRUST_REVOKED_DIR/local.list (every user), anyone
 * else's to their own deny list, which only ever adds refusals to the admin's. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "exec-util.h"
#include "image.h"
#include "log.h"
#include "run-image.h"
#include "run-policy.h"
#include "strv.h"
#include "trust-admin.h"
#include "trust.h"

#define REVOKED_ADMIN_FILE "local.list"

/* Strings the layout's writer chose (file names, tags): invalid UTF-8 becomes U+FFFD, so the
 * output stays JSON. Write errors show in ferror(stdout), checked by the caller. */
static void json_str(FILE *f, const char *s)
{
        (void)json_write_string(f, s);
}

static const char *key_store(const struct trust_key *k)
{
        return k->user ? "user" : "admin";
}

/* The check's message without the file name it starts with (the report names the file). */
static const char *reason(const struct trust_signature_report *r)
{
        size_t n = strlen(r->file);

        if (strncmp(r->message, r->file, n) == 0 && strncmp(r->message + n, ": ", 2) == 0)
                return r->message + n + 2;
        return r->message;
}

/* Text others wrote (a layout's tags and file names, messages quoting them), control characters
 * escaped: a file name with an escape sequence or a newline must not rewrite the report. */
static void put(const char *s)
{
        (void)terminal_write_string(stdout, s);
}

static void print_text(const char *tag, const struct image *img, const char *layers_error,
                       const struct trust_signature_report *reps, size_t n)
{
        char issued[TRUST_TIME_STRING], expires[TRUST_TIME_STRING];

        if (tag) {
                printf("tag ");
                put(tag);
                printf(", ");
        }
        printf("manifest %s\n", img->manifest_digest);
        if (layers_error) {
                printf("  layers: refused: ");
                put(layers_error);
                printf("\n");
        } else
                printf("  layers: %zu, every blob matches its digest\n", img->manifest.n_layers);
        if (n == 0)
                printf("  unsigned: no signature in signatures/sha256-%s/\n",
                       img->manifest_digest + 7);
        for (size_t i = 0; i < n; i++) {
                const struct trust_signature_report *r = &reps[i];

                printf("  ");
                put(r->file);
                printf("\n");
                if (!r->keyid[0])
                        printf("    signer: unreadable signature file\n");
                else if (r->key) {
                        printf("    signer: key %s, %s key ", r->keyid, key_store(r->key));
                        put(r->key->name);
                        printf(" (");
                        put(r->key->path);
                        printf(")\n");
                } else
                        printf("    signer: key %s, in no trust store\n", r->keyid);
                if (r->has_statement) {
                        (void)trust_time_format(r->statement.issued, issued);
                        (void)trust_time_format(r->statement.expires, expires);
                        printf("    %s: %s version %" PRIu64 " for %s, issued %s, expires %s\n",
                               r->result == 0 ? "signed" : "claims (unverified)", r->statement.name,
                               r->statement.version, r->statement.env, issued, expires);
                }
                if (r->result == 0 && !layers_error)
                        printf("    would run now: yes\n");
                else {
                        printf("    would run now: no: ");
                        put(r->result < 0 ? reason(r) : layers_error);
                        printf("\n");
                }
        }
}

static void print_json(const char *tag, const struct image *img, const char *layers_error,
                       const struct trust_signature_report *reps, size_t n, bool first)
{
        char t[TRUST_TIME_STRING];

        printf("%s\n    {\"tag\": ", first ? "" : ",");
        if (tag)
                json_str(stdout, tag);
        else
                fputs("null", stdout);
        fputs(", \"manifest\": ", stdout);
        json_str(stdout, img->manifest_digest);
        printf(", \"layers\": {\"count\": %zu, \"verified\": %s, \"error\": ",
               img->manifest.n_layers, layers_error ? "false" : "true");
        if (layers_error)
                json_str(stdout, layers_error);
        else
                fputs("null", stdout);
        fputs("}, \"signatures\": [", stdout);
        for (size_t i = 0; i < n; i++) {
                const struct trust_signature_report *r = &reps[i];

                printf("%s\n      {\"file\": ", i ? "," : "");
                json_str(stdout, r->file);
                fputs(", \"keyid\": ", stdout);
                if (r->keyid[0])
                        json_str(stdout, r->keyid);
                else
                        fputs("null", stdout);
                fputs(", \"key\": ", stdout);
                if (r->key) {
                        fputs("{\"name\": ", stdout);
                        json_str(stdout, r->key->name);
                        fputs(", \"path\": ", stdout);
                        json_str(stdout, r->key->path);
                        printf(", \"store\": \"%s\"}", key_store(r->key));
                } else
                        fputs("null", stdout);
                fputs(", \"statement\": ", stdout);
                if (r->has_statement) {
                        fputs("{\"name\": ", stdout);
                        json_str(stdout, r->statement.name);
                        fputs(", \"env\": ", stdout);
                        json_str(stdout, r->statement.env);
                        printf(", \"version\": %" PRIu64, r->statement.version);
                        (void)trust_time_format(r->statement.issued, t);
                        printf(", \"issued\": \"%s\"", t);
                        (void)trust_time_format(r->statement.expires, t);
                        printf(", \"expires\": \"%s\", \"verified\": %s}", t,
                               r->result == 0 ? "true" : "false");
                } else
                        fputs("null", stdout);
                printf(", \"would_run\": %s, \"reason\": ",
                       r->result == 0 && !layers_error ? "true" : "false");
                if (r->result < 0)
                        json_str(stdout, reason(r));
                else if (layers_error)
                        json_str(stdout, layers_error);
                else
                        fputs("null", stdout);
                fputs("}", stdout);
        }
        printf("%s]}", n ? "\n    " : "");
}

static int inspect_one(const char *path, const char *tag, const struct policy *eff,
                       const struct trust_store *store, const struct trust_state *state, bool json,
                       bool first, struct sb_error *e)
{
        _cleanup_image_free_ struct image *img = NULL;
        _cleanup_free_ struct trust_signature_report *reps = NULL;
        struct sb_error le = {};
        struct trust_request req;
        size_t n = 0;
        int r;

        r = image_open(path, tag, &img, e);
        if (r < 0)
                return r;
        run_image_request(eff, img, state, &req);
        r = trust_inspect(store, &req, &reps, &n, e);
        if (r < 0)
                return r;
        r = image_verify_layers(img, &le);
        if (json)
                print_json(tag, img, r < 0 ? le.msg : NULL, reps, n, first);
        else
                print_text(tag, img, r < 0 ? le.msg : NULL, reps, n);
        return 0;
}

static int trust_inspect_verb(int argc, char **argv)
{
        static const struct option opts[] = {
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_(run_policy_done) struct run_policy rp = {};
        _cleanup_trust_store_free_ struct trust_store *store = NULL;
        _cleanup_free_ char *path = NULL, *tag = NULL, *state_path = NULL;
        _cleanup_strv_free_ char **tags = NULL;
        struct trust_state state = {};
        struct sb_error e = {};
        bool json = false;
        int c, r = 0;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0)
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 'h':
                        printf("Usage: sandbox trust inspect [--json] LAYOUT[:TAG]\n");
                        return 0;
                default:
                        log_error("trust inspect: unknown option '%s'; see 'sandbox trust --help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (optind != argc - 1) {
                log_error("trust inspect: expected one LAYOUT[:TAG]");
                return EXIT_LAUNCHER_ERROR;
        }
        if (image_ref_parse(argv[optind], &path, &tag) < 0) {
                log_error("trust inspect: '%s' is not LAYOUT[:TAG]", argv[optind]);
                return EXIT_LAUNCHER_ERROR;
        }
        /* What `sandbox run --image` would apply: the caller's ceiling, store and marks. */
        if (run_image_policy(&rp, &e) < 0 || run_image_store(rp.effective, true, &store, &e) < 0)
                return log_error("trust inspect: %s", e.msg), EXIT_LAUNCHER_ERROR;
        r = trust_state_default_path(&state_path);
        if (r < 0)
                return log_error_errno(r, "trust inspect: cannot find the state file: %m"),
                       EXIT_LAUNCHER_ERROR;
        if (trust_state_load(state_path, &state, &e) < 0)
                return log_error("trust inspect: %s", e.msg), EXIT_LAUNCHER_ERROR;

        if (!tag) {
                r = image_layout_tags(path, &tags, &e);
                if (r < 0)
                        goto fail;
        } else if (strv_extend(&tags, tag) < 0) {
                r = sb_error_set(&e, -ENOMEM, "out of memory");
                goto fail;
        }
        if (json) {
                printf("{\"layout\": ");
                json_str(stdout, path);
                printf(", \"images\": [");
        }
        if (!tags)
                r = inspect_one(path, NULL, rp.effective, store, &state, json, true, &e);
        STRV_FOREACH (t, tags) {
                r = inspect_one(path, *t, rp.effective, store, &state, json, t == tags, &e);
                if (r < 0)
                        break;
        }
        if (json)
                printf("\n  ]}\n");
fail:
        trust_state_done(&state);
        if (fflush(stdout) != 0 && r >= 0)
                r = sb_error_set(&e, -EIO, "cannot write the report");
        if (r < 0)
                return log_error("trust inspect: %s", e.msg), EXIT_LAUNCHER_ERROR;
        return 0;
}

/* KEYID (16 hex digits), a public key file, or NAME of the admin's keys.d or the user's keys. */
static int resolve_key(const char *arg, char id[static MINISIGN_KEYID_STRING], struct sb_error *e)
{
        uint8_t raw[MINISIGN_KEYID_BYTES];
        struct minisign_pubkey k;
        _cleanup_free_ char *file = NULL, *user_dir = NULL;
        int r;

        if (strlen(arg) == 16 && minisign_keyid_parse(arg, raw) >= 0) {
                minisign_keyid_string(raw, id);
                return 0;
        }
        if (strchr(arg, '/')) {
                r = trust_pubkey_load(arg, &k, e);
                if (r < 0)
                        return r;
                minisign_keyid_string(k.keyid, id);
                return 0;
        }
        if (!trust_name_is_valid(arg))
                return sb_error_set(e, -EINVAL,
                                    "'%s' is not a key id (16 hex digits), a .pub file or a key "
                                    "name",
                                    arg);
        if (asprintf(&file, "%s/%s.pub", TRUST_KEYS_DIR, arg) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        if (access(file, F_OK) < 0) {
                user_dir = trust_user_keys_dir();
                free(file);
                file = NULL;
                if (!user_dir || asprintf(&file, "%s/%s.pub", user_dir, arg) < 0)
                        return sb_error_set(e, -ENOMEM, "out of memory");
                if (access(file, F_OK) < 0)
                        return sb_error_set(e, -ENOENT,
                                            "no key named %s in " TRUST_KEYS_DIR " or %s", arg,
                                            user_dir);
        }
        r = trust_pubkey_load(file, &k, e);
        if (r < 0)
                return r;
        minisign_keyid_string(k.keyid, id);
        return 0;
}

static int resolve_manifest(const char *arg, char digest[static TRUST_DIGEST_MAX],
                            struct sb_error *e)
{
        _cleanup_free_ char *path = NULL, *tag = NULL;
        _cleanup_image_free_ struct image *img = NULL;
        int r;

        if (startswith_lit(arg, "sha256:")) {
                if (!trust_digest_is_valid(arg))
                        return sb_error_set(e, -EINVAL,
                                            "'%s' is not sha256: and 64 lowercase hex digits", arg);
                snprintf(digest, TRUST_DIGEST_MAX, "%s", arg);
                return 0;
        }
        r = image_ref_parse(arg, &path, &tag);
        if (r < 0)
                return sb_error_set(e, r, "'%s' is neither sha256:HEX nor LAYOUT[:TAG]", arg);
        r = image_open_unparsed(path, tag, &img, e);
        if (r < 0)
                return r;
        snprintf(digest, TRUST_DIGEST_MAX, "%s", img->manifest_digest);
        return 0;
}

/* mkdir that accepts an existing directory; the store's checks judge it afterwards. */
static int mkdir_exists_ok(const char *path, mode_t mode)
{
        return mkdir(path, mode) < 0 && errno != EEXIST ? -errno : 0;
}

static int trust_revoke_verb(int argc, char **argv)
{
        _cleanup_free_ char *dir = NULL, *entry = NULL;
        char id[MINISIGN_KEYID_STRING], digest[TRUST_DIGEST_MAX];
        const char *name, *what;
        struct sb_error e = {};
        bool admin = geteuid() == 0;
        int r;

        if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
                printf("Usage: sandbox trust revoke key KEYID|NAME|FILE.pub\n"
                       "       sandbox trust revoke manifest sha256:HEX|LAYOUT[:TAG]\n");
                return 0;
        }
        if (argc != 3 || (!streq(argv[1], "key") && !streq(argv[1], "manifest"))) {
                log_error("trust revoke: expected 'key KEYID|NAME|FILE.pub' or 'manifest "
                          "sha256:HEX|LAYOUT[:TAG]'");
                return EXIT_LAUNCHER_ERROR;
        }
        if (streq(argv[1], "key")) {
                r = resolve_key(argv[2], id, &e);
                what = id;
        } else {
                r = resolve_manifest(argv[2], digest, &e);
                what = digest;
        }
        if (r < 0)
                return log_error("trust revoke: %s", e.msg), EXIT_LAUNCHER_ERROR;
        if (asprintf(&entry, "%s %s", argv[1], what) < 0)
                return log_error_errno(-ENOMEM, "trust revoke: %m"), EXIT_LAUNCHER_ERROR;

        if (admin) {
                /* root's refusal is everyone's: the admin's revocation directory */
                if ((r = mkdir_exists_ok("/etc/sandbox", 0755)) < 0 ||
                    (r = mkdir_exists_ok(TRUST_REVOKED_DIR, 0755)) < 0)
                        return log_error_errno(r, "trust revoke: cannot create " TRUST_REVOKED_DIR
                                                  ": %m"),
                               EXIT_LAUNCHER_ERROR;
                dir = strdup(TRUST_REVOKED_DIR);
                name = REVOKED_ADMIN_FILE;
        } else {
                char *slash;
                dir = trust_user_revoked_file();
                if (!dir || !(slash = strrchr(dir, '/')))
                        return log_error("trust revoke: cannot find your configuration directory"),
                               EXIT_LAUNCHER_ERROR;
                *slash = '\0';
                name = "revoked.list";
                /* ~/.config/sandbox; its parent is the user's business */
                r = mkdir_exists_ok(dir, 0755);
                if (r < 0)
                        return log_error_errno(r, "trust revoke: cannot create %s: %m", dir),
                               EXIT_LAUNCHER_ERROR;
        }
        if (!dir)
                return log_error_errno(-ENOMEM, "trust revoke: %m"), EXIT_LAUNCHER_ERROR;
        r = trust_revocation_add(dir, name, entry, &e);
        if (r < 0)
                return log_error("trust revoke: %s", e.msg), EXIT_LAUNCHER_ERROR;
        printf("%s %s %s in %s/%s%s\n", streq(argv[1], "key") ? "key" : "manifest", what,
               r == 1 ? "was already revoked" : "revoked", dir, name,
               admin ? " (for every user)" : " (for you)");
        return 0;
}

int trust_admin_verb(int argc, char **argv)
{
        if (streq(argv[0], "inspect"))
                return trust_inspect_verb(argc, argv);
        if (streq(argv[0], "revoke"))
                return trust_revoke_verb(argc, argv);
        return -ENOENT;
}
