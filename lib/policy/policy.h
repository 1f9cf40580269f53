/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The policy language: parse, match, merge (the ceiling rule), load and explain.
 *
 * Files are INI files whose keys carry systemd's directive names and value syntax
 * (systemd.exec(5), systemd.resource-control(5)):
 *
 *   /usr/share/sandbox/policy.d/ *.policy   shipped admin group policies
 *   /etc/sandbox/policy.d/ *.policy         admin group policies (override shipped ones by name)
 *   /usr/share/sandbox/apps/APP.profile     shipped app profile
 *   /etc/sandbox/apps/APP.profile           admin app profile (overrides the shipped one)
 *   ~/.config/sandbox/apps/APP.profile      the user's own profile
 *
 * Sections: [Match] (User=, Group=; .policy only), [App] (Exec=, Description=; .profile only),
 * [Resources], [Sandbox], [Images] and [Desktop] (both kinds).
 *
 * THE CEILING RULE. The admin policies that match a user are stacked into the ceiling: every key
 * takes the more restrictive of their values (policy_stack()). The app profiles, the user's
 * profile and the command line flags are then applied in that order with policy_tighten(): a
 * layer that asks for more than the ceiling built so far is refused with an error naming the key,
 * the layer's file:line and the file:line that set the ceiling; otherwise each key again takes the
 * more restrictive value. "More restrictive", key by key:
 *
 *   MemoryMax MemoryHigh TasksMax CPUQuota   the lower limit (percentages resolved against the
 *                                            machine, struct policy_system); unset = no limit
 *   CPUWeight IOWeight                       the lower weight; unset = no cap
 *   RuntimeMaxSec                            the shorter time; unset = no limit
 *   Private* ProtectHostname NoNewPrivileges yes over no
 *   ProtectSystem                            no < yes < full < strict
 *   ProtectHome                              no < read-only < tmpfs < yes (tmpfs hides the real
 *                                            home just as yes does, but lets the app write to a
 *                                            throwaway one; read-only still shows the data)
 *   ReadOnlyPaths InaccessiblePaths          united; read-only over read-write, inaccessible over
 *   ReadWritePaths                           both (see policy_path_access(): the merged policy
 *                                            never grants a path more than either side does)
 *   BindPaths BindReadOnlyPaths              kept only where the other side grants the source;
 *                                            a read-write bind the other side grants read-only
 *                                            becomes a read-only bind
 *   CapabilityBoundingSet                    intersection; unset = every capability
 *   AmbientCapabilities                      a grant: intersection (and within the bounding set);
 *                                            a tightening layer may only ask for ceiling grants
 *   SystemCallFilter                         allow-lists intersect, deny-lists unite, an allow-list
 *                                            minus a deny-list; unset = everything allowed
 *   RestrictNamespaces                       intersection of the allowed namespace types
 *   Environment                              united; a tightening layer may not change a variable
 *                                            the ceiling sets
 *   RequireSigned                            yes over no; unset counts as yes
 *   TrustedKeys                              intersection, where "@admin" stands for every admin
 *                                            key (so "@admin" ∩ "prod" = "prod") and "@user"
 *                                            for the user's own keys; unset counts as "@admin"
 *   AllowedEnvironments                      intersection; unset = any environment
 *   RollbackProtection                       yes over warn-stale; unset counts as yes
 *   MaxSignatureAge                          the lower; unset = no limit
 *
 * The three [Images] keys whose unset value is not the loosest one (RequireSigned=,
 * TrustedKeys=, RollbackProtection=) are "no opinion" among peers (a group policy that sets
 * RequireSigned=no is not overruled by one that says nothing), but a tightening layer is held to
 * their unset value: a user's profile cannot say RequireSigned=no unless an admin policy did.
 *   Wayland X11 Audio GPU Fonts              grants: no over yes (these say what the app may
 *                                            reach, so "no" is the restrictive value); unset = no
 *   Home                                     subdirectories of the home: an entry survives only
 *                                            where the other side grants it (its own Home= entry
 *                                            covering it, or, without Home=, what ProtectHome=
 *                                            and the rules on /home leave), read-only
 *                                            over read-write; unset = no subdirectory
 *   DBus                                     none over filter; unset = none
 *   DBusTalk DBusOwn                         intersection (a "NAME.*" entry covers the names
 *                                            below it); unset = no opinion, empty = no name
 *
 * Every effective value remembers the file and line that decided it (struct policy_origin), so
 * `sandbox policy show` can explain it: policy_write_text(), policy_write_json().
 *
 * Errors: functions return a negative errno; when a struct sb_error is passed, it receives a
 * one-line message, for parse errors "FILE:LINE:COLUMN: message". Nothing here prints or logs.
 * Out parameters (ret_*, reterr_*) are written only on success (reterr_*: only on failure). */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"
