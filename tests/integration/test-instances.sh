#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Running sandboxes (sandbox run --name, ps, enter, stop) and desktop entries, end to end as
# unprivileged users. Usage: test-instances.sh SANDBOX
source "$(dirname "$0")/lib.sh"

[[ $# -eq 1 ]] || { echo "usage: $0 SANDBOX" >&2; exit 2; }
stage "$1"
setup_user
require_userns
command -v python3 >/dev/null || skip_all "python3 is needed to parse ps --json"
command -v desktop-file-validate >/dev/null ||
	skip_all "desktop-file-validate (desktop-file-utils) is needed"

SBX=$STAGE/sandbox
USER1=$TEST_USER HOME1=$TEST_HOME
# Each user's registry lives in its own runtime directory (no logind here to make one).
runtime_dir() {
	local d=$STAGE/run-$1
	mkdir -p -m 0700 "$d" && chown "$1": "$d" && chmod 0700 "$d"
	echo "$d"
}
RT1=$(runtime_dir "$USER1")
export SANDBOX_TEST_EXTRA_ENV="XDG_RUNTIME_DIR=$RT1"
sb() { as_user "$SBX" "$@"; }

# not_here DESC: a check this machine cannot make; a failure where tests must work.
not_here() {
	if [[ "${SANDBOX_TESTS_MUST_WORK:-0}" == 1 ]]; then not_ok "$1 (cannot run here)"; else
		ok "$1 # SKIP cannot run here"; fi
}

# wait_listed NAME: until ps lists NAME (20 s at most: the machine may be busy).
wait_listed() {
	for _ in $(seq 200); do
		sb ps 2>/dev/null | awk -v n="$1" '$1 == n {f = 1} END {exit !f}' && return 0
		sleep 0.1
	done
	return 1
}

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf -- "$STAGE"
}
trap cleanup EXIT

# --- a named sandbox ----------------------------------------------------------------------
(as_user_exec "$SBX" run --name t1 -- sh -c 'echo from-t1 > /tmp/t1-file; exec sleep 1000') \
	>"$STAGE/t1.out" 2>&1 &
monitor=$!
pids+=("$monitor")
if wait_listed t1; then ok "ps lists the sandbox t1"; else
	not_ok "ps lists the sandbox t1"; diag "$(cat "$STAGE/t1.out")"; fi

json=$(sb ps --json)
read -r name pid mon start < <(python3 -c '
import json, sys
for i in json.load(sys.stdin):
    if i["name"] == "t1":
        print(i["name"], i["pid"], i["monitor_pid"], i["start_time"])' <<<"$json")
check "ps --json: name" t1 "${name:-}"
check "ps --json: the monitor is the process we started" "$monitor" "${mon:-}"
check "ps --json: pid is the sandbox's PID 1, a child of the monitor" "$monitor" \
	"$(awk '$1 == "PPid:" {print $2}' "/proc/${pid:-0}/status" 2>/dev/null)"
check "ps --json: start time is PID 1's" "$(sed 's/.*) //' "/proc/${pid:-0}/stat" 2>/dev/null | cut -d' ' -f20)" \
	"${start:-}"
check_match "ps: table row" "^t1 +${pid:-x} +- +- +[0-9-]+ [0-9:]+ sh -c echo from-t1" \
	"$(sb ps | awk '$1 == "t1"')"
app=$(ps -o pid= --ppid "${pid:-0}" | tr -d ' ')

status=$(sb enter t1 -- cat /proc/self/status)
check "enter: seccomp in filter mode" 2 "$(awk '$1 == "Seccomp:" {print $2}' <<<"$status")"
check "enter: no_new_privs" 1 "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$status")"
for set in CapEff CapPrm CapBnd CapAmb; do
	check "enter: $set is empty" 0000000000000000 "$(awk -v k="$set:" '$1 == k {print $2}' <<<"$status")"
done
check "enter: the seccomp filters are the app's" \
	"$(awk '$1 == "Seccomp_filters:" {print $2}' "/proc/${app:-0}/status")" \
	"$(awk '$1 == "Seccomp_filters:" {print $2}' <<<"$status")"
for ns in user mnt pid net ipc uts cgroup; do
	check "enter: the app's $ns namespace" "$(readlink "/proc/${app:-0}/ns/$ns")" \
		"$(sb enter t1 -- readlink /proc/self/ns/$ns)"
done
check "enter: sees the sandbox's /tmp" from-t1 "$(sb enter t1 -- cat /tmp/t1-file)"
check "enter: the sandbox's host name" sandbox "$(sb enter t1 -- cat /proc/sys/kernel/hostname)"
check "enter: inside the pid namespace" "1" "$(sb enter t1 -- sh -c 'ps -o pid= -p 1 >/dev/null 2>&1; awk "\$1 == \"NSpid:\" {print NF - 1}" /proc/self/status')"
sb enter t1 -- sh -c 'exit 7'
check "enter: the command's exit status" 7 "$?"
sb enter t1 -- no-such-command-here 2>/dev/null
check "enter: a missing command is 127" 127 "$?"
sb enter t1 -- sh -c 'kill -TERM $$'
check "enter: killed by a signal is 128+N" 143 "$?"
# enter forwards a signal sent to it to the command (through the child that joined the sandbox).
(cd / && exec setsid setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups -- \
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME1" USER="$TEST_USER" XDG_RUNTIME_DIR="$RT1" \
	${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
	"$SBX" enter t1 -- sh -c 'echo up > /tmp/up; exec sleep 1000') >/dev/null 2>&1 &
enter_pid=$!
pids+=("$enter_pid")
for _ in $(seq 100); do [[ $(sb enter t1 -- cat /tmp/up 2>/dev/null) == up ]] && break; sleep 0.1; done
kill -TERM "$enter_pid" 2>/dev/null
wait "$enter_pid" 2>/dev/null
check "enter: a TERM to enter ends the command (forwarded)" 143 "$?"
# On a terminal, the command gets a pty of the sandbox's own devpts, relayed: never the caller's
# terminal, which every process of the sandbox could take from it through /proc and keep.
ptyrun() { as_user python3 -c 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))' "$@"; }
out=$(ptyrun "$SBX" enter t1 -- sh -c 'for f in 0 1 2; do stat -L -c %d /proc/self/fd/$f; done; stat -c %d /dev/pts/ptmx; tty' </dev/null | tr -d '\r')
devs=$(head -4 <<<"$out" | sort -u | wc -l)
check "enter on a terminal: fds 0-2 are a pty of the sandbox's devpts" "1 /dev/pts/0" \
	"$devs $(sed -n 5p <<<"$out")"
