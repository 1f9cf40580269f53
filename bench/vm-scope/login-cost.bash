# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by bench/vm-scope/2?-login-cost-*.sh (bench/vm-scope.sh copies it into the guest's
# scenarios/lib/): issue 5's login cost where logind and the system manager are real.
# bench/login.sh (copied there too) times `su -l USER -c true` with and without pam_sandbox.so in
# the stack, with the [Resources] assignments given as the first argument (words): none, the
# slice limits (SetUnitProperties on user-UID.slice at every login), RuntimeMaxSec= too (handed
# to pam_systemd, read back from the session scope), one scenario each so that each stays well
# inside the runner's 300 s per scenario on a slow guest. The user lingers, so its manager runs
# throughout, as for a user who is logged in already. Prints TAP; numbers in "# result" lines.
login_cost() { # RESOURCES
        local user=sbxbench runs=${SANDBOX_BENCH_LOGIN_RUNS:-20} uid module out
        local label="[Resources] ${1:-(none)}"
        getent group "$user" >/dev/null || groupadd "$user"
        id "$user" >/dev/null 2>&1 || useradd --create-home --gid "$user" --shell /bin/sh "$user"
        loginctl enable-linger "$user"
        uid=$(id -u "$user")
        for _ in $(seq 100); do systemctl is-active --quiet "user@$uid.service" && break; sleep 0.2; done
        module=$(find /usr/local /usr/lib -name pam_sandbox.so -path '*security*' 2>/dev/null | head -n 1)
        if out=$(SANDBOX_BENCH_RESOURCES=$1 bash "$(dirname -- "${BASH_SOURCE[0]}")/login.sh" "$module" "$runs" 2>/tmp/login-bench.err); then
                pass "login bench, $label: $runs logins with and without pam_sandbox ($module)"
        else
                fail "login bench, $label: $runs logins with and without pam_sandbox" "$out" "$(tail -n 20 /tmp/login-bench.err)"
        fi
        diag "result login bench, $label:"
        while IFS= read -r line; do diag "$line"; done <<<"$out"
        diag "result login slice: $(systemctl show -p MemoryMax -p TasksMax -- "user-$uid.slice" | paste -sd' ')"
        loginctl disable-linger "$user"
}
