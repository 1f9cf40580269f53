#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# 30-launcher-limits.sh — `sandbox run` itself on a real systemd: its transient scope on the
# user's manager (in a `su -l` session) while it runs, limits from options and from a group
# policy really enforced (MemoryMax → killed, reported as out of memory with status 137;
# TasksMax → forks fail), the scope gone afterwards, and a non-member untouched.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/tap.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly member=vmmember nonmember=vmother group=vmstudents
sbx=""
for candidate in /usr/local/bin/sandbox /usr/bin/sandbox; do
        [[ -x $candidate ]] && sbx=$candidate && break
done
[[ -n $sbx ]] || { fail "sandbox is installed"; done_testing; exit 1; }

getent group "$group" >/dev/null || groupadd "$group"
for u in "$member" "$nonmember"; do
        id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
done
usermod -a -G "$group" "$member"
mkdir -p /etc/sandbox/policy.d
cleanup() { rm -f /etc/sandbox/policy.d/50-vm-students.policy; }
trap cleanup EXIT

# as USER CMD...: a real login session (pam_systemd, logind, the user's manager).
as() {
        local u=$1
        shift
        su -l "$u" -s /bin/bash -c "$(printf '%q ' "$@")"
}

# A memory hog without python in the image: a shell string that doubles until it is killed.
hogcmd=(sh -c 'x=a; while :; do x="$x$x"; done')
# 200M held at once: tail keeps a line without a newline whole.
bigcmd=(sh -c 'head -c 209715200 /dev/zero | tail -n 1 | wc -c')

out=$(as "$member" "$sbx" run --memory-max 64M -- "${hogcmd[@]}" 2>&1) && rc=0 || rc=$?
[[ $rc -eq 137 ]] && pass "--memory-max 64M: a memory hog is killed, exit 137" ||
        fail "--memory-max 64M: a memory hog is killed, exit 137" "rc=$rc" "$out"
[[ "$out" == *"out of memory: MemoryMax=64M reached"* ]] && pass "and reported as out of memory" ||
        fail "and reported as out of memory" "$out"

out=$(as "$member" "$sbx" run --tasks-max 8 -- sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & done; wait' 2>&1) && rc=0 || rc=$?
[[ "$out" == *"fork"* || "$out" == *"Resource temporarily unavailable"* || "$out" == *"Cannot"* ]] &&
        pass "--tasks-max 8: the sandbox cannot start ten more processes" ||
        fail "--tasks-max 8: the sandbox cannot start ten more processes" "rc=$rc" "$out"

# CPUQuota=20%: a busy loop of 4 s wall time gets about 0.8 s of CPU. The loop measures itself:
# utime+stime+cutime+cstime of its shell (fields 14-17 of /proc/self/stat, in clock ticks).
busy='end=$(($(date +%s) + 4)); while [ "$(date +%s)" -lt "$end" ]; do :; done; set -- $(cat /proc/$$/stat); echo $((${14} + ${15} + ${16} + ${17}))'
ticks=$(as "$member" "$sbx" run --cpu-quota 20% -- sh -c "$busy" 2>&1) || true
hz=$(getconf CLK_TCK)
if [[ $ticks =~ ^[0-9]+$ ]] && ((ticks * 100 >= hz * 4 * 10 && ticks * 100 <= hz * 4 * 32)); then
        pass "--cpu-quota 20% holds a busy loop near 20% ($ticks ticks of $((hz * 4)))"
else
        fail "--cpu-quota 20% holds a busy loop near 20%" "CPU ticks: '$ticks' of $((hz * 4)) (want 10-32%)"
fi

# The scope while it runs, and after. The sleep outlasts the checks however slow the guest is
# (a 6 s one ended before `systemctl show` on a loaded machine); the scope is stopped after.
as "$member" "$sbx" run --memory-max 100M -- sleep 120 >/dev/null 2>&1 &
runner=$!
scope=""
for _ in $(seq 50); do
        scope=$(su -l "$member" -s /bin/bash -c 'systemctl --user list-units --type=scope --no-legend "sandbox-sleep-*" 2>/dev/null' | awk '{print $1}' | head -1)
        [[ -n $scope ]] && break
        sleep 0.2
done
if [[ $scope == sandbox-sleep-*.scope ]]; then
        pass "systemctl --user shows $scope while it runs"
        props=$(su -l "$member" -s /bin/bash -c "systemctl --user show -p Slice -p Delegate -p MemoryMax '$scope'")
        [[ "$props" == *"Slice=sandbox.slice"* && "$props" == *"Delegate=yes"* && "$props" == *"MemoryMax=104857600"* ]] &&
                pass "in sandbox.slice, delegated, with MemoryMax" || fail "in sandbox.slice, delegated, with MemoryMax" "$props"
        su -l "$member" -s /bin/bash -c "systemctl --user stop '$scope'" || true
else
        fail "systemctl --user shows the sandbox's scope while it runs" "found: '$scope'"
fi
wait "$runner" || true
left=$(su -l "$member" -s /bin/bash -c 'systemctl --user list-units --type=scope --no-legend "sandbox-*" 2>/dev/null' | wc -l)
[[ $left -eq 0 ]] && pass "the scope is gone after the sandbox exits" || fail "the scope is gone after the sandbox exits" "$left left"

# A group policy: enforced for a member, not for a non-member.
cat >/etc/sandbox/policy.d/50-vm-students.policy <<'POL'
[Match]
Group=vmstudents

[Resources]
MemoryMax=64M

[Sandbox]
PrivateNetwork=yes
POL
chmod 0644 /etc/sandbox/policy.d/50-vm-students.policy
out=$(as "$member" "$sbx" run -- "${hogcmd[@]}" 2>&1) && rc=0 || rc=$?
[[ $rc -eq 137 && "$out" == *"MemoryMax=64M reached"* ]] &&
        pass "a group policy's MemoryMax=64M kills a member's hog" ||
        fail "a group policy's MemoryMax=64M kills a member's hog" "rc=$rc" "$out"
out=$(as "$member" "$sbx" run -- cat /proc/net/dev 2>&1 | awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}')
[[ "$out" == lo ]] && pass "and its PrivateNetwork=yes leaves only lo" || fail "and its PrivateNetwork=yes leaves only lo" "$out"
out=$(as "$nonmember" "$sbx" run -- "${bigcmd[@]}" 2>&1) && rc=0 || rc=$?
[[ $rc -eq 0 && "$out" == *209715200* ]] && pass "a non-member may use 200M" || fail "a non-member may use 200M" "rc=$rc" "$out"

done_testing
