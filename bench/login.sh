#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The time a login takes with pam_sandbox.so in the PAM stack against without it (issue 5's
# benchmark): `su -l USER -c true`, a real su through the real libpam, both stacks timed in one
# run (interleaved by hyperfine when it is installed, else by a loop of our own). Never a test.
#
# Usage: bench/login.sh MODULE [RUNS]      (as root; MODULE: the built pam_sandbox.so)
#
# Nothing on the system's /etc/pam.d or /etc/sandbox changes: su's PAM service name is fixed, so
# two holder processes each keep a private mount namespace in which a copy of /etc/pam.d is
# bound over the real one, one copy unchanged ("without") and one whose common-session has
# `pam_sandbox.so phase=prepare` before pam_systemd and `phase=enter` last ("with"); both timed
# commands enter their namespace the same way (nsenter --mount), so that costs both the same.
# The policy comes from a private config= directory and matches a bench user created (and
# removed again) here: the [Sandbox] keys of the VM tier's PAM policy plus a system call filter,
# and, where logind runs (the VM guest), [Resources] assignments given as words in
# SANDBOX_BENCH_RESOURCES ("MemoryMax=1G TasksMax=256 RuntimeMaxSec=1h"), which need a logind
# session (a host without systemd refuses them, fail closed).
#
# Prints one "result" line per stack (median and mean in ms) and the difference of the medians.
set -euo pipefail
export LC_ALL=C

module=$(realpath -- "${1:?usage: bench/login.sh MODULE [RUNS]}")
runs=${2:-${SANDBOX_BENCH_RUNS:-60}}
[[ $(id -u) -eq 0 ]] || { echo "bench/login.sh: run as root" >&2; exit 1; }
[[ -f $module ]] || { echo "bench/login.sh: no module at $module" >&2; exit 1; }