# stdout to a file, stdin and stderr on the terminal: those two are the sandbox's pty, the file stays.
ptyrun sh -c 'exec "$0" enter t1 -- stat -L -c %d /proc/self/fd/0 /proc/self/fd/2 /dev/pts/ptmx >"$1"' \
	"$SBX" "$HOME1/pty-fds.out" </dev/null >/dev/null 2>&1
check "enter, stdout to a file: stdin and stderr are the sandbox's pty, stdout the file" "1 3" \
	"$(sort -u "$HOME1/pty-fds.out" | wc -l) $(wc -l <"$HOME1/pty-fds.out")"
printf 'echo hi-$((6 * 7))\nexit 3\n' | ptyrun "$SBX" enter t1 -- sh -i >"$STAGE/pty.out" 2>&1
check "enter on a terminal: the relay passes input and the exit status" "3" "$?"
check_match "enter on a terminal: ... and output" "hi-42" "$(tr -d '\r' <"$STAGE/pty.out")"
out=$(sb enter no-such-name -- true 2>&1)
check "enter: an unknown name is refused" 125 "$?"
check_match "enter: ... and says so" "no sandbox named 'no-such-name'" "$out"
out=$(sb enter ../x -- true 2>&1)
check "enter: a bad name is refused" 125 "$?"

# A record that describes t1 with fewer (or other) seccomp filters than it has is refused.
sed 's/^name=.*/name=t1forged/; s/^syscall_filter=.*/syscall_filter=1/' \
	"$RT1/sandbox/instances/t1" >"$RT1/sandbox/instances/t1forged"
