/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "subid.h"

static int parse_ulong(const char *s, unsigned long *ret)
{
        char *end;
        unsigned long v;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || *end != '\0' || v > UINT32_MAX)
                return -EINVAL;
        *ret = v;
        return 0;
}

int subid_find(FILE *f, const char *user, unsigned long id, struct subid_range *ret)
{
        char line[512], idstr[32];

        snprintf(idstr, sizeof(idstr), "%lu", id);
        while (fgets(line, sizeof(line), f)) {
                char *name = line, *start, *count, *nl;
                struct subid_range r;

                nl = strchr(line, '\n');
                if (nl)
                        *nl = '\0';
                start = strchr(line, ':');
                if (!start)
                        continue;
                *start++ = '\0';
                if (!streq(name, user) && !streq(name, idstr))
                        continue;
                count = strchr(start, ':');
                if (!count)
                        return -EINVAL;
                *count++ = '\0';
                if (parse_ulong(start, &r.start) < 0 || parse_ulong(count, &r.count) < 0 ||
                    r.count == 0 || r.start + r.count - 1 > UINT32_MAX - 1)
                        return -EINVAL;
                *ret = r;
                return 1;
        }
        return 0;
}

int subid_map_format(unsigned long self, const struct subid_range *range, char *buf, size_t size)
{
        int n;

        if (range->count <= self)
                /* The range fits below self: inside 0..count-1 from the range, self stays. */
                n = snprintf(buf, size, "0 %lu %lu %lu %lu 1", range->start, range->count, self,
                             self);
        else if (self == 0)
                n = snprintf(buf, size, "0 0 1 1 %lu %lu", range->start, range->count);
        else
                /* Split the range around self: 0..self-1, self, self+1..count. */
                n = snprintf(buf, size, "0 %lu %lu %lu %lu 1 %lu %lu %lu", range->start, self, self,
                             self, self + 1, range->start + self, range->count - self);
        return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
