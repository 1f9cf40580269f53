#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Startup latency and peak RSS of `sandbox run -- /bin/true` next to its peers, measured in
# one hyperfine run on this machine. Not part of the test suite: timings belong here, never in
# a pass/fail test.
#
# Usage: bench/run.sh [--write-doc] [--runs N] [--rss-runs N] [--json FILE] [SANDBOX_BINARY]
#
#   SANDBOX_BINARY  the launcher to measure (default: build/launcher/sandbox of this checkout)
#   --write-doc     also regenerate the results section of docs/BENCHMARKS.md
#   --runs N        hyperfine runs per command (default 300)
#   --rss-runs N    /usr/bin/time runs per command for peak RSS (default 20)
#   --json FILE     keep hyperfine's JSON export at FILE
#
# As root it installs what is missing (hyperfine, bubblewrap, firejail, time) and measures as
# an unprivileged user: $BENCH_USER if set, else a dedicated `sandbox-bench` user it creates.
# Run as an ordinary user it measures as that user and needs the tools installed already.
# The Markdown table goes to stdout; hyperfine's progress and everything else to stderr.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

me=bench/run.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
doc="$repo_dir/docs/BENCHMARKS.md"
# shellcheck source=common.sh
. "$script_dir/common.sh"

write_doc=false
runs=300
rss_runs=20
json_out=
sandbox_arg=

while [ $# -gt 0 ]; do
        case "$1" in
        --write-doc) write_doc=true ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --rss-runs) rss_runs=${2:?--rss-runs needs a number}; shift ;;
        --json) json_out=${2:?--json needs a file}; shift ;;
        -h | --help)
                sed -n '4,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
                exit 0
                ;;
        -*) die "unknown option $1 (see --help)" ;;
        *)
                [ -z "$sandbox_arg" ] || die "only one SANDBOX_BINARY may be given"
                sandbox_arg=$1
                ;;
        esac
        shift
done
case "$runs$rss_runs" in
*[!0-9]*) die "--runs and --rss-runs take positive integers" ;;
esac
if [ "$runs" -lt 10 ] || [ "$rss_runs" -lt 1 ]; then
        die "use at least 10 --runs and 1 --rss-runs"
fi
if [ -n "$json_out" ]; then
        # Resolve before anything changes directory.
        json_out=$(realpath -m "$json_out")
fi
sandbox_bin=$(resolve_sandbox "$sandbox_arg")

# python3 only reads hyperfine's JSON.
ensure_tools hyperfine=hyperfine bwrap=bubblewrap firejail=firejail /usr/bin/time=time \
        unshare=util-linux setpriv=util-linux python3=python3
setup_user
setup_scratch "$sandbox_bin"

# --- The commands ------------------------------------------------------------------------
# name|command (no shell: hyperfine -N splits on spaces). Absolute paths, so PATH lookups
# cost every peer the same (nothing).
commands=(
        "floor|/bin/true"
        "unshare|/usr/bin/unshare -Urmpfn --ipc --uts --cgroup --mount-proc /bin/true"
        "bwrap|$(command -v bwrap) ${bwrap_args[*]} /bin/true"
        "firejail|$(command -v firejail) --quiet --noprofile /bin/true"
        "sandbox|$work/sandbox run -- /bin/true"
)

