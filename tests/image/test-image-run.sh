#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox run --image: a real image (umoci, busybox) signed with the real minisign and a key in
# /etc/sandbox/keys.d runs as an unprivileged user with the image's Entrypoint, Cmd, Env,
# WorkingDir and User, under all of the launcher's confinement; an unsigned, tampered or
# untrusted image never runs. Usage: test-image-run.sh SANDBOX SOURCE_DIR
source "$(dirname "$0")/lib-image.sh" "$@"
[[ $EUID -eq 0 ]] || skip_all "needs root: installs a key in /etc/sandbox/keys.d"
require_userns

IMG=$W/img
build_busybox_image "$IMG" base || skip_all "cannot build an image with umoci"
u umoci config --image "$IMG:base" --config.cmd -c --config.cmd 'echo cmd-ran' >/dev/null
u cp -r "$IMG" "$W/unsigned"
K=$W/keys
u mkdir -p "$K"
u minisign -G -W -p "$K/k.pub" -s "$K/k.key" >/dev/null
u minisign -G -W -p "$K/stranger.pub" -s "$K/stranger.key" >/dev/null

KEYFILE=/etc/sandbox/keys.d/sbx-image-run-test.pub
created=()
for d in /etc/sandbox /etc/sandbox/keys.d; do [[ -d $d ]] || created+=("$d"); done
mkdir -p /etc/sandbox/keys.d
cleanup() {
	rm -f "$KEYFILE"
	for ((i = ${#created[@]} - 1; i >= 0; i--)); do rmdir "${created[i]}" 2>/dev/null; done
	rm -rf -- "$STAGE"
}
trap cleanup EXIT
install -m 0644 "$K/k.pub" "$KEYFILE"

run() { u "$SBX" run "$@"; }

expect_fail "an unsigned image does not run" "no signature|not signed|unsigned" run --image "$W/unsigned:base" -- echo ran
u "$SBX" trust sign --key "$K/k.key" --name org.example.busybox --env prod --version 1 "$IMG:base" >/dev/null
check "a signed image runs its Entrypoint with Cmd" "cmd-ran" "$(run --image "$IMG:base" 2>&1)"
check "arguments replace Cmd" "hello from the image" "$(run --image "$IMG:base" -- -c 'cat /etc/greeting' 2>&1)"
check "the image's Env reaches the command" "hi /bin" "$(run --image "$IMG:base" -- -c 'echo $GREETING $PATH' 2>&1)"
check "WorkingDir is the start directory" "/etc" "$(run --image "$IMG:base" -- -c 'pwd' 2>&1)"
check "the image's /etc is the root's" "hello from the image" "$(run --image "$IMG:base" -- -c 'cat /etc/greeting' 2>&1)"
check "the host's /usr is not there" "absent" "$(run --image "$IMG:base" -- -c 'test -e /usr/bin/apt && echo present || echo absent' 2>&1)"
status=$(run --image "$IMG:base" -- -c 'cat /proc/self/status' 2>&1)
check "no capabilities inside the image" "0000000000000000" "$(awk '$1 == "CapEff:" {print $2}' <<<"$status")"
check "no_new_privs inside the image" "1" "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$status")"
check "seccomp inside the image" "2" "$(awk '$1 == "Seccomp:" {print $2}' <<<"$status")"
check "only lo inside the image" "lo" "$(run --image "$IMG:base" -- -c "cat /proc/net/dev" 2>&1 | awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}')"
check "writes go to a throwaway upper layer" "ok" "$(run --image "$IMG:base" -- -c 'echo x > /etc/new && echo ok' 2>&1)"
check "and are gone the next time" "absent" "$(run --image "$IMG:base" -- -c 'test -e /etc/new && echo present || echo absent' 2>&1)"
check "the second start uses the cache" "0" "$(u "$SBX" image ls 2>/dev/null | grep -c 'unpacking' || true)"

u umoci config --image "$IMG:base" --config.user 0 >/dev/null
u "$SBX" trust sign --key "$K/k.key" --name org.example.busybox --env prod --version 2 "$IMG:base" >/dev/null
check "User=0: the caller is root inside the user namespace" "0" "$(run --image "$IMG:base" -- -c 'cat /proc/self/status' 2>&1 | awk '$1 == "Uid:" {print $2}')"
check "and still has no capabilities" "0000000000000000" "$(run --image "$IMG:base" -- -c 'cat /proc/self/status' 2>&1 | awk '$1 == "CapEff:" {print $2}')"

# A signature by a key the admin does not trust.
u cp -r "$W/unsigned" "$W/stranger"
u "$SBX" trust sign --key "$K/stranger.key" --name org.example.busybox --env prod --version 9 "$W/stranger:base" >/dev/null
expect_fail "an image signed by an untrusted key does not run" "trusted|key" run --image "$W/stranger:base" -- echo ran

# Tampering: one byte of the config changed, its digest fixed up everywhere but the signature.
u cp -r "$IMG" "$W/tampered"
python3 - "$W/tampered" <<'PY'
import hashlib, json, os, sys
lay = sys.argv[1]
idx = json.load(open(f"{lay}/index.json"))
m = idx["manifests"][0]
mpath = f"{lay}/blobs/sha256/{m['digest'].split(':')[1]}"
man = json.load(open(mpath))
cpath = f"{lay}/blobs/sha256/{man['config']['digest'].split(':')[1]}"
cfg = json.load(open(cpath))
cfg["config"]["Env"].append("EVIL=1")
cb = json.dumps(cfg).encode()
cd = hashlib.sha256(cb).hexdigest()
open(f"{lay}/blobs/sha256/{cd}", "wb").write(cb)
man["config"] = dict(man["config"], digest="sha256:" + cd, size=len(cb))
mb = json.dumps(man).encode()
md = hashlib.sha256(mb).hexdigest()
open(f"{lay}/blobs/sha256/{md}", "wb").write(mb)
for e in idx["manifests"]:
    e.update(digest="sha256:" + md, size=len(mb))
json.dump(idx, open(f"{lay}/index.json", "w"))
sig = f"{lay}/signatures/sha256-{m['digest'].split(':')[1]}"
if os.path.isdir(sig):
    os.rename(sig, f"{lay}/signatures/sha256-{md}")
PY
expect_fail "a tampered image does not run" "signature|manifest|digest" run --image "$W/tampered:base" -- echo ran

# An image's /run may be an absolute symlink. Hiding a file (InaccessiblePaths=) puts a
# placeholder under /run, before pivot_root: it must be made and chmod-ed inside the image, never
# through a path the host's root resolves. The target is a directory of the user's on the host
# (and in the image) that no sandbox mount covers: not /tmp, /var/tmp, /dev or the home.
TARGET=/var/lib/sbx-runlink-test
mkdir -p "$TARGET" && chown "$TEST_USER": "$TARGET"
u sh -c "echo host > '$TARGET/.sandbox-inaccessible'; chmod 0644 '$TARGET/.sandbox-inaccessible'"
u python3 - "$W/runlink.tar" "$TARGET" <<'PY'
import io, sys, tarfile
out, target = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w") as t:
    def add(name, kind, data=b"", link=""):
        i = tarfile.TarInfo(name)
        i.type, i.linkname, i.size = kind, link, len(data)
        i.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
        t.addfile(i, io.BytesIO(data) if data else None)
    add("etc", tarfile.DIRTYPE)
    add("etc/greeting", tarfile.REGTYPE, b"hello\n")
    path = ""
    for part in target.strip("/").split("/"):
        path = f"{path}/{part}" if path else part
        add(path, tarfile.DIRTYPE)
    add("run", tarfile.SYMTYPE, link=target)
PY
u "$STAGE/mklayout.py" "$W/img-runlink" t "$W/runlink.tar" >/dev/null
u "$SBX" trust sign --key "$K/k.key" --name org.example.runlink --env prod --version 1 "$W/img-runlink:t" >/dev/null
out=$(run --image "$W/img-runlink:t" -p InaccessiblePaths=/etc/greeting -- true 2>&1)
check "hiding a file in an image whose /run is a symlink leaves the host alone" "644" \
	"$(stat -c %a "$TARGET/.sandbox-inaccessible")"
check_match "and gets as far as the command" "command not found" "$out"
check "a file hidden in an image is hidden" "hidden" \
	"$(run --image "$IMG:base" -p InaccessiblePaths=/etc/greeting -- -c 'cat /etc/greeting 2>/dev/null || echo hidden' 2>&1)"
rm -rf "$TARGET"

tap_done
