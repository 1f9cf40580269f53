#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run-vm-tests.sh BUILD_DIR SOURCE_DIR — the VM test tier (meson: suite 'vm', protocol tap).
#
# Boots a real Debian 12 with systemd as PID 1 on pure cgroup v2 under qemu (TCG: there is
# no KVM on these machines) with the project freshly installed from BUILD_DIR, runs every
# tests/vm/scenarios/*.sh inside, and prints their TAP on stdout. Everything else (progress,
# image build) goes to stderr; the run's files are kept in BUILD_DIR/meson-logs/vm/:
# console.log (ttyS0), qemu.log, meson-install.log, guest-install.log, tap.txt, journal.txt,
# <scenario>.stderr.
#
# It never skips (exit 77): a tier that silently does not run is worse than a red one. No
# qemu, no image, no result: it fails, and says why.
#
# Environment:
#   SANDBOX_VM_TIMEOUT   seconds the VM may run, boot to power-off (default 600)
#   SANDBOX_VM_CACHE, SANDBOX_VM_REBUILD   see build-image.sh
#
# Host packages: tests/vm/host-deps.sh. Building the image (first run) needs root.
set -euo pipefail
export LC_ALL=C

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"

# --- TAP output (stdout) -------------------------------------------------------------------
n=0           # test lines printed
failed=0      # not-ok lines printed
planned=0     # 1 once the plan line is out

tap_ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
tap_not_ok() { n=$((n + 1)); failed=$((failed + 1)); printf 'not ok %d - %s\n' "$n" "$1"; }
tap_comment_file() { # FILE PREFIX LINES: a file's tail as TAP comments, control characters dropped
        [[ -s $1 ]] || return 0
        tail -n "$3" -- "$1" | tr -d '\r' | sed -e 's/[^[:print:]\t]//g' -e "s/^/# $2/"
}
tap_plan() { printf '1..%d\n' "$n"; planned=1; }

log() { printf 'run-vm-tests: %s\n' "$*" >&2; }

# --- cleanup ------------------------------------------------------------------------------------
qemu_pid=""
work=""

stop_qemu() {
        local i
        [[ -n $qemu_pid ]] || return 0
        if kill -0 "$qemu_pid" 2>/dev/null; then
                kill -TERM "$qemu_pid" 2>/dev/null || true
                for ((i = 0; i < 50; i++)); do
                        kill -0 "$qemu_pid" 2>/dev/null || break
                        sleep 0.2
                done
                kill -KILL "$qemu_pid" 2>/dev/null || true
        fi
        wait "$qemu_pid" 2>/dev/null || true
        qemu_pid=""
}

on_exit() {
        local rc=$?
        stop_qemu
        # Whatever went wrong, meson gets a well-formed TAP stream that fails.
        if [[ $planned -eq 0 ]]; then
                tap_not_ok "run-vm-tests.sh finished (stopped early, exit status $rc)"
                tap_plan
                [[ $rc -ne 0 ]] || rc=1
        fi
        if [[ -n $work ]]; then
                rm -rf --one-file-system -- "$work"
        fi
        # Exit status 77 would read as "skipped" to meson's exitcode protocol and to people.
        [[ $rc -ne 77 ]] || rc=1
        exit "$rc"
}
trap on_exit EXIT
trap 'exit 1' INT TERM HUP

