#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs test-pam-module (the C test: pam_start_confdir, exact return codes, the confinement seen
# from a forked process) as root, with throwaway users and a group, in a private mount namespace
# where it owns /dev/log. Usage: test-pam-module.sh TEST MODULE WRAP_MODULE
source "$(dirname "$0")/lib.sh"

[[ $# -eq 3 ]] || { echo "usage: $0 TEST MODULE WRAP_MODULE" >&2; exit 2; }

if [[ "${SBX_INNER:-}" == 1 ]]; then
	private_dev || { echo "Bail out! cannot set up a private /dev"; exit 1; }
	SBX_DEVLOG=1 exec "$1" "$2" "$3"
fi

require_root
setup_users
setup_work
export SBX_MARKER=/tmp/sandbox-pam-test-marker.$$ # a host /tmp file the sessions must not see
CLEAN_PATHS+=("$SBX_MARKER")
SBX_INNER=1 unshare --mount --propagation private -- "$0" "$@"
