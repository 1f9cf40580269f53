#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the pam suite: TAP output, skips, throwaway users and groups, a work directory, and a
# private mount namespace where the tests own /dev/log and /etc/pam.d without touching the host's.
#
# Everything a test creates is registered here and removed by the EXIT trap, whatever happens:
# users and groups (by the names we created, which carry this run's pid), the work directory,
# /run/sandbox if the module created it during the test, and every process we started (by pid).

set -uo pipefail

tap_n=0
tap_failed=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
diag() { local l; for l in "$@"; do while IFS= read -r x; do echo "# $x"; done <<<"$l"; done; }

# check DESC EXPECTED ACTUAL
check() {
	if [[ "$2" == "$3" ]]; then ok "$1"; else not_ok "$1"; diag "expected: $2" "actual:   $3"; fi
}
# check_match DESC REGEX ACTUAL
check_match() {
	if [[ "$3" =~ $2 ]]; then ok "$1"; else not_ok "$1"; diag "expected to match: $2" "actual: $3"; fi
}
tap_done() { echo "1..$tap_n"; [[ $tap_failed -eq 0 ]]; }

skip_all() {
	if [[ "${SANDBOX_TESTS_MUST_WORK:-0}" == 1 ]]; then
		echo "1..1"
		echo "not ok 1 - cannot run here, and SANDBOX_TESTS_MUST_WORK=1: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 77
}

require_root() {
	[[ $EUID -eq 0 ]] || skip_all "the pam suite needs root (it creates users and namespaces)"
	unshare --mount --propagation private true 2>/dev/null ||
		skip_all "cannot create a mount namespace here"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
	done
}

# ---- cleanup ---------------------------------------------------------------------------------

CLEAN_USERS=()
CLEAN_GROUPS=()
CLEAN_PIDS=()
CLEAN_PATHS=()
RUN_SANDBOX_EXISTED=0
[[ -e /run/sandbox ]] && RUN_SANDBOX_EXISTED=1

cleanup() {
	local p u g
	for p in "${CLEAN_PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	for u in "${CLEAN_USERS[@]}"; do
		userdel --remove "$u" >/dev/null 2>&1 || userdel "$u" >/dev/null 2>&1
	done
	for g in "${CLEAN_GROUPS[@]}"; do
		getent group "$g" >/dev/null && groupdel "$g" >/dev/null 2>&1
	done
	for p in "${CLEAN_PATHS[@]}"; do
		[[ -n "$p" && "$p" != / ]] && rm -rf -- "$p"
	done
	# The module's state directory, if it was made by this test (tmpfiles.d makes it on real
	# systems): only when empty, so a real session's record is never lost.
	if [[ $RUN_SANDBOX_EXISTED == 0 && -d /run/sandbox ]]; then
		rmdir /run/sandbox/sessions 2>/dev/null
		rmdir /run/sandbox 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- users -----------------------------------------------------------------------------------

# setup_users: a group and two users named after this run, so a stale account from a crashed run
# is never reused or removed by mistake. Sets SBX_GROUP SBX_MEMBER SBX_OTHER.
setup_users() {
	SBX_GROUP=sbxt-g$$
	SBX_MEMBER=sbxt-m$$
	SBX_OTHER=sbxt-o$$
	groupadd "$SBX_GROUP" || skip_all "cannot create group $SBX_GROUP"
	CLEAN_GROUPS+=("$SBX_GROUP")
	useradd --create-home --shell /bin/sh --groups "$SBX_GROUP" --comment "pam_sandbox test" \
		"$SBX_MEMBER" || skip_all "cannot create user $SBX_MEMBER"
	CLEAN_USERS+=("$SBX_MEMBER")
	CLEAN_GROUPS+=("$SBX_MEMBER")
	useradd --create-home --shell /bin/sh --comment "pam_sandbox test" "$SBX_OTHER" ||
		skip_all "cannot create user $SBX_OTHER"
	CLEAN_USERS+=("$SBX_OTHER")
	CLEAN_GROUPS+=("$SBX_OTHER")
	export SBX_GROUP SBX_MEMBER SBX_OTHER
}

# setup_work: a root-owned work directory where a confined session sees it, and where nothing
# makes it writable but the policy: not in /tmp (PrivateTmp= hides it), not in /run or the homes
# (ProtectSystem=strict keeps those writable). Sets SBX_WORK.
setup_work() {
	SBX_WORK=$(mktemp -d /var/lib/sandbox-pam-test.XXXXXX) || skip_all "cannot create a work directory"
	CLEAN_PATHS+=("$SBX_WORK")
	chmod 0755 "$SBX_WORK"
	export SBX_WORK
}

# ---- the private namespace -------------------------------------------------------------------

# private_dev: in a private mount namespace (run us under `unshare --mount --propagation
# private`), replace /dev by a tmpfs holding binds of the host's device nodes, so this test may
# bind /dev/log without touching the host's /dev.
private_dev() {
	local old=$SBX_WORK/dev.host n
	mkdir -p "$old"
	mount --rbind /dev "$old" || return 1
	mount -t tmpfs -o mode=0755,nosuid,size=1m sandbox-test-dev /dev || return 1
	for n in null zero full random urandom tty ptmx; do
		[[ -e $old/$n ]] || continue
		touch "/dev/$n" && mount --bind "$old/$n" "/dev/$n" || return 1
	done
	for n in pts shm mqueue; do
		[[ -d $old/$n ]] || continue
		mkdir "/dev/$n" && mount --rbind "$old/$n" "/dev/$n" || return 1
	done
	ln -s /proc/self/fd /dev/fd
	ln -s /proc/self/fd/0 /dev/stdin
	ln -s /proc/self/fd/1 /dev/stdout
	ln -s /proc/self/fd/2 /dev/stderr
	umount --lazy "$old"
	rmdir "$old"
}
