#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the image tests. Sources the integration tests' TAP helpers and test user
# (tests/integration/lib.sh): run as root, every sandbox command runs as the unprivileged user
# sandbox-test, because unpacking layers without privileges is the point.
#
# Usage (from a test): source "$(dirname "$0")/lib-image.sh" "$@"   # args: SANDBOX SOURCE_DIR

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../integration/lib.sh
source "$HERE/../integration/lib.sh"

[[ $# -eq 2 ]] || { echo "usage: $0 SANDBOX SOURCE_DIR" >&2; exit 2; }
SRC=$2
for tool in umoci skopeo minisign python3 busybox; do
	command -v "$tool" >/dev/null || skip_all "$tool is not installed (apt-get install umoci skopeo minisign busybox-static)"
done
stage "$1"
setup_user
SBX=$STAGE/sandbox
W=$STAGE/user            # the test user's working directory
cp "$HERE/mklayout.py" "$HERE/mklayers.py" "$STAGE/"
chmod 0755 "$STAGE"/*.py

# u CMD...: run CMD as the test user with private cache, state and config directories.
u() {
	as_user env XDG_CACHE_HOME="$W/cache" XDG_STATE_HOME="$W/state" \
		XDG_CONFIG_HOME="$W/config" "$@"
}

# expect_fail DESC REGEX CMD...: CMD must fail and its stderr match REGEX.
expect_fail() {
	local desc=$1 re=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [[ $rc -ne 0 && "$out" =~ $re ]]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "rc=$rc" "expected stderr to match: $re" "stderr: $out"
	fi
}

# expect_ok DESC CMD...: CMD must succeed.
expect_ok() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [[ $rc -eq 0 ]]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "rc=$rc" "$out"
	fi
}

# build_busybox_image LAYOUT TAG: a small real image with umoci: busybox-static as /bin/sh and
# its applets, an /etc, entrypoint and environment; built by the test user, rootless.
build_busybox_image() {
	local layout=$1 tag=$2 b=$W/bundle-$RANDOM
	u umoci init --layout "$layout" 2>/dev/null || true
	u umoci new --image "$layout:$tag" &&
	u umoci unpack --rootless --image "$layout:$tag" "$b" >/dev/null &&
	u mkdir -p "$b/rootfs/bin" "$b/rootfs/etc" "$b/rootfs/tmp" &&
	u cp "$(command -v busybox)" "$b/rootfs/bin/busybox" &&
	u ln -s busybox "$b/rootfs/bin/sh" &&
	u ln -s busybox "$b/rootfs/bin/cat" &&
	u sh -c "echo hello from the image > '$b/rootfs/etc/greeting'" &&
	u chmod 1777 "$b/rootfs/tmp" &&
	u umoci repack --image "$layout:$tag" "$b" >/dev/null &&
	u umoci config --image "$layout:$tag" --config.entrypoint /bin/sh \
		--config.env PATH=/bin --config.env GREETING=hi --config.workingdir /etc >/dev/null &&
	u rm -rf "$b"
}

# manifest_digest LAYOUT TAG: the manifest digest index.json names for TAG.
manifest_digest() {
	python3 -c '
import json, sys
for m in json.load(open(sys.argv[1] + "/index.json"))["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]:
        print(m["digest"])' "$1" "$2"
}

# overlay_diff LOWERDIRS_FILE REFERENCE_ROOT: mount the layers (lowest first in the file) as
# the launcher will (overlayfs in a user namespace, "userxattr", tmpfs upper) and compare the
# merged tree with REFERENCE_ROOT: contents (diff -r, symlinks as symlinks), then type, mode and
# link target of every entry. Prints the differences; succeeds when there are none.
overlay_diff() {
	local lower mnt=$W/ovl-$RANDOM
	lower=$(tac "$1" | paste -sd:)
	u mkdir "$mnt"
	u unshare --user --map-root-user --mount bash -c '
		set -e
		mount -t tmpfs tmpfs "$3"
		mkdir "$3/u" "$3/w" "$3/merged"
		mount -t overlay overlay -o "userxattr,lowerdir=$1,upperdir=$3/u,workdir=$3/w" "$3/merged"
		diff -r --no-dereference "$3/merged" "$2"
		a=$(cd "$3/merged" && find . -printf "%p %y %m %l\n" | sort)
		b=$(cd "$2" && find . -printf "%p %y %m %l\n" | sort)
		[ "$a" = "$b" ] || { echo "metadata differs:"; diff <(echo "$a") <(echo "$b") || true; exit 1; }
	' bash "$lower" "$2" "$mnt" 2>&1
	local rc=$?
	u rmdir "$mnt"
	return $rc
}
