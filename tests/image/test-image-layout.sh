#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Image layouts and the layer cache with real tools: images built by umoci (rootless) and
# converted by skopeo (zstd), unpacked by `sandbox image unpack` as an unprivileged user, mounted
# as the launcher mounts them (overlayfs in a user namespace, "userxattr", tmpfs upper) and
# compared with `umoci unpack --rootless` of the same image. Then verification failures and
# cache management. Usage: test-image-layout.sh SANDBOX SOURCE_DIR
source "$(dirname "$0")/lib-image.sh" "$@"
require_userns

IMG=$W/img
build_busybox_image "$IMG" base || skip_all "cannot build an image with umoci"

# --- inspect and unpack a real image ----------------------------------------------------------
out=$(u "$SBX" image inspect "$IMG:base" 2>&1)
check_match "inspect shows the config umoci wrote" 'Entrypoint +"/bin/sh".*GREETING=hi.*WorkingDir +/etc' "$(echo $out)"
u "$SBX" image unpack "$IMG:base" >"$W/dirs1" 2>"$W/err"
check "unpack of the umoci image succeeds" "0 1" "$? $(wc -l <"$W/dirs1")"
u umoci unpack --rootless --image "$IMG:base" "$W/ref1" >/dev/null 2>&1
diffs=$(overlay_diff "$W/dirs1" "$W/ref1/rootfs")
check "overlay of the cached layers equals umoci unpack --rootless" "0" "$?"
[[ -n "$diffs" ]] && diag "$diffs"
check "the cache is private to the user" "700" "$(stat -c %a "$W/cache/sandbox/layers")"

# Second start: a cache hit, nothing unpacked again.
ino1=$(stat -c %i "$(cat "$W/dirs1")")
u "$SBX" image unpack "$IMG:base" >"$W/dirs1b" 2>&1
check "second unpack returns the same directory (cache hit)" "$(cat "$W/dirs1") $ino1" \
	"$(cat "$W/dirs1b") $(stat -c %i "$(cat "$W/dirs1b")")"

# --- a second layer with whiteouts, made by umoci -----------------------------------------------
u umoci unpack --rootless --image "$IMG:base" "$W/b2" >/dev/null
u rm "$W/b2/rootfs/etc/greeting"
u mkdir -p "$W/b2/rootfs/srv/data"
u sh -c "echo new > '$W/b2/rootfs/srv/data/file'"
u umoci repack --image "$IMG:two" "$W/b2" >/dev/null 2>&1 || u umoci repack --image "$IMG:base" --tag two "$W/b2" >/dev/null
if ! manifest_digest "$IMG" two | grep -q sha256; then
	# umoci 0.4 repacks onto the tag it unpacked: copy it to a new tag first
	u umoci tag --image "$IMG:base" two
fi
layer_blob=$(python3 -c '
import json, sys
idx = json.load(open(sys.argv[1] + "/index.json"))
d = [m["digest"] for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == sys.argv[2]][0]
man = json.load(open(sys.argv[1] + "/blobs/sha256/" + d.split(":")[1]))
print(man["layers"][-1]["digest"].split(":")[1], len(man["layers"]))' "$IMG" two)
nlayers=${layer_blob#* }
layer_blob=${layer_blob% *}
check_match "umoci made a whiteout in the new layer" '\.wh\.greeting' "$(tar tzf "$IMG/blobs/sha256/$layer_blob" 2>&1)"
u "$SBX" image unpack "$IMG:two" >"$W/dirs2" 2>"$W/err"
check "unpack of the two-layer image succeeds, one directory per layer" "0 $nlayers" "$? $(wc -l <"$W/dirs2")"
u umoci unpack --rootless --image "$IMG:two" "$W/ref2" >/dev/null 2>&1
diffs=$(overlay_diff "$W/dirs2" "$W/ref2/rootfs")
check "two-layer overlay (whiteout applied) equals umoci unpack" "0" "$?"
[[ -n "$diffs" ]] && diag "$diffs"
check "the base layer is shared with the first image" "$(head -1 "$W/dirs1")" "$(head -1 "$W/dirs2")"

# --- opaque directories, whiteouts of directories, aufs metadata (python-made layers) ---------
u "$STAGE/mklayers.py" "$W/layers" >/dev/null
u "$STAGE/mklayout.py" "$W/wh" t "$W/layers/wh-base.tar" "$W/layers/wh-top.tar" >/dev/null
u "$SBX" image unpack "$W/wh:t" >"$W/dirs3" 2>"$W/err3"
check "unpack of the whiteout/opaque layers succeeds" "0" "$?"
check_match "aufs metadata is skipped with a notice naming the entry" "entry '\\.wh\\.\\.wh\\.plnk/': aufs metadata skipped" "$(cat "$W/err3")"
u umoci unpack --rootless --image "$W/wh:t" "$W/ref3" >/dev/null 2>&1
diffs=$(overlay_diff "$W/dirs3" "$W/ref3/rootfs")
check "overlay with opaque dirs and whiteouts equals umoci unpack" "0" "$?"
[[ -n "$diffs" ]] && diag "$diffs"
top=$(tail -1 "$W/dirs3")
check "a whiteout is a 0/0 character device" "character special file 0,0" \
	"$(stat -c '%F %t,%T' "$top/etc/gone")"
check "the opaque marker became user.overlay.opaque=y" "y" \
	"$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.overlay.opaque").decode())' "$top/opq")"
