#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Measurement, not a test (bench/vm-scope.sh runs it in the VM tier's guest): issue 5's login
# cost where logind and the system manager are real. bench/login.sh (copied into lib/ by
# bench/vm-scope.sh) times `su -l USER -c true` with and without pam_sandbox.so in the stack, here
# with the policy's [Resources] too (limits on user-UID.slice, systemd.* data for pam_systemd,
# RuntimeMaxSec= read back from the session scope). The user lingers, so its manager runs
# throughout, as for a user who is logged in already. Prints TAP; numbers in "# result" lines.
set -euo pipefail
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly user=sbxbench runs=${SANDBOX_BENCH_LOGIN_RUNS:-25}
getent group "$user" >/dev/null || groupadd "$user"
id "$user" >/dev/null 2>&1 || useradd --create-home --gid "$user" --shell /bin/sh "$user"
loginctl enable-linger "$user"
uid=$(id -u "$user")
for _ in $(seq 100); do systemctl is-active --quiet "user@$uid.service" && break; sleep 0.2; done
module=$(find /usr/local /usr/lib -name pam_sandbox.so -path '*security*' 2>/dev/null | head -n 1)
# Three policies: the [Sandbox] keys alone, with the slice limits, and with RuntimeMaxSec= too,
# so the cost of each part shows.
for resources in "" "MemoryMax=1G TasksMax=256" "MemoryMax=1G TasksMax=256 RuntimeMaxSec=1h"; do
        label="[Resources] ${resources:-(none)}"
        if out=$(SANDBOX_BENCH_RESOURCES=$resources bash "$(dirname -- "${BASH_SOURCE[0]}")/lib/login.sh" "$module" "$runs" 2>/tmp/login-bench.err); then
                pass "login bench, $label: $runs logins with and without pam_sandbox ($module)"
        else
                fail "login bench, $label: $runs logins with and without pam_sandbox" "$out" "$(tail -n 20 /tmp/login-bench.err)"
        fi
        diag "result login bench, $label:"
        while IFS= read -r line; do diag "$line"; done <<<"$out"
done
diag "result login slice: $(systemctl show -p MemoryMax -p TasksMax -- "user-$uid.slice" | paste -sd' ')"
loginctl disable-linger "$user"
done_testing
