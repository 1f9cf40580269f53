/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox trust sign --key KEY [--passphrase-file FILE] --name NAME --env ENV --version N
 *                    [--expires DURATION] LAYOUT[:TAG]
 * sandbox trust verify [--env ENV]... [--name NAME] [--record] [--rollback MODE]
 *                      [--max-age DURATION] [--keys-dir DIR] [--revoked-dir DIR] LAYOUT[:TAG]
 * sandbox trust key generate NAME [--dir DIR] [--passphrase-file FILE | --no-passphrase]
 * (inspect and revoke: trust-admin.c) */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "exec-util.h"
#include "fd-util.h"
#include "image.h"
#include "log.h"
#include "strv.h"
#include "trust-admin.h"
#include "trust.h"
#include "verbs.h"

#define EXPIRES_DEFAULT (90 * 86400)
#define EXIT_REFUSED    1 /* verify: the image is not trusted */

static void trust_help(void)
{
        printf("Usage: sandbox trust sign --key KEY [--passphrase-file FILE] --name NAME\n"
               "                          --env ENV --version N [--expires DURATION] LAYOUT[:TAG]\n"
               "       sandbox trust verify [--env ENV]... [--name NAME] [--record]\n"
               "                          [--rollback strict|warn-stale|off] [--max-age DURATION]\n"
               "                          LAYOUT[:TAG]\n"
               "       sandbox trust inspect [--json] LAYOUT[:TAG]\n"
               "       sandbox trust revoke key KEYID|NAME|FILE.pub\n"
               "       sandbox trust revoke manifest sha256:HEX|LAYOUT[:TAG]\n"
               "       sandbox trust key generate NAME [--dir DIR]\n"
               "                          [--passphrase-file FILE | --no-passphrase]\n"
               "\n"
               "Signatures are minisign signatures of the image manifest, stored in\n"
               "LAYOUT/signatures/; the signed trusted comment says which name, environment\n"
               "and version the signer vouches for, and until when. KEY is a minisign secret\n"
               "key file (minisign -G makes one) or NAME for ~/.config/sandbox/keys/NAME.key.\n"
               "verify trusts the keys in " TRUST_KEYS_DIR " and refuses revoked keys and\n"
               "denied manifests from " TRUST_REVOKED_DIR ".\n"
               "inspect shows every signature of the layout's images and whether each would\n"
               "let 'sandbox run --image' start it now under your policy, and if not, why.\n"
               "revoke adds a refusal: root's to " TRUST_REVOKED_DIR "/local.list (every user),\n"
               "anyone else's to ~/.config/sandbox/revoked.list (only for them).\n"
               "\n"
               "Exit status of verify: 0 trusted, 1 refused (the message says which check\n"
               "failed), 125 on other errors.\n");
}

static char *config_keys_dir(void)
{
        const char *base = secure_getenv("XDG_CONFIG_HOME");
        char *p = NULL;

        if (base && base[0] == '/') {
                if (asprintf(&p, "%s/sandbox/keys", base) < 0)
                        return NULL;
        } else {
                const char *home = secure_getenv("HOME");
                struct passwd *pw;
                if (!home || home[0] != '/') {
                        pw = getpwuid(getuid());
                        home = pw ? pw->pw_dir : NULL;
                }
                if (!home || asprintf(&p, "%s/.config/sandbox/keys", home) < 0)
                        return NULL;
        }
        return p;
}

static void passphrase_free(char **p)
{
        sodium_free(*p); /* wipes */
}

/* The first line of file (minisign reads its passphrase the same way: up to the newline, one
 * trailing "\r" dropped), into locked memory. */
