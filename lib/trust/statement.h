/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The statement a signer makes about an image: the trusted comment of its minisign signature,
 * so it is covered by the signature's global signature and stock `minisign -S -t` can make it.
 *
 * Grammar (ABNF, RFC 5234; HTAB is one tab character, %x09):
 *
 *   statement = "sandbox-v1" 6( HTAB field )       ; nothing else: no spaces, no trailing tab
 *   field     = name-f / env-f / version-f / issued-f / expires-f / manifest-f
 *                                                  ; each exactly once, in any order
 *   name-f     = "name:" name        ; what the image is: rollback state is kept per name+env
 *   env-f      = "env:" env          ; the environment it is signed for (prod, dev, ...)
 *   version-f  = "version:" version  ; increases with every release of name in env
 *   issued-f   = "issued:" time
 *   expires-f  = "expires:" time     ; later than issued
 *   manifest-f = "manifest:" digest  ; the manifest the signature covers, again
 *
 *   name    = alnum *127( alnum / "." / "_" / "-" / "+" )     ; 1-128 characters
 *   env     = lower-alnum *31( lower-alnum / "_" / "-" )      ; 1-32 characters
 *   version = "0" / %x31-39 *18DIGIT                          ; no leading zeros, < 10^19
 *   time    = 4DIGIT "-" 2DIGIT "-" 2DIGIT "T" 2DIGIT ":" 2DIGIT ":" 2DIGIT "Z"
 *                                  ; RFC 3339 in UTC, a real calendar date, years 1970-9999,
 *                                  ; seconds 00-59 (no leap seconds)
 *   digest  = "sha256:" 64( DIGIT / %x61-66 )                 ; lowercase hex
 *
 * Example (tabs shown as \t):
 *   sandbox-v1\tname:org.example.editor\tenv:prod\tversion:7\tissued:2025-03-01T12:00:00Z\t
 *   expires:2025-06-01T12:00:00Z\tmanifest:sha256:0123...cdef
 *
 * Every value has exactly one spelling (no leading zeros, lowercase hex, UTC only), so two
 * statements are equal iff their texts are, and the parser leaves no room for the differential
 * bugs of lenient parsers: an unknown key, a duplicate, a missing field, an empty value or any
 * stray byte is an error. The "sandbox-v1" tag makes a statement meant for something else (a
 * minisign default comment "timestamp:...\tfile:...") fail loudly instead of half-parsing. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define TRUST_STATEMENT_TAG "sandbox-v1"
#define TRUST_NAME_MAX      128
#define TRUST_ENV_MAX       32
#define TRUST_DIGEST_MAX    72 /* "sha256:" + 64 + NUL */
#define TRUST_TIME_STRING   21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

struct trust_statement {
        char name[TRUST_NAME_MAX + 1];
        char env[TRUST_ENV_MAX + 1];
        uint64_t version;
        int64_t issued;  /* seconds since the epoch */
        int64_t expires; /* seconds since the epoch */
        char manifest[TRUST_DIGEST_MAX];
};

/* Parse exactly len bytes of s. Errors (-EBADMSG) name the field and what is wrong with it. */
int trust_statement_parse(const char *s, size_t len, struct trust_statement *ret,
                          struct sb_error *e);
/* The canonical text (fields in the order of the grammar). -EINVAL if st does not satisfy the
 * grammar itself (so we never sign what we would refuse to read); -ENOMEM. */
int trust_statement_format(const struct trust_statement *st, char **ret);

bool trust_name_is_valid(const char *s);
bool trust_env_is_valid(const char *s);
bool trust_digest_is_valid(const char *s);

/* "YYYY-MM-DDTHH:MM:SSZ" ↔ seconds since the epoch. */
int trust_time_parse(const char *s, size_t len, int64_t *ret);
int trust_time_format(int64_t t, char out[static TRUST_TIME_STRING]);

/* A duration for --expires, --max-age and --older-than: a systemd time span in whole seconds
 * ("90d", "12h", "1w 3d"; a bare number is seconds), at most 100 years. 0 or -EINVAL. */
int trust_duration_parse(const char *s, uint64_t *ret_seconds);
