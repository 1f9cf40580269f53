#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the tar layers the image tests need into DIR, with python's tarfile (no extraction
tool would let us write most of them):

  hostile: dotdot, absolute, symlink-escape, symlink-escape-rel, hardlink-escape,
           hardlink-abs, hardlink-via-symlink, hardlink-missing, device, blockdev, setuid, huge,
           whiteout-dotdot, whiteout-as-dir, dir-then-symlink, xattr-injection, fifo
  whiteouts: wh-base, wh-top, wh-root-opaque (a whiteout, an opaque directory, a directory whited out and
             recreated in the same layer, aufs metadata)

    mklayers.py DIR"""

import io
import os
import sys
import tarfile


def entry(name, kind=tarfile.REGTYPE, data=b"", mode=0o644, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = mode
    ti.mtime = 1700000000
    ti.linkname = link
    if kind == tarfile.DIRTYPE:
        ti.mode = mode if mode != 0o644 else 0o755
    if kind == tarfile.REGTYPE:
        ti.size = len(data)
    return ti, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def write(path, entries, fmt=tarfile.PAX_FORMAT):
    with tarfile.open(path, "w", format=fmt) as t:
        for ti, f in entries:
            t.addfile(ti, f)


def huge(path):
    # A header claiming 1 TiB (GNU base-256 size field) followed by a few bytes and the end.
    ti = tarfile.TarInfo("big.bin")
    ti.size = 1 << 40
    ti.mode = 0o644
    buf = ti.tobuf(format=tarfile.GNU_FORMAT)
    with open(path, "wb") as f:
        f.write(buf + b"x" * 512 + b"\0" * 1024)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    j = lambda n: os.path.join(d, n + ".tar")
    def ok():
        return entry("etc/ok", data=b"fine\n")

    write(j("dotdot"), [ok(), entry("../../../tmp/pwned", data=b"x")])
    write(j("absolute"), [ok(), entry("/etc/pwned", data=b"x")])
    write(j("symlink-escape"), [entry("etc", tarfile.DIRTYPE),
                                entry("etc/link", tarfile.SYMTYPE, link="/etc"),
                                entry("etc/link/pwned", data=b"x")])
    write(j("symlink-escape-rel"), [entry("a", tarfile.DIRTYPE),
                                    entry("a/up", tarfile.SYMTYPE, link="../../../../../.."),
                                    entry("a/up/tmp/pwned", data=b"x")])
    write(j("hardlink-escape"), [ok(), entry("etc/shadow-copy", tarfile.LNKTYPE,
                                            link="../../../../etc/shadow")])
    write(j("hardlink-abs"), [ok(), entry("etc/passwd-copy", tarfile.LNKTYPE, link="/etc/passwd")])
    dev = entry("dev/sda", tarfile.CHRTYPE, mode=0o666)
    dev[0].devmajor, dev[0].devminor = 8, 0
    write(j("device"), [ok(), entry("dev", tarfile.DIRTYPE), dev])
    blk = entry("dev/loop0", tarfile.BLKTYPE, mode=0o660)
    blk[0].devmajor, blk[0].devminor = 7, 0
    write(j("blockdev"), [ok(), entry("dev", tarfile.DIRTYPE), blk])
    write(j("setuid"), [entry("bin", tarfile.DIRTYPE),
                        entry("bin/su", data=b"#!/bin/sh\n", mode=0o4755),
                        entry("bin/wall", data=b"#!/bin/sh\n", mode=0o2755)])
    huge(j("huge"))
    # A hardlink whose target path goes through a symlink of the same layer.
    write(j("hardlink-via-symlink"), [entry("etc", tarfile.DIRTYPE),
                                      entry("etc/up", tarfile.SYMTYPE, link="/etc"),
                                      entry("stolen", tarfile.LNKTYPE, link="etc/up/passwd")])
    # A hardlink to a file of a lower layer (or of nobody): cannot be represented, refused.
    write(j("hardlink-missing"), [ok(), entry("etc/copy", tarfile.LNKTYPE, link="etc/absent")])
    # A whiteout whose name escapes.
    write(j("whiteout-dotdot"), [ok(), entry("etc/.wh...", data=b"")])
    # A directory named like a whiteout with entries below it.
    write(j("whiteout-as-dir"), [entry(".wh.etc", tarfile.DIRTYPE), entry(".wh.etc/x", data=b"x")])
    # Layer-supplied overlay xattrs (pax SCHILY.xattr): must never be applied.
    ti = tarfile.TarInfo("lib")
    ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, 1700000000
    ti.pax_headers = {"SCHILY.xattr.user.overlay.opaque": "y",
                      "SCHILY.xattr.user.overlay.redirect": "/etc"}
    write(j("xattr-injection"), [(ti, None), entry("lib/x", data=b"x\n")])
    # A directory replaced by a symlink, then written through: the unpacker's cached parent
    # directory must not outlive the directory.
    write(j("dir-then-symlink"), [entry("a/b/f1", data=b"x"),
                                  entry("a/b", tarfile.SYMTYPE, link="/etc"),
                                  entry("a/b/f2", data=b"x")])
    # A FIFO and a socket: the FIFO is harmless and kept, the socket cannot be made.
    write(j("fifo"), [entry("run", tarfile.DIRTYPE), entry("run/pipe", tarfile.FIFOTYPE, mode=0o600)])

    # Whiteouts. Base layer: a file to delete, a directory to make opaque, a directory to
    # delete and one to delete and recreate within the next layer.
    write(j("wh-base"), [
        entry("etc", tarfile.DIRTYPE),
        entry("etc/keep", data=b"keep\n"),
        entry("etc/gone", data=b"gone\n"),
        entry("opq", tarfile.DIRTYPE),
        entry("opq/old1", data=b"old\n"),
        entry("opq/sub", tarfile.DIRTYPE),
        entry("opq/sub/old2", data=b"old\n"),
        entry("dir-gone", tarfile.DIRTYPE),
        entry("dir-gone/x", data=b"x\n"),
        entry("redo", tarfile.DIRTYPE),
        entry("redo/old", data=b"old\n"),
        entry("link", tarfile.SYMTYPE, link="etc/keep"),
    ])
    # Top layer: entries before the opaque marker (it must still apply to the lower layer
    # only), a plain whiteout, a directory whiteout, a whiteout followed by a recreation, a
    # hardlink within the layer, aufs metadata.
    write(j("wh-top"), [
        entry("opq", tarfile.DIRTYPE),
        entry("opq/new", data=b"new\n"),
        entry("opq/.wh..wh..opq"),
        entry("etc/.wh.gone"),
        entry(".wh.dir-gone"),
        entry(".wh.redo"),
        entry("redo", tarfile.DIRTYPE),
        entry("redo/new", data=b"new\n"),
        entry("etc/hard", tarfile.LNKTYPE, link="opq/new"),
        entry(".wh..wh.plnk", tarfile.DIRTYPE),
        entry("empty-dir", tarfile.DIRTYPE, mode=0o555),
        entry("empty-dir-2", tarfile.DIRTYPE, mode=0o700),
    ])
    # An opaque marker at the layer root: nothing of the layers below shows.
    write(j("wh-root-opaque"), [entry("etc", tarfile.DIRTYPE), entry("etc/only", data=b"only\n"),
                                entry(".wh..wh..opq")])


if __name__ == "__main__":
    main()
