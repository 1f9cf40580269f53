#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# 45-desktop-gpu.sh — [Desktop] GPU=yes against a real DRM render node. The host tiers have no
# /dev/dri; here the kernel's vgem (a virtual GEM device: no hardware, but a real DRM driver
# with /dev/dri/card* and /dev/dri/renderD*) provides one. An unprivileged user, given the
# render group as a desktop session's user would have it, runs a user profile with GPU=yes in
# a real login session: the render node is inside, a character device that opens read-write
# (so the bind kept device nodes usable) and answers a driver ioctl (DRM_IOCTL_VERSION, through
# tests/vm/drm-probe.c), and without GPU=yes there is no /dev/dri at all.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/tap.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly user=vmgpu outsider=vmnogpu
sbx=""
for candidate in /usr/local/bin/sandbox /usr/bin/sandbox; do
        [[ -x $candidate ]] && sbx=$candidate && break
done
[[ -n $sbx ]] || { fail "sandbox is installed"; done_testing; exit 1; }
drm_probe=""
for candidate in /usr/local/libexec/sandbox/tests/sandbox-drm-probe \
        /usr/libexec/sandbox/tests/sandbox-drm-probe; do
        [[ -x $candidate ]] && drm_probe=$candidate && break
done
[[ -n $drm_probe ]] || { fail "sandbox-drm-probe is installed"; done_testing; exit 1; }

# --- the device: vgem, and udev's nodes for it (a failure here is a failure, never a skip) ---
if ! out=$(modprobe vgem 2>&1); then
        fail "modprobe vgem" "$out" "$(uname -r): $(modinfo -n vgem 2>&1)"
        done_testing
        exit 1
fi
pass "modprobe vgem"
udevadm settle --timeout=30 || true
render=""
for n in /dev/dri/renderD*; do
        [[ -c $n ]] && render=$n && break
done
if [[ -z $render ]]; then
        fail "vgem made a render node /dev/dri/renderD*" "$(ls -l /dev/dri 2>&1)"
        done_testing
        exit 1
fi
pass "vgem made a render node ($render)"
diag "$(ls -l /dev/dri)"

# --- the user: in the render group, as logind/udev give a desktop user the GPU ---
getent group render >/dev/null || { fail "the render group exists (systemd's sysusers)"; done_testing; exit 1; }
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
usermod -a -G render "$user"
apps=/home/$user/.config/sandbox/apps
install -d -o "$user" -g "$user" "/home/$user/.config" "/home/$user/.config/sandbox" "$apps"
printf '[App]\nExec=/bin/sh\n[Desktop]\nGPU=yes\n' >"$apps/gpu-probe.profile"
printf '[App]\nExec=/bin/sh\n' >"$apps/plain-probe.profile"
chown "$user": "$apps"/*.profile

# as USER CMD...: a real login session (pam_systemd, logind, the user's manager).
as() {
        local u=$1
        shift
        su -l "$u" -s /bin/bash -c "$(printf '%q ' "$@")"
}

# The same open outside first: the user really has the access the sandbox passes on.
check "outside: $user opens $render read-write (render group)" \
        as "$user" sh -c 'exec 3<>"$1"' sh "$render"

# Inside with GPU=yes: the node is there, a character device, and opens read-write. The
# mount's options are printed too: a nodev mount would make the open fail with EACCES. (The
# open is in a subshell: a failed redirection of exec ends a POSIX shell outright.)
probe='n=$1
[ -c "$n" ] || { echo "no character device $n; /dev/dri: $(ls -l /dev/dri 2>&1)"; exit 1; }
(exec 3<>"$n") || { echo "cannot open $n read-write; $(grep " /dev/dri " /proc/self/mountinfo)"; exit 1; }
echo opened'
out=$(as "$user" "$sbx" run -- gpu-probe -c "$probe" sh "$render" 2>&1) && rc=0 || rc=$?
[[ $rc -eq 0 && $out == opened ]] &&
        pass "GPU=yes: $render is inside and opens read-write" ||
        fail "GPU=yes: $render is inside and opens read-write" "rc=$rc" "$out"
# A driver ioctl through the node from inside: DRM_IOCTL_VERSION answers with vgem's name.
out=$(as "$user" "$sbx" run -- gpu-probe -c '"$1" "$2"' sh "$drm_probe" "$render" 2>&1) && rc=0 || rc=$?
[[ $rc -eq 0 && $out == "driver=vgem "* ]] &&
        pass "GPU=yes: DRM_IOCTL_VERSION on $render inside answers ($out)" ||
        fail "GPU=yes: DRM_IOCTL_VERSION on $render inside answers driver=vgem" "rc=$rc" "$out"
out=$(as "$user" "$sbx" run -- gpu-probe -c 'grep " /dev/dri " /proc/self/mountinfo' 2>&1) || true
[[ $out == *" /dev/dri "* && $out != *nodev* ]] &&
        pass "GPU=yes: /dev/dri is mounted without nodev" ||
        fail "GPU=yes: /dev/dri is mounted without nodev" "$out"
diag "inside: $out"
out=$(as "$user" "$sbx" run -- gpu-probe -c 'ls /dev/dri | tr "\n" " "' 2>&1) || true
want=$(ls /dev/dri | tr '\n' ' ')
[[ $out == "$want" ]] && pass "GPU=yes: /dev/dri inside lists the host's nodes ($want)" ||
        fail "GPU=yes: /dev/dri inside lists the host's nodes" "want: $want" "got: $out"

# The sandbox passes on the user's access, never more: outside the render group (the node is
# 0660 root:render here) the open fails inside as it does outside.
id "$outsider" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$outsider"
oapps=/home/$outsider/.config/sandbox/apps
install -d -o "$outsider" -g "$outsider" "/home/$outsider/.config" \
        "/home/$outsider/.config/sandbox" "$oapps"
install -m 0644 -o "$outsider" -g "$outsider" "$apps/gpu-probe.profile" "$oapps/"
out=$(as "$outsider" sh -c 'exec 3<>"$1" && echo opened' sh "$render" 2>&1) || true
[[ $out != *opened* ]] && pass "outside: $outsider, not in the render group, cannot open $render" ||
        fail "outside: $outsider, not in the render group, cannot open $render" "$(ls -l "$render")"
out=$(as "$outsider" "$sbx" run -- gpu-probe -c "$probe" sh "$render" 2>&1) && rc=0 || rc=$?
[[ $rc -ne 0 && $out == *"Permission denied"*"cannot open $render"* ]] &&
        pass "GPU=yes for $outsider: the node is inside but does not open" ||
        fail "GPU=yes for $outsider: the node is inside but does not open" "rc=$rc" "$out"

# Without GPU=yes, and with it taken away by -p GPU=no: no /dev/dri.
absent='[ -e /dev/dri ] && echo present || echo absent'
out=$(as "$user" "$sbx" run -- plain-probe -c "$absent" 2>&1) || true
[[ $out == absent ]] && pass "GPU unset: no /dev/dri inside" ||
        fail "GPU unset: no /dev/dri inside" "$out"
out=$(as "$user" "$sbx" run -p GPU=no -- gpu-probe -c "$absent" 2>&1) || true
[[ $out == absent ]] && pass "-p GPU=no: no /dev/dri inside" ||
        fail "-p GPU=no: no /dev/dri inside" "$out"

done_testing