chown "$USER1": "$RT1/sandbox/instances/t1forged"
chmod 0600 "$RT1/sandbox/instances/t1forged"
out=$(sb enter t1forged -- true 2>&1)
check "enter: a record with other seccomp filters is refused" 125 "$?"
check_match "... saying why" "seccomp filters" "$out"
rm -f "$RT1/sandbox/instances/t1forged"
# ... and so is one that would hand the joined command a capability the app does not have.
sed 's/^name=.*/name=t1forged/; s/^keep_caps=.*/keep_caps=200000/' \
	"$RT1/sandbox/instances/t1" >"$RT1/sandbox/instances/t1forged"
chown "$USER1": "$RT1/sandbox/instances/t1forged"
chmod 0600 "$RT1/sandbox/instances/t1forged"
out=$(sb enter t1forged -- true 2>&1)
check "enter: a record claiming CAP_SYS_ADMIN the app lacks is refused" 125 "$?"
check_match "... saying why" "capabilities its app cannot have" "$out"
rm -f "$RT1/sandbox/instances/t1forged"

# ... and one that says the host's network for a sandbox with a network of its own (the joined
# command would get the host's network, which the app does not have).
sed 's/^name=.*/name=t1forged/; s/^private_network=.*/private_network=0/' \
	"$RT1/sandbox/instances/t1" >"$RT1/sandbox/instances/t1forged"
chown "$USER1": "$RT1/sandbox/instances/t1forged"
chmod 0600 "$RT1/sandbox/instances/t1forged"
out=$(sb enter t1forged -- readlink /proc/self/ns/net 2>&1)
check "enter: a record with another network namespace is refused" 125 "$?"
check_match "... saying why" "network namespace" "$out"
rm -f "$RT1/sandbox/instances/t1forged"

# ... and one that names a cgroup other than the sandbox's (the command would leave its limits).
{ grep -v '^cgroup=' "$RT1/sandbox/instances/t1" | sed 's/^name=.*/name=t1forged/'
	echo "cgroup=/sbxtest-elsewhere"; } >"$RT1/sandbox/instances/t1forged"
chown "$USER1": "$RT1/sandbox/instances/t1forged"
chmod 0600 "$RT1/sandbox/instances/t1forged"
out=$(sb enter t1forged -- true 2>&1)
check "enter: a record naming another cgroup is refused" 125 "$?"
check_match "... saying why" "not in /sbxtest-elsewhere as its record says" "$out"
rm -f "$RT1/sandbox/instances/t1forged"

# A record whose PID 1 is some other process of the user (anyone can read a pid's start time and
# parent) must not make stop signal it, nor enter look at it: only a sandbox's PID 1 qualifies.
start_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
(as_user_exec sh -c 'sleep 1000 & wait') >/dev/null 2>&1 &
vparent=$!
pids+=("$vparent")
for _ in $(seq 100); do
	victim=$(ps -o pid= --ppid "$vparent" | tr -d ' ')
	[[ -n "$victim" ]] && break
	sleep 0.1
done
pids+=("${victim:-}")
sed "s/^name=.*/name=t1forged/; s/^monitor_pid=.*/monitor_pid=$vparent/
	s/^monitor_start=.*/monitor_start=$(start_of "$vparent")/; s/^init_pid=.*/init_pid=${victim:-0}/
	s/^init_start=.*/init_start=$(start_of "${victim:-0}")/" \
	"$RT1/sandbox/instances/t1" >"$RT1/sandbox/instances/t1forged"
chown "$USER1": "$RT1/sandbox/instances/t1forged"
chmod 0600 "$RT1/sandbox/instances/t1forged"
out=$(sb stop --timeout 1 t1forged 2>&1)
check "stop: a record naming a process that is no sandbox is refused" 125 "$?"
check_match "... saying why" "not a sandbox of yours" "$out"
check "... and that process was not signalled" yes "$(kill -0 "${victim:-0}" 2>/dev/null && echo yes)"
out=$(sb enter t1forged -- true 2>&1)
check "enter: a record naming a process that is no sandbox is refused" 125 "$?"
check_match "... saying why" "not a sandbox of yours" "$out"
rm -f "$RT1/sandbox/instances/t1forged"
kill "$vparent" "${victim:-}" 2>/dev/null

