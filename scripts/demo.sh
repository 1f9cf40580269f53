#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install dependencies, build and install sandbox (with its shipped default policy), then run a
# sandboxed demo as an unprivileged user: the command inside reports what it can see and do.
#
# Usage (as root on Debian 12, from the source tree): scripts/demo.sh
# As root it installs into /usr/local (meson install) and runs the demo as the user
# "sandbox-demo" (created if missing); otherwise it runs the build tree's binary as yourself.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
[[ -f build/build.ninja ]] || meson setup build >/dev/null
meson compile -C build >/dev/null

runas=()
if [[ $EUID -eq 0 ]]; then
	meson install -C build --quiet
	sbx=$(meson introspect build --installed | python3 -c 'import json,sys; print(next(v for k,v in json.load(sys.stdin).items() if k.endswith("/launcher/sandbox")))')
	id -u sandbox-demo >/dev/null 2>&1 || useradd --create-home --shell /bin/sh sandbox-demo
	runas=(setpriv --reuid=sandbox-demo --regid=sandbox-demo --init-groups --)
else
	sbx=$PWD/build/launcher/sandbox
fi
echo "== the effective policy for the demo user (sandbox policy show)"
(cd / && "${runas[@]}" "$sbx" policy show)

# The demo script runs inside the sandbox; it is passed as an argument, not built from input.
inside='
echo "inside the sandbox as $(id -un) (uid $(id -u)), host name $(hostname)"
echo "processes visible:"; ps -e -o pid,comm 2>/dev/null || ls /proc | grep -E "^[0-9]+$"
echo "capabilities:"; grep -E "^Cap(Eff|Bnd|Amb)" /proc/self/status
grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status
echo "network interfaces:"; ip -br link
echo "root directory:" $(ls /)
echo "home ($HOME): $(ls -A "$HOME" | wc -l) entries"
touch /usr/evil 2>/dev/null && echo "wrote /usr!" || echo "cannot write /usr (read-only)"
cat /etc/shadow >/dev/null 2>&1 && echo "read /etc/shadow!" || echo "no /etc/shadow here"
unshare -U true 2>/dev/null && echo "made a user namespace!" || echo "cannot make new namespaces"
'
echo "== sandbox run -- sh -c DEMO"
cd /
"${runas[@]}" "$sbx" run --hostname demo -- sh -c "$inside"
echo "== exit status of a command killed by SIGKILL inside:"
"${runas[@]}" "$sbx" run -- sh -c 'kill -KILL $$' || echo "exit status $?"
echo "== a capability outside the default policy's CapabilityBoundingSet= is refused:"
"${runas[@]}" "$sbx" run --cap-add CAP_SYS_ADMIN -- true || echo "exit status $?"
echo "== the shipped python3 profile (sandbox run python3):"
"${runas[@]}" "$sbx" run python3 -c 'import os, socket; print("python in", os.uname().nodename, "- network interfaces:", [n for _, n in socket.if_nameindex()])'