#include "macro.h"

/* What a file may make us allocate: a hostile (user) file can't grow us beyond these. */
#define POLICY_FILE_SIZE_MAX (256U * 1024U) /* bytes in one file */
#define POLICY_LINE_MAX      4096U          /* bytes in one line, without the newline */
#define POLICY_LIST_MAX      256U           /* entries in one path, environment or name list */

/* The shipped defaults follow the install prefix (meson passes datadir/sandbox); the admin's
 * directory is always /etc/sandbox, where admins look for it. */
#ifndef POLICY_SHIPPED_DIR
#define POLICY_SHIPPED_DIR "/usr/share/sandbox"
#endif
#define POLICY_ADMIN_DIR "/etc/sandbox"

enum policy_file_kind {
        POLICY_KIND_POLICY,    /* admin group policy: [Match] [Resources] [Sandbox] */
        POLICY_KIND_PROFILE,   /* app profile: [App] [Resources] [Sandbox] */
        POLICY_KIND_FLAGS,     /* Key=Value assignments from a command line, no sections */
        POLICY_KIND_EFFECTIVE, /* the result of a merge; written out as a profile */
        _POLICY_KIND_MAX,
};

enum policy_key {
        /* [Match] */
        POLICY_USER,
        POLICY_GROUP,
        /* [App] */
        POLICY_EXEC,
        POLICY_DESCRIPTION,
        /* [Resources] */
        POLICY_MEMORY_MAX,
        POLICY_MEMORY_HIGH,
        POLICY_CPU_QUOTA,
        POLICY_CPU_WEIGHT,
        POLICY_TASKS_MAX,
        POLICY_IO_WEIGHT,
        POLICY_RUNTIME_MAX_SEC,
        /* [Sandbox] */
        POLICY_PRIVATE_NETWORK,
        POLICY_PRIVATE_TMP,
        POLICY_PRIVATE_IPC,
        POLICY_PROTECT_HOSTNAME,
        POLICY_NO_NEW_PRIVILEGES,
        POLICY_PROTECT_SYSTEM,
        POLICY_PROTECT_HOME,
        POLICY_READ_ONLY_PATHS,
        POLICY_READ_WRITE_PATHS,
        POLICY_INACCESSIBLE_PATHS,
        POLICY_BIND_PATHS,
        POLICY_BIND_READ_ONLY_PATHS,
        POLICY_CAPABILITY_BOUNDING_SET,
        POLICY_AMBIENT_CAPABILITIES,
        POLICY_SYSTEM_CALL_FILTER,
        POLICY_RESTRICT_NAMESPACES,
        POLICY_ENVIRONMENT,
        /* [Images] */
        POLICY_REQUIRE_SIGNED,
        POLICY_TRUSTED_KEYS,
        POLICY_ALLOWED_ENVIRONMENTS,
        POLICY_ROLLBACK_PROTECTION,
        POLICY_MAX_SIGNATURE_AGE,
        /* [Desktop] */
        POLICY_WAYLAND,
        POLICY_X11,
        POLICY_AUDIO,
        POLICY_GPU,
        POLICY_FONTS,
        POLICY_HOME,
        POLICY_DBUS,
        POLICY_DBUS_TALK,
        POLICY_DBUS_OWN,
        _POLICY_KEY_MAX,
};

/* "MemoryMax" for POLICY_MEMORY_MAX; NULL when out of range. */
const char *policy_key_name(enum policy_key key);
/* The key named name (case-sensitive, as systemd), or -ENOENT. */
int policy_key_from_name(const char *name);

/* The name of a file a value came from, shared (reference counted) by every origin naming it. */
struct policy_source {
        unsigned n_ref;
        char name[];
};
struct policy_source *policy_source_new(const char *name);
struct policy_source *policy_source_ref(struct policy_source *s);
struct policy_source *policy_source_unref(struct policy_source *s);

/* Where a value was set: file and line (for command line flags: "command line" and the
 * argument's index). source == NULL: not set. */
struct policy_origin {
        struct policy_source *source;
        unsigned line;
};
static inline const char *policy_origin_file(const struct policy_origin *o)
{
        return o->source ? o->source->name : NULL;
}

