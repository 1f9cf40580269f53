/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox image ls
 * sandbox image rm DIGEST...
 * sandbox image prune [--all] [--older-than DURATION]
 * sandbox image unpack LAYOUT[:TAG]
 * sandbox image inspect LAYOUT[:TAG] */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "exec-util.h"
#include "image.h"
#include "log.h"
#include "statement.h"
#include "strv.h"
#include "verbs.h"

#define PRUNE_DEFAULT_AGE (30 * 86400)

static void image_help(void)
{
        printf("Usage: sandbox image ls\n"
               "       sandbox image rm DIGEST...\n"
               "       sandbox image prune [--all] [--older-than DURATION]\n"
               "       sandbox image unpack LAYOUT[:TAG]\n"
               "       sandbox image inspect LAYOUT[:TAG]\n"
               "\n"
               "Manage the cache of unpacked image layers ($XDG_CACHE_HOME/sandbox/layers).\n"
               "\n"
               "  ls        list cached layers: digest, size of the files, last use\n"
               "  rm        remove layers by digest (sha256:HEX or a unique prefix of HEX)\n"
               "  prune     remove layers not used for 30 days (--older-than, e.g. 7d, 12h),\n"
               "            or every layer not in use (--all), and interrupted unpacks\n"
               "  unpack    verify an image's blobs and unpack its layers into the cache;\n"
               "            print the layer directories, lowest first\n"
               "  inspect   verify an image's manifest and config and show what runs\n");
}

static void print_notice(void *userdata, const char *msg)
{
        log_error("image: %s", msg);
}

static void human_size(uint64_t n, char *buf, size_t size)
{
        static const char units[] = "BKMGT";
        double v = (double)n;
        size_t u = 0;

        while (v >= 1024 && u + 1 < sizeof(units) - 1) {
                v /= 1024;
                u++;
        }
        if (u == 0)
                snprintf(buf, size, "%" PRIu64 "B", n);
        else
                snprintf(buf, size, "%.1f%c", v, units[u]);
}

