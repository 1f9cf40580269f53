/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "fd-util.h"
#include "proc-util.h"
#include "session-record.h"

static int open_root_dir(int parent, const char *name, const char *path, struct sb_error *e)
{
        _cleanup_close_ int fd = -EBADF;
        bool created = true;
        struct stat st;

        if (mkdirat(parent, name, 0755) < 0) {
                if (errno != EEXIST)
                        return sb_error_set(e, -errno, "cannot create %s: %m", path);
                created = false;
        }
        fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return sb_error_set(e, -errno, "cannot open %s: %m", path);
        if (created && fchmod(fd, 0755) < 0) /* whatever the caller's umask */
                return sb_error_set(e, -errno, "cannot set the mode of %s: %m", path);
        if (fstat(fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat %s: %m", path);
        if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
                return sb_error_set(e, -EPERM,
                                    "refusing %s: it must be owned by root and writable by no one "
                                    "else",
                                    path);
        return TAKE_FD(fd);
}

int record_dir_open(struct sb_error *e)
{
        _cleanup_close_ int run = -EBADF, sandbox = -EBADF;

        run = open("/run", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (run < 0)
                return sb_error_set(e, -errno, "cannot open /run: %m");
        sandbox = open_root_dir(run, "sandbox", "/run/sandbox", e);
        if (sandbox < 0)
                return sandbox;
        return open_root_dir(sandbox, "sessions", RECORD_DIR, e);
}

int record_name(const char *session, pid_t pid, char **ret)
{
        bool plain = session && session[0] && strlen(session) <= 64;

        for (const char *c = session; plain && *c; c++)
                plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                        (*c >= '0' && *c <= '9');
        if (plain ? asprintf(ret, "%s.json", session) < 0
                  : asprintf(ret, "pid-%d.json", (int)pid) < 0)
                return -ENOMEM;
        return 0;
}

/* A JSON string or null. User and service names come from NSS and PAM: bytes that are not
 * UTF-8 become U+FFFD, as in every JSON this project writes. */
static void json_string(FILE *f, const char *s)
{
        if (!s)
                fputs("null", f);
        else
                (void)json_write_string(f, s); /* errors show in ferror(f), checked at the end */
}

static void json_strv(FILE *f, char *const *l)
{
        fputc('[', f);
        for (size_t i = 0; l && l[i]; i++) {
                if (i > 0)
                        fputs(", ", f);
                json_string(f, l[i]);
        }
        fputc(']', f);
}

int record_format(FILE *f, const struct record_info *i)
{
        fputs("{\"version\": 1, \"user\": ", f);
        json_string(f, i->user);
        fprintf(f, ", \"uid\": %u, \"service\": ", (unsigned)i->uid);
        json_string(f, i->service);
        fputs(", \"session\": ", f);
        json_string(f, i->session);
        fprintf(f,
                ", \"pid\": %d, \"pid_start\": %" PRIu64 ", \"opened\": %lld,\n \"policy_files\": ",
                (int)i->pid, i->pid_start, (long long)time(NULL));
        json_strv(f, i->policy_files);
        fputs(",\n \"applied\": ", f);
        json_strv(f, i->applied);
        fputs(",\n \"policy\": ", f);
        if (policy_write_json(i->policy, f) < 0)
                return -EIO;
        fputs("}\n", f);
        return ferror(f) ? -EIO : 0;
}

/* The start of record name in dir_fd (its first line is all we read), NUL-terminated. */
static ssize_t read_head(int dir_fd, const char *name, char *buf, size_t size)
{
        ssize_t n = read_small_file_at(dir_fd, name, buf, size);

        if (n == -EFBIG) {
                _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

                n = fd < 0 ? -errno : read(fd, buf, size - 1);
                if (n >= 0)
                        buf[n] = '\0';
        }
        return n;
}

/* Is name in dir_fd another process's record of a session still open? Then it is not ours to
 * replace. A record we cannot read or parse is no one's. */
static bool taken_by_other(int dir_fd, const char *name, pid_t self)
{
        char buf[1024];
        uint64_t start;
        pid_t pid;

        return read_head(dir_fd, name, buf, sizeof(buf)) >= 0 &&
               record_parse_owner(buf, &pid, &start) >= 0 && pid != self &&
               proc_pid_matches(pid, start);
}

/* Removes the temporary file unless it was renamed into place. */
struct pending {
        int dir_fd;
        char name[128];
        bool armed;
};

static void pending_done(struct pending *p)
{
        if (p->armed)
                (void)unlinkat(p->dir_fd, p->name, 0);
}

int record_write(int dir_fd, const char *name, const struct record_info *info, struct sb_error *e)
{
        _cleanup_(pending_done) struct pending tmp = {.dir_fd = dir_fd};
        _cleanup_close_ int fd = -EBADF;
        FILE *f;
        int r;

        snprintf(tmp.name, sizeof(tmp.name), ".#%.80s.%d", name, (int)getpid());
        /* A leftover of a crashed process with our pid: never ours to trust, remove it. */
        (void)unlinkat(dir_fd, tmp.name, 0);
        fd = openat(dir_fd, tmp.name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return sb_error_set(e, -errno, "cannot create %s/%s: %m", RECORD_DIR, tmp.name);
        tmp.armed = true;
        if (fchmod(fd, 0644) < 0) /* whatever the caller's umask */
                return sb_error_set(e, -errno, "cannot set the mode of %s/%s: %m", RECORD_DIR,
                                    tmp.name);
        f = fdopen(fd, "w");
        if (!f)
                return sb_error_set(e, -errno, "cannot write %s/%s: %m", RECORD_DIR, tmp.name);
        TAKE_FD(fd); /* f owns it now */
        r = record_format(f, info);
        if (fclose(f) != 0 && r >= 0)
                r = negative_errno();
        if (r < 0)
                return sb_error_set(e, r, "cannot write %s/%s: %m", RECORD_DIR, tmp.name);
        /* Never over the record of another login that is still open: two logins can share a
         * logind session (su in a terminal of one), and the second would otherwise replace the
         * first's record and remove it when it ends. */
        if (renameat2(dir_fd, tmp.name, dir_fd, name, RENAME_NOREPLACE) < 0) {
                if (errno != EEXIST && errno != EINVAL) /* EINVAL: no RENAME_NOREPLACE here */
                        return sb_error_set(e, -errno, "cannot rename %s/%s to %s: %m", RECORD_DIR,
                                            tmp.name, name);
                if (taken_by_other(dir_fd, name, info->pid))
                        return sb_error_set(e, -EEXIST, "%s/%s belongs to another open session",
                                            RECORD_DIR, name);
                if (renameat(dir_fd, tmp.name, dir_fd, name) < 0)
                        return sb_error_set(e, -errno, "cannot rename %s/%s to %s: %m", RECORD_DIR,
                                            tmp.name, name);
        }
        tmp.armed = false;
        return 0;
}

int record_write_session(int dir_fd, const char *session, const struct record_info *info,
                         char **ret_name, struct sb_error *e)
{
        _cleanup_free_ char *name = NULL, *fallback = NULL;
        int r;

        if (record_name(session, info->pid, &name) < 0 ||
            record_name(NULL, info->pid, &fallback) < 0)
                return sb_error_set(e, -ENOMEM, "out of memory");
        r = record_write(dir_fd, name, info, e);
        if (r == -EEXIST && !streq(name, fallback)) {
                free(name);
                name = TAKE_PTR(fallback);
                r = record_write(dir_fd, name, info, e);
        }
        if (r < 0)
                return r;
        *ret_name = TAKE_PTR(name);
        return 0;
}

int record_remove(const char *name)
{
        _cleanup_close_ int fd = open(RECORD_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        if (unlinkat(fd, name, 0) < 0)
                return -errno;
        return 0;
}

/* The number after "\"key\": " in text, which record_write() put on the first line. */
static int json_number(const char *text, const char *key, uint64_t *ret)
{
        char pattern[32];
        const char *p, *eol = strchr(text, '\n');
        unsigned long long v;
        int consumed = 0;

        snprintf(pattern, sizeof(pattern), "\"%s\": ", key);
        p = strstr(text, pattern);
        if (!p || (eol && p > eol))
                return -EBADMSG;
        p += strlen(pattern);
        if (*p < '0' || *p > '9' || sscanf(p, "%llu%n", &v, &consumed) != 1 || consumed > 20)
                return -EBADMSG;
        *ret = v;
        return 0;
}

int record_parse_owner(const char *text, pid_t *ret_pid, uint64_t *ret_start)
{
        uint64_t pid, start;

        if (json_number(text, "pid", &pid) < 0 || json_number(text, "pid_start", &start) < 0 ||
            pid == 0 || pid > INT32_MAX)
                return -EBADMSG;
        *ret_pid = (pid_t)pid;
        *ret_start = start;
        return 0;
}

int record_is_live(const char *text)
{
        uint64_t start;
        pid_t pid;

        if (record_parse_owner(text, &pid, &start) < 0)
                return -EBADMSG;
        return proc_pid_matches(pid, start);
}

static bool prune_one(int dir_fd, const char *name)
{
        char buf[1024];
        const char *dot;
        ssize_t n;

        if (name[0] == '.' && name[1] == '#') {
                /* ".#NAME.PID": a temporary file whose writer crashed. */
                unsigned long pid;
                char *end;

                dot = strrchr(name, '.');
                if (!dot || dot == name)
                        return false;
                pid = strtoul(dot + 1, &end, 10);
                if (*end || pid == 0 || pid > INT32_MAX || kill((pid_t)pid, 0) == 0 ||
                    errno != ESRCH)
                        return false;
                return unlinkat(dir_fd, name, 0) >= 0;
        }
        dot = strrchr(name, '.');
        if (name[0] == '.' || !dot || strcmp(dot, ".json") != 0)
                return false;
        /* Only the first line matters; a longer record reads as truncated, which is fine. */
        n = read_head(dir_fd, name, buf, sizeof(buf));
        if (n < 0 || record_is_live(buf) != 0)
                return false;
        return unlinkat(dir_fd, name, 0) >= 0;
}

int record_prune(int dir_fd)
{
        _cleanup_close_ int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d;
        struct dirent *de;
        int removed = 0;

        if (fd < 0)
                return 0;
        d = fdopendir(fd); /* takes fd */
        if (!d)
                return 0;
        TAKE_FD(fd);
        while ((de = readdir(d)))
                if (prune_one(dir_fd, de->d_name))
                        removed++;
        closedir(d);
        return removed;
}
