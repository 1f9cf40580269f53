/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define USEC_PER_SEC UINT64_C(1000000)

/* len decimal digits, nothing else: no sign, no blanks, no "0x" (strtoull would take all three).
 * -EINVAL, -ERANGE on overflow. */
int parse_uint_digits(const char *s, size_t len, uint64_t *ret);

/* A systemd time span (systemd.time(7)): components "N[.F][unit]" separated by optional blanks,
 * "1h 30min", "90", "2.5s"; no unit = seconds. In µs. -EINVAL / -ERANGE. */
int parse_timespan(const char *s, uint64_t *ret_usec);

/* A time span in whole seconds, from 1 to max_sec: a fraction of a second is -EINVAL, 0 or more
 * than max_sec -ERANGE. */
int parse_timespan_sec(const char *s, uint64_t max_sec, uint64_t *ret_sec);