enum policy_limit_kind {
        POLICY_LIMIT_UNSET,     /* no opinion: no limit */
        POLICY_LIMIT_ABSOLUTE,  /* value: bytes (Memory*), tasks (TasksMax) */
        POLICY_LIMIT_PERMYRIAD, /* value: 1/10000 of RAM or of the system's task limit; for
                                 * CPUQuota= the quota itself (10000 = one CPU) */
        POLICY_LIMIT_INFINITY,  /* explicitly no limit */
};
struct policy_limit {
        enum policy_limit_kind kind;
        uint64_t value;
};

/* The machine percentages are resolved against. */
struct policy_system {
        uint64_t memory_bytes; /* physical RAM */
        uint64_t tasks_max;    /* kernel limit on tasks (min of threads-max and pid_max) */
};
/* Fill ret from sysconf() and /proc/sys/kernel. 0 or -errno. */
int policy_system_detect(struct policy_system *ret);
/* The limit in bytes/tasks (CPUQuota: permyriad); UINT64_MAX for unset and infinity. */
uint64_t policy_limit_resolve(const struct policy_limit *l, uint64_t total);

enum protect_system {
        PROTECT_SYSTEM_NO,
        PROTECT_SYSTEM_YES,    /* /usr /boot /efi read-only */
        PROTECT_SYSTEM_FULL,   /* and /etc */
        PROTECT_SYSTEM_STRICT, /* everything */
        _PROTECT_SYSTEM_MAX,
};
enum protect_home {
        PROTECT_HOME_NO,
        PROTECT_HOME_READ_ONLY,
        PROTECT_HOME_TMPFS,
        PROTECT_HOME_YES,
        _PROTECT_HOME_MAX,
};

/* One entry of ReadOnlyPaths= ReadWritePaths= InaccessiblePaths= BindPaths=
 * BindReadOnlyPaths=. Paths are absolute and canonical (no "//", ".", "..", trailing "/"). */
struct policy_path {
        char *path;          /* for binds: the host source */
        char *dest;          /* binds only: the destination inside (== path when not given) */
        bool ignore_missing; /* "-" prefix: skip when the path does not exist */
        bool nonrecursive;   /* binds only: ":norbind" */
        bool read_only;      /* Home= only: ":ro" (":rw" otherwise) */
        struct policy_origin origin;
};
struct policy_path_list {
        struct policy_path *items;
        size_t n;
};

struct policy_env {
        char *name;
        char *value;
        struct policy_origin origin;
};
struct policy_env_list {
        struct policy_env *items;
        size_t n;
};

/* DBus=: how the session bus is reached. Ordered: none is the more restrictive. */
enum policy_dbus {
        POLICY_DBUS_NONE,   /* no bus socket inside */
        POLICY_DBUS_FILTER, /* only xdg-dbus-proxy's filtered socket, for DBusTalk=/DBusOwn= */
        _POLICY_DBUS_MAX,
};

/* SystemCallFilter=: group names are expanded when parsed; names are sorted and unique. */
struct policy_syscalls {
        bool allow_list; /* true: only names are allowed; false: names are denied */
        char **names;
        size_t n;
};

/* Namespace type bits for RestrictNamespaces= (the set of namespaces a sandbox may create). */
enum {
        POLICY_NS_CGROUP = 1U << 0,
        POLICY_NS_IPC = 1U << 1,
        POLICY_NS_NET = 1U << 2,
        POLICY_NS_MNT = 1U << 3,
        POLICY_NS_PID = 1U << 4,
        POLICY_NS_USER = 1U << 5,
        POLICY_NS_UTS = 1U << 6,
        POLICY_NS_ALL = (1U << 7) - 1,
};

/* RollbackProtection=: both refuse a version lower than the highest one run for the same name and
 * environment (and the same version with another digest); they differ on a "stale" image, one
 * lower than the highest version whose signature the user has seen verify. */
enum policy_rollback {
        POLICY_ROLLBACK_WARN_STALE, /* stale: run with a warning */
        POLICY_ROLLBACK_YES,        /* stale: refused */
        _POLICY_ROLLBACK_MAX,
};

/* TrustedKeys= tokens besides key names and key ids. */
#define POLICY_KEYS_ADMIN "@admin" /* every key in the admin's store */
#define POLICY_KEYS_USER  "@user"  /* the user's own keys (~/.config/sandbox/keys/ *.pub) */

/* A parsed file, a set of flags or a merge result. A key is set iff origin[key].source != NULL;
 * the typed field is meaningful only then. Callers read the fields directly and never change
 * them except through this API. */
