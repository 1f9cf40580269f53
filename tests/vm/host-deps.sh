#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# host-deps.sh — install the host packages the VM test tier (tests/vm/) needs, from Debian's
# own archive. Idempotent: when everything is there it changes nothing and needs no network.
# Non-interactive; run as root.
#
#   qemu-system-x86        the VM (TCG; with 9p -virtfs, SeaBIOS; no KVM needed)
#   qemu-utils             qemu-img: the raw root file system becomes a compressed qcow2
#   mmdebstrap             builds the Debian 12 root (--mode=root)
#   e2fsprogs              mkfs.ext4 -d: an ext4 image from a directory, no loop device
#   debian-archive-keyring verifies the archive while building the image
#   gpg                    mmdebstrap's check of the archive keyrings (a Recommends of it,
#                          left out by --no-install-recommends)
#   ca-certificates        in case the host's apt sources are https
# (meson, ninja and the compiler come with the project's own build dependencies.)
set -euo pipefail

readonly packages=(
        qemu-system-x86 qemu-utils mmdebstrap e2fsprogs debian-archive-keyring gpg
        ca-certificates
)

missing=()
for p in "${packages[@]}"; do
        status="$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)"
        [[ $status == installed ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
        echo "host-deps: all present: ${packages[*]}"
        exit 0
fi

[[ $EUID -eq 0 ]] || { echo "host-deps: installing ${missing[*]} needs root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
echo "host-deps: installing ${missing[*]}"
apt-get update -q
apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}"
