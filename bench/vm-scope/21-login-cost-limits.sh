#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Measurement, not a test: the login cost in the VM guest with [Resources] MemoryMax=1G TasksMax=256
# (bench/vm-scope/login-cost.bash says what and how).
set -euo pipefail
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/login-cost.bash"
login_cost "MemoryMax=1G TasksMax=256"
done_testing
