/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>
#include <sys/types.h>

struct subid_range {
        unsigned long start;
        unsigned long count;
};

/* Find the first range for user (by name or by numeric id) in an /etc/subuid-format stream
 * ("name:start:count" per line). Returns 1 found, 0 not found, -EINVAL on a malformed line
 * for this user (other users' lines are not our business). */
int subid_find(FILE *f, const char *user, unsigned long id, struct subid_range *ret);

/* Lay out the id map for a user namespace that keeps `self` mapped to itself and places the
 * subordinate range around it: inside ids [0, count] except self come from the range.
 * Writes "inside outside count" triples (as newuidmap takes them, space separated) into buf.
 * Returns 0, or -ENOSPC if buf is too small. */
int subid_map_format(unsigned long self, const struct subid_range *range, char *buf, size_t size);