struct policy {
        enum policy_file_kind kind;
        struct policy_source *source; /* the file it was parsed from; NULL for merge results */
        struct policy_origin origin[_POLICY_KEY_MAX];

        char **match_users;  /* [Match] User=: NULL or empty = any user */
        char **match_groups; /* [Match] Group=: NULL or empty = any group */
        char **exec;         /* [App] Exec=, split into words */
        char *description;   /* [App] Description= */

        struct policy_limit memory_max, memory_high, tasks_max, cpu_quota;
        struct policy_limit runtime_max; /* RuntimeMaxSec=: µs (ABSOLUTE) or INFINITY */
        uint64_t cpu_weight, io_weight;  /* 1..10000 */

        bool private_network, private_tmp, private_ipc, protect_hostname, no_new_privileges;
        enum protect_system protect_system;
        enum protect_home protect_home;

        struct policy_path_list read_only_paths, read_write_paths, inaccessible_paths;
        struct policy_path_list bind_paths, bind_read_only_paths;

        uint64_t capability_bounding_set; /* bit n = capability n */
        uint64_t ambient_capabilities;
        struct policy_syscalls system_call_filter;
        unsigned restrict_namespaces; /* POLICY_NS_* the sandbox may create */
        struct policy_env_list environment;

        bool require_signed;
        char **trusted_keys;         /* sorted set: "@admin", "@user", key names, key ids */
        char **allowed_environments; /* sorted set of environment names */
        enum policy_rollback rollback_protection;
        uint64_t max_signature_age; /* seconds */
        /* [Desktop]: each bool grants access to one part of the desktop session */
        bool wayland, x11, audio, gpu, fonts;
        struct policy_path_list home; /* Home=: paths relative to the home, no dest */
        enum policy_dbus dbus;
        char **dbus_talk, **dbus_own; /* sorted, unique bus names ("org.x.Y" or "org.x.*") */
};

/* An empty policy of the given kind, named source (may be NULL). NULL on ENOMEM. */
struct policy *policy_new(enum policy_file_kind kind, const char *source);
/* NULL-safe; returns NULL. */
struct policy *policy_free(struct policy *p);
static inline void policy_freep(struct policy **p)
{
        policy_free(*p);
}
#define _cleanup_policy_free_ _cleanup_(policy_freep)
/* A deep copy (origins are shared by reference). 0 or -ENOMEM. */
int policy_copy(const struct policy *p, struct policy **ret);
/* Do a and b hold the same values (origins and kind not compared)? */
bool policy_equal(const struct policy *a, const struct policy *b);
static inline bool policy_is_set(const struct policy *p, enum policy_key key)
{
        return p->origin[key].source != NULL;
}

/* ---- parse ------------------------------------------------------------------------------------
 * Strict: unknown sections and keys, keys in the wrong section or outside one, a second
 * assignment to a key that is not a list, bad values, relative paths, lines longer than
 * POLICY_LINE_MAX, files larger than POLICY_FILE_SIZE_MAX, lists longer than POLICY_LIST_MAX, NUL
 * bytes, control characters and invalid UTF-8 are errors (-EINVAL, -E2BIG for the size caps),
 * reported as "NAME:LINE:COLUMN: message" (1-based; the column points at the offending word).
 * Lines starting with '#' or ';' are comments. An empty assignment (Key=) of a list resets what
 * this file assigned before; an empty assignment of a single value is an error. */
int policy_parse_buffer(const char *name, const char *data, size_t size, enum policy_file_kind kind,
                        struct policy **ret, unsigned *reterr_line, unsigned *reterr_column,
                        struct sb_error *e);

/* Apply one "Key=Value" assignment of a [Resources], [Sandbox], [Images] or [Desktop] key to p, as
 * if it were line `index` of a file named origin_name (for command line flags: "command line" and
 * the argument's position). Errors as policy_parse_buffer(), "ORIGIN:INDEX:COLUMN: message". On
 * failure p is unchanged. */
int policy_parse_assignment(struct policy *p, const char *assignment, const char *origin_name,
                            unsigned index, struct sb_error *e);

/* ---- match -----------------------------------------------------------------------------------
 * Does the [Match] section of p accept user with these (supplementary and primary) groups?
 * Within User= and within Group= any entry may match; when both are given, both must. A policy
 * without [Match] matches everyone. */
bool policy_matches(const struct policy *p, const char *user, char *const *groups);

