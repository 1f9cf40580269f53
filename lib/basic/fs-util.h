/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Open an absolute host path as an O_PATH fd, refusing a symbolic link in any component.
 *
 * Why: a path the user names on the command line (--bind SRC) may lie inside a directory a
 * sandbox could write to earlier; a planted symlink there would silently widen what the next
 * sandbox sees (the flatpak CVE-2024-42472 class). Walking component by component with
 * O_NOFOLLOW and mounting the resulting fd leaves no window between check and use.
 *
 * Returns the fd or -errno: -ELOOP when a component is a symlink, in which case, if
 * reterr_component is not NULL, it receives a malloc'ed copy of the path up to and including
 * that component (the caller names it in the error). -EINVAL for relative paths, "." or "..". */
int open_path_no_symlinks(const char *path, char **reterr_component);

/* Open path (absolute or relative, interpreted inside root_fd, which acts as "/") as an O_PATH
 * fd. Symlinks are followed but can never leave root_fd (RESOLVE_IN_ROOT); magic links in
 * /proc are refused. With create != 0, missing parent directories are created (mode 0755) and a
 * missing last component is created as a directory (S_IFDIR) or empty file (S_IFREG) according to
 * create. Returns the fd or -errno. */
int open_in_root(int root_fd, const char *path, mode_t create);

/* Split the next component off a path being walked one openat() at a time: skips leading
 * slashes, copies the component into name (NUL-terminated) and advances *p past it. Returns its
 * length, 0 when nothing but slashes was left, -ENAMETOOLONG for a component longer than
 * NAME_MAX. If ret_last is not NULL it says whether only slashes follow the component.
 *
 * Why shared: every fd-by-fd walk (here, in lib/image, lib/trust and the PAM module) must cut
 * paths the same way and bound names the same way; each keeps its own policy for "..", links
 * and errors. */
int path_next_component(const char **p, char name[static NAME_MAX + 1], bool *ret_last);

/* mkdir -p: creates every missing directory of path, path itself included, with mode; existing
 * ones are left as they are. Returns 0 or -errno.
 *
 * Why here: the layer cache and the trust state both create their private (0700) directories
 * under the user's XDG directories and must do it the same way. */
int mkdir_p(const char *path, mode_t mode);

/* Is path absolute, free of "." / ".." components and of empty components other than
 * repeated slashes, and shorter than PATH_MAX? */
bool path_is_safe_absolute(const char *path);

/* The per-user path "$<xdg_env>/<sub>", or "$HOME/<home_rel>/<sub>" when that variable is unset
 * or relative (the XDG base directory rule), with HOME from the password database when unset or
 * relative. Environment is read with secure_getenv(). Returns 0 and a malloc'ed path, -ENOENT
 * when no absolute home can be found, -ENOMEM.
 *
 * Why one function: the layer cache (XDG_CACHE_HOME) and the trust state (XDG_STATE_HOME) must
 * fall back identically, so that both always land under the same home. */
int xdg_user_path(const char *xdg_env, const char *home_rel, const char *sub, char **ret);
