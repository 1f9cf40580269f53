# SPDX-License-Identifier: LGPL-2.1-or-later
# tap.bash — tiny TAP helpers for the VM scenarios; source it, never run it.
# (It lives in lib/ so the runner, which runs scenarios/*.sh, does not take it for one.)
#
#   check "description" command [args...]   runs the command; ok if it exits 0. Its output
#                                            is shown as TAP comments only when it fails.
#   pass "description" / fail "description" [diagnostic...]
#   diag "text"                              a TAP comment
#   done_testing                             prints the plan; exits 1 if anything failed
#
# Every test line goes to stdout; the runner (tests/vm/guest-runner.sh) renumbers them.

_tap_n=0
_tap_failed=0

diag() {
        local line
        while IFS= read -r line; do
                printf '# %s\n' "$line"
        done <<<"$*"
}

pass() {
        _tap_n=$((_tap_n + 1))
        printf 'ok %d - %s\n' "$_tap_n" "$1"
}

fail() {
        _tap_n=$((_tap_n + 1))
        _tap_failed=$((_tap_failed + 1))
        printf 'not ok %d - %s\n' "$_tap_n" "$1"
        shift
        [[ $# -eq 0 ]] || diag "$*"
}

check() {
        local desc="$1" out rc=0
        shift
        out="$("$@" 2>&1)" || rc=$?
        if [[ $rc -eq 0 ]]; then
                pass "$desc"
        else
                fail "$desc" "exit status $rc: $*" "${out:-(no output)}"
        fi
}

done_testing() {
        printf '1..%d\n' "$_tap_n"
        [[ $_tap_failed -eq 0 ]]
}