# Each must work as the bench user before anything is timed: a failing peer would otherwise
# be "fast".
for entry in "${commands[@]}"; do
        name=${entry%%|*}
        cmd=${entry#*|}
        # shellcheck disable=SC2086 # word splitting is what hyperfine -N does too
        if ! out=$(run_as_user $cmd 2>&1); then
                die "$name fails as $bench_user: $cmd: $out"
        fi
done

# --- Startup latency: one hyperfine invocation ---------------------------------------------
# hyperfine itself runs as the bench user, so no setpriv wrapper is inside what is timed.
# All peers in one run: same machine, same minute, same noise.
hf_args=(-N --warmup 20 --runs "$runs" --style basic --export-json "$work/out/hyperfine.json")
for entry in "${commands[@]}"; do
        hf_args+=(-n "${entry%%|*}" "${entry#*|}")
done
log "timing ${#commands[@]} commands, $runs runs each, as $bench_user"
run_as_user hyperfine "${hf_args[@]}" >&2
[ -z "$json_out" ] || cp "$work/out/hyperfine.json" "$json_out"

# --- Peak RSS ------------------------------------------------------------------------------
# /usr/bin/time's %M is ru_maxrss of the child as returned by wait4: the largest resident set
# of any one process in the tree (the launcher, its helpers, the command), in KiB; not the
# sum of them.
log "peak RSS: $rss_runs runs each"
for entry in "${commands[@]}"; do
        name=${entry%%|*}
        cmd=${entry#*|}
        : >"$work/rss.$name"
        for _ in $(seq "$rss_runs"); do
                # shellcheck disable=SC2086
                run_as_user /usr/bin/time -f %M -o "$work/out/rss.tmp" $cmd >/dev/null
                cat "$work/out/rss.tmp" >>"$work/rss.$name"
        done
done

# --- Machine -------------------------------------------------------------------------------
first_line() { "$@" 2>&1 | head -n 1 || true; }
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
hyper=$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p' | head -n 1)
# shellcheck source=/dev/null # the machine's, read only for its name
os=$(. /etc/os-release && echo "$PRETTY_NAME")
# Which tree the default binary was built from (the build may lag the tree). Read-only git:
# --no-optional-locks keeps status from refreshing the index under someone else's feet.
source_rev=
if [ -z "$sandbox_arg" ] && source_rev=$(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null); then
        if [ -n "$(git --no-optional-locks -C "$repo_dir" status --porcelain --untracked-files=no)" ]; then
                source_rev+=" + uncommitted changes"
        fi
fi
libseccomp=$(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null || echo unknown)
machine=$(
        cat <<EOF
- machine: $(nproc) CPUs (${cpu:-unknown CPU}${hyper:+, $hyper guest}), $(free -m | awk '/^Mem:/ {print $2}') MiB RAM, $os, kernel $(uname -r)
- peers: $(first_line bwrap --version), $(first_line firejail --version), $(first_line unshare --version); $(first_line hyperfine --version); GNU time $(dpkg-query -W -f '${Version}' time 2>/dev/null || echo unknown)
- sandbox: $(first_line "$work/sandbox" --version)${source_rev:+, built from $source_rev} (libseccomp $libseccomp), measured as user \`$bench_user\`
- $runs timed runs per command after 20 warm-up runs (one hyperfine invocation), peak RSS over $rss_runs runs; $(date -u +'%Y-%m-%d %H:%M UTC')
EOF
)

# --- Report --------------------------------------------------------------------------------
table=$(
        python3 - "$work/out/hyperfine.json" "$work" <<'PY'
import json, statistics, sys

data = json.load(open(sys.argv[1]))
work = sys.argv[2]
res = {r["command"]: r for r in data["results"]}

def rss(name):
    vals = [int(l) for l in open(f"{work}/rss.{name}") if l.strip()]
    return max(vals), statistics.median(vals)

rows = {}
for name, r in res.items():
    times = [t * 1000 for t in r["times"]]
    rows[name] = dict(med=statistics.median(times),
                      q1=statistics.quantiles(times, n=4)[0],
                      q3=statistics.quantiles(times, n=4)[2],
                      rss=rss(name))

floor = rows["floor"]["med"]
bw = rows["bwrap"]
print("| command | median wall | IQR | over floor | × bwrap time | peak RSS max | peak RSS median | × bwrap RSS |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, r in rows.items():
    print(f"| {name} | {r['med']:.2f} ms | {r['q1']:.2f}–{r['q3']:.2f} | "
          f"{r['med'] - floor:.2f} ms | {r['med'] / bw['med']:.2f} | "
          f"{r['rss'][0] / 1024:.2f} MiB | {r['rss'][1] / 1024:.2f} MiB | "
          f"{r['rss'][0] / bw['rss'][0]:.2f} |")

sb = rows["sandbox"]
t = sb["med"] / bw["med"]
m = sb["rss"][0] / bw["rss"][0]
verdict = lambda ok: "met" if ok else "MISSED"
print()
print(f"Target (full isolation in at most 0.8× bwrap's wall time and 1.5× its peak RSS): "
      f"time {t:.2f}× ({verdict(t <= 0.8)}), peak RSS {m:.2f}× ({verdict(m <= 1.5)}).")
PY
)

printf '%s\n\n%s\n' "$machine" "$table"

if $write_doc; then
        [ -f "$doc" ] || die "$doc does not exist"
        if ! grep -q '^<!-- BEGIN RESULTS' "$doc" || ! grep -q '^<!-- END RESULTS' "$doc"; then
                die "$doc lacks the <!-- BEGIN RESULTS --> / <!-- END RESULTS --> markers"
        fi
        # Replace only what lies between the markers; the prose around it is written by hand.
        printf '%s\n\n%s\n' "$machine" "$table" >"$work/results.md"
        python3 - "$doc" "$work/results.md" <<'PY'
import re, sys
doc, new = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
begin = re.search(r"^<!-- BEGIN RESULTS.*?-->\n", text, re.M)
end = re.search(r"^<!-- END RESULTS.*?-->", text, re.M)
text = text[:begin.end()] + new + text[end.start():]
open(doc + ".tmp", "w").write(text)
PY
        mv "$doc.tmp" "$doc"
        log "updated the results section of $doc"
fi
