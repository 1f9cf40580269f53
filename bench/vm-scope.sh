#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cost of a sandbox's transient scope on a real systemd (issue 4's benchmark) and of a login
# with pam_sandbox in the stack (issue 5's, bench/login.sh): boots the VM tier's guest
# (tests/vm) with bench/vm-scope/ as its only scenarios, and prints the medians of /bin/true,
# `sandbox run` with no manager to reach (no scope), without limits (a scope all the same), with
# limits, and of `systemd-run --user --scope /bin/true`, all measured in one guest run; then the
# login bench. Never a test.
#
# Usage: bench/vm-scope.sh BUILD_DIR     (SANDBOX_BENCH_RUNS=N runs each; default 40)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:?usage: bench/vm-scope.sh BUILD_DIR}
# The scenario uses the VM tier's own TAP helpers: assemble a directory with both.
scenarios=$(mktemp -d)
trap 'rm -rf -- "$scenarios"' EXIT
cp -R -- "$src/tests/vm/scenarios/lib" "$scenarios/lib"
cp -- "$here"/vm-scope/*.sh "$scenarios/"
cp -- "$here/login.sh" "$here/vm-scope/login-cost.bash" "$scenarios/lib/"
tap=$(SANDBOX_VM_SCENARIOS="$scenarios" "$src/tests/vm/run-vm-tests.sh" "$build" "$src")
grep -E '^# .*result|^not ok|errors|checked' <<<"$tap" || true
grep -q '^not ok' <<<"$tap" && exit 1
exit 0
