/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "pam-log.h"
#include "sd-dl.h"

/* MESSAGE, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, PAM_SERVICE, USER, SANDBOX_DECISION,
 * APPLIED, and the policy files. */
#define FIELDS_FIXED 8
#define FILES_MAX    64

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static int add_field(struct iovec *iov, size_t *n, char **owned, const char *name,
                     const char *value)
{
        char *s;

        if (!value)
                return 0;
        if (asprintf(&s, "%s=%s", name, value) < 0)
                return -ENOMEM;
        owned[*n] = s;
        iov[*n] = (struct iovec){.iov_base = s, .iov_len = strlen(s)};
        (*n)++;
        return 0;
}

/* 0 when journald took the entry, <0 when it is not there (or we ran out of memory). */
static int journal_send(const char *service, int prio, const struct log_fields *f,
                        const char *message)
{
        struct iovec iov[FIELDS_FIXED + FILES_MAX];
        char *owned[FIELDS_FIXED + FILES_MAX];
        char num[16];
        size_t n = 0;
        int r = 0;

        r = add_field(iov, &n, owned, "MESSAGE", message);
        snprintf(num, sizeof(num), "%d", prio);
        if (r >= 0)
                r = add_field(iov, &n, owned, "PRIORITY", num);
        snprintf(num, sizeof(num), "%d", LOG_AUTHPRIV >> 3);
        if (r >= 0)
                r = add_field(iov, &n, owned, "SYSLOG_FACILITY", num);
        if (r >= 0)
                r = add_field(iov, &n, owned, "SYSLOG_IDENTIFIER", program_invocation_short_name);
        if (r >= 0)
                r = add_field(iov, &n, owned, "PAM_SERVICE", service);
        if (r >= 0 && f) {
                r = add_field(iov, &n, owned, "USER", f->user);
                if (r >= 0)
                        r = add_field(iov, &n, owned, "SANDBOX_DECISION", f->decision);
                if (r >= 0)
                        r = add_field(iov, &n, owned, "APPLIED", f->applied);
                for (size_t i = 0; r >= 0 && f->policy_files && f->policy_files[i] && i < FILES_MAX;
                     i++)
                        r = add_field(iov, &n, owned, "POLICY_FILE", f->policy_files[i]);
        }
        if (r >= 0)
                r = sd_dl_open(); /* journald runs, so libsystemd is there */
        if (r >= 0)
                r = sym_sd_journal_sendv(iov, (int)n);
        for (size_t i = 0; i < n; i++)
                free(owned[i]);
        return r;
}

void sandbox_log(pam_handle_t *h, int prio, const struct log_fields *fields, const char *fmt, ...)
{
        const void *item = NULL;
        const char *service;
        char text[2048], line[2304];
        va_list ap;
        int saved = errno;

        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        if (pam_get_item(h, PAM_SERVICE, &item) != PAM_SUCCESS)
                item = NULL;
        service = item ? item : "?";

        snprintf(line, sizeof(line), "pam_sandbox(%s:session): %s", service, text);
        /* sd_journal_sendv() reports success when journald is not there (it drops the entry
         * silently), so ask for its socket first. */
        if (access(JOURNAL_SOCKET, F_OK) < 0 || journal_send(service, prio, fields, line) < 0)
                pam_syslog(h, prio, "%s", text); /* adds the same "pam_sandbox(...)" prefix */
        errno = saved;
}
