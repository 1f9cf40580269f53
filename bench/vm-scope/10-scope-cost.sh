#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Measurement, not a test (bench/vm-scope.sh runs it in the VM tier's guest): the cost of a
# sandbox's transient scope. In a real login session of a user with a running user manager:
# /bin/true itself, `sandbox run -- /bin/true` with no manager to reach (no scope: the scope's
# cost is the difference to the next one), `sandbox run -- /bin/true` (a scope without limits), `sandbox run --memory-max 512M
# --tasks-max 512 -- /bin/true` (a scope with limits), and `systemd-run --user --scope /bin/true`
# (systemd's own cost of a scope), N runs each, interleaved, medians. Prints TAP so the harness
# carries it; the numbers are in the "# result" lines.
set -euo pipefail
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly user=vmbench runs=${SANDBOX_BENCH_RUNS:-40}
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
sbx=$(command -v sandbox || echo /usr/local/bin/sandbox)
loginctl enable-linger "$user"
uid=$(id -u "$user")
for _ in $(seq 100); do systemctl is-active --quiet "user@$uid.service" && break; sleep 0.2; done

# The measuring loop runs as the user inside one su -l session: XDG_RUNTIME_DIR and the user
# bus are set as for a login. Times in microseconds, one line per run: label value.
cat >/tmp/measure.sh <<INNER
#!/bin/bash
set -u
t() { local a b; a=\$(date +%s%N); "\$@" >/dev/null 2>&1 || echo "fail \$*" >&2; b=\$(date +%s%N); echo "\$1 \$(( (b - a) / 1000 ))"; }
# No manager: the user bus and \$XDG_RUNTIME_DIR/systemd/private point nowhere, so lib/cgroup
# reaches no manager and, with no limits asked, runs the sandbox without a scope.
nomgr() { DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent XDG_RUNTIME_DIR=/nonexistent "\$@"; }
echo "check-nomgr-limits \$(nomgr $sbx run --memory-max 512M -- /bin/true >/dev/null 2>&1; echo \$?)"
echo "check-nomgr-plain \$(nomgr $sbx run -- /bin/true >/dev/null 2>&1; echo \$?)"
for i in \$(seq $runs); do
        echo "true \$( t /bin/true | cut -d' ' -f2)"
        echo "nomgr \$( nomgr t $sbx run -- /bin/true | cut -d' ' -f2)"
        echo "plain \$( t $sbx run -- /bin/true | cut -d' ' -f2)"
        echo "limits \$( t $sbx run --memory-max 512M --tasks-max 512 -- /bin/true | cut -d' ' -f2)"
        echo "systemd-run \$( t systemd-run --user --scope --quiet /bin/true | cut -d' ' -f2)"
done
INNER
chmod 0755 /tmp/measure.sh
out=$(su -l "$user" -c /tmp/measure.sh 2>/tmp/measure.err) && pass "measured $runs runs of each" ||
        fail "measured $runs runs of each" "$(cat /tmp/measure.err)"
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
diag "check: with no manager, sandbox run --memory-max exits $(awk '$1 == "check-nomgr-limits" {print $2}' <<<"$out") (refused: no scope), without limits $(awk '$1 == "check-nomgr-plain" {print $2}' <<<"$out")"
for label in true nomgr plain limits systemd-run; do
        m=$(awk -v l="$label" '$1 == l {print $2}' <<<"$out" | median)
        diag "result $label ${m} us"
done
[[ -s /tmp/measure.err ]] && diag "errors: $(head -3 /tmp/measure.err)"
loginctl disable-linger "$user"
done_testing
