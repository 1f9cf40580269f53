#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The module's dynamic symbol table holds the PAM entry points and nothing else (the version
# script, pam_sandbox.sym): `nm -D --defined-only`. Usage: test-pam-symbols.sh MODULE
source "$(dirname "$0")/lib.sh"
trap - EXIT

[[ $# -eq 1 ]] || { echo "usage: $0 MODULE" >&2; exit 2; }
require_cmd nm

symbols=$(nm -D --defined-only "$1" | awk '{print $3}' | sort)
check "defined dynamic symbols are exactly the pam_sm_* entry points" \
	"pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok pam_sm_close_session pam_sm_open_session pam_sm_setcred" \
	"$(echo $symbols)"
needed=$(readelf -d "$1" 2>/dev/null | awk '/NEEDED/ {print $5}' | tr -d '[]' | sort | tr '\n' ' ')
# (That every undefined symbol resolves is test-pam-dlopen's job: dlopen with RTLD_NOW.)
check_match "links libpam and libseccomp" "libpam.so.*libseccomp.so" "$needed"
# libsystemd (and libgcrypt, liblzma, libzstd, liblz4 behind it) is loaded on demand, only where
# systemd runs: a login elsewhere must not pay for loading it.
check "does not link libsystemd" "" "$(grep -o 'libsystemd[^ ]*' <<<"$needed" || true)"
tap_done
