#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# 00-basics.sh — is this VM the system the VM tier promises? systemd as PID 1, pure cgroup v2
# with the memory and pids controllers, limits that are really enforced, logind sessions for
# su -l, and the freshly built sandbox launcher installed and working. Runs as root inside
# the VM (tests/vm/guest-runner.sh); prints TAP.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/tap.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly test_user=vmtest

# --- systemd and cgroup v2 ------------------------------------------------------------------
pid1_is_systemd() {
        local exe
        exe="$(readlink /proc/1/exe)"
        [[ $exe == */systemd ]] || { echo "PID 1 is $exe"; return 1; }
        # sd_booted()'s test: the directory only systemd as PID 1 creates.
        [[ -d /run/systemd/system ]] || { echo "/run/systemd/system is missing"; return 1; }
}
check "systemd is PID 1" pid1_is_systemd

cgroup2_at_root() {
        local fstype
        fstype="$(stat -f -c %T /sys/fs/cgroup)"
        [[ $fstype == cgroup2fs ]] || { echo "/sys/fs/cgroup is $fstype"; return 1; }
        # Hybrid mode would also have a v2 tree at /sys/fs/cgroup/unified.
        [[ ! -e /sys/fs/cgroup/unified ]] || { echo "hybrid hierarchy: /sys/fs/cgroup/unified exists"; return 1; }
}
check "cgroup2 is mounted at /sys/fs/cgroup (unified hierarchy only)" cgroup2_at_root

has_controllers() {
        local have c
        have=" $(cat /sys/fs/cgroup/cgroup.controllers) "
        for c in "$@"; do
                [[ $have == *" $c "* ]] || { echo "controllers:$have; missing $c"; return 1; }
        done
}
check "memory and pids are in cgroup.controllers" has_controllers memory pids

# --- limits are enforced ------------------------------------------------------------------------
# tail keeps everything after the last newline, and /dev/zero has none: it grows until the
# cgroup's memory.max stops it. RuntimeMaxSec ends it should the limit not hold.
memory_max_oom_kills() {
        local unit="vm-basics-oom-$$" out rc=0
        out="$(systemd-run --wait --unit="$unit" -p MemoryMax=64M -p MemorySwapMax=0 \
                -p RuntimeMaxSec=60 /usr/bin/tail /dev/zero 2>&1)" || rc=$?
        systemctl reset-failed "$unit.service" >/dev/null 2>&1 || true
        printf '%s\n' "$out"
        [[ $rc -ne 0 ]] || { echo "the hog exited 0"; return 1; }
        grep -q '^Finished with result: oom-kill$' <<<"$out"
}
check "systemd-run -p MemoryMax=64M -p MemorySwapMax=0 on a memory hog ends in oom-kill" \
        memory_max_oom_kills

# --- the project's launcher ---------------------------------------------------------------------
# meson's default prefix is /usr/local; a distribution build uses /usr.
sandbox_bin=""
for candidate in /usr/local/bin/sandbox /usr/bin/sandbox; do
        if [[ -x $candidate ]]; then
                sandbox_bin="$candidate"
                break
        fi
done
if [[ -n $sandbox_bin ]]; then
        pass "the sandbox launcher is installed ($sandbox_bin)"
        check "sandbox run -- /bin/true exits 0 (as root)" "$sandbox_bin" run -- /bin/true
else
        fail "the sandbox launcher is installed" "neither /usr/local/bin/sandbox nor /usr/bin/sandbox"
        fail "sandbox run -- /bin/true exits 0 (as root)" "no launcher"
fi

# --- logins -------------------------------------------------------------------------------------
if ! id "$test_user" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash "$test_user"
fi

su_login_works() {
        local who
        who="$(su -l "$test_user" -c 'id -un')"
        [[ $who == "$test_user" ]] || { echo "su -l ran as '$who'"; return 1; }
}
check "su -l $test_user runs a login shell as $test_user" su_login_works

# pam_systemd (libpam-systemd) must have put the login into its own logind session scope.
su_login_gets_session_scope() {
        local cg
        cg="$(su -l "$test_user" -c 'cat /proc/self/cgroup')"
        [[ $cg =~ ^0::/user\.slice/user-[0-9]+\.slice/session-[^/]+\.scope$ ]] ||
                { echo "cgroup: $cg"; return 1; }
}
check "su -l puts the login into a logind session scope" su_login_gets_session_scope

done_testing
