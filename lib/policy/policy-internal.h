/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared between the files of lib/policy; not part of the API. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse-util.h"
#include "policy.h"

enum policy_section {
        SECTION_NONE,
        SECTION_MATCH,
        SECTION_APP,
        SECTION_RESOURCES,
        SECTION_SANDBOX,
        SECTION_IMAGES,
        SECTION_DESKTOP,
        _SECTION_MAX,
};
const char *policy_section_name(enum policy_section s);
int policy_section_from_name(const char *name);

enum policy_value_type {
        VT_NAMES,    /* User= Group=: list of names */
        VT_EXEC,     /* Exec=: words */
        VT_STRING,   /* Description=: the raw value */
        VT_MEMORY,   /* size with K/M/G/T/P/E, N% of RAM, infinity */
        VT_TASKS,    /* number, N% of the system's limit, infinity */
        VT_QUOTA,    /* N% (may exceed 100%) */
        VT_WEIGHT,   /* 1..10000 */
        VT_TIMESPAN, /* systemd time span ("1h 30min"), infinity; a struct policy_limit in µs */
        VT_BOOL,     /* yes/no/true/false/on/off/1/0 */
        VT_PROTECT_SYSTEM,
        VT_PROTECT_HOME,
        VT_PATHS,      /* [-]PATH ... */
        VT_BINDS,      /* [-]SRC[:DST[:rbind|norbind]] ... */
        VT_CAPS,       /* [~]CAP_X ... */
        VT_SYSCALLS,   /* [~]name|@group ... */
        VT_NAMESPACES, /* yes|no|[~]type ... */
        VT_ENV,        /* NAME=VALUE ... */
        VT_KEYS,       /* TrustedKeys=: @admin @user NAME KEYID ... (a sorted set) */
        VT_ENVS,       /* AllowedEnvironments=: ENV ... (a sorted set) */
        VT_ROLLBACK,   /* yes|warn-stale */
        VT_DURATION,   /* seconds, with an optional s min h d w suffix */
        VT_GRANT,      /* yes/no like VT_BOOL, but "yes" opens access: no is restrictive */
        VT_HOME,       /* DIR[:ro|:rw] ... relative to the home */
        VT_DBUS,       /* none|filter */
        VT_BUS_NAMES,  /* D-Bus names, NAME or NAME.* */
};

struct policy_key_info {
        const char *name;
        enum policy_section section;
        enum policy_value_type type;
        size_t offset; /* of the value in struct policy */
};
extern const struct policy_key_info policy_keys[_POLICY_KEY_MAX];

/* May the key be assigned more than once in one file (accumulating)? */
bool policy_type_is_list(enum policy_value_type t);

static inline void *policy_field(struct policy *p, enum policy_key k)
{
        return (char *)p + policy_keys[k].offset;
}
static inline const void *policy_field_const(const struct policy *p, enum policy_key k)
{
        return (const char *)p + policy_keys[k].offset;
}

/* ---- policy.c: origins and lists ---- */
void policy_origin_set(struct policy_origin *o, const struct policy_origin *from);
void policy_origin_clear(struct policy_origin *o);
void policy_path_done(struct policy_path *x);
void policy_path_list_clear(struct policy_path_list *l);
/* Append a deep copy of x. 0 or -ENOMEM. */
int policy_path_list_append(struct policy_path_list *l, const struct policy_path *x);
/* Index of an entry with the same path (and for binds dest), or -1. */
ssize_t policy_path_list_find(const struct policy_path_list *l, const struct policy_path *x,
                              bool binds);
void policy_env_list_clear(struct policy_env_list *l);
ssize_t policy_env_list_find(const struct policy_env_list *l, const char *name);
/* Set name=value (replacing an existing entry). 0 or -ENOMEM. */
int policy_env_list_set(struct policy_env_list *l, const char *name, const char *value,
                        const struct policy_origin *origin);
/* Same length, same strings in the same order (NULL and empty are equal). */
bool policy_strv_equal(char *const *a, char *const *b);
void policy_syscalls_clear(struct policy_syscalls *s);
int policy_syscalls_copy(const struct policy_syscalls *s, struct policy_syscalls *ret);
bool policy_syscalls_contains(const struct policy_syscalls *s, const char *name);
/* Build a sorted, unique set in ret from names[0..n) (copied). 0 or -ENOMEM. */
int policy_names_to_set(char *const *names, size_t n, char ***ret, size_t *ret_n);
/* Replace the value and origin of k in dst with src's (unset if src has none). 0 or -ENOMEM. */
int policy_copy_key(struct policy *dst, const struct policy *src, enum policy_key k);
/* Reset key in p to unset, freeing its value. */
void policy_key_reset(struct policy *p, enum policy_key k);

