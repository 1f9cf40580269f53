/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The default seccomp filter (seccomp-filter.h describes what it denies), compiled to BPF at
 * build time by seccomp-gen into seccomp-default-bpf.c. Loading it needs no libseccomp. */

#include <linux/filter.h>
#include <stddef.h>

extern const struct sock_filter seccomp_default_program[];
extern const size_t seccomp_default_program_len;

/* Load the default filter into the calling thread (inherited by its children). no_new_privs must
 * already be set, or the caller must hold CAP_SYS_ADMIN in its user namespace. 0 or -errno. */
int seccomp_default_filter_install(void);