static int passphrase_from_file(const char *path, char **ret)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        char *p = sodium_malloc(MINISIGN_PASSPHRASE_MAX + 2);
        size_t len = 0;

        if (!p)
                return log_error_errno(-ENOMEM, "trust: %m");
        if (fd < 0) {
                sodium_free(p);
                return log_error_errno(-errno, "trust: cannot open %s: %m", path);
        }
        for (;;) {
                ssize_t n = read(fd, p + len, MINISIGN_PASSPHRASE_MAX + 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        sodium_free(p);
                        return log_error_errno(-errno, "trust: cannot read %s: %m", path);
                }
                if (n == 0 || (len += (size_t)n) > MINISIGN_PASSPHRASE_MAX || memchr(p, '\n', len))
                        break;
        }
        p[len] = '\0';
        p[strcspn(p, "\n")] = '\0';
        len = strlen(p);
        if (len > MINISIGN_PASSPHRASE_MAX) {
                sodium_free(p);
                return log_error("trust: the passphrase in %s is longer than %u bytes", path,
                                 MINISIGN_PASSPHRASE_MAX),
                       -EINVAL;
        }
        if (len > 0 && p[len - 1] == '\r')
                p[len - 1] = '\0';
        *ret = p;
        return 0;
}

/* Ask on the controlling terminal with echo off; never on stdin, which may be a pipe carrying
 * something else. */
static int passphrase_from_tty(const char *prompt, char **ret)
{
        _cleanup_close_ int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        struct termios old, noecho;
        char *p;
        size_t len = 0;
        int r = 0;

        if (fd < 0)
                return log_error("trust: no terminal to ask for the passphrase on; use "
                                 "--passphrase-file FILE"),
                       -ENOTTY;
        p = sodium_malloc(MINISIGN_PASSPHRASE_MAX + 2);
        if (!p)
                return log_error_errno(-ENOMEM, "trust: %m");
        if (tcgetattr(fd, &old) < 0) {
                sodium_free(p);
                return log_error_errno(-errno, "trust: cannot use the terminal: %m");
        }
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)ECHO;
        noecho.c_lflag |= ECHONL;
        (void)write_all(fd, prompt, strlen(prompt));
        (void)tcsetattr(fd, TCSAFLUSH, &noecho);
        for (;;) {
                char c;
                ssize_t n = read(fd, &c, 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0 || c == '\n')
                        break;
                if (len >= MINISIGN_PASSPHRASE_MAX) {
                        r = -E2BIG;
                        continue;
                }
                p[len++] = c;
        }
        (void)tcsetattr(fd, TCSAFLUSH, &old);
        p[len] = '\0';
        if (r < 0) {
                sodium_free(p);
                return log_error("trust: passphrase longer than %u bytes", MINISIGN_PASSPHRASE_MAX),
                       r;
        }
        *ret = p;
        return 0;
}

static int parse_version(const char *s, uint64_t *ret)
{
        char *end;
        unsigned long long v;

        if (!s[0] || s[0] == '-' || s[0] == '+' || (s[0] == '0' && s[1]) ||
            strspn(s, "0123456789") != strlen(s))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno || *end || v >= UINT64_C(10000000000000000000))
                return -EINVAL;
        *ret = v;
        return 0;
}

static int load_secret_key(const char *key_arg, const char *passphrase_file,
                           struct minisign_seckey **ret)
{
        _cleanup_free_ char *path = NULL, *dir = NULL;
        _cleanup_(passphrase_free) char *passphrase = NULL;
        _cleanup_close_ int fd = -EBADF;
        char *data = NULL;
        size_t size = 0;
        struct sb_error e = {};
        struct stat st;
        int r, encrypted;

