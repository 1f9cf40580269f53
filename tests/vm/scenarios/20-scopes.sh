#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# 20-scopes.sh — lib/cgroup against a real systemd: transient, delegated scopes with limits on
# the system manager (as root) and on a user's manager (su -l, and runuser -l, whose PAM stack has
# no pam_systemd and so no $XDG_RUNTIME_DIR), limits that are really enforced (MemoryMax → OOM
# kill that scope_oom_killed() reports, TasksMax → the 8th fork fails), scopes that are gone
# afterwards, drop-in prefixes that select one app, the cgroupfs fallback inside a delegated
# cgroup, its fail-closed refusals, and limits on a user's slice. Runs as root inside the VM
# (tests/vm/guest-runner.sh); drives the library through tests/vm/scope-probe.c; prints TAP.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/tap.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly test_user=vmtest
readonly hog_mib=512 # far above the 64M limit, far below the VM's 2 GB

probe=""
for candidate in /usr/local/libexec/sandbox/tests/sandbox-scope-probe \
        /usr/libexec/sandbox/tests/sandbox-scope-probe; do
        if [[ -x $candidate ]]; then
                probe="$candidate"
                break
        fi
done
if [[ -z $probe ]]; then
        fail "the scope probe is installed" "no sandbox-scope-probe under /usr/local/libexec or /usr/libexec"
        done_testing
        exit 1
fi
pass "the scope probe is installed ($probe)"

if ! id "$test_user" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash "$test_user"
fi
test_uid="$(id -u "$test_user")"

work="$(mktemp -d /tmp/20-scopes.XXXXXX)"
chmod 0755 "$work"
hold_pid=""
dropins_made=0
readonly dropin_app='/run/systemd/system/sandbox-gnome\x2dcalculator-.scope.d'
readonly dropin_other='/run/systemd/system/sandbox-gnome-.scope.d'

cleanup() {
        exec 7>&- 2>/dev/null || true
        if [[ -n $hold_pid ]]; then
                kill "$hold_pid" 2>/dev/null || true
                wait "$hold_pid" 2>/dev/null || true
        fi
        if [[ $dropins_made -eq 1 ]]; then
                rm -rf -- "$dropin_app" "$dropin_other"
                systemctl daemon-reload || true
        fi
        if [[ -L /run/systemd/system/user@.service.d/sandbox-delegate.conf ]]; then
                rm -f /run/systemd/system/user@.service.d/sandbox-delegate.conf
                systemctl daemon-reload || true
        fi
        systemctl revert "user-$test_uid.slice" >/dev/null 2>&1 || true
        loginctl disable-linger "$test_user" 2>/dev/null || true
        rm -rf -- "$work"
}
trap cleanup EXIT

# --- helpers ---------------------------------------------------------------------------------
q() { printf '%q ' "$@"; } # words for a su -c command line

as_user() { su -l "$test_user" -c "$*"; }

field() { # FILE KEY: the value of the probe's "KEY=..." line
        sed -n "s/^$2=//p" -- "$1" | head -n 1
}

wait_for() { # SECONDS COMMAND...: retry until it succeeds
        local deadline=$((SECONDS + $1))
        shift
        until "$@"; do
                [[ $SECONDS -lt $deadline ]] || return 1
                sleep 0.2
        done
}

has_line() { grep -q -- "$2" "$1" 2>/dev/null; }

# start_hold NAME root|user PROBE-ARGS...: the probe enters its scope and holds it until
# check_stop_hold.
# Sets hold_out (its output file) and hold_pid.
start_hold() {
        local name="$1" who="$2" fifo
        shift 2
        fifo="$work/$name.ctl"
        hold_out="$work/$name.out"
        hold_err="$work/$name.err"
        mkfifo "$fifo"
        if [[ $who == root ]]; then
                "$probe" "$@" hold <"$fifo" >"$hold_out" 2>"$hold_err" &
        else
                su -l "$test_user" -c "exec $(q "$probe" "$@") hold" <"$fifo" >"$hold_out" 2>"$hold_err" &
        fi
        hold_pid=$!
        exec 7>"$fifo" # the probe holds until this closes
        hold_settled() { has_line "$hold_out" '^transient=' || ! kill -0 "$hold_pid" 2>/dev/null; }
        wait_for 60 hold_settled || true
        if ! has_line "$hold_out" '^transient='; then
                exec 7>&-
                wait "$hold_pid" || true
                hold_pid=""
                return 1
        fi
}

