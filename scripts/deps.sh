#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what building, demoing and testing sandbox needs on Debian 12, non-interactively.
# Idempotent: installs only what is missing, and runs apt-get update only then.
set -euo pipefail

build_pkgs=(gcc meson ninja-build pkg-config libseccomp-dev libcap-dev libcap-ng-dev
	libsystemd-dev libpam0g-dev libsodium-dev libarchive-dev libjansson-dev libssl-dev)
# What the tests drive: uidmap (newuidmap), util-linux/bsdutils (unshare, setpriv, script),
# iproute2 (ip), procps (pgrep), passwd (useradd), clang-format (style check), openssh
# (a real sshd and client for the PAM tests), binutils (nm), libpam-runtime (pam-auth-update),
# umoci, skopeo, minisign, busybox-static, zstd (real OCI images and signatures); for the desktop
# suite: xvfb, xauth, xdotool, x11-utils (xwininfo, xdpyinfo), x11-apps (xwd), weston (headless
# compositor and weston-simple-shm), dbus-daemon and dbus-bin (a private bus, dbus-send),
# xdg-dbus-proxy, and the apps of the shipped profiles: xterm, mupdf, feh, firefox-esr.
test_pkgs=(uidmap util-linux bsdutils iproute2 procps passwd clang-format python3
	openssh-server openssh-client binutils libpam-modules libpam-runtime
	umoci skopeo minisign busybox-static zstd desktop-file-utils
	xvfb xauth xdotool x11-utils x11-apps weston dbus-daemon dbus-bin xdg-dbus-proxy
	xterm mupdf feh firefox-esr pulseaudio pulseaudio-utils)

want=("${build_pkgs[@]}")
[[ "${1:-}" == --test ]] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	if [[ $EUID -ne 0 ]]; then
		echo "deps.sh: missing packages: ${missing[*]}; run as root or install them" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