# A sandbox that has the runtime directory bound writable still cannot write the registry.
out=$(sb run --bind "$RT1" -- sh -c "touch '$RT1/bound-ok'; echo x >'$RT1/sandbox/instances/fake' && echo wrote" 2>&1)
check "the registry stays read-only inside a bind of the runtime dir" "no" \
	"$(grep -qx wrote <<<"$out" && echo yes || echo no)"
check "... while the rest of that bind is writable" "yes" \
	"$([[ -e "$RT1/bound-ok" && ! -e "$RT1/sandbox/instances/fake" ]] && echo yes || echo no)"
rm -f "$RT1/bound-ok" "$RT1/sandbox/instances/fake"

out=$(sb run --name t1 -- true 2>&1)
check "run: a duplicate --name is refused" 125 "$?"
check_match "run: ... and says so" "already running" "$out"
out=$(sb run --name 'a/b' -- true 2>&1)
check "run: an invalid --name is refused" 125 "$?"
out=$(SANDBOX_TEST_EXTRA_ENV=XDG_RUNTIME_DIR=/nonexistent sb run --name x -- true 2>&1)
check "run --name without a runtime directory is refused" 125 "$?"
check_match "... naming the directory" "/nonexistent" "$out"
(as_user_exec "$SBX" run -- sh -c 'exec sleep 1000') >/dev/null 2>&1 &
pids+=("$!")
for _ in $(seq 100); do sb ps | grep -q '^sh-' && break; sleep 0.1; done
check_match "run without --name: the command's base name and 32 random bits" "^sh-[0-9a-f]{8}$" \
	"$(sb ps | awk '$1 ~ /^sh-/ {print $1}')"
kill "${pids[-1]}" 2>/dev/null
wait "${pids[-1]}" 2>/dev/null
check "run without --name works without a runtime directory" ok \
	"$(SANDBOX_TEST_EXTRA_ENV=XDG_RUNTIME_DIR=/nonexistent sb run -- echo ok 2>&1)"

# --- another user's sandbox -------------------------------------------------------------------
if [[ $EUID -eq 0 ]]; then
	USER2=sandbox-test2
	id -u "$USER2" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$USER2"
	RT2=$(runtime_dir "$USER2")
	uid2=$(id -u "$USER2")
	# A record in USER2's own registry that points at USER1's sandbox: the registry is only an
	# index, enter and stop must check the processes themselves.
	mkdir -p "$RT2/sandbox/instances" && chmod 0700 "$RT2/sandbox" "$RT2/sandbox/instances"
	sed "s/^uid=.*/uid=$uid2/" "$RT1/sandbox/instances/t1" >"$RT2/sandbox/instances/t1"
	chown -R "$USER2": "$RT2/sandbox"
	chmod 0600 "$RT2/sandbox/instances/t1"
	as2() {
		(TEST_USER=$USER2 TEST_HOME=$(getent passwd "$USER2" | cut -d: -f6) \
			SANDBOX_TEST_EXTRA_ENV="XDG_RUNTIME_DIR=$RT2" as_user_exec "$@")
	}
	out=$(as2 "$SBX" enter t1 -- id 2>&1)
	check "enter: another user's sandbox is refused" 125 "$?"
	check_match "... as not theirs" "not a sandbox of yours" "$out"
	out=$(as2 "$SBX" stop t1 2>&1)
	check "stop: another user's sandbox is refused" 125 "$?"
	check "... and it still runs" yes "$(kill -0 "$monitor" 2>/dev/null && echo yes)"
	# Without the forged record USER2 sees nothing of USER1's.
	rm -f "$RT2/sandbox/instances/t1"
	check "ps: another user sees none of them" "" "$(as2 "$SBX" ps | tail -n +2)"
	# A registry directory that others may write is refused.
	chmod 0770 "$RT2/sandbox/instances"
	out=$(as2 "$SBX" ps 2>&1)
	check "ps: a registry writable by others is refused" 125 "$?"
	chmod 0700 "$RT2/sandbox/instances"
else
	for t in "enter: another user's sandbox is refused" "stop: another user's sandbox is refused"; do
		not_here "$t"
	done
fi