# check_stop_hold DESCRIPTION: end the holding probe, ok if it exits 0. Not through check():
# that runs its command in a subshell, which can neither close our end of the fifo nor wait.
check_stop_hold() {
        local rc=0
        exec 7>&-
        wait "$hold_pid" || rc=$?
        hold_pid=""
        if [[ $rc -eq 0 ]]; then
                pass "$1"
        else
                fail "$1" "exit status $rc" "$(cat -- "$hold_err")"
        fi
}

# expect_props SHOW-OUTPUT KEY=VALUE...: every pair is in systemctl show's output
expect_props() {
        local out="$1" pair bad=0
        shift
        for pair in "$@"; do
                if ! grep -qxF -- "$pair" <<<"$out"; then
                        echo "missing $pair"
                        bad=1
                fi
        done
        [[ $bad -eq 0 ]] || { echo "systemctl show said:"; echo "$out"; return 1; }
}

expect_file() { # PATH CONTENT
        local got
        got="$(cat -- "$1")" || return 1
        [[ $got == "$2" ]] || { echo "$1: '$got', want '$2'"; return 1; }
}

readonly props=(-p Delegate -p Slice -p MemoryMax -p MemoryHigh -p TasksMax
        -p CPUQuotaPerSecUSec -p CPUWeight -p IOWeight -p CollectMode)
readonly limits=(MemoryMax=64M MemoryHigh=48M TasksMax=8 CPUQuota=50% CPUWeight=50 IOWeight=200)
readonly want_props=(Delegate=yes Slice=sandbox.slice MemoryMax=67108864 MemoryHigh=50331648
        TasksMax=8 CPUQuotaPerSecUSec=500ms CPUWeight=50 IOWeight=200
        CollectMode=inactive-or-failed)

check_cgroup_files() { # CGROUP-PATH
        local d="/sys/fs/cgroup$1"
        expect_file "$d/memory.max" 67108864 &&
                expect_file "$d/memory.high" 50331648 &&
                expect_file "$d/pids.max" 8 &&
                expect_file "$d/cpu.max" "50000 100000" &&
                expect_file "$d/cpu.weight" 50 &&
                grep -qx 'default 200' "$d/io.weight"
}

# ===== the system manager (root) ===============================================================
if start_hold system root --app scopes "${limits[@]}"; then
        unit="$(field "$hold_out" unit)"
        cg="$(field "$hold_out" cgroup)"
        check "root: the probe is in a transient scope $unit" \
                test "$(field "$hold_out" transient)" = yes
        check "root: systemctl status shows the scope while it runs" systemctl status --no-pager -- "$unit"
        check "root: the scope has Delegate=yes, Slice=sandbox.slice and the limits" \
                expect_props "$(systemctl show "${props[@]}" -- "$unit")" "${want_props[@]}"
        check "root: the scope's cgroup files hold the limits" check_cgroup_files "$cg"
        check "root: the scope's cgroup is $(printf '%s' "$cg")" \
                test "$cg" = "/sandbox.slice/$unit"
        check "root: the probe's process is in the scope's cgroup" \
                grep -qx "$hold_pid" "/sys/fs/cgroup$cg/cgroup.procs"
        check_stop_hold "root: the probe ends cleanly"
        scope_gone() { [[ $(systemctl show -p LoadState --value -- "$unit") == not-found ]]; }
        check "root: the scope is gone once its process exited" wait_for 15 scope_gone
        check "root: its cgroup is gone too" wait_for 15 test ! -e "/sys/fs/cgroup$cg"
