#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# 35-enter-scope.sh — `sandbox enter` on a real systemd: in a `su -l` session (a login shell in
# session-N.scope, the sandbox's scope under user@UID.service), the entered command lands in
# the sandbox's scope (cgroup_join() asks the user manager, AttachProcessesToUnit, when it may
# not move itself), so the scope's limits bind it too; `sandbox stop` ends the sandbox. (No
# memory hog here: with OOMPolicy=stop an OOM kill would stop the whole scope.)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/tap.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly user=vmenter
sbx=""
for candidate in /usr/local/bin/sandbox /usr/bin/sandbox; do
        [[ -x $candidate ]] && sbx=$candidate && break
done
[[ -n $sbx ]] || { fail "sandbox is installed"; done_testing; exit 1; }
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"

# One login session does it all: start, wait until listed, enter, stop.
script='sbx=$1
"$sbx" run --name vmt --memory-max 64M -- sleep 1000 &
m=$!
for _ in $(seq 100); do "$sbx" ps | grep -q "^vmt " && break; sleep 0.2; done
echo "scope=$("$sbx" ps --json | grep -o "\"scope\": \"[^\"]*\"")"
echo "cgroup=$("$sbx" enter vmt -- cat /proc/self/cgroup 2>&1)"
"$sbx" stop vmt
wait $m
echo "rc=$?"'
out=$(su -l "$user" -s /bin/bash -c "$(printf '%q ' bash -c "$script" _ "$sbx")" 2>&1) || true

[[ "$out" == *'scope="sandbox-sleep-'* || "$out" == *'"scope": "sandbox-sleep-'* ]] &&
        pass "ps --json names the sandbox's scope" || fail "ps --json names the sandbox's scope" "$out"
[[ "$out" == *$'cgroup=0::/\n'* ]] && pass "enter: the command is in the sandbox's scope" ||
        fail "enter: the command is in the sandbox's scope" "$out"
[[ "$out" == *"rc=143"* ]] && pass "stop: the sandbox ends with SIGTERM's status" ||
        fail "stop: the sandbox ends with SIGTERM's status" "$out"
done_testing
