#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the integration tests: TAP output, the unprivileged test user, staging of the
# built binaries where that user can reach them.
#
# Run as root (CI, and README's test command), the tests create the user "sandbox-test" and run
# every sandbox as that user: the launcher must work without privileges. Run as an ordinary
# user, they run as that user. A test that cannot run here skips (exit 77), unless
# SANDBOX_TESTS_MUST_WORK=1 (set by CI), where every skip is a failure.

set -uo pipefail

TEST_USER=sandbox-test
tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
diag() { printf '# %s\n' "$@"; }

# check DESC EXPECTED ACTUAL
check() {
	if [[ "$2" == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected: $2" "actual:   $3"
	fi
}

# check_match DESC REGEX ACTUAL
check_match() {
	if [[ "$3" =~ $2 ]]; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected to match: $2" "actual: $3"
	fi
}

tap_done() {
	echo "1..$tap_n"
	[[ $tap_failed -eq 0 ]]
}

skip_all() {
	if [[ "${SANDBOX_TESTS_MUST_WORK:-0}" == 1 ]]; then
		echo "1..1"
		echo "not ok 1 - cannot run here, and SANDBOX_TESTS_MUST_WORK=1: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 77
}

# stage BINARY... : copy into a fresh world-readable directory (the build tree may sit in a
# directory the test user cannot enter) and set STAGE.
stage() {
	STAGE=$(mktemp -d /tmp/sandbox-tests.XXXXXX)
	trap 'rm -rf -- "$STAGE"' EXIT
	chmod 0755 "$STAGE"
	mkdir -m 0700 "$STAGE/user" # a directory the test user may write
	local f
	for f in "$@"; do
		install -m 0755 -- "$f" "$STAGE/"
		# sandbox runs its sibling sandbox-full for images and signatures.
		if [[ $(basename -- "$f") == sandbox && -x "$(dirname -- "$f")/sandbox-full" ]]; then
			install -m 0755 -- "$(dirname -- "$f")/sandbox-full" "$STAGE/"
		fi
	done
}

setup_user() {
	if [[ $EUID -ne 0 ]]; then
		TEST_USER=$(id -un)
		TEST_HOME=$HOME
		return
	fi
	if ! id -u "$TEST_USER" >/dev/null 2>&1; then
		useradd --create-home --shell /bin/sh --comment "sandbox test suite" "$TEST_USER" ||
			skip_all "cannot create user $TEST_USER"
	fi
	TEST_HOME=$(getent passwd "$TEST_USER" | cut -d: -f6)
	[[ -n "${STAGE:-}" ]] && chown "$TEST_USER": "$STAGE/user"
	mkdir -p "$TEST_HOME"
	chown "$TEST_USER": "$TEST_HOME"
	# Subordinate ids for the --subid-ranges tests.
	grep -q "^$TEST_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 300000-365535 "$TEST_USER"
	grep -q "^$TEST_USER:" /etc/subgid 2>/dev/null || usermod --add-subgids 300000-365535 "$TEST_USER"
}

# as_user_exec CMD...: replace the current (sub)shell by CMD run as the test user with a small,
# known environment. "as_user_exec CMD &" makes $! the pid of CMD itself.
as_user_exec() {
	local envv=(PATH=/usr/local/bin:/usr/bin:/bin HOME="$TEST_HOME" USER="$TEST_USER"
		LOGNAME="$TEST_USER" LANG=C.UTF-8 TERM="${TERM:-dumb}")
	[[ -n "${ASAN_OPTIONS:-}" ]] && envv+=(ASAN_OPTIONS="$ASAN_OPTIONS")
	[[ -n "${UBSAN_OPTIONS:-}" ]] && envv+=(UBSAN_OPTIONS="$UBSAN_OPTIONS")
	[[ -n "${SANDBOX_TEST_EXTRA_ENV:-}" ]] && envv+=("$SANDBOX_TEST_EXTRA_ENV")
	cd / || exit 1
	if [[ $EUID -eq 0 ]]; then
		exec setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
			--inh-caps=-all -- env -i "${envv[@]}" "$@"
	fi
	exec env -i "${envv[@]}" "$@"
}

# as_user CMD...: run CMD as the test user and wait for it.
as_user() {
	(as_user_exec "$@")
}

# Can this user create a user namespace at all? Otherwise nothing here can run.
require_userns() {
	as_user unshare --user --map-root-user true 2>/dev/null ||
		skip_all "unprivileged user namespaces are not available here"
}