else
        fail "root: the probe enters a transient scope on the system manager" "$(cat -- "$hold_err")"
fi

run_probe() { # OUTFILE PROBE-ARGS...: runs the probe as root, output in OUTFILE
        local out="$1"
        shift
        "$probe" "$@" >"$out" 2>&1
}

oom_reported() { # OUTFILE
        has_line "$1" '^child=killed 9$' && has_line "$1" '^oom_killed=yes$'
}

check "root: MemoryMax=64M: a ${hog_mib}M hog is OOM-killed and scope_oom_killed() says so" \
        run_probe "$work/root-hog.out" --app scopes MemoryMax=64M hog "$hog_mib"
diag "$(cat -- "$work/root-hog.out")"
unit="$(field "$work/root-hog.out" unit)"
if [[ -n $unit ]]; then
        oom_scope_gone() { [[ $(systemctl show -p LoadState --value -- "$unit") == not-found ]]; }
        check "root: the OOM-killed scope is collected (not left failed)" wait_for 15 oom_scope_gone
fi
check "root: TasksMax=8: forks 1-7 work, the 8th fails with EAGAIN" \
        run_probe "$work/root-forks.out" --app scopes TasksMax=8 forks 8
check "root: without limits the sandbox still gets a scope of its own" \
        run_probe "$work/root-none.out" --app scopes none
check "root: ... a transient one" has_line "$work/root-none.out" '^transient=yes$'

# --- drop-ins: "sandbox-<escaped app>-.scope.d/" selects one app ------------------------------
mkdir -p -- "$dropin_app" "$dropin_other"
dropins_made=1
printf '[Unit]\nDocumentation=https://example.invalid/app\n' >"$dropin_app/50-vmtest.conf"
printf '[Unit]\nDocumentation=https://example.invalid/other\n' >"$dropin_other/50-vmtest.conf"
systemctl daemon-reload
if start_hold dropin root --app gnome-calculator; then
        unit="$(field "$hold_out" unit)"
        check "drop-ins: the unit name escapes the app: $unit" \
                grep -q '^sandbox-gnome\\x2dcalculator-[0-9a-f]\{16\}\.scope$' <<<"$unit"
        # Documentation=, because systemctl show shell-quotes DropInPaths= ("\x2d" → "\\x2d").
        docs="$(systemctl show -p Documentation --value -- "$unit")"
        check "drop-ins: sandbox-gnome\\x2dcalculator-.scope.d/ applies" \
                grep -qF 'https://example.invalid/app' <<<"$docs"
        other_not_applied() {
                echo "Documentation=$docs"
                ! grep -qF 'https://example.invalid/other' <<<"$docs"
        }
        check "drop-ins: sandbox-gnome-.scope.d/ (another app's) does not" other_not_applied
        check_stop_hold "drop-ins: the probe ends cleanly"
else
        fail "drop-ins: the probe enters a scope for gnome-calculator" "$(cat -- "$hold_err")"
fi
rm -rf -- "$dropin_app" "$dropin_other"
systemctl daemon-reload
dropins_made=0

# --- the cgroupfs fallback (root) -------------------------------------------------------------
# Inside a delegated scope of its own the probe is alone in its cgroup: the fallback can enable
# the controllers and make a limited child.
fs_in_scope() { # OUTFILE PROBE-ARGS...: the probe under systemd-run --scope -p Delegate=yes
        local out="$1"
        shift
        systemd-run --quiet --scope -p Delegate=yes -- "$probe" "$@" >"$out" 2>&1
}
check "root cgroupfs: under systemd-run --scope -p Delegate=yes, the hog is OOM-killed and reported" \
        fs_in_scope "$work/root-fs-hog.out" --cgroupfs --app scopes MemoryMax=64M hog "$hog_mib"
