#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox run, end to end: the built binary run by an unprivileged user in real namespaces,
# checked from inside. Usage: test-run.sh SANDBOX PROBE
source "$(dirname "$0")/lib.sh"

[[ $# -eq 2 ]] || { echo "usage: $0 SANDBOX PROBE" >&2; exit 2; }
stage "$1" "$2"
setup_user
require_userns

SBX=$STAGE/sandbox
T=(--ro-bind "$STAGE:/opt/t")   # the probe, inside at /opt/t/probe
run() { as_user "$SBX" run "$@"; }
probe() { run "${T[@]}" -- /opt/t/probe "$@" 2>&1; }

# --- least privilege by default -------------------------------------------------------------
status=$(run -- cat /proc/self/status)
for set in CapInh CapPrm CapEff CapBnd CapAmb; do
	check "$set is empty" "0000000000000000" "$(awk -v k="$set:" '$1 == k {print $2}' <<<"$status")"
done
check "no_new_privs is set" 1 "$(awk '$1 == "NoNewPrivs:" {print $2}' <<<"$status")"
check "seccomp is in filter mode" 2 "$(awk '$1 == "Seccomp:" {print $2}' <<<"$status")"

# --- namespaces -------------------------------------------------------------------------------
for ns in user mnt pid net ipc uts cgroup; do
	outside=$(as_user readlink /proc/self/ns/$ns)
	inside=$(run -- readlink /proc/self/ns/$ns)
	if [[ -n "$inside" && "$inside" != "$outside" ]]; then ok "new $ns namespace"; else
		not_ok "new $ns namespace"; diag "outside $outside inside $inside"; fi
done
check "--net=host shares the network namespace" "$(as_user readlink /proc/self/ns/net)" \
	"$(run --net=host -- readlink /proc/self/ns/net)"
check "uid and gid are the caller's" "$(as_user id -u):$(as_user id -g)" "$(run -- sh -c 'echo $(id -u):$(id -g)')"
check "only the caller's id is mapped" "1" "$(run -- sh -c 'wc -l < /proc/self/uid_map')"

# --- file system ------------------------------------------------------------------------------
check "/ is read-only" "no" "$(run -- sh -c 'touch /x 2>/dev/null && echo yes || echo no')"
check "/usr is read-only" "no" "$(run -- sh -c 'touch /usr/x 2>/dev/null && echo yes || echo no')"
check "/etc is read-only" "no" "$(run -- sh -c '(echo x >> /etc/hosts) 2>/dev/null && echo yes || echo no')"
check "/tmp is a tmpfs" "tmpfs" "$(run -- stat -f -c %T /tmp)"
marker="sandbox-host-marker-$$"
as_user touch "/tmp/$marker"
check "the host's /tmp is not visible" "absent" "$(run -- sh -c "test -e /tmp/$marker && echo present || echo absent")"
rm -f "/tmp/$marker" 2>/dev/null || as_user rm -f "/tmp/$marker"
run -- sh -c 'echo inside > /tmp/written-inside' >/dev/null
check "writes to /tmp stay inside" "absent" "$( [[ -e /tmp/written-inside ]] && echo present || echo absent)"
as_user sh -c 'echo secret > "$HOME/.host-home-marker"'
check "the host home is not visible" "absent" \
	"$(run -- sh -c 'test -e "$HOME/.host-home-marker" && echo present || echo absent')"
check "home is an empty private tmpfs" "tmpfs 0" "$(run -- sh -c 'echo $(stat -f -c %T "$HOME") $(ls -A "$HOME" | wc -l)')"
check "/etc/passwd names only the caller and nobody" "$(as_user id -un) nobody" \
	"$(run -- sh -c 'cut -d: -f1 /etc/passwd | tr "\n" " " | sed "s/ $//"')"
# Small /etc files are copied in (sendfile), larger ones and directories bound: both must show
# the host's bytes, and the bound directories must be read-only too.
for f in /etc/services /etc/ld.so.cache /etc/nsswitch.conf; do
	[[ -f $f && ! -L $f ]] || continue
	check "$f has the host's content" "$(sha256sum <"$f")" "$(run -- sh -c "sha256sum < $f")"
done
if [[ -d /etc/ssl && ! -L /etc/ssl ]]; then
	check "/etc/ssl is the host's, read-only" "$(ls /etc/ssl | tr '\n' ' ') no" \
		"$(run -- sh -c 'echo "$(ls /etc/ssl | tr "\n" " ") $(touch /etc/ssl/x 2>/dev/null && echo yes || echo no)"')"
fi
check "/etc/shadow is not there" "absent" "$(run -- sh -c 'test -e /etc/shadow && echo present || echo absent')"
check "/proc/sys is read-only" "ro" "$(run -- awk '$5 == "/proc/sys" {split($6, o, ","); print o[1]}' /proc/self/mountinfo)"
check "writing /proc/sys fails" "EACCES" "$(probe sysctl-write)"
check "/dev has only the minimal nodes" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" \
	"$(run -- sh -c 'ls /dev | tr "\n" " " | sed "s/ $//"')"
check "/dev/null works" "ok" "$(run -- sh -c 'echo x > /dev/null && head -c 4 /dev/urandom | wc -c | grep -q 4 && echo ok')"
check "devpts is a new instance" "devpts" "$(run -- stat -f -c %T /dev/pts)"
check "/dev/shm is a tmpfs" "tmpfs" "$(run -- stat -f -c %T /dev/shm)"

# user mounts
run --bind "$STAGE/user:/data" -- sh -c 'echo through-bind > /data/f' >/dev/null
check "--bind is writable and reaches the host" "through-bind" "$(cat "$STAGE/user/f" 2>/dev/null)"
check "--ro-bind is read-only" "no" "$(run --ro-bind "$STAGE/user:/data" -- sh -c 'touch /data/g 2>/dev/null && echo yes || echo no')"
check "--bind SRC alone mounts at the same path" "through-bind" "$(run --bind "$STAGE/user" -- cat "$STAGE/user/f")"
check "--tmpfs gives an empty writable directory" "0 ok" \
	"$(run --tmpfs /scratch -- sh -c 'echo $(ls -A /scratch | wc -l) $(touch /scratch/x && echo ok)')"
ln -sfn "$STAGE/user" "$STAGE/link"
out=$(run --bind "$STAGE/link:/data" -- true 2>&1); rc=$?
check "--bind through a symlink is refused (125)" 125 "$rc"
check_match "the refusal names the symlink" "link.*symbolic link" "$out"
out=$(run --bind relative/path -- true 2>&1); rc=$?
check "--bind with a relative path is refused (125)" 125 "$rc"
check_match "the error names the option value" "relative/path" "$out"
out=$(run --bind /nonexistent-$$ -- true 2>&1); rc=$?
check "--bind of a missing path is refused (125)" 125 "$rc"
check_match "the error names the missing path" "nonexistent-$$: No such file" "$out"

# --- network, hostname, pid 1 -------------------------------------------------------------
check "only lo in the network namespace" "lo" "$(run -- awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}' /proc/net/dev)"
check_match "lo is up" "<LOOPBACK,UP" "$(run -- ip -o link show lo)"
check "default hostname" "sandbox" "$(run -- cat /proc/sys/kernel/hostname)"
check "--hostname sets the name" "build-box" "$(run --hostname build-box -- cat /proc/sys/kernel/hostname)"
check "PID 1 is the sandbox init" "sandbox" "$(run -- awk '$1 == "Name:" {print $2}' /proc/1/status)"
check "the command is not PID 1" "yes" "$(run -- sh -c '[ $$ -ne 1 ] && echo yes')"
# The shell globs without forking: it sees PID 1 and itself, nothing else.
check "only the sandbox's processes are visible" "2 /proc/1" "$(run -- sh -c 'set -- /proc/[0-9]*; echo "$# $1"')"

# --- exit statuses and signals ------------------------------------------------------------
run -- sh -c 'exit 42'; check "the command's exit status passes through" 42 "$?"
run -- sh -c 'kill -KILL $$'; check "death by SIGKILL is 137" 137 "$?"
run -- sh -c 'kill -SEGV $$'; check "death by SIGSEGV is 139" 139 "$?"
out=$(run -- no-such-command-$$ 2>&1); rc=$?
check "a missing command is 127" 127 "$rc"
check_match "and says so" "no-such-command-$$: command not found" "$out"
install -m 0644 "$(dirname "$0")/lib.sh" "$STAGE/lib.sh"
out=$(run "${T[@]}" -- /opt/t/lib.sh 2>&1); rc=$?
check "a non-executable command is 126" 126 "$rc"
out=$(run --frobnicate -- true 2>&1); rc=$?
check "an unknown option is 125" 125 "$rc"
check_match "and names the option" "--frobnicate" "$out"
out=$(run 2>&1); rc=$?
check "a missing command line is 125" 125 "$rc"
check_match "and says what is missing" "no command given" "$out"
for bad in "--net=bogus" "--cap-add=CAP_BOGUS" "--hostname=bad/name" "--env=1X=y"; do
	out=$(run "$bad" -- true 2>&1); rc=$?
	check "bad value $bad is 125" 125 "$rc"
	check_match "and named in the error" "${bad#*=}" "$out"
done

out_file=$STAGE/sigterm.out
as_user_exec "$SBX" run "${T[@]}" -- /opt/t/probe sleep-term >"$out_file" 2>&1 &
launcher=$!
for _ in $(seq 100); do grep -q ready "$out_file" 2>/dev/null && break; sleep 0.05; done
kill -TERM "$launcher"
wait "$launcher"; rc=$?
check "SIGTERM to the launcher reaches the command" "got SIGTERM" "$(grep -o 'got SIGTERM' "$out_file")"
check "which then exits normally" 0 "$rc"

# die-with-parent: kill the launcher's parent, the sandbox goes with it.
tag=$((RANDOM + 100000))
as_user_exec sh -c "\"$SBX\" run -- sleep $tag.5 & echo \$! > \"$STAGE/user/launcher.pid\"; wait" &
parent=$!
for _ in $(seq 100); do [[ -s "$STAGE/user/launcher.pid" ]] && pgrep -f "^sleep $tag.5" >/dev/null && break; sleep 0.05; done
kill -KILL "$parent"; wait "$parent" 2>/dev/null
gone=no
for _ in $(seq 100); do
	if ! kill -0 "$(cat "$STAGE/user/launcher.pid" 2>/dev/null || echo 0)" 2>/dev/null && ! pgrep -f "^sleep $tag.5" >/dev/null; then gone=yes; break; fi
	sleep 0.05
done
check "the sandbox dies with the launcher's parent" yes "$gone"

# --- environment --------------------------------------------------------------------------
check "the environment is cleared" "" "$(SANDBOX_TEST_EXTRA_ENV=SECRET_TOKEN=abc run -- sh -c 'echo ${SECRET_TOKEN:-}')"
check "--env VAR=VALUE sets a variable" "baz" "$(run --env FOO=baz -- sh -c 'echo $FOO')"
check "--env VAR passes the caller's value" "abc" "$(SANDBOX_TEST_EXTRA_ENV=SECRET_TOKEN=abc run --env SECRET_TOKEN -- sh -c 'echo $SECRET_TOKEN')"
check "TERM and LANG pass" "C.UTF-8" "$(run -- sh -c 'echo $LANG')"
check "PATH is the sandbox's" "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" "$(run -- sh -c 'echo $PATH')"

# --- attacks ------------------------------------------------------------------------------
# TIOCSTI needs a real terminal as stdin: script(1) gives the sandbox a pty.
out=$(as_user script -qec "\"$SBX\" run ${T[*]} -- /opt/t/probe tiocsti" /dev/null 2>&1 | tr -d '\r')
check "TIOCSTI into the calling terminal is refused" "EPERM" "$out"
out=$(as_user script -qec "\"$SBX\" run ${T[*]} -- /opt/t/probe tiocsti-high" /dev/null 2>&1 | tr -d '\r')
check "TIOCSTI with high bits set is refused" "EPERM" "$out"
for call in mount umount keyctl bpf kexec_load perf_event_open open_by_handle_at unshare-user \
	x32-keyctl x32-mount i386-keyctl cap-regain; do
	check "$call is refused" "EPERM" "$(probe "$call")"
done
check "ptrace of another process is refused" "EPERM" "$(probe ptrace 1)"
check "clone3 answers ENOSYS (libc falls back to clone)" "ENOSYS" "$(probe clone3)"
check "the i386 ABI still works for allowed calls" "ok" "$(probe i386-getpid)"

# PID 1 never execs, so close-on-exec protects nothing there: while the app runs it must hold no
# descriptor of the host's (one its caller leaked, a bind source: /proc/1/fd/N/.. climbs the
# host's tree). Only root can look: PID 1 is not dumpable.
if [[ $EUID -eq 0 ]]; then
	tag=$((RANDOM + 200000))
	(exec 7</etc/hostname; as_user_exec "$SBX" run --ro-bind "$STAGE/user:/data" -- sleep "$tag.5") &
	launcher=$!
	init=
	for _ in $(seq 100); do
		init=$(pgrep -P "$launcher" -x sandbox) && pgrep -f "^sleep $tag.5" >/dev/null && break
		sleep 0.05
	done
	fds=$(for f in /proc/"$init"/fd/*; do n=${f##*/}; ((n > 2)) && readlink "$f" | sed 's/:\[.*//'; done | sort | tr '\n' ' ')
	check "PID 1 holds nothing but its signalfd and its pipe to the monitor" "anon_inode pipe " "$fds"
	kill -TERM "$launcher"; wait "$launcher" 2>/dev/null
fi

# --- capabilities on request ------------------------------------------------------------
check "without --cap-add, binding port 80 fails" "EACCES" "$(probe bind 80)"
check "--cap-add CAP_NET_BIND_SERVICE allows port 80" "ok" \
	"$(run --cap-add CAP_NET_BIND_SERVICE "${T[@]}" -- /opt/t/probe bind 80 2>&1)"
caps=$(run --cap-add cap_net_bind_service -- cat /proc/self/status)
for set in CapPrm CapEff CapBnd CapAmb; do
	check "--cap-add keeps exactly that capability in $set" "0000000000000400" \
		"$(awk -v k="$set:" '$1 == k {print $2}' <<<"$caps")"
done
check "a kept capability cannot bring others back" "EPERM" \
	"$(run --cap-add CAP_NET_BIND_SERVICE "${T[@]}" -- /opt/t/probe cap-regain 2>&1)"

# --- id ranges ------------------------------------------------------------------------------
if [[ $EUID -eq 0 ]]; then
	check "--subid-ranges maps the /etc/subuid range" "3" "$(run --subid-ranges -- sh -c 'wc -l < /proc/self/uid_map')"
	check "and keeps the caller's own id" "$(as_user id -u)" "$(run --subid-ranges -- id -u)"
fi
# The next checks run sandbox inside a user namespace of their own, where root's files show up
# as owned by nobody: admin policy files there are (rightly) not trusted, so hide them first.
mask_policies='for d in /etc/sandbox /usr/share/sandbox /usr/local/share/sandbox; do [ -d "$d" ] && mount -t tmpfs none "$d"; done;'
# No newuidmap (hidden by a bind mount over it, in a namespace of our own).
out=$(as_user unshare -Urm sh -c "$mask_policies"' mount --bind /dev/null /usr/bin/newuidmap && exec "$0" run --subid-ranges -- true' "$SBX" 2>&1); rc=$?
check "--subid-ranges without newuidmap is 125" 125 "$rc"
check_match "and says to install uidmap" "newuidmap not found: install the uidmap package" "$out"

# --- hostile hosts -------------------------------------------------------------------------
out=$(as_user unshare -Urm sh -c "$mask_policies"' echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run -- true' "$SBX" 2>&1); rc=$?
check "user namespaces disabled: exit 125" 125 "$rc"
check_match "and the error says why and what to do" "max_user_namespaces is 0.*sysctl" "$out"
out=$(as_user unshare -Ur sh -c 'exec "$0" run -- true' "$SBX" 2>&1); rc=$?
if [[ -d /usr/local/share/sandbox || -d /usr/share/sandbox || -d /etc/sandbox ]]; then
	check "inside a foreign user namespace, admin files owned by nobody are not trusted (125)" 125 "$rc"
	check_match "and the refusal names the directory" "refusing .*sandbox.*owned by uid" "$out"
fi

tap_done