        if (strchr(key_arg, '/') ||
            (strlen(key_arg) > 4 && streq(key_arg + strlen(key_arg) - 4, ".key")))
                path = strdup(key_arg);
        else if ((dir = config_keys_dir()) && asprintf(&path, "%s/%s.key", dir, key_arg) < 0)
                path = NULL;
        if (!path)
                return log_error_errno(-ENOMEM, "trust: %m");
        fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(-errno, "trust: cannot open the secret key %s: %m", path);
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)TRUST_KEY_FILE_MAX)
                return log_error("trust: %s is not a secret key file", path), -EINVAL;
        /* Read into locked memory: an unencrypted key file's text is the key. */
        data = sodium_malloc(TRUST_KEY_FILE_MAX + 1);
        if (!data)
                return log_error_errno(-ENOMEM, "trust: %m");
        for (;;) {
                ssize_t n = read(fd, data + size, TRUST_KEY_FILE_MAX - size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                size += (size_t)n;
                if (size == TRUST_KEY_FILE_MAX)
                        break;
        }
        data[size] = '\0';
        encrypted = minisign_seckey_is_encrypted(data, size, &e);
        if (encrypted < 0) {
                sodium_free(data);
                return log_error("trust: %s: %s", path, e.msg), encrypted;
        }
        if (encrypted) {
                if (passphrase_file)
                        r = passphrase_from_file(passphrase_file, &passphrase);
                else {
                        char prompt[600];
                        snprintf(prompt, sizeof(prompt), "Passphrase for %.500s: ", path);
                        r = passphrase_from_tty(prompt, &passphrase);
                }
                if (r < 0) {
                        sodium_free(data);
                        return r;
                }
        }
        r = minisign_seckey_parse(data, size, passphrase, ret, &e);
        sodium_free(data);
        if (r < 0)
                return log_error("trust: %s: %s", path, e.msg), r;
        return 0;
}

