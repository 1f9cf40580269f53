#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Signed images: warm start of `sandbox run --image L:T -- /bin/true` against `sandbox run --
# /bin/true`, and the first start (cold layer cache: verify, unpack, run) against
# `umoci unpack --rootless` of the same image; `podman run --rm` of the same image too when
# rootless podman works here. One hyperfine run per comparison. Not part of the test suite.
#
# Usage: bench/image.sh [--write-doc] [--runs N] [--cold-runs N] [--files N] [SANDBOX_BINARY]
#
#   SANDBOX_BINARY  the launcher (default: build/launcher/sandbox; sandbox-full must sit beside it)
#   --write-doc     also regenerate the image section of docs/BENCHMARKS.md
#   --runs N        hyperfine runs for the warm starts (default 200)
#   --cold-runs N   hyperfine runs for the cold starts and umoci (default 15)
#   --files N       files in the image's data layer (default 4000)
#
# Needs root: it trusts a throwaway key in /etc/sandbox/keys.d for the run (removed again) and
# measures as an unprivileged user ($BENCH_USER, else `sandbox-bench`), as bench/run.sh does.
# The image is built offline with umoci: busybox-static, and a data layer of N files
# (deterministic pseudo-text, 100 B to 64 KiB, gzip), signed with minisign.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

me=bench/image.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
doc="$repo_dir/docs/BENCHMARKS.md"
# shellcheck source=common.sh
. "$script_dir/common.sh"

write_doc=false
runs=200
cold_runs=15
files=4000
sandbox_arg=
while [ $# -gt 0 ]; do
        case "$1" in
        --write-doc) write_doc=true ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --cold-runs) cold_runs=${2:?--cold-runs needs a number}; shift ;;
        --files) files=${2:?--files needs a number}; shift ;;
        -h | --help)
                sed -n '4,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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
case "$runs$cold_runs$files" in
*[!0-9]*) die "--runs, --cold-runs and --files take positive integers" ;;
esac
[ "$runs" -ge 10 ] && [ "$cold_runs" -ge 3 ] || die "use at least 10 --runs and 3 --cold-runs"
[ "$(id -u)" -eq 0 ] || die "run as root: the image's key goes into /etc/sandbox/keys.d"
sandbox_bin=$(resolve_sandbox "$sandbox_arg")
[ -x "$(dirname "$sandbox_bin")/sandbox-full" ] || die "no sandbox-full beside $sandbox_bin"

ensure_tools hyperfine=hyperfine umoci=umoci minisign=minisign busybox=busybox-static \
        skopeo=skopeo setpriv=util-linux python3=python3
setup_user
setup_scratch "$sandbox_bin"
install -m 0755 "$(dirname "$sandbox_bin")/sandbox-full" "$work/sandbox-full"
chown "$bench_user" "$work"

# Everything the bench user touches lives in $work: layout, caches, state, keys.
ux() { run_as_user env XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" \
        XDG_CONFIG_HOME="$work/config" "$@"; }

# --- The image -----------------------------------------------------------------------------
L=$work/layout
T=bench
log "building the image: busybox and $files files, with umoci"
ux umoci init --layout "$L"
ux umoci new --image "$L:$T"
ux umoci unpack --rootless --image "$L:$T" "$work/bundle" >/dev/null
ux mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/tmp"
ux cp "$(command -v busybox)" "$work/bundle/rootfs/bin/busybox"
ux ln -s busybox "$work/bundle/rootfs/bin/sh"
ux ln -s busybox "$work/bundle/rootfs/bin/true"
ux umoci repack --image "$L:$T" "$work/bundle" >/dev/null
# The data: a second layer, so that unpack applies two layers as real images do.
ux python3 - "$work/bundle/rootfs/data" "$files" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(4)  # the same tree on every machine
words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
         for _ in range(2000)]
for i in range(n):
    d = os.path.join(root, f"d{i % 97:02d}", f"e{i % 7}")
    os.makedirs(d, exist_ok=True)
    size = int(100 * (640 ** rng.random()))  # 100 B .. 64 KiB, log-uniform
    text = []
    total = 0
    while total < size:
        w = rng.choice(words)
        text.append(w)
        total += len(w) + 1
    with open(os.path.join(d, f"f{i}.txt"), "w") as f:
        f.write(" ".join(text)[:size])
