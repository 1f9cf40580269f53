/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replay driver: run every file named on the command line (directories: every file in them)
 * through LLVMFuzzerTestOneInput(), so a fuzzer's corpus runs as an ordinary test without clang
 * or libFuzzer. Prints TAP; a crash or abort() in the target fails the test. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger than any target's own cap, so each target's size check is exercised too. */
#define REPLAY_INPUT_MAX (16U * 1024U * 1024U)

static unsigned n_run;

static int run_file(const char *path)
{
        FILE *f = fopen(path, "re");
        uint8_t *buf;
        size_t n;

        if (!f) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -1;
        }
        buf = malloc(REPLAY_INPUT_MAX);
        if (!buf) {
                fclose(f);
                return -1;
        }
        n = fread(buf, 1, REPLAY_INPUT_MAX, f);
        fclose(f);
        /* a copy of exactly n bytes, so ASan sees any read past the input */
        uint8_t *exact = malloc(n ? n : 1);
        if (!exact) {
                free(buf);
                return -1;
        }
        memcpy(exact, buf, n);
        free(buf);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
        printf("ok %u - %s\n", ++n_run, path);
        return 0;
}

static int run_dir(const char *dir)
{
        struct dirent **names = NULL;
        int n = scandir(dir, &names, NULL, alphasort), r = 0;

        if (n < 0) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                return -1;
        }
        for (int i = 0; i < n; i++) {
                char path[4096];
                struct stat st;

                snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
                if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                    run_file(path) < 0)
                        r = -1;
                free(names[i]);
        }
        free(names);
        return r;
}

int main(int argc, char **argv)
{
        int failed = 0;

        setvbuf(stdout, NULL, _IOLBF, 0);
        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        failed = 1;
                } else if (S_ISDIR(st.st_mode) ? run_dir(argv[i]) < 0 : run_file(argv[i]) < 0) {
                        failed = 1;
                }
        }
        if (n_run == 0) {
                fprintf(stderr, "no inputs\n");
                failed = 1;
        }
        printf("1..%u\n", n_run);
        return failed;
}