# --- stop -------------------------------------------------------------------------------------
sb stop t1
check "stop: succeeds" 0 "$?"
wait "$monitor"
check "stop: the sandbox ends with the app's SIGTERM status" 143 "$?"
check "stop: the record is gone" absent "$([[ -e $RT1/sandbox/instances/t1 ]] && echo present || echo absent)"
check "ps: empty after stop" "" "$(sb ps | tail -n +2)"
out=$(sb stop t1 2>&1)
check "stop: an ended sandbox is refused" 125 "$?"

# --stop with a timeout: a command that ignores SIGTERM is killed.
(as_user_exec "$SBX" run --name t3 -- sh -c 'trap "" TERM; while :; do sleep 0.1; done') \
	>/dev/null 2>&1 &
monitor=$!
pids+=("$monitor")
wait_listed t3 || not_ok "t3 started"
sb stop --timeout 0.5 t3 2>/dev/null
check "stop --timeout: succeeds" 0 "$?"
wait "$monitor"
check "stop --timeout: killed after the timeout" 137 "$?"

# --- a SystemCallFilter= is reproduced -------------------------------------------------------
fapp=sbxtest-filter-$$
as_user mkdir -p "$HOME1/.config/sandbox/apps"
as_user sh -c "printf '[App]\nExec=/bin/sleep\n[Sandbox]\nSystemCallFilter=~uname\n' > '$HOME1/.config/sandbox/apps/$fapp.profile'"
(as_user_exec "$SBX" run --name tf -- "$fapp" 1000) >"$STAGE/tf.out" 2>&1 &
monitor=$!
pids+=("$monitor")
if wait_listed tf; then
	ok "a sandbox with SystemCallFilter= is listed"
	finit=$(ps -o pid= --ppid "$monitor" | tr -d ' ')
	fapp_pid=$(ps -o pid= --ppid "${finit:-0}" | tr -d ' ')
	check "enter: both filters of a SystemCallFilter= sandbox" \
		"$(awk '$1 == "Seccomp_filters:" {print $2}' "/proc/${fapp_pid:-0}/status")" \
		"$(sb enter tf -- awk '$1 == "Seccomp_filters:" {print $2}' /proc/self/status)"
	check "enter: the app's SystemCallFilter= applies" "Operation not permitted" \
		"$(sb enter tf -- uname 2>&1 | grep -o "Operation not permitted")"
	check "... and only there" "Linux" "$(sb run -- uname 2>&1)"
	sb stop tf
else
	not_ok "a sandbox with SystemCallFilter= is listed"
	diag "$(cat "$STAGE/tf.out")"
fi
wait "$monitor"
as_user rm -f "$HOME1/.config/sandbox/apps/$fapp.profile"

# --- --net=host: enter shares the host's network namespace, like the app ---------------------
(as_user_exec "$SBX" run --name tn --net=host -- sleep 1000) >/dev/null 2>&1 &
monitor=$!
pids+=("$monitor")
if wait_listed tn; then
	check "enter: a --net=host sandbox's network namespace is the host's" \
		"$(as_user readlink /proc/self/ns/net)" "$(sb enter tn -- readlink /proc/self/ns/net)"
	ninit=$(ps -o pid= --ppid "$monitor" | tr -d ' ')
	napp=$(ps -o pid= --ppid "${ninit:-0}" | tr -d ' ')
	check "enter: ... while its mount namespace is the app's" "$(readlink "/proc/${napp:-0}/ns/mnt")" \
		"$(sb enter tn -- readlink /proc/self/ns/mnt)"
	sb stop tn
else
	not_ok "a --net=host sandbox is listed"
fi
wait "$monitor"

# --- stale records ------------------------------------------------------------------------------
(as_user_exec "$SBX" run --name t2 -- sleep 1000) >/dev/null 2>&1 &
monitor=$!
pids+=("$monitor")
wait_listed t2 && ok "t2 is listed" || not_ok "t2 is listed"
init=$(ps -o pid= --ppid "$monitor" | tr -d ' ')
inner=$(ps -o pid= --ppid "${init:-0}" | tr -d ' ')
kill -9 "$monitor" ${init:+"$init"} ${inner:+"$inner"}
wait "$monitor" 2>/dev/null
check "a stale record is still there" present \
	"$([[ -e $RT1/sandbox/instances/t2 ]] && echo present || echo absent)"