check "a directory whited out and recreated in one layer is opaque" "y" \
	"$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.overlay.opaque").decode())' "$top/redo")"

# An opaque marker at a layer's root: overlayfs ignores opacity there, so the layers below are
# left out of the stack instead.
u "$STAGE/mklayout.py" "$W/whroot" t "$W/layers/wh-base.tar" "$W/layers/wh-root-opaque.tar" >/dev/null
u "$SBX" image unpack "$W/whroot:t" >"$W/dirs5" 2>&1
check "a root-opaque layer hides every layer below it" "0 1" "$? $(wc -l <"$W/dirs5")"
u umoci unpack --rootless --image "$W/whroot:t" "$W/ref5" >/dev/null 2>&1
diffs=$(overlay_diff "$W/dirs5" "$W/ref5/rootfs")
check "root-opaque overlay equals umoci unpack" "0" "$?"
[[ -n "$diffs" ]] && diag "$diffs"

# --- zstd layers (skopeo) -------------------------------------------------------------------------
u skopeo copy --quiet "oci:$IMG:base" "oci:$W/zimg:base" --dest-compress --dest-compress-format zstd
check_match "skopeo wrote a tar+zstd layer" 'tar\+zstd' "$(u "$SBX" image inspect "$W/zimg:base" 2>&1)"
u "$SBX" image unpack "$W/zimg:base" >"$W/dirs4" 2>&1
check "unpack of the zstd image succeeds" "0" "$?"
out=$(diff -r --no-dereference "$(cat "$W/dirs4")" "$(cat "$W/dirs1")" 2>&1)
check "the zstd layer unpacks to the same tree as the gzip one" "0" "$?"