static void local_time(time_t t, char *buf, size_t size)
{
        struct tm tm;

        if (!localtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
                snprintf(buf, size, "-");
}

static int open_cache(struct image_cache **ret)
{
        struct sb_error e = {};

        if (image_cache_open(NULL, ret, &e) < 0) {
                log_error("image: %s", e.msg);
                return -1;
        }
        return 0;
}

static int image_ls(int argc, char **argv)
{
        _cleanup_image_cache_free_ struct image_cache *c = NULL;
        struct image_cache_entry *l = NULL;
        struct sb_error e = {};
        uint64_t total = 0;
        size_t n = 0;
        char size[32], used[32];

        if (argc > 1) {
                log_error("image ls: unexpected argument '%s'", argv[1]);
                return EXIT_LAUNCHER_ERROR;
        }
        if (open_cache(&c) < 0)
                return EXIT_LAUNCHER_ERROR;
        if (image_cache_list(c, &l, &n, &e) < 0)
                return log_error("image ls: %s", e.msg), EXIT_LAUNCHER_ERROR;
        printf("%-71s %9s %8s  %s\n", "LAYER", "SIZE", "FILES", "LAST USED");
        for (size_t i = 0; i < n; i++) {
                human_size(l[i].unpacked_size, size, sizeof(size));
                local_time(l[i].last_used, used, sizeof(used));
                printf("%-71s %9s %8" PRIu64 "  %s\n", l[i].digest, size, l[i].entries, used);
                total += l[i].unpacked_size;
        }
        human_size(total, size, sizeof(size));
        printf("%zu layer%s, %s in %s\n", n, n == 1 ? "" : "s", size, c->path);
        image_cache_entries_free(l, n);
        return 0;
}

static int image_rm(int argc, char **argv)
{
        _cleanup_image_cache_free_ struct image_cache *c = NULL;
        int failed = 0;

        if (argc < 2) {
                log_error("image rm: no layer digest given; see 'sandbox image ls'");
                return EXIT_LAUNCHER_ERROR;
        }
        if (open_cache(&c) < 0)
                return EXIT_LAUNCHER_ERROR;
        for (int i = 1; i < argc; i++) {
                char digest[DIGEST_STRING_MAX];
                struct sb_error e = {};

                if (image_cache_remove(c, argv[i], digest, &e) < 0) {
                        log_error("image rm: %s", e.msg);
                        failed = 1;
                } else
                        printf("removed %s\n", digest);
        }
        return failed ? EXIT_LAUNCHER_ERROR : 0;
}

static int image_prune(int argc, char **argv)
{
        static const struct option opts[] = {
            {"all", no_argument, NULL, 'a'},
            {"older-than", required_argument, NULL, 'o'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_image_cache_free_ struct image_cache *c = NULL;
        uint64_t age = PRUNE_DEFAULT_AGE;
        unsigned removed = 0, busy = 0;
        struct sb_error e = {};
        bool all = false;
        int opt;

        opterr = 0;
        optind = 1;
        while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) >= 0)
                switch (opt) {
                case 'a':
                        all = true;
                        break;
                case 'o':
                        if (trust_duration_parse(optarg, &age) < 0) {
                                log_error("image prune: invalid duration '%s' (e.g. 30d, 12h, "
                                          "90min)",
                                          optarg);
                                return EXIT_LAUNCHER_ERROR;
                        }
                        break;
                case 'h':
                        image_help();
                        return 0;
                default:
                        log_error("image prune: unknown option '%s'", argv[optind - 1]);
                        return EXIT_LAUNCHER_ERROR;
                }
        if (optind < argc) {
                log_error("image prune: unexpected argument '%s'", argv[optind]);
                return EXIT_LAUNCHER_ERROR;
        }
        if (open_cache(&c) < 0)
                return EXIT_LAUNCHER_ERROR;
        if (image_cache_prune(c, all ? 0 : time(NULL) - (time_t)age, &removed, &busy, &e) < 0)
                return log_error("image prune: %s", e.msg), EXIT_LAUNCHER_ERROR;
        printf("removed %u layer%s", removed, removed == 1 ? "" : "s");
        if (busy > 0)
                printf("; %u in use by running sandboxes kept", busy);
        printf("\n");
        return 0;
}

static int open_image(const char *verb, const char *ref, struct image **ret)
{
        _cleanup_free_ char *path = NULL, *tag = NULL;
        struct sb_error e = {};
        int r;

        r = image_ref_parse(ref, &path, &tag);
        if (r == -ENOMEM)
                return log_error_errno(r, "image %s: %m", verb);
        if (r < 0)
                return log_error(
                           "image %s: '%s' is not LAYOUT[:TAG] (tags: letters, digits, _ . -)",
                           verb, ref),
                       r;
        r = image_open(path, tag, ret, &e);
        if (r < 0)
                return log_error("image %s: %s", verb, e.msg), r;
        return 0;
}

static int image_unpack(int argc, char **argv)
{
        _cleanup_image_free_ struct image *img = NULL;
        _cleanup_image_cache_free_ struct image_cache *c = NULL;
        struct image_prepare_options opts = {.notice = print_notice};
        struct image_layers layers = {};
        struct sb_error e = {};

        if (argc != 2) {
                log_error("image unpack: expected one LAYOUT[:TAG]");
                return EXIT_LAUNCHER_ERROR;
        }
        if (open_image("unpack", argv[1], &img) < 0)
                return EXIT_LAUNCHER_ERROR;
        if (open_cache(&c) < 0)
                return EXIT_LAUNCHER_ERROR;
        if (image_prepare_layers(img, c, &opts, &layers, &e) < 0)
                return log_error("image unpack: %s", e.msg), EXIT_LAUNCHER_ERROR;
        for (size_t i = 0; i < layers.n; i++)
                printf("%s\n", layers.dirs[i]);
        image_layers_done(&layers);
        return 0;
}

/* The config's strings, control characters escaped: an image's Cmd or Env must not be able to
 * rewrite what the terminal shows of it. */
static void print_field(const char *key, const char *value)
{
        printf("%-12s ", key);
        (void)terminal_write_string(stdout, value ? value : "");
        printf("\n");
}

static void print_strv(const char *key, char **l)
{
        printf("%-12s", key);
        if (!l)
                printf(" (unset)");
        STRV_FOREACH (s, l) {
                printf(" \"");
                (void)terminal_write_string(stdout, *s);
                printf("\"");
        }
        printf("\n");
}

static int image_inspect(int argc, char **argv)
{
        _cleanup_image_free_ struct image *img = NULL;

        if (argc != 2) {
                log_error("image inspect: expected one LAYOUT[:TAG]");
                return EXIT_LAUNCHER_ERROR;
        }
        if (open_image("inspect", argv[1], &img) < 0)
                return EXIT_LAUNCHER_ERROR;
        printf("%-12s %s\n", "Manifest", img->manifest_digest);
        printf("%-12s %s\n", "Config", img->manifest.config.digest);
        printf("%-12s %s/%s\n", "Platform", img->config.os, img->config.architecture);
        print_strv("Entrypoint", img->config.entrypoint);
        print_strv("Cmd", img->config.cmd);
        print_strv("Env", img->config.env);
        print_field("WorkingDir", img->config.working_dir);
        print_field("User", img->config.user);
        for (size_t i = 0; i < img->manifest.n_layers; i++) {
                char size[32];
                human_size(img->manifest.layers[i].desc.size, size, sizeof(size));
                printf("%-12s %s %s %s\n", i == 0 ? "Layers" : "",
                       img->manifest.layers[i].desc.digest, size,
                       img->manifest.layers[i].desc.media_type);
        }
        return 0;
}

int verb_image(int argc, char **argv)
{
        static const struct {
                const char *name;
                int (*fn)(int argc, char **argv);
        } sub[] = {
            {"ls", image_ls},         {"rm", image_rm},           {"prune", image_prune},
            {"unpack", image_unpack}, {"inspect", image_inspect},
        };

        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                image_help();
                return argc < 2 ? EXIT_LAUNCHER_ERROR : 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(sub); i++)
                if (streq(argv[1], sub[i].name))
                        return sub[i].fn(argc - 1, argv + 1);
        log_error("image: unknown command '%s'; see 'sandbox image --help'", argv[1]);
        return EXIT_LAUNCHER_ERROR;
}