check "ps: a stale record is not listed" "" "$(sb ps | awk '$1 == "t2"')"
check "ps: ... and is cleaned" absent \
	"$([[ -e $RT1/sandbox/instances/t2 ]] && echo present || echo absent)"
(as_user_exec "$SBX" run --name t2 -- true) >/dev/null 2>&1
check "run: the name of a stale sandbox can be reused" 0 "$?"

# --- desktop entries ----------------------------------------------------------------------------
APPS=$HOME1/.local/share/applications
app=sbxtest-desktop-$$
as_user mkdir -p "$HOME1/.config/sandbox/apps"
as_user sh -c "printf '[App]\nDescription=A test app\nExec=/bin/true\n' > '$HOME1/.config/sandbox/apps/$app.profile'"
out=$(sb desktop install "$app")
check "desktop install: succeeds" 0 "$?"
check "desktop install: prints the file" "$APPS/sandbox-$app.desktop" "$out"
entry=$(cat "$APPS/sandbox-$app.desktop" 2>/dev/null)
check_match "desktop: Exec= runs sandbox run" $'\nExec=sandbox run -- '"$app"$' %U\n' "$entry"
check_match "desktop: the marker" $'\nX-Sandbox-App='"$app"'$' "$entry"
check_match "desktop: Comment= from the profile" $'\nComment=A test app\n' "$entry"
vout=$(desktop-file-validate "$APPS/sandbox-$app.desktop" 2>&1)
check "desktop-file-validate accepts it" "0:" "$?:$vout"
sb desktop install "$app" >/dev/null
check "desktop install: replaces its own entry" 0 "$?"
sb desktop remove "$app"
check "desktop remove: succeeds" 0 "$?"
check "desktop remove: the file is gone" absent \
	"$([[ -e $APPS/sandbox-$app.desktop ]] && echo present || echo absent)"
out=$(sb desktop install no-such-app-$$ 2>&1)
check "desktop install: an unknown app is refused" 125 "$?"
check_match "... naming where it looked" "/etc/sandbox/apps.*\.config/sandbox/apps" "$out"
as_user sh -c "printf '[Desktop Entry]\nType=Application\nName=mine\nExec=true\n' > '$APPS/sandbox-$app.desktop'"
out=$(sb desktop install "$app" 2>&1)
check "desktop install: a file not ours is not replaced" 125 "$?"
check "... and is unchanged" "Name=mine" "$(grep ^Name= "$APPS/sandbox-$app.desktop")"
out=$(sb desktop remove "$app" 2>&1)
check "desktop remove: a file not ours is not removed" 125 "$?"
sb desktop install "$app" --force >/dev/null
check "desktop install --force: replaces it" "X-Sandbox-App=$app" "$(grep ^X-Sandbox-App= "$APPS/sandbox-$app.desktop")"
if [[ $EUID -eq 0 && -d /usr/share/applications ]]; then
	host=/usr/share/applications/$app.desktop
	trap 'rm -f -- "$host"; cleanup' EXIT
	printf '[Desktop Entry]\nType=Application\nName=Host Name\nName[de]=Wirtsname\nIcon=host-icon\nCategories=Utility;\nMimeType=text/plain;\nExec=/usr/bin/unconfined %%U\n' >"$host"
	sb desktop install "$app" >/dev/null
	entry=$(cat "$APPS/sandbox-$app.desktop")
	rm -f -- "$host"
	check_match "desktop: Name, Icon, Categories, MimeType from the host's entry" \
		$'Name=Host Name\n.*Icon=host-icon\nCategories=Utility;\nMimeType=text/plain;\n' "$entry"
	check_match "desktop: never the host's Exec" $'\nExec=sandbox run -- ' "$entry"
	vout=$(desktop-file-validate "$APPS/sandbox-$app.desktop" 2>&1)
	check "desktop-file-validate accepts the copied keys" "0:" "$?:$vout"
else
	not_here "desktop: keys from the host's entry"
fi
sb desktop remove "$app"
as_user rm -f "$HOME1/.config/sandbox/apps/$app.profile"

tap_done
