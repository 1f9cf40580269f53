#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# build-image.sh — build, or reuse from the cache, the Debian 12 (bookworm) image that the VM
# test tier boots under qemu: systemd as PID 1, pure cgroup v2, logind, PAM, sshd.
#
# Usage: tests/vm/build-image.sh
#   Prints the image directory on stdout (its only stdout output); it holds
#     disk.qcow2   the root file system (ext4, compressed qcow2; boot it with snapshot=on)
#     vmlinuz      the kernel, and
#     initrd.img   its initramfs, both taken out of the image for qemu -kernel/-initrd
#     manifest.txt what went in (cache key, kernel, package versions)
#   Progress goes to stderr; mmdebstrap's output to $cache/build.log.
#
# Environment:
#   SANDBOX_VM_CACHE    cache directory, outside the work tree (default /var/cache/sandbox-vm)
#   SANDBOX_VM_REBUILD  1: build again even when the cache has a matching image
#
# The cache key is a sha256 of packages.txt, this script and the files in image/ (everything
# that decides what goes into the image), so a rerun with nothing changed takes well under
# a second, and any change to the recipe builds a new image. The Debian archive moving on
# (point releases, security updates) does not change the key; SANDBOX_VM_REBUILD=1 refreshes.
#
# Needs root (mmdebstrap --mode=root) and the host packages of tests/vm/host-deps.sh.
#
# Internal: mmdebstrap calls back "build-image.sh --hook essential|customize ROOTFS".
set -euo pipefail
export LC_ALL=C

self="$(readlink -f -- "${BASH_SOURCE[0]}")"
here="${self%/*}"

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The initramfs must find the root disk and the 9p share without udev's help: with
# MODULES=list only these (and what they depend on) go in, and force_load loads them early.
readonly initramfs_modules=(virtio_pci virtio_blk ext4 9p 9pnet_virtio)

# Units in image/ that are copied to /etc/systemd/system and enabled.
readonly enable_units=(mnt-host.mount sandbox-vm-tests.service)

# Units that only cost boot time or fight the test run for the serial line.
readonly mask_units=(
        serial-getty@ttyS0.service getty@tty1.service getty-static.service
        apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer
        e2scrub_reap.service
)

# Generators for things this VM has not got (encrypted, verity or integrity volumes, GPT
# auto-discovery, boot counting, hibernation, offline updates). Under TCG each one costs
# a noticeable part of a second at boot and again at every daemon-reload.
readonly mask_generators=(
        systemd-bless-boot-generator systemd-cryptsetup-generator systemd-gpt-auto-generator
        systemd-hibernate-resume-generator systemd-integritysetup-generator
        systemd-veritysetup-generator systemd-system-update-generator
)

# Kernel module trees the VM never needs (no such hardware under qemu -nodefaults, or file
# systems and protocols the tests never touch): ~300 of the kernel package's 400 MB less to
# write, pack and unpack.
# Given to dpkg as path-exclude, so the files are never unpacked at all; depmod runs again
# in the customize hook. Kept on purpose: virtio, block, char, fs/{ext4,9p,overlayfs,fuse},
# net/{9p,netfilter,...}, drivers/net (veth, tun, dummy, bridge) — the project uses them.
readonly exclude_modules=(
        sound
        drivers/gpu drivers/media drivers/usb drivers/scsi drivers/ata drivers/target
        drivers/infiniband drivers/staging drivers/isdn drivers/bluetooth drivers/iio
        drivers/mtd drivers/hwmon drivers/video drivers/nfc drivers/platform
        drivers/thunderbolt drivers/mmc drivers/memstick drivers/pcmcia drivers/w1
        drivers/firewire drivers/message drivers/atm drivers/misc drivers/mfd
        drivers/input/touchscreen drivers/input/joystick drivers/input/tablet
        drivers/net/wireless drivers/net/ethernet drivers/net/usb drivers/net/can
        drivers/net/wan drivers/net/ieee802154 drivers/net/hamradio drivers/net/fddi
        net/wireless net/mac80211 net/bluetooth net/nfc net/ieee802154 net/mac802154
        net/can net/6lowpan net/atm net/rxrpc net/ceph net/sunrpc
        fs/btrfs fs/xfs fs/ocfs2 fs/gfs2 fs/nfs fs/nfsd fs/cifs fs/smb fs/ceph fs/f2fs
        fs/jfs fs/nilfs2 fs/ubifs fs/reiserfs fs/dlm fs/afs fs/coda fs/orangefs fs/ntfs3
        fs/udf
        # Loaded by udev for what "-cpu max" advertises (AES-NI, SHA, CLMUL, SVM, PowerNow):
        # under TCG those module loads kept two vCPUs busy for ~20 s after boot, slowing
        # the scenarios down. The generic C versions in crypto/ stay.
        arch/x86/crypto arch/x86/kvm drivers/crypto drivers/cpufreq virt/lib
        drivers/i2c drivers/input/mouse drivers/input/misc
)