/* ---- values.c: value syntax, no allocation besides the returned strings ---- */
int policy_parse_boolean(const char *s); /* 1, 0 or -EINVAL */
/* Bytes with an optional K M G T P E suffix (1024-based) and fraction ("1.5G"). */
int policy_parse_size(const char *s, uint64_t *ret);
/* "N%", "N.N%", "N.NN%" in 1/10000; max: the largest permyriad accepted. */
int policy_parse_permyriad(const char *s, uint64_t max, uint64_t *ret);
int policy_parse_memory(const char *s, struct policy_limit *ret);
int policy_parse_tasks(const char *s, struct policy_limit *ret);
int policy_parse_cpu_quota(const char *s, struct policy_limit *ret);
int policy_parse_weight(const char *s, uint64_t *ret);
/* RuntimeMaxSec=: a time span above 0, or infinity. */
int policy_parse_runtime(const char *s, struct policy_limit *ret);
int protect_system_from_string(const char *s);
const char *protect_system_to_string(enum protect_system v);
int protect_home_from_string(const char *s);
const char *protect_home_to_string(enum protect_home v);
int policy_rollback_from_string(const char *s);
const char *policy_rollback_to_string(enum policy_rollback v);
/* A time span (parse_timespan()) in whole seconds: "3600", "90min", "12h", "30d", "2w"; 1 second
 * to 100 years. */
int policy_parse_duration(const char *s, uint64_t *ret);
/* The largest unit that divides seconds exactly: "2w", "36h". 0 or -EIO. */
int policy_write_duration(FILE *f, uint64_t seconds);
/* A TrustedKeys= entry: "@admin", "@user", a key id (16 hex digits) or a key file name in
 * keys.d without ".pub" ([A-Za-z0-9_.+-], not starting with '.'; at most 255 bytes). */
bool policy_trusted_key_valid(const char *s);
/* An AllowedEnvironments= entry as signatures spell it: [a-z0-9_-], starting with a letter or
 * digit, 1..32 bytes. */
bool policy_environment_name_valid(const char *s);
/* Absolute path → canonical form in a new string: -EINVAL for relative paths, "." or "..". */
int policy_path_canonicalize(const char *s, char **ret);
/* Is parent equal to path or one of its ancestors (both canonical)? */
bool policy_path_covers(const char *parent, const char *path);
/* Nonzero when s is a valid environment variable name. */
bool policy_env_name_valid(const char *s);
/* A D-Bus well-known name as xdg-dbus-proxy's --talk=/--own= take it: two or more dot-separated
 * elements of [A-Za-z0-9_-] (not starting with a digit), at most 255 bytes, optionally ending in
 * ".*" (every name below). */
bool policy_bus_name_valid(const char *s);
/* Does bus name pattern cover name (both valid)? "org.a.*" covers "org.a.B" and "org.a.*". */
bool policy_bus_name_covers(const char *pattern, const char *name);
/* A Home= directory: relative, canonical form in a new string; -EINVAL for absolute paths,
 * empty ones, "." or ".." components. */
int policy_home_dir_canonicalize(const char *s, char **ret);
int policy_dbus_from_string(const char *s);
const char *policy_dbus_to_string(enum policy_dbus v);
/* User and group names: no tab, newline, ":" or "/", not empty, at most 256 bytes. */
bool policy_account_name_valid(const char *s);

/* Split off the next whitespace-separated word of s starting at *pos, removing quotes ('...',
 * "...") and backslash escapes (\\ \" \' \<space> \t \n) like systemd. Returns 1 with *ret (new
 * string), *ret_start (offset of the word in s) and *pos advanced; 0 at the end; -EINVAL for a
 * bad escape or an unterminated quote, with *ret_start the offset of the offending character;
 * -ENOMEM. */
int policy_extract_word(const char *s, size_t *pos, char **ret, size_t *ret_start);
/* Write s so that policy_extract_word() gives it back. 0 or -EIO. */
int policy_write_word(FILE *f, const char *s);

/* ---- names.c: capabilities, namespaces, system call groups ---- */
#define POLICY_CAP_MAX 41 /* CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40) */
#define POLICY_CAP_ALL ((UINT64_C(1) << POLICY_CAP_MAX) - 1)
int policy_cap_from_name(const char *s); /* "CAP_SYS_ADMIN" (any case) → 21; -EINVAL */
const char *policy_cap_to_name(unsigned cap);
int policy_namespace_from_name(const char *s); /* → POLICY_NS_* bit, -EINVAL */
const char *policy_namespace_to_name(unsigned bit);

struct policy_syscall_group {
        const char *name; /* "@mount" */
        const char *const *members;
};
extern const struct policy_syscall_group policy_syscall_groups[];
extern const size_t policy_syscall_groups_n;
const struct policy_syscall_group *policy_syscall_group_find(const char *name);
/* Is name a system call libseccomp knows (on any architecture)? 1 or 0; -errno when libseccomp
 * cannot be loaded (seccomp-dl.h). */
int policy_syscall_name_valid(const char *name);

/* ---- explain.c ---- */
/* "[-]SRC[:DST[:norbind]]" as written in a file (unquoted). NULL on ENOMEM. */
char *policy_format_bind(const struct policy_path *x);
/* Write the value of key (list entries: entry i only when index >= 0) as in a file. */
int policy_write_value(FILE *f, const struct policy *p, enum policy_key key, ssize_t index);