/* The user a policy is matched against, with groups known or not yet looked up. Most machines
 * have no [Match] Group= policy, and the group lookup goes through every NSS module of the
 * group database (libnss_systemd alone loads two more libraries and probes six directories):
 * with groups_known false, the groups are looked up (policy_user_groups(), with gid as the
 * primary group) the first time a policy's Group= needs them, and kept. */
struct policy_member {
        const char *user;
        gid_t gid;
        char *const *groups; /* valid when groups_known */
        bool groups_known;
        char **looked_up; /* owned: what the lookup found */
};

/* Frees what policy_member_matches() looked up. */
void policy_member_done(struct policy_member *m);

/* policy_matches() for m, looking up m's groups first when p's Group= needs them and they are
 * not known yet: 1 (matches), 0 (does not), or -errno of a failed lookup (a policy whose match
 * cannot be decided must not be skipped). */
int policy_member_matches(const struct policy *p, struct policy_member *m);

/* The names of every group user belongs to (getgrouplist(3) with gid as the primary group, so
 * NSS sources like LDAP and SSSD count), in getgrouplist() order, unique. Groups without a name
 * are left out. 0 or -errno (-ENOENT is never returned for a missing group name). */
int policy_user_groups(const char *user, gid_t gid, char ***ret_groups);

/* ---- merge -----------------------------------------------------------------------------------
 * sys resolves percentages; it may not be NULL (see policy_system_detect()). */

/* Stack two peers (two admin policies that both match): every key takes the more restrictive
 * value; a key only one of them sets is taken from it. Never refuses. 0 or -ENOMEM. */
int policy_stack(const struct policy *a, const struct policy *b, const struct policy_system *sys,
                 struct policy **ret);

/* Is every value layer sets at least as restrictive as what ceiling allows? 0, or -EPERM with a
 * message naming the key, the value and where layer and ceiling set it; -ENOMEM. A layer is held
 * to what it effectively asks for: a ReadWritePaths= entry its own ReadOnlyPaths= overrules, or an
 * AmbientCapabilities= entry outside its own CapabilityBoundingSet=, asks for nothing; likewise
 * the ceiling grants no ambient capability outside its bounding set. A percentage is compared
 * with an absolute value after resolving it against sys. */
int policy_check(const struct policy *ceiling, const struct policy *layer,
                 const struct policy_system *sys, struct sb_error *e);

/* policy_check(), then policy_stack(ceiling, layer): the effective policy. */
int policy_tighten(const struct policy *ceiling, const struct policy *layer,
                   const struct policy_system *sys, struct policy **ret, struct sb_error *e);

enum policy_access {
        POLICY_ACCESS_NONE,
        POLICY_ACCESS_READ_ONLY,
        POLICY_ACCESS_READ_WRITE,
};
/* How much of the host's data at path (absolute, canonical) p lets the sandbox use at that same
 * path. Explicit rules (ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths=): the most specific
 * decides, among equally specific ones the most restrictive, so ReadWritePaths=/srv/data opens a
 * hole in ProtectSystem=strict. Implied rules only ever take access away: ProtectSystem= (strict
 * counts as "/" read-only, /dev /proc /sys included, erring on the safe side), ProtectHome=
 * (tmpfs counts as inaccessible: the real home is hidden) and PrivateTmp= (/tmp and /var/tmp:
 * host data inaccessible); where one covers path at least as deeply as the deciding explicit
 * rule, the more restrictive of the two counts. Binds are not rules here: they are checked by
 * their source. ret_key and ret_origin (both optional) name the deciding rule; ret_key is
 * _POLICY_KEY_MAX when no rule covers path. */
enum policy_access policy_path_access(const struct policy *p, const char *path,
                                      enum policy_key *ret_key, struct policy_origin *ret_origin);

/* How much of the home subdirectory dir (relative, canonical: no "." "..", no leading or
 * trailing "/") p lets the sandbox see through Home=: the deepest Home= entry covering dir
 * decides when p sets Home=; otherwise what ProtectHome= and the rules on /home leave (a policy
 * that says nothing about homes grants read-write). */
enum policy_access policy_home_access(const struct policy *p, const char *dir);

/* ---- load ------------------------------------------------------------------------------------ */

/* Who may own the files we load: root or uid; never writable by group or others. The same for
 * the directory holding the file and every directory above it (those may be sticky instead, as
 * /tmp is). */
struct policy_trust {
        uid_t uid;
};

