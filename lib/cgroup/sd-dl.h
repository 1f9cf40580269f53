/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libsystemd, loaded with dlopen() when a systemd manager is there to talk to, and never
 * otherwise: linked normally it costs every `sandbox run` about 1.5 ms and 1.8 MiB of resident
 * memory (it pulls in libgcrypt, liblzma, libzstd and liblz4), on hosts where it is not used
 * at all. The sym_* pointers have the exact types of the real functions (typeof), so the
 * compiler checks every call as if it went to libsystemd directly. */

#include <systemd/sd-bus.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-login.h>
#include <stdbool.h>

#define SD_DL_FUNCTIONS(X)                                                                         \
        X(sd_bus_call)                                                                             \
        X(sd_bus_close_unref)                                                                      \
        X(sd_bus_error_free)                                                                       \
        X(sd_bus_error_has_names_sentinel)                                                         \
        X(sd_bus_error_is_set)                                                                     \
        X(sd_bus_flush_close_unref)                                                                \
        X(sd_bus_get_property_trivial)                                                             \
        X(sd_bus_is_bus_client)                                                                    \
        X(sd_bus_match_signal)                                                                     \
        X(sd_bus_message_append)                                                                   \
        X(sd_bus_message_close_container)                                                          \
        X(sd_bus_message_new_method_call)                                                          \
        X(sd_bus_message_open_container)                                                           \
        X(sd_bus_message_read)                                                                     \
        X(sd_bus_message_unref)                                                                    \
        X(sd_bus_new)                                                                              \
        X(sd_bus_open_system)                                                                      \
        X(sd_bus_open_user)                                                                        \
        X(sd_bus_process)                                                                          \
        X(sd_bus_set_address)                                                                      \
        X(sd_bus_slot_unref)                                                                       \
        X(sd_bus_start)                                                                            \
        X(sd_bus_wait)                                                                             \
        X(sd_journal_sendv)                                                                        \
        X(sd_pid_get_session)                                                                      \
        X(sd_pid_get_unit)                                                                         \
        X(sd_session_get_uid)

#define SD_DL_DECLARE(f) extern __typeof__(f) *sym_##f;
SD_DL_FUNCTIONS(SD_DL_DECLARE)
#undef SD_DL_DECLARE

/* Was the system booted with systemd (sd_booted(): /run/systemd/system/ exists)? Without it there
 * is no logind and no manager, and nothing to load libsystemd for. */
bool sd_dl_booted(void);

/* Load libsystemd.so.0 and resolve every function above, once. 0 or -errno (-EOPNOTSUPP when
 * the library or a function is missing). */
int sd_dl_open(void);

/* Cleanup helpers for _cleanup_(), through the pointers. */
static inline void sym_sd_bus_close_unrefp(sd_bus **b)
{
        if (*b)
                sym_sd_bus_close_unref(*b);
}
static inline void sym_sd_bus_flush_close_unrefp(sd_bus **b)
{
        if (*b)
                sym_sd_bus_flush_close_unref(*b);
}
static inline void sym_sd_bus_message_unrefp(sd_bus_message **m)
{
        if (*m)
                sym_sd_bus_message_unref(*m);
}
static inline void sym_sd_bus_slot_unrefp(sd_bus_slot **s)
{
        if (*s)
                sym_sd_bus_slot_unref(*s);
}
static inline void sym_sd_bus_error_freep(sd_bus_error *e)
{
        if (sym_sd_bus_error_free)
                sym_sd_bus_error_free(e);
}