# --- verification failures: nothing is unpacked ----------------------------------------------------
bad() { # NAME: a private copy of the busybox layout
	rm -rf "$W/$1"
	cp -a "$IMG" "$W/$1"
	chown -R "$TEST_USER" "$W/$1" 2>/dev/null || true
}
entries_before=$(ls -A "$W/cache/sandbox/layers" | wc -l)
layer=$(python3 -c '
import json, sys
idx = json.load(open(sys.argv[1] + "/index.json"))
d = [m["digest"] for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == "base"][0]
print(json.load(open(sys.argv[1] + "/blobs/sha256/" + d.split(":")[1]))["layers"][0]["digest"].split(":")[1])' "$IMG")
bad t1
u "$SBX" image rm "$layer" >/dev/null
python3 -c '
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[100] ^= 1; open(p, "wb").write(b)' "$W/t1/blobs/sha256/$layer"
expect_fail "a flipped byte in a layer blob is refused before unpacking" \
	"layer 1/1 .*blob sha256:$layer: digest mismatch" u "$SBX" image unpack "$W/t1:base"
bad t2
truncate -s -1 "$W/t2/blobs/sha256/$layer"
expect_fail "a truncated layer blob is refused by its size" "size mismatch" u "$SBX" image unpack "$W/t2:base"
bad t3
m=$(manifest_digest "$W/t3" base)
sed -i 's/"schemaVersion":2/"schemaVersion": 2/' "$W/t3/blobs/sha256/${m#sha256:}" 2>/dev/null
truncate -s "$(( $(stat -c %s "$IMG/blobs/sha256/${m#sha256:}") ))" "$W/t3/blobs/sha256/${m#sha256:}"
expect_fail "an edited manifest is refused (digest mismatch)" "manifest $m: digest mismatch" u "$SBX" image unpack "$W/t3:base"
bad t4
rm "$W/t4/blobs/sha256/$layer"
ln -s "$IMG/blobs/sha256/$layer" "$W/t4/blobs/sha256/$layer"
expect_fail "a blob that is a symlink is refused" "is a symlink: refused" u "$SBX" image unpack "$W/t4:base"
bad t5
python3 -c '
import sys
p = sys.argv[1] + "/index.json"; s = open(p).read()
open(p, "w").write(s.replace("\"schemaVersion\":2", "\"schemaVersion\":2,\"schemaVersion\":2", 1))' "$W/t5"
expect_fail "index.json with a duplicated member is refused" "duplicate" u "$SBX" image unpack "$W/t5:base"
expect_fail "an unknown tag is refused, naming the tags there are" "has no image tagged nope \\(tags: base, two\\)" \
	u "$SBX" image unpack "$IMG:nope"
u "$STAGE/mklayout.py" --bad-diff-id "$W/t6" t "$W/layers/wh-base.tar" >/dev/null
expect_fail "a layer whose content does not match the config's diff_id is refused" \
	"rootfs.diff_ids says" u "$SBX" image unpack "$W/t6:t"
check "failed unpacks leave no entry and no temporary directory behind" "$((entries_before - 1))" \
	"$(ls -A "$W/cache/sandbox/layers" | wc -l)"

# --- cache management ------------------------------------------------------------------------------
out=$(u "$SBX" image ls 2>&1)
check_match "image ls lists the layers with their size" "sha256:[0-9a-f]{64} +[0-9.]+[KM]" "$out"
n=$(u "$SBX" image ls | grep -c '^sha256:')
lock=$W/cache/sandbox/layers/sha256-$(basename "$(dirname "$(cat "$W/dirs4")")" | cut -d- -f2)/lock
expect_fail "image rm refuses a layer a running sandbox holds" "in use by a running sandbox" \
	u flock -s "$lock" "$SBX" image rm "$(basename "$(dirname "$(cat "$W/dirs4")")")"
zlayer=$(basename "$(dirname "$(cat "$W/dirs4")")")
out=$(u "$SBX" image rm "${zlayer:7:12}" 2>&1)
check_match "image rm takes a unique prefix" "^removed sha256:${zlayer:7}" "$out"
check "the entry is gone" "$((n - 1))" "$(u "$SBX" image ls | grep -c '^sha256:')"
expect_fail "image rm of an unknown digest fails" "no layer" u "$SBX" image rm deadbeef
# prune by age: mark one entry as used long ago
old=$(head -1 "$W/dirs3")
u touch -d '2000-01-01' "$(dirname "$old")/used"
out=$(u "$SBX" image prune --older-than 30d 2>&1)
check "prune --older-than removes only the old entry" "removed 1 layer 1" "$out $([[ -d $old ]]; echo $?)"
check "prune keeps the recent ones" "$((n - 2))" "$(u "$SBX" image ls | grep -c '^sha256:')"
u mkdir "$W/cache/sandbox/layers/.tmp-sha256-leftover-123"
out=$(u "$SBX" image prune --all 2>&1)
check "prune --all empties the cache, leftovers included" "0" "$(ls -A "$W/cache/sandbox/layers" | grep -vc '^\.lock$')"
u "$SBX" image unpack "$IMG:two" >/dev/null 2>&1
check "after a prune the image unpacks again" "0" "$?"

tap_done