diag "$(cat -- "$work/root-fs-hog.out")"
fs_done() { has_line "$1" '^transient=no$' && has_line "$1" '^removed=yes$'; }
check "root cgroupfs: ... it was no transient unit, and its child cgroup was removed" \
        fs_done "$work/root-fs-hog.out"
check "root cgroupfs: TasksMax=8: the 8th fork fails" \
        fs_in_scope "$work/root-fs-forks.out" --cgroupfs --app scopes TasksMax=8 forks 8

# In the test service's own cgroup other processes live: cgroup v2 forbids enabling controllers
# there, so the fallback must refuse (and leave nothing behind) rather than run unlimited.
refuses_crowded() {
        local rc=0 out own
        out="$("$probe" --cgroupfs --app scopes MemoryMax=64M none 2>&1)" || rc=$?
        echo "$out"
        [[ $rc -eq 2 ]] || { echo "exit status $rc, want 2"; return 1; }
        grep -q 'other processes live in that cgroup' <<<"$out" || return 1
        own="$(sed -n 's/^0:://p' /proc/self/cgroup)"
        if compgen -G "/sys/fs/cgroup$own/sandbox-*" >/dev/null; then
                echo "left behind: $(ls -d "/sys/fs/cgroup$own"/sandbox-*)"
                return 1
        fi
}
check "root cgroupfs: refuses a cgroup shared with other processes, leaves nothing behind" refuses_crowded

# ===== a user's manager ========================================================================
# Lingering keeps the user's manager running between the logins below (and gives runuser -l,
# which has no session of its own, a manager to find).
loginctl enable-linger "$test_user"
user_manager_up() { systemctl is-active --quiet "user@$test_uid.service"; }
check "user: $test_user's manager runs (linger)" wait_for 60 user_manager_up

if start_hold user user --app scopes "${limits[@]}"; then
        unit="$(field "$hold_out" unit)"
        cg="$(field "$hold_out" cgroup)"
        check "su -l: the probe is in a transient scope $unit of the user manager" \
                test "$cg" = "/user.slice/user-$test_uid.slice/user@$test_uid.service/sandbox.slice/$unit"
        check "su -l: systemctl --user status shows the scope while it runs" \
                as_user "systemctl --user status --no-pager -- $(q "$unit")"
        check "su -l: the scope has Delegate=yes, Slice=sandbox.slice and the limits" \
                expect_props "$(as_user "systemctl --user show $(q "${props[@]}") -- $(q "$unit")")" \
                "${want_props[@]}"
        check "su -l: the scope's cgroup files hold the limits" check_cgroup_files "$cg"
        check_stop_hold "su -l: the probe ends cleanly"
        user_scope_gone() {
                [[ $(as_user "systemctl --user show -p LoadState --value -- $(q "$unit")") == not-found ]]
        }
        check "su -l: the scope is gone once its process exited" wait_for 20 user_scope_gone
else
        fail "su -l: the probe enters a transient scope on the user manager" "$(cat -- "$hold_err")"
fi

user_probe() { # OUTFILE PROBE-ARGS...
        local out="$1"
        shift
        as_user "$(q "$probe" "$@")" >"$out" 2>&1
}
check "su -l: MemoryMax=64M: the hog is OOM-killed and scope_oom_killed() says so" \
        user_probe "$work/user-hog.out" --app scopes MemoryMax=64M hog "$hog_mib"
diag "$(cat -- "$work/user-hog.out")"
check "su -l: TasksMax=8: the 8th fork fails" \
        user_probe "$work/user-forks.out" --app scopes TasksMax=8 forks 8

runuser_probe() {
        local out="$1"
        shift
        runuser -l "$test_user" -c "$(q "$probe" "$@")" >"$out" 2>&1
}
check "runuser -l (no \$XDG_RUNTIME_DIR): TasksMax=8 through the user manager's private socket" \
        runuser_probe "$work/runuser-forks.out" --app scopes TasksMax=8 forks 8
