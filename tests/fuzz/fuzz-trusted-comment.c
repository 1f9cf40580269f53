/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz what an attacker controls in a signature file before (and after) any signature check:
 * the minisign signature parser, the public key parser and the trusted-comment statement
 * parser. Oracles (abort() on violation):
 *   - a statement that parses formats to canonical text that parses back to the same statement,
 *     and the canonical text of the canonical text is itself (one spelling per statement);
 *   - an input that was already canonical formats to exactly itself;
 *   - every error says where ("trusted comment: ...");
 *   - a signature that parses formats to text that parses back to the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minisign.h"
#include "statement.h"

#define FUZZ_INPUT_MAX (16U * 1024U)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_statement(const char *s, size_t n)
{
        struct trust_statement st, st2;
        struct sb_error e = {};
        char *text = NULL, *text2 = NULL;

        if (trust_statement_parse(s, n, &st, &e) < 0) {
                if (strncmp(e.msg, "trusted comment:", 16) != 0)
                        abort();
                return;
        }
        if (trust_statement_format(&st, &text) < 0)
                abort(); /* we parsed it: we must be able to write it */
        if (trust_statement_parse(text, strlen(text), &st2, NULL) < 0 ||
            memcmp(&st, &st2, sizeof(st)) != 0)
                abort();
        if (trust_statement_format(&st2, &text2) < 0 || strcmp(text, text2) != 0)
                abort();
        /* fields in canonical order: the input must have been exactly the canonical text */
        if (n == strlen(text) && memcmp(s, text, n) != 0) {
                const char *order[] = {
                    "\tname:", "\tenv:", "\tversion:", "\tissued:", "\texpires:", "\tmanifest:"};
                const char *prev = s;
                bool in_order = true;
                for (size_t i = 0; i < 6; i++) {
                        const char *p = strstr(prev, order[i]);
                        if (!p) {
                                in_order = false;
                                break;
                        }
                        prev = p + 1;
                }
                if (in_order)
                        abort();
        }
        free(text);
        free(text2);
}

static void check_signature(const char *s, size_t n)
{
        struct minisign_signature sig = {}, sig2 = {};
        char *text = NULL;

        if (minisign_signature_parse(s, n, &sig, NULL) < 0)
                return;
        if (minisign_signature_format(&sig, &text) < 0)
                abort();
        if (minisign_signature_parse(text, strlen(text), &sig2, NULL) < 0 ||
            memcmp(sig.keyid, sig2.keyid, sizeof(sig.keyid)) != 0 ||
            memcmp(sig.sig, sig2.sig, sizeof(sig.sig)) != 0 ||
            memcmp(sig.global_sig, sig2.global_sig, sizeof(sig.global_sig)) != 0 ||
            strcmp(sig.trusted_comment, sig2.trusted_comment) != 0 ||
            strcmp(sig.untrusted_comment, sig2.untrusted_comment) != 0)
                abort();
        check_statement(sig.trusted_comment, strlen(sig.trusted_comment));
        minisign_signature_done(&sig);
        minisign_signature_done(&sig2);
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct minisign_pubkey k;
        char *s;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        check_statement(s, size);
        check_signature(s, size);
        (void)minisign_pubkey_parse(s, size, &k, NULL);
        free(s);
        return 0;
}
