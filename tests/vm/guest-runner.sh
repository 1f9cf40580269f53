#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# guest-runner.sh — runs INSIDE the test VM, as ExecStart of sandbox-vm-tests.service
# (tests/vm/image/). The host (run-vm-tests.sh) puts it on the 9p share at /mnt/host with:
#   dest/        the project installed with DESTDIR (meson install), copied into / first
#   dest.files   the paths under dest/, one per line
#   scenarios/   tests/vm/scenarios: every *.sh there is run in order, as root
#   results/     written here: tap.txt (the merged TAP lines), <scenario>.stderr,
#                journal.txt, and last of all "exit" holding "SANDBOX-VM-EXIT <status>"
#
# Each scenario prints TAP. This script renumbers the test lines into one stream (prefixing
# the scenario name), adds one line per scenario for its exit status and plan, and writes
# every line both to results/tap.txt and to stdout, which the unit sends to ttyS0 — the
# host's console log — so a hang still shows how far the run got. The plan line is the
# host's job: it alone knows whether the run finished.
#
# The unit powers the VM off when this script exits (SuccessAction/FailureAction).
set -euo pipefail
export LC_ALL=C

readonly share=/mnt/host
readonly results="$share/results"
readonly tap="$results/tap.txt"
# One scenario may not take the whole VM budget; the host's own timeout is the backstop.
readonly scenario_timeout="${SANDBOX_VM_SCENARIO_TIMEOUT:-300}"

n=0       # TAP lines emitted so far
failed=0  # not-ok lines (TODO excepted) emitted so far

emit() {
        printf '%s\n' "$1" >>"$tap"
        printf '%s\n' "$1"
}

result() { # result OK|NOTOK DESCRIPTION
        n=$((n + 1))
        if [[ $1 == OK ]]; then
                emit "ok $n - $2"
        else
                emit "not ok $n - $2"
                failed=$((failed + 1))
        fi
}

diag_file() { # print a file as TAP comments, at most 40 lines
        local line
        [[ -s $1 ]] || return 0
        while IFS= read -r line; do
                emit "#   $line"
        done < <(tail -n 40 -- "$1")
}

finish() {
        local rc=$?
        [[ $rc -ne 0 ]] || [[ $failed -eq 0 ]] || rc=1
        journalctl -b --no-pager -o short-monotonic >"$results/journal.txt" 2>&1 || true
        printf 'SANDBOX-VM-EXIT %d\n' "$rc" >"$results/exit"
        printf 'SANDBOX-VM-EXIT %d\n' "$rc"
        sync
        exit "$rc"
}
trap finish EXIT

: >"$tap"
emit "# guest: $(uname -r), $(systemctl --version | head -n 1), up $(cut -d' ' -f1 /proc/uptime) s"

# Boot is "finished" before udev has worked through the coldplug events; let it, so the
# scenarios do not share two emulated CPUs with module loading (and timings are steadier).
settle_start=$SECONDS
udevadm settle --timeout=60 || emit "# udevadm settle timed out after 60 s"
emit "# udev settled in $((SECONDS - settle_start)) s"

# --- install the staged build -------------------------------------------------------------
# Top level entry by entry: copying "dest/." onto / would also give / the staging directory's
# mode, and cp refuses to put a directory over a symlink such as /lib -> usr/lib (merged
# /usr), so an existing directory gets the contents copied into it instead.
# (Called in an if, where set -e does not apply: every step checks its own status.)
install_staged() {
        local entry name
        local -a entries
        shopt -s nullglob dotglob
        entries=("$share/dest"/*)
        shopt -u nullglob dotglob
        for entry in "${entries[@]}"; do
                name="${entry##*/}"
                if [[ -d $entry && ! -L $entry && -d /$name ]]; then
                        cp -a -- "$entry/." "/$name/" || return 1
                else
                        cp -a -- "$entry" / || return 1
                fi
        done
        # Only when the install brought libraries or units: under TCG a daemon-reload (which
        # reruns every generator) costs seconds. The host lists the staged files in
        # dest.files, one read instead of walking the tree over 9p (slow in the guest).
        if grep -Eq '\.so(\.[0-9]+)*$' "$share/dest.files"; then
                ldconfig || return 1
        fi
        if grep -q '/systemd/' "$share/dest.files"; then
                systemctl daemon-reload || return 1
        fi
}
if install_staged >"$results/guest-install.log" 2>&1; then
        result OK "install the staged build into /"
else
        result NOTOK "install the staged build into /"
        diag_file "$results/guest-install.log"
fi

# --- the scenarios ------------------------------------------------------------------------
run_scenario() {
        local script="$1" name line status desc rc plan="" seen=0 errs=0
        name="${script##*/}"
        name="${name%.sh}"
        local out="$results/$name.rc" err="$results/$name.stderr"

        emit "# scenario $name"
        while IFS= read -r line; do
                if [[ $line =~ ^(not\ )?ok([[:space:]]+[0-9]+)?([[:space:]]+-)?([[:space:]]+(.*))?$ ]]; then
                        status="${BASH_REMATCH[1]}ok"
                        desc="${BASH_REMATCH[5]}"
                        seen=$((seen + 1))
                        n=$((n + 1))
                        emit "$status $n - $name: $desc"
                        if [[ $status == "not ok" && ! $desc =~ \#[[:space:]]*[Tt][Oo][Dd][Oo] ]]; then
                                failed=$((failed + 1))
                                errs=$((errs + 1))
                        fi
                elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
                        plan="${BASH_REMATCH[1]}"
                elif [[ $line == \#* ]]; then
                        emit "$line"
                elif [[ $line == "Bail out!"* ]]; then
                        result NOTOK "$name: ${line}"
                        errs=$((errs + 1))
                elif [[ -n $line ]]; then
                        emit "# $name: $line"
                fi
        done < <(
                rc=0
                cd /root
                timeout --kill-after=10 "$scenario_timeout" bash "$script" 2>"$err" </dev/null || rc=$?
                printf '%d\n' "$rc" >"$out"
        )
        # Wait for the process substitution, so its exit status file is complete.
        wait "$!" 2>/dev/null || true
        rc="$(cat -- "$out" 2>/dev/null || printf 'missing')"

        if [[ $rc == 124 || $rc == 137 ]]; then
                result NOTOK "$name: finished (timed out after ${scenario_timeout} s)"
        elif [[ $rc != 0 ]]; then
                result NOTOK "$name: exit status 0 (got $rc)"
        elif [[ -z $plan ]]; then
                result NOTOK "$name: printed a plan (none seen)"
        elif [[ $plan -ne $seen ]]; then
                result NOTOK "$name: ran its plan of $plan tests (saw $seen)"
        else
                result OK "$name: exit status 0, $seen of $plan tests run"
        fi
        if [[ $rc != 0 || $errs -gt 0 ]]; then
                emit "# $name stderr (last 40 lines):"
                diag_file "$err"
        fi
}

shopt -s nullglob
scenarios=("$share"/scenarios/*.sh)
shopt -u nullglob
if [[ ${#scenarios[@]} -eq 0 ]]; then
        result NOTOK "found scenarios in $share/scenarios"
fi
for s in "${scenarios[@]}"; do
        run_scenario "$s"
done
