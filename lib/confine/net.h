/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Bring the loopback interface of the current network namespace up (a new namespace starts
 * with lo down, and many programs assume 127.0.0.1 works). Needs CAP_NET_ADMIN over the
 * namespace. Returns 0 or -errno. */
int loopback_up(void);