user=sbxbench group=sbxbench
work=$(mktemp -d /tmp/sbx-login-bench.XXXXXX)
holders=()
created_user=no
cleanup() {
        local p
        for p in "${holders[@]}"; do kill "$p" 2>/dev/null || true; done
        for p in "${holders[@]}"; do wait "$p" 2>/dev/null || true; done
        if [[ $created_user == yes ]]; then
                userdel -r "$user" >/dev/null 2>&1 || true
                groupdel "$group" >/dev/null 2>&1 || true
        fi
        rm -rf --one-file-system -- "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if ! id "$user" >/dev/null 2>&1; then
        groupadd "$group"
        useradd --create-home --gid "$group" --shell /bin/sh "$user"
        created_user=yes
fi

# --- the policy ---------------------------------------------------------------------------
mkdir -p "$work/conf/policy.d"
{
        printf '[Match]\nGroup=%s\n\n' "$group"
        if [[ -n ${SANDBOX_BENCH_RESOURCES:-} ]]; then
                printf '[Resources]\n'
                # shellcheck disable=SC2086 # words: one assignment each
                printf '%s\n' $SANDBOX_BENCH_RESOURCES
                printf '\n'
        fi
        printf '[Sandbox]\nPrivateTmp=yes\nPrivateNetwork=yes\nProtectSystem=strict\n'
        printf 'ProtectHome=read-only\nNoNewPrivileges=yes\nSystemCallFilter=~@mount @swap @reboot\n'
} >"$work/conf/policy.d/50-bench.policy"
chmod -R go-w "$work/conf"

# --- the two stacks -----------------------------------------------------------------------
cp -a /etc/pam.d "$work/without"
cp -a /etc/pam.d "$work/with"
prepare="session required $module phase=prepare config=$work/conf"
enter="session required $module phase=enter config=$work/conf"
# prepare before pam_systemd (or at the end when there is none), enter last.
awk -v prepare="$prepare" '
        !done && $1 == "session" && /pam_systemd\.so/ { print prepare; done = 1 }
        { print }
        END { if (!done) print prepare }' /etc/pam.d/common-session >"$work/with/common-session"
echo "$enter" >>"$work/with/common-session"
grep -q 'common-session' /etc/pam.d/su || { echo "bench/login.sh: /etc/pam.d/su does not include common-session" >&2; exit 1; }

hold() { # DIR: a process in a private mount namespace with DIR bound over /etc/pam.d
        # shellcheck disable=SC2016 # expanded by that sh
        unshare --mount --propagation private -- \
                sh -c 'mount --bind -- "$1" /etc/pam.d && touch "$1/.bench-ready" && exec sleep infinity' \
                sh "$1" &
        holders+=("$!")
        for _ in $(seq 100); do [[ -e $1/.bench-ready ]] && return 0; sleep 0.05; done
        echo "bench/login.sh: the holder for $1 did not start" >&2
        exit 1
}
hold "$work/without"
hold "$work/with"
ns_without="/proc/${holders[0]}/ns/mnt" ns_with="/proc/${holders[1]}/ns/mnt"

# --- is the "with" login really confined, the "without" one not? ------------------------------
probe='readlink /proc/self/ns/mnt; readlink /proc/self/ns/net; grep ^NoNewPrivs: /proc/self/status'
host=$(readlink /proc/self/ns/net)
a=$(nsenter --mount="$ns_without" -- su -l "$user" -c "$probe" 2>&1) ||
        { echo "bench/login.sh: the plain login fails: $a" >&2; exit 1; }
b=$(nsenter --mount="$ns_with" -- su -l "$user" -c "$probe" 2>&1) ||
        { echo "bench/login.sh: the login with pam_sandbox fails: $b" >&2; exit 1; }
if [[ $a != *"NoNewPrivs:	0"* || $a != *"$host"* || $b != *"NoNewPrivs:	1"* || $b == *"$host"* ]]; then
        echo "bench/login.sh: the stacks do not behave as expected" >&2
        printf 'without:\n%s\nwith:\n%s\n' "$a" "$b" >&2
        exit 1
fi
echo "# checked: the login with pam_sandbox runs in its own mount and network namespace with NoNewPrivs 1; the plain one does not"

# --- timing -------------------------------------------------------------------------------
cmd_without=(nsenter "--mount=$ns_without" -- su -l "$user" -c true)
cmd_with=(nsenter "--mount=$ns_with" -- su -l "$user" -c true)
if command -v hyperfine >/dev/null && [[ ${SANDBOX_BENCH_NO_HYPERFINE:-0} != 1 ]]; then
        hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" \
                -n without "${cmd_without[*]}" -n with "${cmd_with[*]}" >&2
        python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for k in ("without", "with"):
    print("result %-8s median %.2f ms  mean %.2f ms  stddev %.2f ms  (%d runs)" % (
        k, r[k]["median"] * 1e3, r[k]["mean"] * 1e3, r[k]["stddev"] * 1e3, len(r[k]["times"])))
print("result delta    median %+.2f ms per login" % ((r["with"]["median"] - r["without"]["median"]) * 1e3))
PY
else
        for _ in $(seq 3); do "${cmd_without[@]}" >/dev/null 2>&1; "${cmd_with[@]}" >/dev/null 2>&1; done
        for _ in $(seq "$runs"); do
                for k in without with; do
                        if [[ $k == with ]]; then c=("${cmd_with[@]}"); else c=("${cmd_without[@]}"); fi
                        t0=$(date +%s%N)
                        "${c[@]}" >/dev/null 2>&1 || echo "fail $k" >&2
                        t1=$(date +%s%N)
                        echo "$k $(((t1 - t0) / 1000))"
                done
        done >"$work/times"
        # No python3 in the VM guest: medians with sort and awk.
        stats() { # LABEL: median mean stddev count of that label's times, in ms
                awk -v k="$1" '$1 == k { print $2 / 1000 }' "$work/times" | sort -n | awk '
                        { a[NR] = $1; s += $1; q += $1 * $1 }
                        END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
                              sd = sqrt(q / NR - (s / NR) ^ 2); printf "%.2f %.2f %.2f %d\n", m, s / NR, sd, NR }'
        }
        read -r m0 a0 s0 n0 < <(stats without)
        read -r m1 a1 s1 n1 < <(stats with)
        printf 'result %-8s median %s ms  mean %s ms  stddev %s ms  (%s runs)\n' without "$m0" "$a0" "$s0" "$n0"
        printf 'result %-8s median %s ms  mean %s ms  stddev %s ms  (%s runs)\n' with "$m1" "$a1" "$s1" "$n1"
        awk -v a="$m0" -v b="$m1" 'BEGIN { printf "result delta    median %+.2f ms per login\n", b - a }'
fi