fail_now() { # REASON [FILE]: a single failing test, the file's tail as comments
        tap_not_ok "$1"
        [[ $# -lt 2 ]] || tap_comment_file "$2" "" 40
        tap_plan
        exit 1
}

# --- arguments and tools --------------------------------------------------------------------
[[ $# -eq 2 ]] || fail_now "usage: run-vm-tests.sh BUILD_DIR SOURCE_DIR"
[[ -d $1 && -d $2 ]] || fail_now "BUILD_DIR and SOURCE_DIR must be directories: '$1' '$2'"
build_dir="$(cd -- "$1" && pwd)"
source_dir="$(cd -- "$2" && pwd)"
timeout_s="${SANDBOX_VM_TIMEOUT:-600}"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || fail_now "SANDBOX_VM_TIMEOUT must be a number of seconds: $timeout_s"

for tool in qemu-system-x86_64 meson timeout; do
        command -v "$tool" >/dev/null ||
                fail_now "$tool is available (install the host packages: tests/vm/host-deps.sh)"
done

log_dir="$build_dir/meson-logs/vm"
mkdir -p "$log_dir"
find "$log_dir" -mindepth 1 -maxdepth 1 -type f -delete

# --- image ------------------------------------------------------------------------------------
t0=$SECONDS
if ! image_dir="$("$here/build-image.sh")"; then
        fail_now "build the VM image (tests/vm/build-image.sh; its messages are on stderr)"
fi
t_image=$((SECONDS - t0))

# --- the share: staged install, scenarios, runner, results -------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/sandbox-vm.XXXXXX")"
share="$work/share"
mkdir -p "$share/dest" "$share/results"
# The guest copies dest/* into / with cp -a: modes here become modes there.
chmod 0755 "$work" "$share" "$share/dest"

if ! DESTDIR="$share/dest" meson install -C "$build_dir" >"$log_dir/meson-install.log" 2>&1; then
        fail_now "meson install into the staging directory" "$log_dir/meson-install.log"
fi
find "$share/dest" -mindepth 1 -printf '/%P\n' >"$share/dest.files"
# SANDBOX_VM_SCENARIOS: another directory of scenarios (bench/vm-scope.sh uses it for a
# measurement that is never a test); it must hold lib/ as tests/vm/scenarios does.
cp -R -- "${SANDBOX_VM_SCENARIOS:-$source_dir/tests/vm/scenarios}" "$share/scenarios"
install -m 0755 -- "$here/guest-runner.sh" "$share/guest-runner.sh"

# --- boot ---------------------------------------------------------------------------------------
# qemu's -drive/-virtfs option syntax splits on commas; a comma in a path is written twice.
qemu_path() { printf '%s' "${1//,/,,}"; }

console="$log_dir/console.log"
# shellcheck disable=SC2054 # the commas belong to qemu option strings
qemu_args=(
        -name sandbox-vm
        -machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m 2048
        # No default VGA, NIC, CD-ROM or monitor: nothing the tests use, less to emulate.
        -nodefaults
        -kernel "$image_dir/vmlinuz"
        -initrd "$image_dir/initrd.img"
        -append "root=/dev/vda rw console=ttyS0 quiet systemd.unified_cgroup_hierarchy=1 panic=-1"
        # snapshot=on: writes go to a throw-away overlay; the cached image is never changed.
        -drive "file=$(qemu_path "$image_dir/disk.qcow2"),format=qcow2,if=virtio,snapshot=on,cache=unsafe"
        -virtfs "local,path=$(qemu_path "$share"),mount_tag=sandbox-host,security_model=none,id=sandbox-host"
        -nic none
        -display none
        -serial "file:$console"
        # A reboot or a kernel panic (panic=-1) ends qemu instead of looping.
        -no-reboot
)

log "image $image_dir ready in ${t_image} s; booting (timeout ${timeout_s} s)"
t1=$SECONDS
# timeout(1) is the hard limit. --foreground keeps qemu in our process group, so when meson
# kills the test's group, qemu goes too; our EXIT trap covers every other way out.
timeout --foreground --kill-after=10 "$timeout_s" \
        qemu-system-x86_64 "${qemu_args[@]}" </dev/null >"$log_dir/qemu.log" 2>&1 &
qemu_pid=$!
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=""
t_vm=$((SECONDS - t1))
log "qemu exited with status $qemu_rc after ${t_vm} s"

# --- results --------------------------------------------------------------------------------
results="$share/results"
cp -R -- "$results/." "$log_dir/" 2>/dev/null || true

printf '# image ready in %d s; VM ran %d s; logs in %s\n' "$t_image" "$t_vm" "$log_dir"
if [[ -f $results/tap.txt ]]; then
        # The guest numbered its lines already; number them again here so the stream stays
        # valid even when the guest stopped in the middle of one.
        while IFS= read -r line; do
                if [[ $line =~ ^(not\ )?ok[[:space:]]+[0-9]+(.*)$ ]]; then
                        if [[ -n ${BASH_REMATCH[1]} ]]; then
                                tap_not_ok "${BASH_REMATCH[2]# - }"
                        else
                                tap_ok "${BASH_REMATCH[2]# - }"
                        fi
                elif [[ $line == \#* ]]; then
                        printf '%s\n' "$line"
                elif [[ -n $line ]]; then
                        printf '# %s\n' "$line"
                fi
        done <"$results/tap.txt"
fi

guest_rc=""
if [[ -f $results/exit ]]; then
        exit_line="$(head -n 1 -- "$results/exit")"
        [[ $exit_line =~ ^SANDBOX-VM-EXIT\ ([0-9]+)$ ]] && guest_rc="${BASH_REMATCH[1]}"
fi

if [[ -z $guest_rc ]]; then
        if [[ $qemu_rc -eq 124 || $qemu_rc -eq 137 ]]; then
                tap_not_ok "the VM ran the scenarios and powered off (timed out after ${timeout_s} s)"
        else
                tap_not_ok "the VM ran the scenarios and powered off (qemu exited with status $qemu_rc, no result from the guest)"
        fi
        printf '# last 60 lines of the console (%s):\n' "$console"
        tap_comment_file "$console" "console: " 60
        tap_comment_file "$log_dir/qemu.log" "qemu: " 20
elif [[ $qemu_rc -ne 0 ]]; then
        tap_not_ok "the VM powered off after the run (qemu exit status $qemu_rc)"
        tap_comment_file "$log_dir/qemu.log" "qemu: " 20
elif [[ $guest_rc -ne 0 && $failed -eq 0 ]]; then
        tap_not_ok "the guest runner finished with exit status 0 (got $guest_rc)"
        tap_comment_file "$console" "console: " 60
else
        tap_ok "the VM booted, ran the scenarios and powered off in ${t_vm} s"
fi
tap_plan

[[ $failed -eq 0 ]]