# Put back from the trees above (dpkg path-include, given after the excludes): the DRM core
# and vgem, a virtual GEM device with a real render node (/dev/dri/renderD*) for the GPU=
# scenario. dpkg's globs match '/' too; no directory under drivers/gpu/drm starts with "drm".
readonly include_modules=(
        'drivers/gpu/drm/drm*.ko*'
        'drivers/gpu/drm/vgem/*'
)

# Documentation, manual pages, translations: nobody reads them in a test VM.
# (Quoted: these are dpkg's globs, not the shell's.)
readonly exclude_paths=(
        '/usr/share/doc/*' '/usr/share/man/*' '/usr/share/info/*' '/usr/share/locale/*'
        '/usr/share/lintian/*' '/usr/share/bash-completion/*'
)

readonly wanted_suites=(bookworm bookworm-updates bookworm-security)

# ---------------------------------------------------------------------------------------
# mmdebstrap hooks (run with the image's root directory as $1)

hook_essential() {
        local root="$1"

        # Written before linux-image-amd64 is unpacked, so the one initramfs that its
        # postinst builds is already the small one.
        mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/etc/initramfs-tools/hooks"
        printf '%s\n' 'MODULES=list' 'COMPRESS=zstd' 'RESUME=none' \
                >"$root/etc/initramfs-tools/conf.d/sandbox-vm.conf"
        # shellcheck disable=SC2016 # the $ are for the hook script, not for us
        {
                printf '#!/bin/sh\n'
                printf '# sandbox VM tests: put these modules in and load them early.\n'
                printf 'PREREQ=""\n'
                printf 'prereqs() { echo "$PREREQ"; }\n'
                printf 'case "$1" in prereqs) prereqs; exit 0;; esac\n'
                printf '. /usr/share/initramfs-tools/hook-functions\n'
                printf 'for m in %s; do force_load "$m"; done\n' "${initramfs_modules[*]}"
        } >"$root/etc/initramfs-tools/hooks/sandbox-vm"
        chmod 0755 "$root/etc/initramfs-tools/hooks/sandbox-vm"
}

