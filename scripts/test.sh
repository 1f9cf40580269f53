#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The whole test suite, as CI runs it: install dependencies, build twice (release and
# ASan+UBSan, both with -Werror), run every suite in both, check formatting, and fail on any
# skipped test (a skip in CI hides a feature that does not work).
#
# Usage (as root on Debian 12, from the source tree): scripts/test.sh
# Environment: SANDBOX_SUITES="unit integration" limits the suites (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

scripts/deps.sh --test
[[ -x tests/vm/host-deps.sh ]] && tests/vm/host-deps.sh

export SANDBOX_TESTS_MUST_WORK=1
suite_args=()
for s in ${SANDBOX_SUITES:-}; do suite_args+=(--suite "$s"); done

echo "== style: clang-format"
mapfile -t cfiles < <(git ls-files '*.c' '*.h' 2>/dev/null || find lib launcher pam_module tests -name '*.[ch]')
clang-format --dry-run --Werror "${cfiles[@]}"

run_suite() { # BUILD_DIR "MESON TEST ARGS" MESON_SETUP_ARGS...
	local dir=$1 test_args=$2
	shift 2
	rm -rf -- "$dir"
	meson setup "$dir" --werror "$@" >/dev/null
	meson compile -C "$dir"
	# shellcheck disable=SC2086 # test_args is a list of fixed words
	meson test -C "$dir" --print-errorlogs --num-processes 2 $test_args "${suite_args[@]}"
}

echo "== release build (every suite, the VM tier included)"
run_suite "$src/build-ci" "" -Dbuildtype=debugoptimized
# The VM tier boots a guest without the sanitizer runtimes; it runs on the release build only.
echo "== ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run_suite "$src/build-ci-asan" "--no-suite vm" -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# Count results over both builds; any SKIP is a failure here, a whole test's or one TAP
# subtest's (meson calls a TAP test OK when only some of its subtests were skipped).
python3 - "$src/build-ci/meson-logs/testlog.json" "$src/build-ci-asan/meson-logs/testlog.json" <<'PY'
import json, re, sys
tap_skip = re.compile(r"^ok\b.*#\s*skip\b", re.I | re.M)
passed = failed = skipped = 0
for path in sys.argv[1:]:
    for line in open(path):
        t = json.loads(line)
        r = t["result"]
        sub = tap_skip.findall(t.get("stdout") or "")
        if r == "SKIP" or sub:
            skipped += 1
            print(f"skipped in CI (counts as a failure): {t['name']}")
            for s in sub:
                print(f"  {s}")
        elif r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed + skipped} failed")
sys.exit(1 if failed or skipped else 0)
PY
