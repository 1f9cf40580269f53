#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The pam-auth-update profiles put the lines where the design wants them: phase=prepare after
# pam_unix and before pam_systemd, phase=enter after pam_systemd in common-session, and
# phase=enter (only) in common-session-noninteractive, which the systemd-user stack includes.
# pam-auth-update runs for real, in a private mount namespace over copies of /etc/pam.d, the
# profile directory and its state (its own and debconf's): the host's files never change.
# Usage: test-pam-configs.sh PROFILE_DIR
source "$(dirname "$0")/lib.sh"

[[ $# -eq 1 ]] || { echo "usage: $0 PROFILE_DIR" >&2; exit 2; }
PROFILES=$(realpath "$1")

if [[ "${SBX_INNER:-}" != 1 ]]; then
	require_root
	require_cmd pam-auth-update
	[[ -d /var/lib/pam && -d /var/cache/debconf ]] || skip_all "no pam-auth-update state here"
	W=$(mktemp -d /tmp/sandbox-pam-configs.XXXXXX) || skip_all "cannot create a work directory"
	CLEAN_PATHS+=("$W")
	SBX_WORK=$W SBX_INNER=1 unshare --mount --propagation private -- "$0" "$@"
	exit $?
fi

W=$SBX_WORK
cp -a /etc/pam.d "$W/pam.d" && cp -a /usr/share/pam-configs "$W/configs" &&
	cp -a /var/lib/pam "$W/state" && cp -a /var/cache/debconf "$W/debconf" &&
	cp "$PROFILES"/* "$W/configs/" || { echo "Bail out! cannot copy"; exit 1; }
mount --bind "$W/pam.d" /etc/pam.d && mount --bind "$W/configs" /usr/share/pam-configs &&
	mount --bind "$W/state" /var/lib/pam && mount --bind "$W/debconf" /var/cache/debconf ||
	{ echo "Bail out! cannot bind the copies"; exit 1; }

out=$(DEBIAN_FRONTEND=noninteractive pam-auth-update --enable sandbox-prepare sandbox 2>&1)
check "pam-auth-update --enable sandbox-prepare sandbox" "" "$out"

# The session modules in stack order, arguments of ours kept.
modules() {
	awk '$1 == "session" { m = $3; if (m ~ /pam_sandbox/) m = m " " $4; print m }' "$1" |
		tr '\n' ',' | sed 's/,$//'
}
interactive=$(modules /etc/pam.d/common-session)
check_match "common-session: prepare after pam_unix, before pam_systemd; enter after it" \
	"pam_unix.so,pam_sandbox.so phase=prepare,(.*,)?pam_systemd.so,(.*,)?pam_sandbox.so phase=enter" \
	"$interactive"
check_match "common-session: enter is the last line" "pam_sandbox.so phase=enter$" "$interactive"
noninteractive=$(modules /etc/pam.d/common-session-noninteractive)
check_match "common-session-noninteractive: enter, and no prepare" \
	"^[^=]*pam_sandbox.so phase=enter$" "$noninteractive"

out=$(DEBIAN_FRONTEND=noninteractive pam-auth-update --disable sandbox-prepare sandbox 2>&1)
check "pam-auth-update --disable takes both lines out again" "" \
	"$(grep -h pam_sandbox /etc/pam.d/common-session /etc/pam.d/common-session-noninteractive)"
tap_done