static int trust_sign(int argc, char **argv)
{
        static const struct option opts[] = {
            {"key", required_argument, NULL, 'k'},
            {"passphrase-file", required_argument, NULL, 'p'},
            {"name", required_argument, NULL, 'n'},
            {"env", required_argument, NULL, 'e'},
            {"version", required_argument, NULL, 'v'},
            {"expires", required_argument, NULL, 'x'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        const char *key_arg = NULL, *pass_file = NULL, *name = NULL, *env = NULL;
        _cleanup_(minisign_seckey_freep) struct minisign_seckey *key = NULL;
        _cleanup_image_free_ struct image *img = NULL;
        _cleanup_free_ char *path = NULL, *tag = NULL, *sig_path = NULL;
        uint64_t version = 0, expires = EXPIRES_DEFAULT;
        bool have_version = false;
        struct sb_error e = {};
        int c, r;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0)
                switch (c) {
                case 'k':
                        key_arg = optarg;
                        break;
                case 'p':
                        pass_file = optarg;
                        break;
                case 'n':
                        name = optarg;
                        break;
                case 'e':
                        env = optarg;
                        break;
                case 'v':
                        if (parse_version(optarg, &version) < 0) {
                                log_error("trust sign: invalid version '%s': a decimal number "
                                          "without leading zeros",
                                          optarg);
                                return EXIT_LAUNCHER_ERROR;
                        }
                        have_version = true;
                        break;
                case 'x':
                        if (trust_duration_parse(optarg, &expires) < 0) {
                                log_error("trust sign: invalid duration '%s' (e.g. 90d, 12h)",
                                          optarg);
                                return EXIT_LAUNCHER_ERROR;
                        }
                        break;
                case 'h':
                        trust_help();
                        return 0;
                default:
                        log_error("trust sign: unknown option '%s'; see 'sandbox trust --help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (!key_arg || !name || !env || !have_version || optind != argc - 1) {
                log_error("trust sign: needs --key, --name, --env, --version and one "
                          "LAYOUT[:TAG]");
                return EXIT_LAUNCHER_ERROR;
        }
        if (!trust_name_is_valid(name) || !trust_env_is_valid(env)) {
                log_error("trust sign: invalid %s '%s'", trust_name_is_valid(name) ? "env" : "name",
                          trust_name_is_valid(name) ? env : name);
                return EXIT_LAUNCHER_ERROR;
        }
        r = image_ref_parse(argv[optind], &path, &tag);
        if (r < 0) {
                log_error("trust sign: '%s' is not LAYOUT[:TAG]", argv[optind]);
                return EXIT_LAUNCHER_ERROR;
        }
        /* Vouch only for an image whose every blob is there and intact. */
        if (image_open(path, tag, &img, &e) < 0 || image_verify_layers(img, &e) < 0)
                return log_error("trust sign: %s", e.msg), EXIT_LAUNCHER_ERROR;
        if (load_secret_key(key_arg, pass_file, &key) < 0)
                return EXIT_LAUNCHER_ERROR;

        {
                int64_t now = (int64_t)time(NULL);
                struct trust_sign_request req = {
                    .layout_fd = img->layout_fd,
                    .manifest_digest = img->manifest_digest,
                    .manifest = img->manifest_data,
                    .manifest_size = img->manifest_size,
                    .key = key,
                    .name = name,
                    .env = env,
                    .version = version,
                    .issued = now,
                    .expires = now + (int64_t)expires,
                };
                if (trust_sign_image(&req, &sig_path, &e) < 0)
                        return log_error("trust sign: %s", e.msg), EXIT_LAUNCHER_ERROR;
        }
        printf("%s/%s\n", path, sig_path);
        return 0;
}

static int trust_verify_verb(int argc, char **argv)
{
        static const struct option opts[] = {
            {"env", required_argument, NULL, 'e'},
            {"name", required_argument, NULL, 'n'},
            {"record", no_argument, NULL, 'r'},
            {"rollback", required_argument, NULL, 'R'},
            {"max-age", required_argument, NULL, 'm'},
            {"keys-dir", required_argument, NULL, 'K'},
            {"revoked-dir", required_argument, NULL, 'D'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_strv_free_ char **envs = NULL;
        _cleanup_free_ char *path = NULL, *tag = NULL, *state_path = NULL, *user_revoked = NULL;
        _cleanup_image_free_ struct image *img = NULL;
        _cleanup_trust_store_free_ struct trust_store *store = NULL;
        struct trust_store_options so = {};
        struct trust_state state = {};
        struct trust_verdict v = {};
        enum trust_rollback rollback = TRUST_ROLLBACK_STRICT;
        const char *name = NULL;
        uint64_t max_age = 0;
        bool record = false;
        struct sb_error e = {};
        char expires[TRUST_TIME_STRING];
        int c, r;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0)
                switch (c) {
                case 'e':
                        if (!trust_env_is_valid(optarg)) {
                                log_error("trust verify: invalid environment '%s'", optarg);
                                return EXIT_LAUNCHER_ERROR;
                        }
                        if (strv_extend(&envs, optarg) < 0)
                                return log_error_errno(-ENOMEM, "trust verify: %m"),
                                       EXIT_LAUNCHER_ERROR;
                        break;
                case 'n':
                        name = optarg;
                        break;
                case 'r':
                        record = true;
                        break;
                case 'R':
                        if (streq(optarg, "strict"))
                                rollback = TRUST_ROLLBACK_STRICT;
                        else if (streq(optarg, "warn-stale"))
                                rollback = TRUST_ROLLBACK_WARN_STALE;
                        else if (streq(optarg, "off"))
                                rollback = TRUST_ROLLBACK_OFF;
                        else {
                                log_error("trust verify: --rollback takes strict, warn-stale or "
                                          "off");
                                return EXIT_LAUNCHER_ERROR;
                        }
                        break;
                case 'm':
                        if (trust_duration_parse(optarg, &max_age) < 0) {
                                log_error("trust verify: invalid duration '%s'", optarg);
                                return EXIT_LAUNCHER_ERROR;
                        }
                        break;
                case 'K':
                        so.keys_dir = optarg;
                        break;
                case 'D':
                        so.revoked_dir = optarg;
                        break;
                case 'h':
                        trust_help();
                        return 0;
                default:
                        log_error("trust verify: unknown option '%s'; see 'sandbox trust --help'",
                                  argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (optind != argc - 1) {
                log_error("trust verify: expected one LAYOUT[:TAG]");
                return EXIT_LAUNCHER_ERROR;
        }
        /* Another store is a preview (a draft, a test fixture): it may not raise the marks that
         * protect real runs. */
        if ((so.keys_dir || so.revoked_dir) && record) {
                log_error("trust verify: --record only with the system trust store");
                return EXIT_LAUNCHER_ERROR;
        }
        if (so.keys_dir || so.revoked_dir)
                so.owner = getuid();
        else {
                /* the system store comes with the caller's own deny list, as for sandbox run */
                user_revoked = trust_user_revoked_file();
                if (!user_revoked)
                        return log_error_errno(-ENOMEM, "trust verify: %m"), EXIT_LAUNCHER_ERROR;
                so.user_revoked_file = user_revoked;
                so.user_uid = getuid();
        }
        if (trust_store_load(&so, &store, &e) < 0)
                return log_error("trust verify: %s", e.msg), EXIT_LAUNCHER_ERROR;
        r = trust_state_default_path(&state_path);
        if (r < 0)
                return log_error_errno(r, "trust verify: cannot find the state file: %m"),
                       EXIT_LAUNCHER_ERROR;
        if (trust_state_load(state_path, &state, &e) < 0)
                return log_error("trust verify: %s", e.msg), EXIT_LAUNCHER_ERROR;

        r = image_ref_parse(argv[optind], &path, &tag);
        if (r < 0) {
                trust_state_done(&state);
                log_error("trust verify: '%s' is not LAYOUT[:TAG]", argv[optind]);
                return EXIT_LAUNCHER_ERROR;
        }
        /* The signature first: nothing of an unsigned manifest is parsed or followed. */
        if (image_open_unparsed(path, tag, &img, &e) < 0) {
                trust_state_done(&state);
                log_error("trust verify: refused: %s", e.msg);
                return EXIT_REFUSED;
        }
        {
                struct trust_request req = {
                    .layout_fd = img->layout_fd,
                    .manifest_digest = img->manifest_digest,
                    .manifest = img->manifest_data,
                    .manifest_size = img->manifest_size,
                    .name = name,
                    .allowed_envs = envs,
                    .max_age = max_age,
                    .rollback = rollback,
                    .state = &state,
                };
                r = trust_verify(store, &req, &v, &e);
        }
        trust_state_done(&state);
        if (r >= 0 && (image_load(img, &e) < 0 || image_verify_layers(img, &e) < 0)) {
                trust_verdict_done(&v);
                r = -EBADMSG;
        }
        if (r < 0) {
                log_error("trust verify: refused: %s", e.msg);
                return EXIT_REFUSED;
        }
        if (v.warning)
                log_error("trust verify: warning: stale image: %s", v.warning);
        if (record && trust_state_record(state_path, &v.statement, false, NULL, &e) < 0) {
                trust_verdict_done(&v);
                return log_error("trust verify: %s", e.msg), EXIT_LAUNCHER_ERROR;
        }
        (void)trust_time_format(v.statement.expires, expires);
        printf("trusted: %s version %" PRIu64 " for %s, signed by %s (%s), expires %s\n",
               v.statement.name, v.statement.version, v.statement.env, v.key_name, v.keyid,
               expires);
        trust_verdict_done(&v);
        return 0;
}

static int write_new_file(const char *path, const char *data, mode_t mode)
{
        _cleanup_close_ int fd =
            open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        int r;

        if (fd < 0)
                return -errno;
        r = write_all(fd, data, strlen(data));
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r < 0)
                (void)unlink(path);
        return r;
}

static int trust_key_generate(int argc, char **argv)
{
        static const struct option opts[] = {
            {"dir", required_argument, NULL, 'd'},
            {"passphrase-file", required_argument, NULL, 'p'},
            {"no-passphrase", no_argument, NULL, 'N'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_(minisign_seckey_freep) struct minisign_seckey *sk = NULL;
        _cleanup_(passphrase_free) char *pass = NULL, *pass2 = NULL;
        _cleanup_free_ char *dir = NULL, *skpath = NULL, *pkpath = NULL, *pktext = NULL;
        char *sktext = NULL;
        struct minisign_pubkey pk;
        const char *pass_file = NULL, *name;
        bool no_pass = false;
        char id[MINISIGN_KEYID_STRING];
        int c, r;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0)
                switch (c) {
                case 'd':
                        free(dir);
                        dir = strdup(optarg);
                        if (!dir)
                                return log_error_errno(-ENOMEM, "trust: %m"), EXIT_LAUNCHER_ERROR;
                        break;
                case 'p':
                        pass_file = optarg;
                        break;
                case 'N':
                        no_pass = true;
                        break;
                case 'h':
                        trust_help();
                        return 0;
                default:
                        log_error("trust key generate: unknown option '%s'", argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (optind != argc - 1 || !trust_name_is_valid(argv[optind])) {
                log_error("trust key generate: expected one NAME (letters, digits, . _ - +)");
                return EXIT_LAUNCHER_ERROR;
        }
        name = argv[optind];
        if (!dir && !(dir = config_keys_dir()))
                return log_error_errno(-ENOMEM, "trust: %m"), EXIT_LAUNCHER_ERROR;
        if (asprintf(&skpath, "%s/%s.key", dir, name) < 0 ||
            asprintf(&pkpath, "%s/%s.pub", dir, name) < 0)
                return log_error_errno(-ENOMEM, "trust: %m"), EXIT_LAUNCHER_ERROR;

        if (!no_pass) {
                r = pass_file ? passphrase_from_file(pass_file, &pass)
                              : passphrase_from_tty("New passphrase: ", &pass);
                if (r < 0)
                        return EXIT_LAUNCHER_ERROR;
                if (!pass_file) {
                        r = passphrase_from_tty("Passphrase again: ", &pass2);
                        if (r < 0)
                                return EXIT_LAUNCHER_ERROR;
                        if (!streq(pass, pass2)) {
                                log_error("trust key generate: the passphrases differ");
                                return EXIT_LAUNCHER_ERROR;
                        }
                }
        }
        r = minisign_keypair_generate(&sk, &pk);
        if (r >= 0)
                r = minisign_seckey_format(sk, no_pass ? NULL : pass, 0, 0, &sktext);
        if (r >= 0)
                r = minisign_pubkey_format(&pk, &pktext);
        if (r < 0)
                return log_error_errno(r, "trust key generate: %m"), EXIT_LAUNCHER_ERROR;
        {
                /* mkdir -p, private */
                for (char *s = dir + 1;; s++)
                        if (*s == '/' || *s == '\0') {
                                char ch = *s;
                                *s = '\0';
                                if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
                                        r = -errno;
                                        *s = ch;
                                        break;
                                }
                                *s = ch;
                                if (!ch)
                                        break;
                        }
        }
        if (r >= 0)
                r = write_new_file(skpath, sktext, 0600);
        sodium_memzero(sktext, strlen(sktext));
        free(sktext);
        if (r < 0)
                return log_error_errno(r, "trust key generate: cannot write %s: %m", skpath),
                       EXIT_LAUNCHER_ERROR;
        r = write_new_file(pkpath, pktext, 0644);
        if (r < 0) {
                (void)unlink(skpath);
                return log_error_errno(r, "trust key generate: cannot write %s: %m", pkpath),
                       EXIT_LAUNCHER_ERROR;
        }
        minisign_keyid_string(pk.keyid, id);
        printf("key %s: secret key %s, public key %s\n", id, skpath, pkpath);
        return 0;
}

int verb_trust(int argc, char **argv)
{
        /* sodium_malloc() (locked memory for passphrases and keys) needs it. */
        if (sodium_init() < 0) {
                log_error("trust: libsodium failed to initialise");
                return EXIT_LAUNCHER_ERROR;
        }
        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                trust_help();
                return argc < 2 ? EXIT_LAUNCHER_ERROR : 0;
        }
        if (streq(argv[1], "sign"))
                return trust_sign(argc - 1, argv + 1);
        if (streq(argv[1], "verify"))
                return trust_verify_verb(argc - 1, argv + 1);
        if (streq(argv[1], "inspect") || streq(argv[1], "revoke"))
                return trust_admin_verb(argc - 1, argv + 1);
        if (streq(argv[1], "key") && argc >= 3 && streq(argv[2], "generate"))
                return trust_key_generate(argc - 2, argv + 2);
        log_error("trust: unknown command '%s'; see 'sandbox trust --help'", argv[1]);
        return EXIT_LAUNCHER_ERROR;
}
