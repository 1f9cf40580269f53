#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Policies end to end: `sandbox policy check` and `show` (golden outputs), and the ceiling rule
# applied to `sandbox run` for members and non-members of a group, with real users, groups and
# files in /etc/sandbox. Usage: test-policy.sh SANDBOX SOURCE_DIR
source "$(dirname "$0")/lib.sh"

[[ $# -eq 2 ]] || { echo "usage: $0 SANDBOX SOURCE_DIR" >&2; exit 2; }
[[ $EUID -eq 0 ]] || skip_all "needs root: creates users, groups and /etc/sandbox/policy.d files"
stage "$1"
setup_user
require_userns
SBX=$STAGE/sandbox
SRC=$2
FIX=$SRC/tests/fixtures
GROUP=sbx-students
OTHER=sandbox-test2

# --- users and groups ---------------------------------------------------------------------
getent group "$GROUP" >/dev/null || groupadd "$GROUP"
usermod -a -G "$GROUP" "$TEST_USER"
id -u "$OTHER" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$OTHER"
other() { (TEST_USER=$OTHER TEST_HOME=$(getent passwd "$OTHER" | cut -d: -f6) as_user "$@"); }

# --- policy check ---------------------------------------------------------------------------
out=$("$SBX" policy check "$SRC"/policies/*.policy "$SRC"/policies/examples/* "$SRC"/policies/apps/* 2>&1)
check "the shipped policies and profiles pass policy check" 0 "$?"
for f in "$FIX"/policy/malformed/*; do
	out=$("$SBX" policy check "$f" 2>&1); rc=$?
	name=$(basename "$f")
	if [[ $rc -ne 0 && "$out" =~ ^"$f":[0-9]+:[0-9]+:\  ]]; then ok "policy check rejects $name with FILE:LINE:COLUMN"
	else not_ok "policy check rejects $name with FILE:LINE:COLUMN"; diag "rc=$rc" "$out"; fi
done
out=$("$SBX" policy check "$FIX/policy/good/everyone.policy" "$FIX/policy/malformed/duplicate-key.policy" 2>&1); rc=$?
check "one bad file among good ones fails the check" 1 "$rc"

# --- policy show: golden outputs --------------------------------------------------------------
tree=$STAGE/tree
cp -r "$FIX/show/tree" "$tree"
chmod -R go-w "$tree"
golden() { # NAME ARGS...: compare with tests/fixtures/show/NAME, fixture path as @TREE@
	local name=$1
	shift
	local got
	got=$("$SBX" policy show --admin-dir "$tree" "$@" 2>&1 | sed "s|$tree|@TREE@|g")
	if [[ "$got" == "$(cat "$FIX/show/$name")" ]]; then ok "policy show $* matches $name"
	else not_ok "policy show $* matches $name"; diff <(echo "$got") "$FIX/show/$name" | sed 's/^/# /'; fi
}
golden member-tool.txt --user "$TEST_USER" --app tool
golden member-tool.json --user "$TEST_USER" --app tool --json
golden nonmember.txt --user "$OTHER"

# --- the ceiling applied to sandbox run ---------------------------------------------------
POLDIR=/etc/sandbox/policy.d
created_etc=no
[[ -d /etc/sandbox ]] || created_etc=yes
mkdir -p "$POLDIR" /etc/sandbox/apps
cleanup_policy() {
	rm -f "$POLDIR/50-sbx-test.policy" "$POLDIR/51-sbx-test.policy" /etc/sandbox/apps/sbx-test-app.profile
	[[ $created_etc == yes ]] && rm -rf /etc/sandbox
	rm -rf -- "$STAGE"
}
trap cleanup_policy EXIT
cat >"$POLDIR/50-sbx-test.policy" <<'POL'
[Match]
Group=sbx-students

[Sandbox]
PrivateNetwork=yes
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
Environment=POLICY_SET=admin
POL
chmod 0644 "$POLDIR/50-sbx-test.policy"

run() { as_user "$SBX" run "$@"; }
host_net=$(as_user readlink /proc/self/ns/net)
out=$(run --net=host -- true 2>&1); rc=$?
check "a member asking for --net=host past PrivateNetwork=yes is refused (125)" 125 "$rc"
check_match "the refusal names the key and the ceiling's file and line" \
	"PrivateNetwork.*$POLDIR/50-sbx-test.policy:5" "$out"
check "a member's sandbox has no network by default" "lo" "$(run -- awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}' /proc/net/dev)"
check "a non-member may use --net=host" "$(other readlink /proc/self/ns/net)" "$(other "$SBX" run --net=host -- readlink /proc/self/ns/net 2>&1)"
check "the policy's Environment= reaches a member's sandbox" "admin" "$(run -- sh -c 'echo $POLICY_SET')"
check "and not a non-member's" "" "$(other "$SBX" run -- sh -c 'echo ${POLICY_SET:-}')"
out=$(run --env POLICY_SET=mine -- true 2>&1); rc=$?
check "--env may not change a variable the policy sets (125)" 125 "$rc"
out=$(run --cap-add CAP_CHOWN -- true 2>&1); rc=$?
check "--cap-add outside CapabilityBoundingSet= is refused (125)" 125 "$rc"
check_match "naming the capability and the ceiling" "CAP_chown|CAP_CHOWN.*50-sbx-test.policy" "$out"
check "--cap-add inside CapabilityBoundingSet= works" "0000000000000400" \
	"$(run --cap-add CAP_NET_BIND_SERVICE -- awk '$1 == "CapEff:" {print $2}' /proc/self/status)"

# Limits: on a host without systemd or a delegated cgroup v2 tree they cannot be enforced, and
# the sandbox must refuse rather than run unlimited (the VM tier checks enforcement).
cat >"$POLDIR/51-sbx-test.policy" <<'POL'
[Match]
Group=sbx-students

[Resources]
MemoryMax=512M
POL
chmod 0644 "$POLDIR/51-sbx-test.policy"
if [[ ! -d /run/systemd/system ]]; then
	out=$(run -- true 2>&1); rc=$?
	check "MemoryMax= that cannot be enforced stops a member's sandbox (125)" 125 "$rc"
	check_match "saying which key, why, and which file set it" "cannot enforce MemoryMax=512M.*MemoryMax= set by $POLDIR/51-sbx-test.policy:5" "$out"
fi
check "a non-member is not limited" 0 "$(other "$SBX" run -- true >/dev/null 2>&1; echo $?)"
out=$(run --memory-max 1G -- true 2>&1); rc=$?
check "--memory-max above the ceiling is refused (125)" 125 "$rc"
check_match "naming MemoryMax and the ceiling" "MemoryMax.*51-sbx-test.policy" "$out"
rm -f "$POLDIR/51-sbx-test.policy"

# Trust: an admin file others can write governs nothing; the run stops and names it.
chmod 0666 "$POLDIR/50-sbx-test.policy"
out=$(run -- true 2>&1); rc=$?
check "a world-writable admin policy stops the run (125)" 125 "$rc"
check_match "and names the file" "50-sbx-test.policy" "$out"
chmod 0644 "$POLDIR/50-sbx-test.policy"

# --- app profiles: admin and the user's, tightening only ----------------------------------
cat >/etc/sandbox/apps/sbx-test-app.profile <<'PROF'
[App]
Description=test app
Exec=/bin/sh -c "echo app:$0:$1" arg0

[Sandbox]
Environment=APP_LEVEL=admin-profile
PROF
chmod 0644 /etc/sandbox/apps/sbx-test-app.profile
check "sandbox run APP runs the profile's Exec= with the arguments" "app:arg0:extra" "$(run sbx-test-app extra 2>&1)"
check "--no-profile runs COMMAND as it is" 127 "$(run --no-profile sbx-test-app >/dev/null 2>&1; echo $?)"
udir=$TEST_HOME/.config/sandbox/apps
as_user mkdir -p "$udir"
as_user sh -c "printf '[Sandbox]\nPrivateNetwork=no\n' > '$udir/sbx-test-app.profile'"
out=$(run sbx-test-app 2>&1); rc=$?
check "a user profile asking for more than the ceiling is refused (125)" 125 "$rc"
check_match "naming the key, the user's file:line and the ceiling's file:line" \
	"sbx-test-app.profile:2: PrivateNetwork=no.*50-sbx-test.policy:5" "$out"
as_user sh -c "printf '[Sandbox]\nTasksMax=100000\n' > '$udir/sbx-test-app.profile'"
if [[ ! -d /run/systemd/system ]]; then
	out=$(run sbx-test-app 2>&1); rc=$?
	check "a user profile may tighten (TasksMax=, unenforceable here: refused, 125)" 125 "$rc"
fi
as_user rm -f "$udir/sbx-test-app.profile"

# Sandboxes never see the user's profiles writable, even with the whole home bound.
out=$(run --bind "$TEST_HOME" -- sh -c "touch '$udir/x' 2>&1 && echo writable || echo read-only")
check "~/.config/sandbox stays read-only under --bind HOME" "read-only" "$(tail -n1 <<<"$out")"
check "while the rest of the home is writable" "ok" "$(run --bind "$TEST_HOME" -- sh -c "touch '$TEST_HOME/y' && echo ok")"
rm -f "$TEST_HOME/y"
check "nor under a [Desktop] Home=.config:rw" "read-only" \
	"$(run -p Home=.config:rw -- sh -c "touch '$udir/x' 2>/dev/null && echo writable || echo read-only")"
check "nor under a writable bind of /" "read-only" \
	"$(run --bind /:/host -- sh -c "touch '/host$udir/x' 2>/dev/null && echo writable || echo read-only")"
rm -f "$udir/x"

# sandbox session: the login shell in a container, under the same ceiling.
as_user sh -c 'echo home-file > "$HOME/.session-marker"'
check "sandbox session runs COMMAND as the user, in a pid namespace" "$TEST_USER sandbox" \
	"$(run_session() { as_user "$SBX" session -- sh -c 'echo $(id -un) $(awk "/^Name:/ {print \$2}" /proc/1/status)'; }; run_session 2>&1)"
check "a member's session has no network (PrivateNetwork=yes)" "lo" \
	"$(as_user "$SBX" session -- awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}' /proc/net/dev 2>&1)"
check "a non-member's session shares the host network" "$(other readlink /proc/self/ns/net)" \
	"$(other "$SBX" session -- readlink /proc/self/ns/net 2>&1)"
check "the session sees the user's home" "home-file" "$(as_user "$SBX" session -- sh -c 'cat "$HOME/.session-marker"' 2>&1)"
check "SSH_ORIGINAL_COMMAND runs through the login shell" "from ssh 4" \
	"$(SANDBOX_TEST_EXTRA_ENV='SSH_ORIGINAL_COMMAND=echo from ssh $((2+2))' as_user "$SBX" session 2>&1)"
printf '[Match]\nGroup=sbx-students\n\n[Sandbox]\nProtectHome=read-only\n' >"$POLDIR/51-sbx-test.policy"
chmod 0644 "$POLDIR/51-sbx-test.policy"
check "under ProtectHome=read-only the session's home is read-only" "read-only" \
	"$(as_user "$SBX" session -- sh -c 'touch "$HOME/x" 2>/dev/null && echo writable || echo read-only' 2>&1)"
rm -f "$POLDIR/51-sbx-test.policy" "$TEST_HOME/.session-marker"

# InaccessiblePaths= hides what a bind would show.
mkdir -p "$STAGE/user/secret" && echo s >"$STAGE/user/secret/key" && chown -R "$TEST_USER": "$STAGE/user"
printf '[Match]\nGroup=sbx-students\n\n[Sandbox]\nInaccessiblePaths=%s/user/secret\n' "$STAGE" >"$POLDIR/51-sbx-test.policy"
chmod 0644 "$POLDIR/51-sbx-test.policy"
out=$(run --ro-bind "$STAGE/user:/data" -- cat /data/secret/key 2>&1); rc=$?
check "InaccessiblePaths= is hidden inside a bind of its parent" "yes" "$([[ $rc -ne 0 ]] && echo yes || echo no)"
check "while the rest of the bind is visible" "s" "$(run --ro-bind "$STAGE/user:/data" -- sh -c 'ls /data/secret >/dev/null 2>&1 || echo s')"
out=$(run --ro-bind "$STAGE/user/secret:/data" -- true 2>&1); rc=$?
check "a bind of the inaccessible path itself is refused (125)" 125 "$rc"
rm -f "$POLDIR/51-sbx-test.policy"
# The same for a bind of / (outside /tmp: in the sandbox's mount namespace the new root is built
# on a tmpfs over /tmp, so a bind of / shows that, not the host's /tmp).
as_user sh -c 'mkdir -p "$HOME/.sbx-secret" && echo s > "$HOME/.sbx-secret/key"'
printf '[Match]\nGroup=sbx-students\n\n[Sandbox]\nInaccessiblePaths=%s/.sbx-secret\n' "$TEST_HOME" >"$POLDIR/51-sbx-test.policy"
chmod 0644 "$POLDIR/51-sbx-test.policy"
out=$(run --ro-bind /:/host -- cat "/host$TEST_HOME/.sbx-secret/key" 2>&1); rc=$?
check "InaccessiblePaths= is hidden inside a bind of / too" "yes" "$([[ $rc -ne 0 ]] && echo yes || echo no)"
check "while its neighbours show" "ok" "$(run --ro-bind /:/host -- sh -c "test -d '/host$TEST_HOME' && echo ok")"
rm -rf "$POLDIR/51-sbx-test.policy" "$TEST_HOME/.sbx-secret"

# The implied rules hold inside a bind of a parent as the explicit ones do.
as_user sh -c 'echo h > "$HOME/.ph-marker"'
printf '[Match]\nGroup=sbx-students\n\n[Sandbox]\nProtectHome=read-only\n' >"$POLDIR/51-sbx-test.policy"
chmod 0644 "$POLDIR/51-sbx-test.policy"
check "ProtectHome=read-only: a writable bind of / shows the homes read-only" "read-only" \
	"$(run --bind /:/host -- sh -c "touch '/host$TEST_HOME/.ph-marker' 2>/dev/null && echo writable || echo read-only")"
printf '[Match]\nGroup=sbx-students\n\n[Sandbox]\nProtectHome=yes\n' >"$POLDIR/51-sbx-test.policy"
check "ProtectHome=yes: a bind of / does not show the homes" "hidden" \
	"$(run --ro-bind /:/host -- sh -c "cat '/host$TEST_HOME/.ph-marker' 2>/dev/null || echo hidden")"
check "while the rest of / is there" "ok" "$(run --ro-bind /:/host -- sh -c 'test -x /host/bin/sh && echo ok')"
rm -f "$POLDIR/51-sbx-test.policy" "$TEST_HOME/.ph-marker"

# --- SystemCallFilter=: a second filter, built with libseccomp loaded on demand ---------------
printf '[Match]\nGroup=sbx-students\n\n[Sandbox]\nSystemCallFilter=~mkdir mkdirat\n' >"$POLDIR/51-sbx-test.policy"
chmod 0644 "$POLDIR/51-sbx-test.policy"
out=$(run -- sh -c 'grep Seccomp_filters /proc/self/status; mkdir /tmp/d 2>&1 || true')
check_match "a deny list is a second filter, and denies mkdir" "Seccomp_filters:.*2.*(not permitted|EPERM)" "$(tr '\n' ' ' <<<"$out")"
check "a non-member can mkdir" "ok" "$(other "$SBX" run -- sh -c 'mkdir /tmp/d && echo ok' 2>&1)"
# An allow list: PID 1 and the app get through their own start (vfork, capability drops) on
# the calls the filter always allows; /bin/true needs only these.
printf '[Match]\nGroup=sbx-students\n\n[Sandbox]\nSystemCallFilter=execve brk mmap mprotect munmap arch_prctl access openat newfstatat fstat close read pread64 set_tid_address set_robust_list rseq prlimit64 exit_group getrandom\n' >"$POLDIR/51-sbx-test.policy"
check "a command runs under an allow list" 0 "$(run -- /bin/true >/dev/null 2>&1; echo $?)"
check "what the allow list leaves out (mkdir) is denied" "failed" "$(run -- /bin/mkdir /tmp/d >/dev/null 2>&1 || echo failed)"
rm -f "$POLDIR/51-sbx-test.policy"

tap_done
