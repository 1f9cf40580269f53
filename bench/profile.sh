#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Where the time of `sandbox run -- /bin/true` goes, as Markdown on stdout:
#   1. a phase timeline, median over N runs, from kernel tracepoints (perf record -a on syscall
#      and sched tracepoints: a few µs per event, no ptrace, so the phases keep their size);
#      the same recording of bwrap says whether it waits for its sandbox's teardown;
#   2. CPU time per run by shared object (kernel, libseccomp, libc, ...), from cpu-clock
#      sampling (perf record -a -F);
#   3. what the launcher asks of the kernel: strace -f -c of one run (counts are exact; the
#      times are ptrace-inflated and only good for ranking).
#
# Usage: sudo bench/profile.sh [--runs N] [SANDBOX_BINARY]
#
# Root is needed for perf's tracepoints; the launcher itself runs as an unprivileged user
# ($BENCH_USER, else `sandbox-bench`, created if missing), as in bench/run.sh. Installs
# linux-perf, strace and bubblewrap when missing. Not part of the test suite.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

me=bench/profile.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
# shellcheck source=common.sh
. "$script_dir/common.sh"

runs=200
sandbox_arg=
while [ $# -gt 0 ]; do
        case "$1" in
        --runs) runs=${2:?--runs needs a number}; shift ;;
        -h | --help)
                sed -n '4,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
                exit 0
                ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) sandbox_arg=$1 ;;
        esac
        shift
done
case "$runs" in
'' | *[!0-9]*) die "--runs takes a positive integer" ;;
esac
[ "$(id -u)" -eq 0 ] || die "run as root: perf needs it for tracepoints"
sandbox_bin=$(resolve_sandbox "$sandbox_arg")

ensure_tools perf=linux-perf strace=strace bwrap=bubblewrap setpriv=util-linux python3=python3
setup_user
setup_scratch "$sandbox_bin"

# A loop in one process, so the launcher's own startup is what repeats (not a shell's).
cat >"$work/loop.sh" <<'EOF'
#!/bin/sh
n=$1; shift
i=0
while [ "$i" -lt "$n" ]; do "$@" >/dev/null || exit 1; i=$((i + 1)); done
EOF
chmod 0755 "$work/loop.sh"

sandbox_cmd=("$work/sandbox" run -- /bin/true)
bwrap_cmd=("$(command -v bwrap)" "${bwrap_args[@]}" /bin/true)
run_as_user "${sandbox_cmd[@]}" || die "sandbox fails as $bench_user"

# --- 1. Phase timeline ---------------------------------------------------------------------
# Only syscalls that mark a phase boundary, and prctl only for PR_SET_DUMPABLE (4): the ~80
# PR_CAPBSET_DROP calls would add tracing cost of their own. System-wide (-a): per-task
# events would be copied at every fork and slow the launcher down.
events=(-e sched:sched_process_exec -e sched:sched_process_exit -e sched:sched_process_fork
        -e signal:signal_generate --filter 'sig == 17'
        -e syscalls:sys_enter_prctl --filter 'option == 4')
for sc in getuid getdents64 pipe2 clone vfork unshare wait4 mount pivot_root umount seccomp execve close_range; do
        events+=(-e "syscalls:sys_enter_$sc" -e "syscalls:sys_exit_$sc")
done

timeline() { # NAME PHASES_ARGS... -- CMD...
        local name=$1
        shift
        local pargs=()
        while [ "$1" != -- ]; do
                pargs+=("$1")
                shift
        done
        shift
        log "tracing $runs runs of $name"
        perf record -a -q "${events[@]}" -o "$work/$name.data" -- \
                "${as_user[@]}" "$work/loop.sh" "$runs" "$@" 2>/dev/null
        perf script -i "$work/$name.data" -F pid,time,event,trace >"$work/$name.txt" 2>/dev/null
        python3 "$script_dir/phases.py" "${pargs[@]}" "$work/$name.txt"
}

echo "### Phases of \`sandbox run -- /bin/true\` (kernel tracepoints, $runs runs)"
echo
timeline sandbox -- "${sandbox_cmd[@]}"
echo
echo "The app's phases start once init has loaded its own filter: on this path they add up"
echo "after init's, they do not overlap with them."
echo
timeline bwrap --peer bwrap -- "${bwrap_cmd[@]}"
echo

# --- 2. CPU by shared object -----------------------------------------------------------------
freq=10000
log "sampling CPU of $runs runs at $freq Hz"
perf record -a -q -F "$freq" -e cpu-clock -o "$work/cpu.data" -- \
        "${as_user[@]}" "$work/loop.sh" "$runs" "${sandbox_cmd[@]}" 2>/dev/null
echo "### CPU time of \`sandbox\` processes per run, by object (cpu-clock sampling, $freq Hz)"
echo
echo "| object | CPU per run |"
echo "|---|---:|"
# Sorted by comm too and filtered here: perf 6.1's --comm drops the kernel's samples.
perf report -i "$work/cpu.data" --stdio --no-children -g none --sort comm,dso \
        -F sample,comm,dso 2>/dev/null | awk -v f="$freq" -v n="$runs" '
        /^#/ || $2 != "sandbox" { next }
        { ms = $1 / f / n * 1000; tot += ms
          if (ms >= 0.01) printf "| %s | %.2f ms |\n", $3, ms }
        END { printf "| all | %.2f ms |\n", tot }'
echo
echo "Kernel CPU is not broken down further here: in this guest the kernel call chains come"
echo "out truncated, so the timeline above is the better guide to where it goes."
echo

# --- 3. Syscalls -----------------------------------------------------------------------------
log "strace -f -c of one run"
run_as_user strace -f -c -S calls -o "$work/out/strace.txt" "${sandbox_cmd[@]}"
echo "### Syscalls of one run (strace -f -c; all three processes)"
echo
echo '```'
head -n 30 "$work/out/strace.txt"
echo '```'