check "runuser -l: ... in a transient scope" has_line "$work/runuser-forks.out" '^transient=yes$'
diag "$(cat -- "$work/runuser-forks.out")"

# The fallback as the user: the login's session scope belongs to root (not delegated), so a
# limited sandbox must be refused there; inside a delegated scope of the user's own it works.
user_refused_undelegated() {
        local rc=0 out
        out="$(as_user "$(q "$probe" --cgroupfs --app scopes MemoryMax=64M none)" 2>&1)" || rc=$?
        echo "$out"
        [[ $rc -eq 2 ]] && grep -q 'not delegated' <<<"$out"
}
check "su -l cgroupfs: refused in the root-owned session scope (not delegated)" user_refused_undelegated
user_fs_probe() {
        local out="$1"
        shift
        as_user "systemd-run --user --quiet --scope -p Delegate=yes -- $(q "$probe" "$@")" >"$out" 2>&1
}
check "su -l cgroupfs: under systemd-run --user --scope -p Delegate=yes, the hog is OOM-killed and reported" \
        user_fs_probe "$work/user-fs-hog.out" --cgroupfs --app scopes MemoryMax=64M hog "$hog_mib"
diag "$(cat -- "$work/user-fs-hog.out")"
check "su -l cgroupfs: ... and the child cgroup was removed" has_line "$work/user-fs-hog.out" '^removed=yes$'
check "su -l cgroupfs: TasksMax=8: the 8th fork fails" \
        user_fs_probe "$work/user-fs-forks.out" --cgroupfs --app scopes TasksMax=8 forks 8

# Without the project's user@.service drop-in, Debian's user manager gets no io controller:
# systemd would accept IOWeight= and enforce nothing, so the library must refuse. The drop-in is
# masked for the user manager's next start by a /dev/null symlink of the same name in /run.
readonly delegate_mask=/run/systemd/system/user@.service.d/sandbox-delegate.conf
restart_user_manager() {
        systemctl daemon-reload
        systemctl restart "user@$test_uid.service"
}
io_refused() {
        local rc=0 out
        out="$(as_user "$(q "$probe" --app scopes IOWeight=100 none)" 2>&1)" || rc=$?
        echo "$out"
        [[ $rc -eq 2 ]] || { echo "exit status $rc, want 2"; return 1; }
        grep -q 'not delegated the io controller' <<<"$out"
}
mkdir -p "${delegate_mask%/*}"
ln -sf /dev/null "$delegate_mask"
if restart_user_manager && wait_for 60 user_manager_up; then
        check "su -l: a user manager without the io controller: IOWeight= is refused, not ignored" \
                io_refused
else
        fail "su -l: restart the user manager without the io controller"
fi
rm -f -- "$delegate_mask"
rmdir --ignore-fail-on-non-empty -- "${delegate_mask%/*}"
restart_user_manager || true

# ===== slice limits (what pam_sandbox does) ====================================================
slice="user-$test_uid.slice"
check "slice: SetUnitProperties(runtime) puts MemoryMax=1G TasksMax=100 on $slice" \
        "$probe" MemoryMax=1G TasksMax=100 slice "$slice"
check "slice: systemctl show $slice has them" \
        expect_props "$(systemctl show -p MemoryMax -p TasksMax -- "$slice")" \
        MemoryMax=1073741824 TasksMax=100
slice_files() {
        expect_file "/sys/fs/cgroup/user.slice/$slice/memory.max" 1073741824 &&
                expect_file "/sys/fs/cgroup/user.slice/$slice/pids.max" 100
}
check "slice: they are in its cgroup" slice_files
slice_runtime_only() {
        systemctl show -p DropInPaths --value -- "$slice" | grep -q '/run/systemd/system.control/'
}
check "slice: they are runtime-only (a drop-in below /run)" slice_runtime_only
systemctl revert "$slice" >/dev/null 2>&1 || true

done_testing
