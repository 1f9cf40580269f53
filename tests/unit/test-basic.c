/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/basic: strv, safe paths, symlink-refusing and root-confined path resolution. */
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "strv.h"
#include "test.h"

TEST(strv_basics)
{
        _cleanup_strv_free_ char **l = NULL;

        ASSERT_OK(strv_extend(&l, "a"));
        ASSERT_OK(strv_extend(&l, "b"));
        ASSERT_EQ(strv_length(l), 2);
        ASSERT_EQ(strv_find(l, "b"), 1);
        ASSERT_EQ(strv_find(l, "c"), -1);
        ASSERT_TRUE(l[2] == NULL);
}

TEST(path_is_safe_absolute)
{
        ASSERT_TRUE(path_is_safe_absolute("/"));
        ASSERT_TRUE(path_is_safe_absolute("/usr//lib/"));
        ASSERT_TRUE(path_is_safe_absolute("/a/.hidden/..x"));
        ASSERT_FALSE(path_is_safe_absolute("usr"));
        ASSERT_FALSE(path_is_safe_absolute(""));
        ASSERT_FALSE(path_is_safe_absolute("/a/../b"));
        ASSERT_FALSE(path_is_safe_absolute("/a/./b"));
        ASSERT_FALSE(path_is_safe_absolute("/.."));
}

static char tmpdir[] = "/tmp/test-basic.XXXXXX";
static bool tree_made;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return remove(path) < 0 ? -1 : 0;
}

static void remove_tree(void)
{
        (void)nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tree(void)
{
        char p[PATH_MAX];

        if (tree_made)
                return;
        ASSERT_TRUE(mkdtemp(tmpdir) != NULL);
        tree_made = true;
        atexit(remove_tree);
        snprintf(p, sizeof(p), "%s/real", tmpdir);
        (void)mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/link", tmpdir);
        ASSERT_TRUE(symlink("real", p) == 0 || errno == EEXIST);
        snprintf(p, sizeof(p), "%s/escape", tmpdir);
        ASSERT_TRUE(symlink("/etc", p) == 0 || errno == EEXIST);
        snprintf(p, sizeof(p), "%s/dotdot", tmpdir);
        ASSERT_TRUE(symlink("../../../../../../etc", p) == 0 || errno == EEXIST);
}

TEST(open_path_no_symlinks_refuses_links)
{
        char p[PATH_MAX];
        char *component = NULL;
        int fd;

        make_tree();
        snprintf(p, sizeof(p), "%s/real", tmpdir);
        fd = open_path_no_symlinks(p, NULL);
        ASSERT_OK(fd);
        close(fd);

        snprintf(p, sizeof(p), "%s/link/x", tmpdir);
        ASSERT_EQ(open_path_no_symlinks(p, &component), -ELOOP);
        snprintf(p, sizeof(p), "%s/link", tmpdir);
        ASSERT_STREQ(component, p);
        free(component);

        ASSERT_EQ(open_path_no_symlinks("relative", NULL), -EINVAL);
        ASSERT_EQ(open_path_no_symlinks("/tmp/../etc", NULL), -EINVAL);
}

TEST(open_in_root_stays_inside)
{
        _cleanup_close_ int root = -EBADF, fd = -EBADF;
        char p[PATH_MAX];
        struct stat st;

        make_tree();
        root = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        ASSERT_OK(root);

        /* An absolute symlink resolves inside the root, not on the host. */
        ASSERT_EQ(open_in_root(root, "/escape/passwd", 0), -ENOENT);
        ASSERT_EQ(open_in_root(root, "/dotdot/passwd", 0), -ENOENT);

        /* Creation through a dangling link fails rather than escaping... */
        ASSERT_EQ(open_in_root(root, "/escape/new/dir", S_IFDIR), -ENOENT);
        /* ...and once the target exists inside, /escape/new lands in tmpdir/etc/new. */
        snprintf(p, sizeof(p), "%s/etc", tmpdir);
        ASSERT_TRUE(mkdir(p, 0755) == 0 || errno == EEXIST);
        fd = open_in_root(root, "/escape/new/dir", S_IFDIR);
        ASSERT_OK(fd);
        snprintf(p, sizeof(p), "%s/etc/new/dir", tmpdir);
        ASSERT_OK(stat(p, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_TRUE(access("/etc/new", F_OK) < 0);

        safe_close(fd);
        fd = open_in_root(root, "/link/file", S_IFREG);
        ASSERT_OK(fd);
        snprintf(p, sizeof(p), "%s/real/file", tmpdir);
        ASSERT_OK(stat(p, &st));
        ASSERT_TRUE(S_ISREG(st.st_mode));
}

TEST_MAIN
