/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libseccomp, loaded with dlopen() the first time a policy's SystemCallFilter= needs it, and
 * never otherwise. The default filter is compiled to BPF at build time (seccomp-program.h), so
 * most runs never call libseccomp; linked normally it would still cost every `sandbox run` the
 * loading and relocation of one more library, and its pages in the resident set. The sym_*
 * pointers have the exact types of the real functions (typeof), so the compiler checks every
 * call as if it went to libseccomp directly. Where libseccomp is missing, whatever needs it
 * fails (the policy cannot be applied), it is never skipped. */

#include <seccomp.h>

#define SECCOMP_DL_FUNCTIONS(X)                                                                    \
        X(seccomp_arch_add)                                                                        \
        X(seccomp_arch_native)                                                                     \
        X(seccomp_attr_set)                                                                        \
        X(seccomp_init)                                                                            \
        X(seccomp_load)                                                                            \
        X(seccomp_release)                                                                         \
        X(seccomp_rule_add)                                                                        \
        X(seccomp_syscall_resolve_name)

#define SECCOMP_DL_DECLARE(f) extern __typeof__(f) *sym_##f;
SECCOMP_DL_FUNCTIONS(SECCOMP_DL_DECLARE)
#undef SECCOMP_DL_DECLARE

/* Load libseccomp.so.2 and resolve every function above, once. 0 or -errno (-EOPNOTSUPP when
 * the library or a function is missing). */
int seccomp_dl_open(void);