/* Open path with O_NOFOLLOW|O_NOCTTY|O_NONBLOCK, check the opened fd with fstat (regular file; if
 * trust is not NULL, ownership and mode as above, and the same for the directory opened by fd),
 * read at most POLICY_FILE_SIZE_MAX bytes and parse them. A refusal names the file. Errors:
 * -ELOOP (symlink), -EPERM (trust), -E2BIG, -EINVAL (parse), -errno. */
int policy_load_file(const char *path, enum policy_file_kind kind, const struct policy_trust *trust,
                     struct policy **ret, unsigned *reterr_line, unsigned *reterr_column,
                     struct sb_error *e);

/* The files "DIR/SUBDIR/ *SUFFIX" over dirs (NULL-terminated, lowest priority first), where a
 * file in a later dir overrides an earlier one of the same name and a symlink to /dev/null masks
 * it (as systemd does for units), sorted by file name. Missing directories are skipped; with trust,
 * each directory must pass the trust check. ret: full paths. */
int policy_enumerate(char *const *dirs, const char *subdir, const char *suffix,
                     const struct policy_trust *trust, char ***ret_paths, struct sb_error *e);

struct policy_dirs {
        char *const *admin_dirs; /* lowest priority first; NULL: shipped, then admin dir */
        const char *user_dir;    /* "$XDG_CONFIG_HOME/sandbox"; NULL: no user profiles */
        uid_t admin_uid;         /* owner of admin files besides root (0 = root only) */
        uid_t user_uid;          /* owner of the user's files besides root */
};

/* Stack every policy.d/ *.policy of dirs that matches (user, groups) into the ceiling. No match:
 * an empty policy (no limits). A file that cannot be trusted or parsed is an error, never skipped.
 */
int policy_load_ceiling(const struct policy_dirs *dirs, const char *user, char *const *groups,
                        const struct policy_system *sys, struct policy **ret, struct sb_error *e);

/* The same for a member whose groups may not be known yet (see struct policy_member): they are
 * looked up only when a policy's [Match] Group= needs them; a failed lookup is an error naming
 * that policy. */
int policy_load_ceiling_member(const struct policy_dirs *dirs, struct policy_member *who,
                               const struct policy_system *sys, struct policy **ret,
                               struct sb_error *e);

/* APP's admin profile (apps/APP.profile over admin_dirs) and the user's (user_dir/apps/), each
 * NULL when there is none. app must be a plain name: [A-Za-z0-9_.@+-], not starting with '.'. */
int policy_load_profiles(const struct policy_dirs *dirs, const char *app, struct policy **ret_admin,
                         struct policy **ret_user, struct sb_error *e);

struct policy_request {
        const char *user;
        char *const *groups;        /* policy_user_groups() */
        const char *app;            /* NULL: no app profile */
        const struct policy *flags; /* command line assignments, or NULL */
};
/* The effective policy: ceiling → admin profile → user profile → flags, each tightening. */
int policy_resolve(const struct policy_dirs *dirs, const struct policy_request *req,
                   const struct policy_system *sys, struct policy **ret, struct sb_error *e);

/* ---- [Images]: the effective values, unset keys taking their defaults ---- */
bool policy_image_require_signed(const struct policy *p);
enum policy_rollback policy_image_rollback(const struct policy *p);
/* The key names/ids TrustedKeys= allows, NULL meaning every admin key ("@admin" entries are kept:
 * lib/trust reads them); never NULL when the policy sets the key. */
char *const *policy_image_trusted_keys(const struct policy *p);
/* Does TrustedKeys= let the user's own keys vouch for images? */
bool policy_image_user_keys(const struct policy *p);

/* ---- explain --------------------------------------------------------------------------------- */

/* The value of key as it would be written in a file ("2G", "yes", "~CAP_SYS_ADMIN CAP_MKNOD");
 * for path and environment lists all entries joined by spaces. NULL when unset or on ENOMEM. */
char *policy_format_value(const struct policy *p, enum policy_key key);

/* p as a policy file, each setting preceded by a "# FILE:LINE" comment naming its origin; long
 * lists are wrapped over several lines of their key. The text parses back (as the kind's file,
 * effective policies as a profile) to an equal policy, unless one value's quoted form is longer
 * than POLICY_LINE_MAX (the fuzzer holds it to exactly that). 0 or -EIO. */
int policy_write_text(const struct policy *p, FILE *f);
/* p as one JSON object: {"Key": {"value": ..., "file": ..., "line": N}, ...}; list entries carry
 * their own file and line. Strings are escaped per RFC 8259; invalid UTF-8 (file names) becomes
 * U+FFFD. 0 or -EIO. */
int policy_write_json(const struct policy *p, FILE *f);