PY
ux umoci repack --image "$L:$T" "$work/bundle" >/dev/null
ux umoci config --image "$L:$T" --clear=config.entrypoint --config.cmd /bin/true >/dev/null
ux rm -rf "$work/bundle"
image_bytes=$(du -sb "$L/blobs" | cut -f1)

# Signed by a throwaway key the admin store trusts for the length of the run.
key_file=/etc/sandbox/keys.d/sandbox-bench-image.pub
[ ! -e "$key_file" ] || die "$key_file exists: another bench run? remove it first"
created_dirs=()
for d in /etc/sandbox /etc/sandbox/keys.d; do [ -d "$d" ] || created_dirs+=("$d"); done
cleanup() {
        rm -f "$key_file"
        local i
        for ((i = ${#created_dirs[@]} - 1; i >= 0; i--)); do rmdir "${created_dirs[i]}" 2>/dev/null || true; done
        rm -rf -- "$work"
}
trap cleanup EXIT
mkdir -p /etc/sandbox/keys.d
ux minisign -G -W -p "$work/k.pub" -s "$work/k.key" >/dev/null
install -m 0644 "$work/k.pub" "$key_file"
ux "$work/sandbox" trust sign --key "$work/k.key" --name org.example.bench --env prod \
        --version 1 "$L:$T" >/dev/null

host_cmd="$work/sandbox run -- /bin/true"
image_cmd="$work/sandbox run --image $L:$T -- /bin/true"
umoci_cmd="$(command -v umoci) unpack --rootless --image $L:$T $work/bundle"
for cmd in "$host_cmd" "$image_cmd" "$umoci_cmd"; do
        # shellcheck disable=SC2086 # hyperfine -N splits the same way
        out=$(ux $cmd 2>&1) || die "fails as $bench_user: $cmd: $out"
        ux rm -rf "$work/bundle"
done

# --- Warm start ------------------------------------------------------------------------------
# In rounds, the order alternating, the times pooled: on a shared machine the load drifts over
# a hyperfine run, and whichever command went second would carry the drift.
rounds=3
per_round=$(((runs + rounds - 1) / rounds))
log "warm start: $rounds rounds of $per_round runs each"
for r in $(seq "$rounds"); do
        if [ $((r % 2)) -eq 1 ]; then order=(-n host "$host_cmd" -n image "$image_cmd")
        else order=(-n image "$image_cmd" -n host "$host_cmd"); fi
        ux hyperfine -N --warmup 10 --runs "$per_round" --style basic \
                --export-json "$work/out/warm.$r.json" "${order[@]}" >&2
done

# --- Cold start: an empty layer cache before every run ---------------------------------------
# sandbox: verify every blob, unpack both layers into the cache, start /bin/true in the image.
# umoci: unpack both layers into a bundle (no verification of a signature, no start).
log "cold start: $cold_runs runs each"
ux hyperfine -N --runs "$cold_runs" --style basic --export-json "$work/out/cold.json" \
        --prepare "rm -rf $work/cache/sandbox $work/bundle" \
        -n sandbox-cold "$image_cmd" -n umoci-unpack "$umoci_cmd" >&2

# --- podman, when rootless podman works here -------------------------------------------------
podman_note="podman: not installed (apt: podman uidmap runc); not compared"
podman_json=
if command -v podman >/dev/null 2>&1; then
        # crun refuses this host's hybrid cgroups; runc and cgroupfs work (BENCH-NOTES). The
        # image goes into podman's storage under a fixed name with skopeo (`podman pull oci:`
        # names it after the path, which may hold capitals podman refuses).
        pod=(podman --runtime runc --cgroup-manager=cgroupfs --events-backend=file)
        pod_img=localhost/sandbox-bench-image:latest
        if ux skopeo copy -q "oci:$L:$T" "containers-storage:$pod_img" >/dev/null 2>&1 &&
                ux "${pod[@]}" run --rm --network=none "$pod_img" /bin/true >/dev/null 2>&1; then
                log "podman: $cold_runs runs"
                ux hyperfine -N --warmup 3 --runs "$cold_runs" --style basic \
                        --export-json "$work/out/podman.json" \
                        -n podman "${pod[*]} run --rm --network=none $pod_img /bin/true" >&2
                podman_json=$work/out/podman.json
                podman_note="podman: $(podman --version | head -n1), rootless, runc, cgroupfs, --network=none, storage driver $(ux podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null || echo unknown); the image copied into its storage with skopeo first (not timed)"
                ux "${pod[@]}" rmi -f "$pod_img" >/dev/null 2>&1 || true
        else
                podman_note="podman: installed but rootless \`podman run\` fails here as $bench_user; not compared"
        fi
fi

# --- Report ----------------------------------------------------------------------------------
first_line() { "$@" 2>&1 | head -n 1 || true; }
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
source_rev=$(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null || true)
if [ -n "$source_rev" ] && [ -n "$(git --no-optional-locks -C "$repo_dir" status --porcelain --untracked-files=no)" ]; then
        source_rev+=" + uncommitted changes"
fi
machine=$(
        cat <<EOF
- machine: $(nproc) CPUs (${cpu:-unknown CPU}), $(free -m | awk '/^Mem:/ {print $2}') MiB RAM, kernel $(uname -r); $(df -T "$work" | awk 'NR == 2 {print $2}') under $work
- image: busybox-static and $files files in two gzip layers, $((image_bytes / 1024)) KiB of blobs; signed with minisign, key in /etc/sandbox/keys.d
- sandbox: $(first_line "$work/sandbox" --version)${source_rev:+, built from $source_rev}; $(first_line umoci --version); $(first_line hyperfine --version); measured as \`$bench_user\`
- warm: $runs runs in $rounds rounds (10 warm-up runs each, order alternating, times pooled); cold: $cold_runs runs, the layer cache (or umoci's bundle) removed before each; $(date -u +'%Y-%m-%d %H:%M UTC')
- $podman_note
EOF
)
table=$(
        python3 - "$work/out/cold.json" "$podman_json" "$work"/out/warm.*.json <<'PY'
import json, statistics, sys

def load(p, into=None):
    into = {} if into is None else into
    if p:
        for r in json.load(open(p))["results"]:
            into.setdefault(r["command"], []).extend(t * 1000 for t in r["times"])
    return into

cold, pod = load(sys.argv[1]), load(sys.argv[2])
warm = {}
for p in sys.argv[3:]:
    load(p, warm)
med = lambda v: statistics.median(v)
q = lambda v: statistics.quantiles(v, n=4)
print("| command | median wall | IQR | ratio |")
print("|---|---:|---:|---:|")
rows = [("`sandbox run -- /bin/true` (host)", warm["host"], warm["host"]),
        ("`sandbox run --image L:T -- /bin/true`, warm cache", warm["image"], warm["host"]),
        ("`sandbox run --image L:T -- /bin/true`, cold cache", cold["sandbox-cold"], cold["umoci-unpack"]),
        ("`umoci unpack --rootless --image L:T DIR`", cold["umoci-unpack"], cold["umoci-unpack"])]
if pod:
    rows.append(("`podman run --rm IMAGE /bin/true` (warm)", pod["podman"], warm["image"]))
for name, v, ref in rows:
    a, _, c = q(v)
    print(f"| {name} | {med(v):.2f} ms | {a:.2f}–{c:.2f} | {med(v) / med(ref):.2f}× |")
w = med(warm["image"]) / med(warm["host"])
c = med(cold["sandbox-cold"]) / med(cold["umoci-unpack"])
verdict = lambda ok: "met" if ok else "MISSED"
print()
print("Ratios: warm image start against the host start; cold image start against umoci's unpack;"
      + (" podman against the warm image start." if pod else ""))
print(f"Targets: warm start at most 1.3× `sandbox run` of a host command: {w:.2f}× ({verdict(w <= 1.3)}); "
      f"first start at most as long as `umoci unpack --rootless`: {c:.2f}× ({verdict(c <= 1.0)}).")
PY
)
printf '%s\n\n%s\n' "$machine" "$table"

if $write_doc; then
        grep -q '^<!-- BEGIN IMAGE RESULTS' "$doc" && grep -q '^<!-- END IMAGE RESULTS' "$doc" ||
                die "$doc lacks the <!-- BEGIN IMAGE RESULTS --> / <!-- END IMAGE RESULTS --> markers"
        printf '%s\n\n%s\n' "$machine" "$table" >"$work/results.md"
        python3 - "$doc" "$work/results.md" <<'PY'
import re, sys
doc, new = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
begin = re.search(r"^<!-- BEGIN IMAGE RESULTS.*?-->\n", text, re.M)
end = re.search(r"^<!-- END IMAGE RESULTS.*?-->", text, re.M)
text = text[:begin.end()] + new + text[end.start():]
open(doc + ".tmp", "w").write(text)
PY
        mv "$doc.tmp" "$doc"
        log "updated the image section of $doc"
fi
