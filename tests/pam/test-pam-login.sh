#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pam_sandbox.so in the stacks of real login programs: su, runuser, and sshd on 127.0.0.1 with a
# real ssh client and key authentication. Each login runs a probe script as the user, which
# reports what the session sees: namespaces, /tmp, mount flags, network interfaces, CapBnd,
# NoNewPrivs, Seccomp. Usage: test-pam-login.sh MODULE
#
# Nothing on the host's /etc/pam.d changes: su's and runuser's service names are fixed ("su",
# "runuser"), so the whole test runs in a private mount namespace where a copy of /etc/pam.d with
# our stacks is bound over the real one. sshd takes its PAM service name from argv[0], so it runs
# as "sandbox-test-sshd" (a symlink to /usr/sbin/sshd) with its own service file in that copy, its
# own config, host key and port, and never touches the system's sshd. The same namespace has a
# private /dev where a small listener owns /dev/log, so the module's log lines can be checked.
source "$(dirname "$0")/lib.sh"

[[ $# -eq 1 ]] || { echo "usage: $0 MODULE" >&2; exit 2; }
MODULE=$(realpath "$1")

if [[ "${SBX_INNER:-}" != 1 ]]; then
	require_root
	require_cmd su runuser unshare findmnt python3 ssh ssh-keygen
	[[ -x /usr/sbin/sshd ]] || skip_all "/usr/sbin/sshd is not installed (openssh-server)"
	setup_users
	setup_work
	SBX_INNER=1 unshare --mount --propagation private -- "$0" "$@"
	exit $?
fi

# ---- inside the private mount namespace ---------------------------------------------------------

private_dev || { echo "Bail out! cannot set up a private /dev"; exit 1; }
W=$SBX_WORK
HOST_MNT=$(readlink /proc/self/ns/mnt)
HOST_NET=$(readlink /proc/self/ns/net)

# The log: every datagram sent to /dev/log, one line each.
python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
print("ready", flush=True)
with open(sys.argv[1], "a") as f:
    while True:
        f.write(s.recv(65536).decode(errors="replace").rstrip("\n") + "\n")
        f.flush()
' "$W/syslog" >"$W/syslog.ready" 2>&1 &
CLEAN_PIDS+=($!)
for _ in $(seq 50); do grep -q ready "$W/syslog.ready" 2>/dev/null && break; sleep 0.1; done
[[ -S /dev/log ]] || { echo "Bail out! no /dev/log listener"; exit 1; }

# ---- policies, stacks, probe --------------------------------------------------------------------

mkdir -p "$W/conf/good/policy.d" "$W/conf/broken/policy.d"
cat >"$W/conf/good/policy.d/50-members.policy" <<EOF
[Match]
Group=$SBX_GROUP

[Sandbox]
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateNetwork=yes
PrivateIPC=yes
ProtectHostname=yes
InaccessiblePaths=-/etc/shadow
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
SystemCallFilter=~@swap @reboot
EOF
cat >"$W/conf/broken/policy.d/50-members.policy" <<EOF
[Match]
Group=$SBX_GROUP

[Sandbox]
PrivateTmp=perhaps
EOF

cp -a /etc/pam.d "$W/pam.d"
# stacks CONF: our module around the session stacks of su, runuser and the test sshd.
stacks() {
	local conf=$W/conf/$1 s
	for s in su runuser sandbox-test-sshd; do
		{
			if [[ $s == sandbox-test-sshd ]]; then
				echo "auth required pam_deny.so"    # public keys only
			else
				echo "auth sufficient pam_rootok.so"
				echo "auth required pam_deny.so"
			fi
			echo "account required pam_unix.so"
			echo "session required pam_unix.so"
			echo "session required $MODULE phase=prepare config=$conf"
			echo "session required $MODULE phase=enter config=$conf"
		} >"$W/pam.d/$s"
	done
}
stacks good
mount --bind "$W/pam.d" /etc/pam.d || { echo "Bail out! cannot bind our /etc/pam.d"; exit 1; }

cat >"$W/probe.sh" <<'EOF'
echo "user=$(id -un)"
echo "mnt=$(readlink /proc/self/ns/mnt)"
echo "net=$(readlink /proc/self/ns/net)"
echo "tmp=$(stat -f -c %T /tmp)"
echo "root=$(findmnt -n -o OPTIONS -T / | cut -d, -f1)"
echo "usr=$(findmnt -n -o OPTIONS -T /usr | cut -d, -f1)"
echo "home=$(findmnt -n -o OPTIONS -T "$HOME" | cut -d, -f1)"
echo "ifaces=$(awk 'NR > 2 { sub(":", "", $1); printf "%s ", $1 }' /proc/net/dev)"
echo "shadow=$(stat -c %a /etc/shadow 2>/dev/null)"
awk '$1 ~ /^(CapBnd|NoNewPrivs|Seccomp):$/ { sub(":", "", $1); print $1 "=" $2 }' /proc/self/status
EOF
chmod 0644 "$W/probe.sh"
PROBE="sh $W/probe.sh"

field() { sed -n "s/^$1=//p" <<<"$2" | head -n1; }

# "${LOGIN[@]}" CMD...: run a login program. In a sanitizer build the module refers to the
# sanitizer runtimes, which su, runuser and sshd do not load: preload them (and leave the
# programs' own leaks, which are not ours, unreported). `env` execs the program, so $! of a
# background login program is its own pid.
LOGIN=()
if [[ -n "${SANDBOX_TEST_PRELOAD:-}" ]]; then
	LOGIN=(env "LD_PRELOAD=$SANDBOX_TEST_PRELOAD"
		"ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
fi

# check_confined WHO OUTPUT
check_confined() {
	local who=$1 out=$2
	check "$who: runs as the user" "$SBX_MEMBER" "$(field user "$out")"
	local mnt; mnt=$(field mnt "$out")
	if [[ -n "$mnt" && "$mnt" != "$HOST_MNT" ]]; then ok "$who: a new mount namespace"; else
		not_ok "$who: a new mount namespace"; diag "host $HOST_MNT, session $mnt"; fi
	check "$who: /tmp is a private tmpfs" tmpfs "$(field tmp "$out")"
	check "$who: / is read-only (ProtectSystem=strict)" ro "$(field root "$out")"
	check "$who: /usr is read-only" ro "$(field usr "$out")"
	check "$who: the home is read-only (ProtectHome=read-only)" ro "$(field home "$out")"
	local net; net=$(field net "$out")
	if [[ -n "$net" && "$net" != "$HOST_NET" ]]; then ok "$who: a new network namespace"; else
		not_ok "$who: a new network namespace"; diag "host $HOST_NET, session $net"; fi
	check "$who: only lo (PrivateNetwork=yes)" "lo " "$(field ifaces "$out")"
	[[ -e /etc/shadow ]] && check "$who: /etc/shadow is inaccessible" 0 "$(field shadow "$out")"
	check "$who: CapBnd is CAP_NET_BIND_SERVICE only" 0000000000000400 "$(field CapBnd "$out")"
	check "$who: NoNewPrivs" 1 "$(field NoNewPrivs "$out")"
	check "$who: Seccomp filter mode" 2 "$(field Seccomp "$out")"
}

# check_untouched WHO USER OUTPUT
check_untouched() {
	local who=$1 user=$2 out=$3
	check "$who: runs as $user" "$user" "$(field user "$out")"
	check "$who: the host's mount namespace" "$HOST_MNT" "$(field mnt "$out")"
	check "$who: the host's network namespace" "$HOST_NET" "$(field net "$out")"
	check "$who: no NoNewPrivs" 0 "$(field NoNewPrivs "$out")"
	check "$who: no seccomp filter" 0 "$(field Seccomp "$out")"
}

# check_log DESC REGEX: a line of the module's log matches (waits for the listener).
check_log() {
	local i
	for i in $(seq 30); do
		grep -qE -- "$2" "$W/syslog" 2>/dev/null && { ok "$1"; return; }
		sleep 0.1
	done
	not_ok "$1"
	diag "no log line matches: $2" "the log:" "$(tail -n 20 "$W/syslog" 2>/dev/null)"
}

# no_records DESC: every session closed its record (sshd's monitor closes the session just after
# the client is gone, so wait a moment).
no_records() {
	local i n
	for i in $(seq 30); do
		n=$(find /run/sandbox/sessions -name '*.json' 2>/dev/null | wc -l)
		[[ $n == 0 ]] && { ok "$1"; return; }
		sleep 0.1
	done
	not_ok "$1"; diag "$(ls -l /run/sandbox/sessions)"
}

# ---- su and runuser ------------------------------------------------------------------------------

out=$("${LOGIN[@]}" su -s /bin/sh -c "$PROBE" "$SBX_MEMBER" 2>&1); rc=$?
check "su member: exit status" 0 "$rc"
check_confined "su member" "$out"
check_log "su member: the module logs the confinement" \
	"pam_sandbox\(su:session\): confined the session of user $SBX_MEMBER .*ProtectSystem=strict"

# su without -l keeps the caller's working directory for the shell: in the host's /tmp, that
# must not stay a way into it.
HOST_TMP_FILE=$(mktemp /tmp/sandbox-pam-login.XXXXXX) && CLEAN_PATHS+=("$HOST_TMP_FILE")
out=$(cd /tmp && "${LOGIN[@]}" su -s /bin/sh -c "pwd; ls ./${HOST_TMP_FILE##*/} 2>&1" "$SBX_MEMBER" 2>&1)
check_match "su member from the host's /tmp: the session's /tmp, not the host's" \
	"^/tmp.*No such file" "$(tr '\n' ' ' <<<"$out")"

out=$("${LOGIN[@]}" runuser -u "$SBX_MEMBER" -- $PROBE 2>&1); rc=$?
check "runuser member: exit status" 0 "$rc"
check_confined "runuser member" "$out"

out=$("${LOGIN[@]}" su -s /bin/sh -c "$PROBE" "$SBX_OTHER" 2>&1); rc=$?
check "su non-member: exit status" 0 "$rc"
check_untouched "su non-member" "$SBX_OTHER" "$out"

out=$("${LOGIN[@]}" su -s /bin/sh -c "$PROBE" root 2>&1); rc=$?
check "su root: exit status" 0 "$rc"
check_untouched "su root" root "$out"
no_records "su, runuser: every record is gone after the session"

stacks broken
out=$("${LOGIN[@]}" su -s /bin/sh -c "$PROBE" "$SBX_MEMBER" 2>&1); rc=$?
check "su member with a broken policy: refused" 1 "$rc"
check_match "su member with a broken policy: su says the session could not be opened" \
	"cannot open session" "$out"
check_log "su member with a broken policy: the log names the file and line" \
	"pam_sandbox\(su:session\): refusing the session of user $SBX_MEMBER: .*50-members.policy:5:"
out=$("${LOGIN[@]}" su -s /bin/sh -c "$PROBE" root 2>&1); rc=$?
check "su root with a broken policy: still logs in" 0 "$rc"
check_untouched "su root with a broken policy" root "$out"
stacks good

# ---- sshd and ssh ----------------------------------------------------------------------------------

ssh-keygen -q -t ed25519 -N '' -C sandbox-test-host -f "$W/hostkey" || { echo "Bail out! ssh-keygen"; exit 1; }
ssh-keygen -q -t ed25519 -N '' -C sandbox-test-client -f "$W/id" || { echo "Bail out! ssh-keygen"; exit 1; }
mkdir -m 0755 "$W/keys"
for u in "$SBX_MEMBER" "$SBX_OTHER" root; do install -m 0644 "$W/id.pub" "$W/keys/$u"; done
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$W/sshd_config" <<EOF
ListenAddress 127.0.0.1:$PORT
HostKey $W/hostkey
PidFile $W/sshd.pid
UsePAM yes
PubkeyAuthentication yes
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $W/keys/%u
PermitRootLogin prohibit-password
UseDNS no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
EOF
# Privilege separation needs its (empty, root-owned) directory; the ssh package's unit makes it.
if [[ ! -d /run/sshd ]]; then
	mkdir -m 0755 /run/sshd && CLEAN_PATHS+=(/run/sshd)
fi
# The PAM service name follows argv[0]; re-exec needs an absolute path.
ln -s /usr/sbin/sshd "$W/sandbox-test-sshd"
"${LOGIN[@]}" "$W/sandbox-test-sshd" -D -e -f "$W/sshd_config" >>"$W/sshd.log" 2>&1 &
CLEAN_PIDS+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
if ! (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then
	not_ok "sshd starts on 127.0.0.1:$PORT"
	diag "$(cat "$W/sshd.log")"
	tap_done
	exit 1
fi
ok "sshd (as sandbox-test-sshd) listens on 127.0.0.1:$PORT"

ssh_as() {
	local user=$1
	shift
	ssh -F /dev/null -p "$PORT" -i "$W/id" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o ConnectTimeout=10 "$user@127.0.0.1" "$@"
}

out=$(ssh_as "$SBX_MEMBER" "$PROBE" 2>&1); rc=$?
check "ssh member: exit status" 0 "$rc"
check_confined "ssh member" "$out"
check_log "ssh member: the module logs the confinement under sshd's service name" \
	"pam_sandbox\(sandbox-test-sshd:session\): confined the session of user $SBX_MEMBER "

out=$(ssh_as "$SBX_MEMBER" 'echo x >/tmp/x && cat /tmp/x; touch /usr/x 2>&1; touch ~/x 2>&1' 2>&1)
check_match "ssh member: /tmp is writable, /usr and the home are not" \
	"^x.*/usr/x.*Read-only file system.*/x.*Read-only file system" "$(tr '\n' ' ' <<<"$out")"

out=$(ssh_as "$SBX_OTHER" "$PROBE" 2>&1); rc=$?
check "ssh non-member: exit status" 0 "$rc"
check_untouched "ssh non-member" "$SBX_OTHER" "$out"

out=$(ssh_as root "$PROBE" 2>&1); rc=$?
check "ssh root: exit status" 0 "$rc"
check_untouched "ssh root" root "$out"
no_records "sshd: every record is gone after the session"

# sshd does not drop the connection when pam_open_session fails: it disables forwarding
# (auth_restrict_session) and its session child exits with 254 before running any command or
# subsystem ("PAM session not opened, exiting"). That is the refusal to check for.
stacks broken
out=$(ssh_as "$SBX_MEMBER" "$PROBE" 2>&1); rc=$?
check "ssh member with a broken policy: sshd runs nothing (exit 254)" 254 "$rc"
check "ssh member with a broken policy: no output from the probe" "" "$(field user "$out")"
check_log "ssh member with a broken policy: the log says why" \
	"pam_sandbox\(sandbox-test-sshd:session\): refusing the session of user $SBX_MEMBER: .*50-members.policy:5:"
out=$(ssh_as root "$PROBE" 2>&1); rc=$?
check "ssh root with a broken policy: still logs in" 0 "$rc"
check "ssh root with a broken policy: runs as root" root "$(field user "$out")"
stacks good

if [[ $tap_failed -gt 0 ]]; then
	diag "sshd's log:" "$(tail -n 40 "$W/sshd.log")"
fi
tap_done
