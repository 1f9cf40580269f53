/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fs-util.h"
#include "mount-util.h"

int mount_attach_in_root(int mnt_fd, int root_fd, const char *dest, mode_t kind, struct sb_error *e)
{
        _cleanup_close_ int target = open_in_root(root_fd, dest, kind);

        if (target < 0)
                return sb_error_set(e, target, "cannot create mount point %s: %m", dest);
        if (move_mount(mnt_fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
            0)
                return sb_error_set(e, -errno, "cannot mount on %s: %m", dest);
        return 0;
}

int bind_mount_fd(int src_fd, int root_fd, const char *dest, unsigned long long attrs,
                  struct sb_error *e)
{
        _cleanup_close_ int tree = -EBADF;
        struct mount_attr attr = {.attr_set = attrs};
        struct stat st;

        if (fstat(src_fd, &st) < 0)
                return sb_error_set(e, -errno, "cannot stat source of %s: %m", dest);
        /* AT_RECURSIVE: a non-recursive clone of a mount with locked submounts is refused, and
         * would expose what the submounts hide. */
        tree = open_tree(src_fd, "",
                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
                return sb_error_set(e, -errno, "cannot clone mount for %s: %m", dest);
        if (attrs && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                return sb_error_set(e, -errno, "cannot set mount flags of %s: %m", dest);
        return mount_attach_in_root(tree, root_fd, dest, S_ISDIR(st.st_mode) ? S_IFDIR : S_IFREG,
                                    e);
}

int mount_new_fs(const char *fstype, const char *options, unsigned long long attrs,
                 const char *what, struct sb_error *e)
{
        _cleanup_close_ int fs = -EBADF;
        int mnt;

        fs = fsopen(fstype, FSOPEN_CLOEXEC);
        if (fs < 0)
                return sb_error_set(e, -errno, "cannot create %s for %s: %m", fstype, what);
        for (const char *o = options; o && *o; o += strlen(o) + 1) {
                char key[64];
                const char *eq = strchr(o, '=');
                size_t n = eq ? (size_t)(eq - o) : strlen(o);

                if (n >= sizeof(key))
                        return sb_error_set(e, -EINVAL, "bad %s option '%s'", fstype, o);
                memcpy(key, o, n);
                key[n] = '\0';
                if ((eq ? fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0)
                        : fsconfig(fs, FSCONFIG_SET_FLAG, key, NULL, 0)) < 0)
                        return sb_error_set(e, -errno, "cannot set %s option '%s' for %s: %m",
                                            fstype, o, what);
        }
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return sb_error_set(e, -errno, "cannot create %s for %s: %m", fstype, what);
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned int)attrs);
        if (mnt < 0)
                return sb_error_set(e, -errno, "cannot mount %s on %s: %m", fstype, what);
        return mnt;
}

int fs_mount_at(const char *fstype, const char *options, int root_fd, const char *dest,
                unsigned long long attrs, struct sb_error *e)
{
        _cleanup_close_ int mnt = mount_new_fs(fstype, options, attrs, dest, e);

        if (mnt < 0)
                return mnt;
        return mount_attach_in_root(mnt, root_fd, dest, S_IFDIR, e);
}

int mount_clone_tree(int dir_fd, const char *name, unsigned long long attrs, const char *what,
                     struct sb_error *e)
{
        struct mount_attr attr = {.attr_set = attrs};
        _cleanup_close_ int tree = -EBADF;

        /* AT_RECURSIVE as in bind_mount_fd(); AT_SYMLINK_NOFOLLOW: a symlink is recreated by the
         * caller, never bound through. */
        tree = open_tree(dir_fd, name,
                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
        if (tree < 0)
                return sb_error_set(e, -errno, "cannot clone mount for %s: %m", what);
        if (attrs && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
                return sb_error_set(e, -errno, "cannot set mount flags of %s: %m", what);
        return TAKE_FD(tree);
}

int mount_attach(int mnt_fd, int dir_fd, const char *name, const char *what, struct sb_error *e)
{
        /* Without MOVE_MOUNT_T_SYMLINKS the last component is not followed. */
        if (move_mount(mnt_fd, "", dir_fd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return sb_error_set(e, -errno, "cannot mount on %s: %m", what);
        return 0;
}