hook_customize() {
        local root="$1" kver unit
        local -a kvers

        mapfile -t kvers < <(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')
        [[ ${#kvers[@]} -eq 1 ]] || die "expected one kernel in the image, found: ${kvers[*]:-none}"
        kver="${kvers[0]}"

        # The module trees left out above: rebuild modules.dep & co. for what is there.
        chroot "$root" depmod -a "$kver"
        # Again after depmod, so the initramfs and the root agree; COMPRESS=zstd needs the
        # zstd package, which apt may have configured after the kernel.
        chroot "$root" update-initramfs -u -k "$kver"

        # A fixed machine id: an empty one would make every boot a "first boot" (presets
        # applied, systemd-firstboot asking questions on the console).
        od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id"
        printf '\n' >>"$root/etc/machine-id"

        printf 'sandbox-vm\n' >"$root/etc/hostname"
        printf '127.0.0.1\tlocalhost\n127.0.1.1\tsandbox-vm\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
                >"$root/etc/hosts"

        # The journal lives in RAM: the disk is a throw-away snapshot anyway, and the runner
        # dumps the journal to the share before powering off.
        mkdir -p "$root/etc/systemd/journald.conf.d"
        printf '[Journal]\nStorage=volatile\n' >"$root/etc/systemd/journald.conf.d/sandbox-vm.conf"

        mkdir -p "$root/mnt/host"
        for unit in "${enable_units[@]}"; do
                install -m 0644 "$here/image/$unit" "$root/etc/systemd/system/$unit"
        done
        chroot "$root" systemctl enable "${enable_units[@]}"
        chroot "$root" systemctl mask "${mask_units[@]}"
        mkdir -p "$root/etc/systemd/system-generators"
        for unit in "${mask_generators[@]}"; do
                ln -sf /dev/null "$root/etc/systemd/system-generators/$unit"
        done
}

if [[ ${1:-} == --hook ]]; then
        [[ $# -eq 3 ]] || die "usage: $0 --hook essential|customize ROOTFS"
        case "$2" in
                essential) hook_essential "$3" ;;
                customize) hook_customize "$3" ;;
                *) die "unknown hook: $2" ;;
        esac
        exit 0
fi

# ---------------------------------------------------------------------------------------
# helpers

# Package names from packages.txt into the array 'packages': comments and blank lines
# dropped, each name checked against Debian's package name syntax before it goes anywhere
# near apt. (Not in a subshell, so that die() stops the build.)
read_packages() {
        local line
        packages=()
        while IFS= read -r line || [[ -n $line ]]; do
                line="${line%%#*}"
                line="${line//[[:space:]]/}"
                [[ -n $line ]] || continue
                [[ $line =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || die "packages.txt: bad package name: $line"
                packages+=("$line")
        done <"$here/packages.txt"
        [[ ${#packages[@]} -gt 0 ]] || die "packages.txt lists no packages"
}

cache_key() {
        local f
        {
                for f in "$here/packages.txt" "$self" "$here"/image/*; do
                        printf '%s\0' "${f#"$here"/}"
                        sha256sum <"$f"
                done
        } | sha256sum | cut -c1-64
}

# The host's own apt sources (one-line and deb822 files), reduced to "URI<TAB>SUITE<TAB>
# SIGNED-BY" rows for deb entries; SIGNED-BY is empty unless it names a keyring file
# (an inline key cannot be carried over to a one-line entry; the host keyrings then apply).
host_source_rows() {
        local -a files=()
        [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
        local f
        for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
                [[ -f $f ]] && files+=("$f")
        done
        [[ ${#files[@]} -gt 0 ]] || die "no apt sources on this host (/etc/apt/sources.list{,.d})"
        awk '
        function flush(   nu, ns, i, j, U, S) {
                if (deb822 && types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no") {
                        nu = split(uris, U, /[ \t]+/); ns = split(suites, S, /[ \t]+/)
                        for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
                                if (U[i] != "" && S[j] != "") print U[i] "\t" S[j] "\t" signed
                }
                types = uris = suites = signed = enabled = field = ""
        }
        FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
        deb822 && /^[ \t]*$/ { flush(); next }
        deb822 && /^#/ { next }
        deb822 && /^[ \t]/ {
                # continuation line: multi-line lists, or an inline key (not carried over)
                v = $0; sub(/^[ \t]+/, "", v)
                if (field == "uris") uris = uris " " v
                else if (field == "suites") suites = suites " " v
                else if (field == "types") types = types " " v
                else if (field == "signed-by") signed = ""
                next
        }
        deb822 && /^[A-Za-z0-9-]+:/ {
                field = tolower(substr($0, 1, index($0, ":") - 1))
                v = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
                if (field == "types") types = v
                else if (field == "uris") uris = v
                else if (field == "suites") suites = v
                else if (field == "enabled") enabled = v
                else if (field == "signed-by") signed = (v ~ /^\//) ? v : ""
                next
        }
        !deb822 {
                line = $0; sub(/#.*/, "", line)
                n = split(line, T, /[ \t]+/); k = 1
                if (T[k] == "") k++
                if (T[k] != "deb") next
                k++; sb = ""
                if (substr(T[k], 1, 1) == "[") {
                        while (k <= n) {
                                o = T[k]; gsub(/[\[\]]/, "", o)
                                if (o ~ /^signed-by=\//) sb = substr(o, 11)
                                if (T[k] ~ /\]$/) break
                                k++
                        }
                        k++
                }
                if (k + 1 <= n) print T[k] "\t" T[k + 1] "\t" sb
        }
        END { flush() }
        ' "${files[@]}"
}

# One-line sources.list for mmdebstrap: the host's archive addresses for exactly the suites
# the image needs, component main only. Every field is checked, so nothing odd from the
# host's files reaches apt's parser.
write_sources() {
        local file="$1" uri suite signed s
        local -A seen=()
        local rows
        # Collected first: a die() inside a process substitution would not stop us.
        rows="$(host_source_rows)"
        : >"$file"
        while IFS=$'\t' read -r uri suite signed; do
                for s in "${wanted_suites[@]}"; do
                        [[ $suite == "$s" ]] || continue
                        [[ $uri =~ ^(https?|file)://[A-Za-z0-9._~:/?@%+=-]+$ ]] ||
                                { log "ignoring odd archive URI in host sources: $uri"; continue; }
                        [[ -z ${seen["$uri $suite"]:-} ]] || continue
                        seen["$uri $suite"]=1
                        if [[ -n $signed && $signed =~ ^/[A-Za-z0-9._/+-]+$ && -r $signed ]]; then
                                printf 'deb [signed-by=%s] %s %s main\n' "$signed" "$uri" "$suite" >>"$file"
                        else
                                printf 'deb %s %s main\n' "$uri" "$suite" >>"$file"
                        fi
                done
        done <<<"$rows"
        for s in "${wanted_suites[@]}"; do
                grep -q " $s main\$" "$file" || die "the host's apt sources have no '$s' entry; the image needs ${wanted_suites[*]}"
        done
}

# Everything mounted below DIR (mmdebstrap mounts /proc, /sys, /dev in the chroot; it
# unmounts them itself, but a killed run may leave them): unmount before any rm -rf.
unmount_below() {
        local dir="$1" m
        local -a mnts
        mapfile -t mnts < <(awk -v p="$dir" '{ m = $5; gsub(/\\040/, " ", m)
                if (m == p || index(m, p "/") == 1) print m }' /proc/self/mountinfo | sort -r)
        for m in "${mnts[@]}"; do
                umount -l -- "$m" || log "warning: could not unmount $m"
        done
}

# ---------------------------------------------------------------------------------------
# main

[[ $# -eq 0 ]] || die "usage: $0 (no arguments; see the header for the environment)"

cache="${SANDBOX_VM_CACHE:-/var/cache/sandbox-vm}"
[[ $cache == /* ]] || die "SANDBOX_VM_CACHE must be an absolute path: $cache"
mkdir -p "$cache"

key="$(cache_key)"
image="$cache/$key"

have_image() {
        [[ -f $image/disk.qcow2 && -f $image/vmlinuz && -f $image/initrd.img ]]
}

# Fast path without the lock: the final directory only ever appears by rename, complete.
if [[ ${SANDBOX_VM_REBUILD:-0} != 1 ]] && have_image; then
        touch -- "$image" 2>/dev/null || true  # LRU order for the eviction below
        printf '%s\n' "$image"
        exit 0
fi

# One builder at a time; a second caller waits, then finds the image ready.
exec {lock_fd}>"$cache/.lock"
flock "$lock_fd"
if [[ ${SANDBOX_VM_REBUILD:-0} != 1 ]] && have_image; then
        touch -- "$image" 2>/dev/null || true  # LRU order for the eviction below
        printf '%s\n' "$image"
        exit 0
fi

[[ $EUID -eq 0 ]] || die "building the image needs root (mmdebstrap --mode=root)"

# Under the lock, a leftover build directory can only be from a builder that was killed
# before its trap ran.
for stale in "$cache"/.build.*; do
        [[ -d $stale ]] || continue
        log "removing the leftovers of an interrupted build: $stale"
        unmount_below "$stale"
        rm -rf --one-file-system -- "$stale"
done
for tool in mmdebstrap mkfs.ext4 qemu-img; do
        command -v "$tool" >/dev/null || die "$tool not found; run tests/vm/host-deps.sh"
done

# The temporary directory is inside the cache, so the final rename is atomic.
tmp="$(mktemp -d "$cache/.build.XXXXXX")"
mmdebstrap_log=""
cleanup() {
        local rc=$?
        unmount_below "$tmp"
        # --one-file-system: should an unmount have failed, never descend into it.
        rm -rf --one-file-system -- "$tmp"
        [[ $rc -eq 0 ]] || log "build failed (exit $rc)${mmdebstrap_log:+; mmdebstrap log: $mmdebstrap_log}"
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

t0=$SECONDS
read_packages
write_sources "$tmp/sources.list"
log "building image $key (${#packages[@]} packages) from:"
sed 's/^/build-image:   /' "$tmp/sources.list" >&2

include="$(IFS=,; printf '%s' "${packages[*]}")"
dpkg_opts=()
for p in "${exclude_paths[@]}"; do
        dpkg_opts+=("--dpkgopt=path-exclude=$p")
done
for m in "${exclude_modules[@]}"; do
        dpkg_opts+=("--dpkgopt=path-exclude=/lib/modules/*/kernel/$m/*")
done
for m in "${include_modules[@]}"; do
        dpkg_opts+=("--dpkgopt=path-include=/lib/modules/*/kernel/$m")
done

# The hooks call this script back; the path travels in the environment, so the hook
# command lines below are constant strings.
export SANDBOX_VM_SELF="$self"
rootfs="$tmp/rootfs"
mmdebstrap_log="$cache/build.log"
# shellcheck disable=SC2016 # the hooks' $1 and $SANDBOX_VM_SELF are for mmdebstrap's sh
if ! mmdebstrap \
        --mode=root --variant=minbase --format=directory \
        --include="$include" \
        --aptopt='Acquire::Languages "none"' \
        --aptopt='APT::Install-Recommends "false"' \
        "${dpkg_opts[@]}" \
        --essential-hook='"$SANDBOX_VM_SELF" --hook essential "$1"' \
        --customize-hook='"$SANDBOX_VM_SELF" --hook customize "$1"' \
        --skip=cleanup/reproducible \
        bookworm "$rootfs" "$tmp/sources.list" >"$mmdebstrap_log" 2>&1; then
        tail -n 40 -- "$mmdebstrap_log" >&2
        die "mmdebstrap failed"
fi
t1=$SECONDS
log "mmdebstrap: $((t1 - t0)) s"

outdir="$tmp/out"
mkdir "$outdir"
kver="$(find "$rootfs/lib/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')"
[[ -f $rootfs/boot/vmlinuz-$kver && -f $rootfs/boot/initrd.img-$kver ]] ||
        die "no kernel/initrd for '$kver' in the image"
cp "$rootfs/boot/vmlinuz-$kver" "$outdir/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$outdir/initrd.img"
{
        printf 'key %s\nbuilt %s\nkernel %s\n\n' "$key" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$kver"
        cat "$tmp/sources.list"
        printf '\n'
        dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${Package} ${Version}\n'
} >"$outdir/manifest.txt"

# Free space costs nothing in a qcow2; the tests get 2 GB to write into.
used_mb="$(du -sm -- "$rootfs" | cut -f1)"
size_mb=$((used_mb * 12 / 10 + 2048))
truncate -s "${size_mb}M" "$tmp/disk.raw"
# Inode tables and journal initialised now, not by ext4lazyinit in every booted VM.
mkfs.ext4 -q -F -L sandbox-vm -E lazy_itable_init=0,lazy_journal_init=0 \
        -d "$rootfs" "$tmp/disk.raw"
rm -rf --one-file-system -- "$rootfs"
qemu-img convert -c -O qcow2 -o compression_type=zstd "$tmp/disk.raw" "$outdir/disk.qcow2"
rm -f -- "$tmp/disk.raw"
t2=$SECONDS
log "disk: ${used_mb} MB of files, $(du -sm -- "$outdir/disk.qcow2" | cut -f1) MB qcow2, $((t2 - t1)) s"

if [[ -e $image ]]; then
        # SANDBOX_VM_REBUILD: move the old one aside first; rename keeps both steps atomic.
        mv -T -- "$image" "$tmp/old"
fi
mv -T -- "$outdir" "$image"

# Keep the three most recently used images; older recipes only cost disk.
while IFS= read -r old; do
        [[ $old != "$image" ]] && rm -rf --one-file-system -- "$old"
done < <(find "$cache" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
        -regex '.*/[0-9a-f]{64}' -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2-)

log "image ready in $((SECONDS - t0)) s: $image"
printf '%s\n' "$image"
