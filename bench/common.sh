# shellcheck shell=bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by bench/run.sh and bench/profile.sh: tools, the unprivileged user, the scratch copy
# of the launcher. Expects `set -euo pipefail` and $me (the script's name for messages).
# shellcheck disable=SC2034,SC2154 # the variables set here are read by the scripts, $me is theirs

die() {
        echo "$me: $*" >&2
        exit 1
}
log() { echo "$me: $*" >&2; }

# ensure_tools CMD=PACKAGE...: install the packages of the commands that are missing.
# Idempotent: when everything is there, nothing is run at all.
ensure_tools() {
        local pair cmd missing=()
        for pair in "$@"; do
                cmd=${pair%%=*}
                command -v "$cmd" >/dev/null 2>&1 || missing+=("${pair#*=}")
        done
        [ "${#missing[@]}" -gt 0 ] || return 0
        mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
        [ "$(id -u)" -eq 0 ] ||
                die "missing: ${missing[*]}; install them, or run this script with sudo"
        log "installing ${missing[*]}"
        # The package lists may be absent or stale on a fresh machine: refresh them first,
        # but only when something is missing.
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                "${missing[@]}" >&2
}

# setup_user: sets bench_user, bench_home and as_user (the command prefix that drops to it).
# Every peer must run as an ordinary user: as root, bwrap and unshare would take shortcuts
# (no user namespace needed) and the comparison would say nothing about real use.
setup_user() {
        as_user=()
        if [ "$(id -u)" -ne 0 ]; then
                bench_user=$(id -un)
                bench_home=$HOME
                return 0
        fi
        bench_user=${BENCH_USER:-sandbox-bench}
        if ! id -u "$bench_user" >/dev/null 2>&1; then
                [ -z "${BENCH_USER:-}" ] || die "BENCH_USER=$bench_user does not exist"
                log "creating the unprivileged user $bench_user"
                # With a home that exists: firejail and sandbox both look it up.
                useradd --create-home --shell /bin/sh --comment "sandbox benchmarks" \
                        "$bench_user"
        fi
        [ "$(id -u "$bench_user")" -ne 0 ] || die "BENCH_USER must not be root"
        bench_home=$(getent passwd "$bench_user" | cut -d: -f6)
        as_user=(setpriv --reuid="$bench_user" --regid="$(id -g "$bench_user")" --init-groups)
}

# setup_scratch BINARY: sets work (a world-readable temp dir, removed on exit) holding a copy
# of BINARY as $work/sandbox, and $work/out, writable by the bench user. The build dir may sit
# under a home the bench user cannot traverse.
setup_scratch() {
        work=$(mktemp -d /tmp/sandbox-bench.XXXXXX)
        # shellcheck disable=SC2064 # expand now: $work is fixed from here on
        trap "rm -rf -- '$work'" EXIT
        chmod 0755 "$work"
        install -m 0755 "$1" "$work/sandbox"
        mkdir "$work/out"
        if [ "${#as_user[@]}" -gt 0 ]; then
                chown "$bench_user" "$work/out"
        fi
}

# run_as_user CMD...: CMD as the bench user, in $work, with a fixed small environment:
# nothing of the caller's session (root's HOME, a terminal's variables) should change what a
# peer does.
run_as_user() {
        (cd "$work" && "${as_user[@]}" env -i "PATH=/usr/local/bin:/usr/bin:/bin" \
                "HOME=$bench_home" "USER=$bench_user" "LOGNAME=$bench_user" "LANG=C.UTF-8" "$@")
}

# resolve_sandbox [BINARY]: prints the absolute path of the launcher to measure.
resolve_sandbox() {
        local bin=${1:-$repo_dir/build/launcher/sandbox}
        [ -x "$bin" ] ||
                die "$bin is not an executable; build it with 'ninja -C build' or pass its path"
        realpath "$bin"
}

# The bwrap invocation both scripts measure: everything unshared, like sandbox's default.
bwrap_args=(--unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp)
