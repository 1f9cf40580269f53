#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Hostile layers, made with python's tarfile (tests/image/mklayers.py), unpacked by an
# unprivileged user: each is refused with a message naming the entry, or neutralised with a
# notice; nothing is written outside the cache and no partial entry stays behind.
# Usage: test-image-hostile.sh SANDBOX SOURCE_DIR
source "$(dirname "$0")/lib-image.sh" "$@"

u "$STAGE/mklayers.py" "$W/layers" >/dev/null || skip_all "cannot write the test layers"
# A decoy the escapes would hit: a directory of the user's outside the cache.
u mkdir -p "$W/outside"

# refused NAME REGEX: the layer NAME.tar must be refused, stderr matching REGEX.
refused() {
	local name=$1 re=$2
	u "$STAGE/mklayout.py" "$W/img-$name" t "$W/layers/$name.tar" >/dev/null
	expect_fail "$name: refused, naming the entry" "$re" u "$SBX" image unpack "$W/img-$name:t"
}

refused dotdot "entry '\\.\\./\\.\\./\\.\\./tmp/pwned': '\\.\\.' component: the path would leave the layer"
refused absolute "entry '/etc/pwned': absolute path"
refused symlink-escape "entry 'etc/link/pwned': 'etc/link' is a symlink: .*\\(symlink escape\\)"
refused symlink-escape-rel "entry 'a/up/tmp/pwned': 'a/up' is a symlink"
refused hardlink-escape "entry 'etc/shadow-copy': hardlink target refused: '\\.\\.' component"
refused hardlink-abs "entry 'etc/passwd-copy': hardlink target refused: absolute path"
refused hardlink-via-symlink "entry 'stolen': hardlink target 'etc/up/passwd' goes through a symlink \\(link escape\\)"
refused hardlink-missing "entry 'etc/copy': hardlink target 'etc/absent' is not in this layer"
refused device "entry 'dev/sda': character device node 8:0 refused"
refused blockdev "entry 'dev/loop0': block device node 7:0 refused"
refused huge "entry 'big.bin': its header claims 1099511627776 bytes, more than the limit"
refused whiteout-dotdot "entry 'etc/\\.wh\\.\\.\\.': whiteout of an invalid name"
refused dir-then-symlink "entry 'a/b/f2': 'a/b' is a symlink: .*\\(symlink escape\\)"
refused whiteout-as-dir "entry '\\.wh\\.etc/x': '\\.wh\\.etc' is a whiteout name used as a directory"

check "nothing was written through the escapes" "absent absent absent" \
	"$([[ -e /tmp/pwned ]] && echo present || echo absent) $([[ -e /etc/pwned ]] && echo present || echo absent) $([[ -e $W/outside/pwned ]] && echo present || echo absent)"
check "refused layers leave no cache entry and no temporary directory" "" \
	"$(ls -A "$W/cache/sandbox/layers" 2>/dev/null | grep -v '^\.lock$')"

# Neutralised: setuid/setgid bits cleared, with a notice.
u "$STAGE/mklayout.py" "$W/img-setuid" t "$W/layers/setuid.tar" >/dev/null
out=$(u "$SBX" image unpack "$W/img-setuid:t" 2>"$W/err")
check "setuid layer: unpacked" "0" "$?"
check_match "setuid layer: a notice names each entry" \
	"entry 'bin/su': setuid/setgid bits cleared \\(mode 4755 → 0755\\).*entry 'bin/wall': setuid/setgid bits cleared \\(mode 2755 → 0755\\)" \
	"$(tr '\n' ' ' <"$W/err")"
check "setuid layer: the bits are gone on disk" "755 755" "$(stat -c %a "$out/bin/su") $(stat -c %a "$out/bin/wall")"

# Ignored: overlay xattrs a layer brings along (they would let it hide or redirect lower
# layers' files in ways its tar entries do not say).
u "$STAGE/mklayout.py" "$W/img-xattr" t "$W/layers/xattr-injection.tar" >/dev/null
out=$(u "$SBX" image unpack "$W/img-xattr:t" 2>&1)
check "xattr layer: unpacked" "0" "$?"
check "xattr layer: no user.overlay.* attribute was applied" "[]" \
	"$(python3 -c 'import os,sys; print([x for x in os.listxattr(sys.argv[1]) if x.startswith("user.overlay")])' "$out/lib")"

# Kept: a FIFO is harmless.
u "$STAGE/mklayout.py" "$W/img-fifo" t "$W/layers/fifo.tar" >/dev/null
out=$(u "$SBX" image unpack "$W/img-fifo:t" 2>&1)
check "fifo layer: unpacked, the FIFO is a FIFO" "0 fifo" "$? $(stat -c %F "$out/run/pipe")"

# A layer claiming gzip that is not gzip, and one whose media type we do not know.
u "$STAGE/mklayout.py" --compress none "$W/img-plain" t "$W/layers/wh-base.tar" >/dev/null
python3 - "$W/img-plain" <<'PY'
import hashlib, json, os, sys
L = sys.argv[1]
def blob(d): return os.path.join(L, "blobs", "sha256", d.split(":")[1])
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    open(blob(d), "wb").write(data)
    return d, len(data)
idx = json.load(open(os.path.join(L, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
for tag, mt in (("liar", "application/vnd.oci.image.layer.v1.tar+gzip"),
                ("odd", "application/vnd.oci.image.layer.v1.tar+lz4")):
    m = dict(man, layers=[dict(man["layers"][0], mediaType=mt)])
    d, n = put(json.dumps(m).encode())
    idx["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d,
                             "size": n, "annotations": {"org.opencontainers.image.ref.name": tag}})
json.dump(idx, open(os.path.join(L, "index.json"), "w"))
PY
chown -R "$TEST_USER" "$W/img-plain" 2>/dev/null
expect_fail "a layer claiming gzip that is not gzip is refused" "is not gzip-compressed as its media type says" \
	u "$SBX" image unpack "$W/img-plain:liar"
expect_fail "an unknown layer media type is refused" "not a layer type we can unpack" \
	u "$SBX" image unpack "$W/img-plain:odd"

tap_done
