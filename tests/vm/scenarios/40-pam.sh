#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# 40-pam.sh — pam_sandbox.so in the real PAM stacks of a real system: logind, pam_systemd and the
# user's manager. The shipped pam-auth-update profiles go into common-session (prepare before
# pam_systemd, enter last) and common-session-noninteractive (which the systemd-user stack
# includes); runuser-l, which includes neither, gets the two lines by hand. A group policy then
# confines a member's `su -l` session (private /tmp, read-only / /usr and home, only lo,
# no_new_privs, the bounding set, limits on user-UID.slice that really kill a memory hog, a
# root-owned record while it runs, RuntimeMaxSec= ending the session), the member's ssh session
# through a real sshd on loopback with key authentication and Debian's /etc/pam.d/sshd (confined,
# a memory hog OOM-killed), a systemd-run --user service and a fork bomb held by the same slice,
# and the member's user manager, whose record the next open removes once it has stopped; it
# leaves a non-member alone. A broken policy file refuses users' logins
# but never root's. Every file changed is restored.
# Runs as root inside the VM (tests/vm/guest-runner.sh); prints TAP.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/tap.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/tap.bash"

readonly member=pammember other=pamother group=pamvmgroup
readonly policy=/etc/sandbox/policy.d/50-vm-pam.policy
readonly broken=/etc/sandbox/policy.d/60-vm-pam-broken.policy
# Flat directories whose every file this scenario may change (pam-auth-update writes the first
# three; the profiles are copied into the fourth); restored from copies at the end.
readonly saved_dirs=(/etc/pam.d /var/lib/pam /var/cache/debconf /usr/share/pam-configs)

t_start=$SECONDS

# --- helpers ---------------------------------------------------------------------------------
wait_for() { # SECONDS COMMAND...: retry until it succeeds
        local deadline=$((SECONDS + $1))
        shift
        until "$@"; do
                [[ $SECONDS -lt $deadline ]] || return 1
                sleep 0.2
        done
}

expect() { # DESCRIPTION WANT GOT [DIAGNOSTIC...]
        local desc="$1" want="$2" got="$3"
        shift 3
        if [[ $got == "$want" ]]; then
                pass "$desc"
        else
                fail "$desc" "want: $want" "got:  $got" "$@"
        fi
}

expect_not() { # DESCRIPTION UNWANTED GOT
        if [[ -n $3 && $3 != "$2" ]]; then
                pass "$1"
        else
                fail "$1" "got '$3', which must differ from '$2'"
        fi
}

field() { # FILE KEY: the value of the first "KEY=..." line
        sed -n "s/^$2=//p" -- "$1" | head -n 1
}

bail() { # DESCRIPTION [DIAGNOSTIC]: a setup step failed; nothing below can run
        fail "$@"
        done_testing || true
        exit 1
}

# --- where things are --------------------------------------------------------------------------
module=""
for candidate in /usr/local/lib/*/security/pam_sandbox.so /usr/lib/*/security/pam_sandbox.so; do
        [[ -e $candidate ]] && module=$candidate && break
done
[[ -n $module ]] || bail "pam_sandbox.so is installed" "not under /usr/local/lib/*/security or /usr/lib/*/security"
pam_dir=""
for candidate in /usr/lib/*/security /lib/*/security; do
        [[ -e $candidate/pam_unix.so ]] && pam_dir=$candidate && break
done
[[ -n $pam_dir ]] || bail "libpam's module directory is found" "no pam_unix.so"
profiles=""
for candidate in /usr/local/share/pam-configs /usr/share/pam-configs; do
        [[ -f $candidate/sandbox && -f $candidate/sandbox-prepare ]] && profiles=$candidate && break
done
[[ -n $profiles ]] || bail "the pam-auth-update profiles are installed" "no sandbox, sandbox-prepare"
default_policy=""
for candidate in /usr/local/share/sandbox/policy.d/00-default.policy \
        /usr/share/sandbox/policy.d/00-default.policy; do
        [[ -f $candidate ]] && default_policy=$candidate && break
done

# --- users, group, work directory ----------------------------------------------------------------
getent group "$group" >/dev/null || groupadd "$group"
for u in "$member" "$other"; do
        id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
done
usermod -a -G "$group" "$member"
member_uid=$(id -u "$member")
other_uid=$(id -u "$other")
pid1_mnt=$(readlink /proc/1/ns/mnt)
pid1_net=$(readlink /proc/1/ns/net)
pid1_capbnd=$(awk '$1 == "CapBnd:" { print $2 }' /proc/1/status)

# In /run, not /tmp: a confined session has a /tmp of its own.
work=$(mktemp -d /run/40-pam.XXXXXX)
chmod 0755 "$work"
mkdir -m 0700 "$work/saved"
host_marker="pamvm-host-marker-$$"
echo host >"/tmp/$host_marker"
chmod 0644 "/tmp/$host_marker"

hold_pid=""
ssh_pid=""
ssh_port=""
module_linked=0
pam_changed=0

save_dirs() {
        local d
        for d in "${saved_dirs[@]}"; do
                mkdir -p "$work/saved$d"
                cp -a -- "$d/." "$work/saved$d/"
        done
}

# Put every saved directory back as it was: files added since are removed, the others copied
# back with their modes, owners and times.
restore_dirs() {
        local d f rc=0
        for d in "${saved_dirs[@]}"; do
                [[ -d $work/saved$d ]] || continue
                for f in "$d"/* "$d"/.[!.]*; do
                        [[ -e $f || -L $f ]] || continue
                        [[ -e $work/saved$d/${f##*/} || -L $work/saved$d/${f##*/} ]] ||
                                rm -rf -- "$f" || rc=1
                done
                cp -a -- "$work/saved$d/." "$d/" || rc=1
        done
        return "$rc"
}

dirs_restored() {
        local d rc=0
        for d in "${saved_dirs[@]}"; do
                diff -r -- "$work/saved$d" "$d" || rc=1
        done
        [[ ! -e $pam_dir/pam_sandbox.so || $module == "$pam_dir/pam_sandbox.so" ]] ||
                { echo "$pam_dir/pam_sandbox.so is still there"; rc=1; }
        return "$rc"
}

restore_all() {
        rm -f -- "$policy" "$broken"
        if [[ $pam_changed -eq 1 ]]; then
                restore_dirs || true
                pam_changed=0
        fi
        if [[ $module_linked -eq 1 ]]; then
                rm -f -- "$pam_dir/pam_sandbox.so"
                module_linked=0
        fi
}

cleanup() {
        exec 7>&- 2>/dev/null || true
        if [[ -n $ssh_pid ]]; then
                kill "$ssh_pid" 2>/dev/null || true
                wait "$ssh_pid" 2>/dev/null || true
        fi
        if [[ -n $hold_pid ]]; then
                kill "$hold_pid" 2>/dev/null || true
                wait "$hold_pid" 2>/dev/null || true
        fi
        restore_all
        loginctl disable-linger "$member" "$other" 2>/dev/null || true
        systemctl revert "user-$member_uid.slice" "user-$other_uid.slice" >/dev/null 2>&1 || true
        rm -f -- "/tmp/$host_marker" "/tmp/pamvm-session-$member" "/tmp/pamvm-session-$other" \
                /.pamvm-rw /usr/.pamvm-rw
        rm -rf -- "$work"
}
trap cleanup EXIT

# --- the PAM stacks --------------------------------------------------------------------------------
save_dirs
pam_changed=1
# The profiles name the module without a path, which libpam looks up in its own directory only.
if [[ $module != "$pam_dir/pam_sandbox.so" ]]; then
        ln -s -- "$module" "$pam_dir/pam_sandbox.so"
        module_linked=1
fi
if [[ $profiles != /usr/share/pam-configs ]]; then
        cp -- "$profiles/sandbox" "$profiles/sandbox-prepare" /usr/share/pam-configs/
fi
out=$(DEBIAN_FRONTEND=noninteractive pam-auth-update --enable sandbox-prepare sandbox 2>&1) ||
        bail "pam-auth-update --enable sandbox-prepare sandbox" "$out"

session_modules() { # FILE: the session modules in stack order, our arguments kept
        awk '$1 == "session" || $1 == "-session" {
                m = $3; if (m ~ /pam_sandbox/) m = m " " $4; print m }' "$1" | paste -sd,
}
stack_ok() {
        local s n
        s=$(session_modules /etc/pam.d/common-session)
        n=$(session_modules /etc/pam.d/common-session-noninteractive)
        echo "common-session: $s"
        echo "common-session-noninteractive: $n"
        [[ $s =~ ^(.*,)?pam_sandbox.so\ phase=prepare,(.*,)?pam_systemd.so,(.*,)?pam_sandbox.so\ phase=enter$ ]] &&
                [[ $n =~ ^([^=]*,)?pam_sandbox.so\ phase=enter$ ]]
}
check "pam-auth-update: common-session has prepare before pam_systemd and enter last; the noninteractive stack (systemd-user's) has enter" \
        stack_ok
# runuser-l includes no common-session: the lines by hand, prepare before pam_systemd, enter last.
awk '/pam_systemd\.so/ && !done { print "session\t\trequired\tpam_sandbox.so phase=prepare"; done = 1 }
        { print }
        END { print "session\t\trequired\tpam_sandbox.so phase=enter" }' \
        "$work/saved/etc/pam.d/runuser-l" >/etc/pam.d/runuser-l
diag "runuser-l: $(session_modules /etc/pam.d/runuser-l)"

# --- the policy --------------------------------------------------------------------------------
mkdir -p /etc/sandbox/policy.d
write_policy() {
        cat >"$policy" <<EOF
[Match]
Group=$group

[Resources]
MemoryMax=256M
TasksMax=64

[Sandbox]
PrivateTmp=yes
PrivateNetwork=yes
ProtectSystem=strict
ProtectHome=read-only
NoNewPrivileges=yes
EOF
        chmod 0644 "$policy"
}

# The bounding set a confined login must end up with: the policy does not set one, so it is the
# shipped default policy's (the ceiling stacks every matching file; the default matches everyone).
readonly cap_names=(chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
        linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner
        sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice
        sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap
        mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf
        checkpoint_restore)
want_capbnd=$pid1_capbnd
if [[ -n $default_policy ]] && grep -q '^CapabilityBoundingSet=' "$default_policy"; then
        mask=0
        for name in $(sed -n 's/^CapabilityBoundingSet=//p' "$default_policy" | tr '[:upper:]' '[:lower:]'); do
                name=${name#cap_}
                for i in "${!cap_names[@]}"; do
                        [[ ${cap_names[$i]} == "$name" ]] && mask=$((mask | (1 << i)))
                done
        done
        want_capbnd=$(printf '%016x' "$mask")
fi

# --- the probe: what a session sees ----------------------------------------------------------
cat >"$work/probe.sh" <<'EOF'
# probe.sh HOST-MARKER: key=value lines about the session it runs in
echo "user=$(id -un)"
echo "session=${XDG_SESSION_ID:-}"
echo "cgroup=$(sed -n 's/^0:://p' /proc/self/cgroup)"
echo "mnt=$(readlink /proc/self/ns/mnt)"
echo "net=$(readlink /proc/self/ns/net)"
echo "tmpfs=$(stat -f -c %T /tmp)"
echo "root=$(findmnt -n -o OPTIONS -T / | cut -d, -f1)"
echo "usr=$(findmnt -n -o OPTIONS -T /usr | cut -d, -f1)"
echo "home=$(findmnt -n -o OPTIONS -T "$HOME" | cut -d, -f1)"
echo "ifaces=$(awk 'NR > 2 { sub(":", "", $1); printf "%s ", $1 }' /proc/net/dev)"
if [ -e "/tmp/$1" ]; then echo "host_marker=visible"; else echo "host_marker=hidden"; fi
if echo session >"/tmp/pamvm-session-$(id -un)"; then echo "tmp_write=ok"; fi
if err=$(touch "$HOME/.pamvm-home-write" 2>&1); then
        echo "home_write=ok"
        rm -f "$HOME/.pamvm-home-write"
else
        echo "home_write=$err"
fi
awk '$1 ~ /^(CapBnd|NoNewPrivs):$/ { sub(":", "", $1); print $1 "=" $2 }' /proc/self/status
echo "probe=done"
EOF
chmod 0644 "$work/probe.sh"

# start_hold NAME su|runuser USER: a login that runs the probe and stays open until stop_hold.
# Sets hold_out and hold_pid.
start_hold() {
        local name="$1" prog="$2" user="$3" fifo="$work/$1.ctl"
        hold_out="$work/$name.out"
        mkfifo -m 0600 "$fifo"
        "$prog" -l "$user" -c "sh $work/probe.sh $host_marker; echo shell=\$\$; read -r _ || true" \
                <"$fifo" >"$hold_out" 2>&1 &
        hold_pid=$!
        exec 7>"$fifo" # the login holds until this closes
        held() { grep -q '^shell=' "$hold_out" 2>/dev/null || ! kill -0 "$hold_pid" 2>/dev/null; }
        wait_for 60 held || true
        grep -q '^shell=' "$hold_out"
}

stop_hold() { # sets hold_rc
        hold_rc=0
        exec 7>&-
        wait "$hold_pid" || hold_rc=$?
        hold_pid=""
}

slice_props() { # UID
        systemctl show -p MemoryMax -p TasksMax -- "user-$1.slice" | paste -sd' '
}

# user_manager UID: the main pid of user@UID.service once it runs
user_manager() {
        local pid
        systemctl is-active --quiet "user@$1.service" || return 1
        pid=$(systemctl show -p MainPID --value "user@$1.service")
        [[ $pid -gt 0 ]] || return 1
        echo "$pid"
}

# --- the user managers, through the systemd-user stack ------------------------------------------
# The user managers start under the whole policy: ProtectHome=read-only covers /home and /root,
# never /run/user, where the manager keeps its runtime directory.
write_policy
loginctl enable-linger "$member" "$other"
# What logind does for a lingering user; at once, and waiting for the result.
systemctl start "user@$member_uid.service" "user@$other_uid.service" || true
if mpid=$(user_manager "$member_uid"); then
        pass "the member's user manager, user@$member_uid.service, starts under the policy (pid $mpid)"
        expect_not "member's user manager: a mount namespace of its own" "$pid1_mnt" "$(readlink "/proc/$mpid/ns/mnt")"
        expect_not "member's user manager: a network namespace of its own" "$pid1_net" "$(readlink "/proc/$mpid/ns/net")"
        expect "member's user manager: / is read-only in its namespace" ro \
                "$(nsenter -t "$mpid" -m -- findmnt -n -o OPTIONS -T / | cut -d, -f1)"
        expect "member's user manager: the host's /tmp is not visible in its namespace" hidden \
                "$(nsenter -t "$mpid" -m -- sh -c "test -e /tmp/$host_marker && echo visible || echo hidden")"
        expect "member's user manager: NoNewPrivs 1" 1 "$(awk '$1 == "NoNewPrivs:" { print $2 }' "/proc/$mpid/status")"
        expect "member's user manager: CapBnd is the policies' bounding set" "$want_capbnd" \
                "$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$mpid/status")"
        record="/run/sandbox/sessions/pid-$mpid.json"
        manager_record_ok() {
                stat -c '%U:%G %a' -- "$record" || return 1
                cat -- "$record"
                [[ $(stat -c '%u %a' -- "$record") == "0 644" ]] &&
                        grep -q "\"user\": \"$member\"" "$record" &&
                        grep -q '"service": "systemd-user"' "$record"
        }
        check "member's user manager: its record $record exists, root-owned, service systemd-user" \
                manager_record_ok
else
        fail "the member's user manager, user@$member_uid.service, starts under the policy" \
                "$(systemctl status --no-pager "user@$member_uid.service" 2>&1 | tail -n 20)"
fi
if opid=$(user_manager "$other_uid"); then
        expect "the non-member's user manager (pid $opid) runs in PID 1's mount namespace" \
                "$pid1_mnt" "$(readlink "/proc/$opid/ns/mnt")"
else
        fail "the non-member's user manager runs in PID 1's mount namespace" \
                "$(systemctl status --no-pager "user@$other_uid.service" 2>&1 | tail -n 20)"
fi
write_policy

# --- the member's su -l session, while it runs -----------------------------------------------------
if start_hold member su "$member"; then
        out=$hold_out
        expect "su -l $member: a login session of $member" "$member" "$(field "$out" user)"
        sid=$(field "$out" session)
        expect "su -l $member: ... in a logind session scope" \
                "/user.slice/user-$member_uid.slice/session-$sid.scope" "$(field "$out" cgroup)"
        expect_not "su -l $member: a mount namespace of its own" "$pid1_mnt" "$(field "$out" mnt)"
        expect "su -l $member: /tmp is a private tmpfs (PrivateTmp=yes)" tmpfs "$(field "$out" tmpfs)"
        expect "su -l $member: the host's /tmp is not visible in it" hidden "$(field "$out" host_marker)"
        expect "su -l $member: its /tmp is writable" ok "$(field "$out" tmp_write)"
        check "su -l $member: a file written to its /tmp is not in the host's /tmp" \
                test ! -e "/tmp/pamvm-session-$member"
        expect "su -l $member: / is read-only (ProtectSystem=strict)" ro "$(field "$out" root)"
        expect "su -l $member: /usr is read-only" ro "$(field "$out" usr)"
        shell=$(field "$out" shell)
        erofs_for_root() { # PATH: even root gets EROFS in the session's mount namespace
                local msg
                if msg=$(nsenter -t "$shell" -m -- touch "$1" 2>&1); then
                        echo "root created $1 in the session's mount namespace"
                        return 1
                fi
                echo "$msg"
                [[ $msg == *"Read-only file system"* ]]
        }
        check "su -l $member: root in the session's mount namespace cannot write / or /usr (EROFS)" \
                eval 'erofs_for_root /.pamvm-rw && erofs_for_root /usr/.pamvm-rw'
        expect "su -l $member: the home is read-only (ProtectHome=read-only)" ro "$(field "$out" home)"
        home_write=$(field "$out" home_write)
        if [[ $home_write == *"Read-only file system"* ]]; then
                pass "su -l $member: writing to the own home fails with EROFS"
        else
                fail "su -l $member: writing to the own home fails with EROFS" "got: $home_write"
        fi
        expect "su -l $member: only lo in /proc/net/dev (PrivateNetwork=yes)" "lo " "$(field "$out" ifaces)"
        expect_not "su -l $member: a network namespace of its own" "$pid1_net" "$(field "$out" net)"
        expect "su -l $member: NoNewPrivs 1" 1 "$(field "$out" NoNewPrivs)"
        expect "su -l $member: CapBnd is the policies' bounding set" "$want_capbnd" "$(field "$out" CapBnd)" \
                "$(command -v capsh >/dev/null && capsh --decode="$(field "$out" CapBnd)")"
        expect "systemctl show user-$member_uid.slice: MemoryMax and TasksMax of the policy" \
                "MemoryMax=268435456 TasksMax=64" "$(slice_props "$member_uid")"
        record="/run/sandbox/sessions/$sid.json"
        record_ok() {
                stat -c '%U:%G %a' -- "$record" || return 1
                cat -- "$record"
                [[ $(stat -c '%u %a' -- "$record") == "0 644" ]] &&
                        grep -q "\"user\": \"$member\"" "$record" &&
                        grep -q "\"session\": \"$sid\"" "$record"
        }
        check "su -l $member: its record $record exists, root-owned, mode 644, naming the user and session" \
                record_ok
        stop_hold
        expect "su -l $member: the login ends cleanly" 0 "$hold_rc" "$(cat -- "$out")"
        check "su -l $member: the record is removed when the session closes" wait_for 10 test ! -e "$record"
else
        fail "su -l $member: the login runs the probe" "$(cat -- "$hold_out")"
        stop_hold
fi

# --- a memory hog in the member's session ------------------------------------------------------
events="/sys/fs/cgroup/user.slice/user-$member_uid.slice/memory.events"
oom_kills() { awk '$1 == "oom_kill" { print $2 }' "$events" 2>/dev/null || echo 0; }
before=$(oom_kills)
# shellcheck disable=SC2016 # expanded by the hog's own shell
hog='x=a; while :; do x="$x$x"; done'
rc=0
mpid_before=$(user_manager "$member_uid") || true
# oom_score_adj 0, as in a login from sshd or login: the test service runs at -900, which its
# children inherit, and the OOM killer would then rather pick the user's manager (at 100).
out=$(
        echo 0 >/proc/self/oom_score_adj
        exec timeout 120 su -l "$member" -c "sh -c $(printf '%q' "$hog"); echo hog-status=\$?" 2>&1
) || rc=$?
after=$(oom_kills)
if [[ $out == *hog-status=137* && $after -gt $before ]]; then
        pass "su -l $member: a memory hog is OOM-killed under MemoryMax=256M (status 137, oom_kill $before -> $after)"
else
        fail "su -l $member: a memory hog is OOM-killed under MemoryMax=256M" "su status $rc" "$out" \
                "oom_kill in $events: $before -> $after"
fi
mpid_after=$(user_manager "$member_uid") || true
expect "su -l $member: the OOM kill took the hog only: the member's user manager still runs" \
        "${mpid_before:-none}" "${mpid_after:-none}" "$(journalctl -k -b --no-pager -o cat | grep 'Killed process' | tail -n 3)"

# --- the member's ssh session: a real sshd on loopback, key authentication --------------------
# sshd runs with Debian's own /etc/pam.d/sshd (its service name follows argv[0]), which includes
# the common-session that pam-auth-update gave the module; its config, host key, port and
# authorized keys are this scenario's, and it is ended by pid. It starts at oom_score_adj 0:
# sshd puts back the value it started with in each session, and the test service's -900 would
# make the OOM killer rather pick the member's user manager.
stop_sshd() {
        [[ -n $ssh_pid ]] || return 0
        kill "$ssh_pid" 2>/dev/null || true
        wait "$ssh_pid" 2>/dev/null || true
        ssh_pid=""
}
start_sshd() {
        local i
        ssh-keygen -q -t ed25519 -N '' -C pamvm-host -f "$work/ssh_host_key" || return 1
        ssh-keygen -q -t ed25519 -N '' -C pamvm-client -f "$work/ssh_id" || return 1
        mkdir -m 0755 "$work/ssh_keys"
        install -m 0644 -- "$work/ssh_id.pub" "$work/ssh_keys/$member"
        ssh_port=2222
        cat >"$work/sshd_config" <<EOF
ListenAddress 127.0.0.1:$ssh_port
HostKey $work/ssh_host_key
PidFile $work/sshd.pid
UsePAM yes
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $work/ssh_keys/%u
PermitRootLogin no
UseDNS no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
EOF
        [[ -d /run/sshd ]] || mkdir -m 0755 /run/sshd # privilege separation (ssh.service makes it)
        /usr/sbin/sshd -t -f "$work/sshd_config" || return 1
        (
                echo 0 >/proc/self/oom_score_adj
                exec /usr/sbin/sshd -D -e -f "$work/sshd_config"
        ) >"$work/sshd.log" 2>&1 &
        ssh_pid=$!
        for ((i = 0; i < 100; i++)); do
                (exec 3<>"/dev/tcp/127.0.0.1/$ssh_port") 2>/dev/null && return 0
                kill -0 "$ssh_pid" 2>/dev/null || break
                sleep 0.1
        done
        cat -- "$work/sshd.log"
        return 1
}
ssh_member() { # SECONDS COMMAND: run it in an ssh session of the member on loopback
        timeout "$1" ssh -F /dev/null -p "$ssh_port" -i "$work/ssh_id" -o IdentitiesOnly=yes -o BatchMode=yes \
                -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
                -o ConnectTimeout=20 -- "$member@127.0.0.1" "$2"
}
# (Not in $(...): start_sshd sets ssh_pid and ssh_port for this shell.)
if start_sshd >"$work/sshd-start.log" 2>&1; then
        pass "sshd starts on 127.0.0.1:$ssh_port with Debian's /etc/pam.d/sshd"
        out=$(ssh_member 60 "sh $work/probe.sh $host_marker" 2>&1) || true
        sid=$(field /dev/stdin session <<<"$out")
        expect "ssh $member: a login session of $member" "$member" "$(field /dev/stdin user <<<"$out")" "$out"
        expect "ssh $member: in a logind session scope under user-$member_uid.slice" \
                "/user.slice/user-$member_uid.slice/session-$sid.scope" "$(field /dev/stdin cgroup <<<"$out")"
        expect_not "ssh $member: a mount namespace of its own" "$pid1_mnt" "$(field /dev/stdin mnt <<<"$out")"
        expect "ssh $member: only lo (PrivateNetwork=yes)" "lo " "$(field /dev/stdin ifaces <<<"$out")"
        expect "ssh $member: NoNewPrivs 1" 1 "$(field /dev/stdin NoNewPrivs <<<"$out")"
        before=$(oom_kills)
        rc=0
        out=$(ssh_member 120 "sh -c $(printf '%q' "$hog"); echo hog-status=\$?" 2>&1) || rc=$?
        after=$(oom_kills)
        if [[ $out == *hog-status=137* && $after -gt $before ]]; then
                pass "ssh $member: a memory hog is OOM-killed under MemoryMax=256M (status 137, oom_kill $before -> $after)"
        else
                fail "ssh $member: a memory hog is OOM-killed under MemoryMax=256M" "ssh status $rc" "$out" \
                        "oom_kill in $events: $before -> $after" "$(tail -n 20 -- "$work/sshd.log")"
        fi
        mpid_after=$(user_manager "$member_uid") || true
        expect "ssh $member: the OOM kill took the hog only: the member's user manager still runs" \
                "${mpid_before:-none}" "${mpid_after:-none}"
        ssh_logged() { # the journal entry's structured fields name the service and the user
                journalctl -b --no-pager -o cat PAM_SERVICE=sshd USER="$member" SANDBOX_DECISION=confined |
                        grep "pam_sandbox(sshd:session): confined the session of user $member "
        }
        check "ssh $member: the journal has the decision with PAM_SERVICE=sshd, USER=$member" ssh_logged
        check "ssh $member: its record is removed when the session closes" \
                wait_for 15 test ! -e "/run/sandbox/sessions/$sid.json"
else
        fail "sshd starts on 127.0.0.1 with Debian's /etc/pam.d/sshd" "$(cat -- "$work/sshd-start.log")"
fi
stop_sshd

# --- the same ceiling for the member's user manager: a systemd-run --user service --------------
# The service runs in user@UID.service, under the same user-UID.slice: its MemoryMax= binds it.
before=$(oom_kills)
# shellcheck disable=SC2016 # expanded by the member's login shell
out=$(timeout 120 su -l "$member" -c \
        "systemd-run --user --wait --collect -- sh -c $(printf '%q' "$hog"); echo run-status=\$?" 2>&1) || true
after=$(oom_kills)
if [[ $out == *oom-kill* && $out != *run-status=0* && $after -gt $before ]]; then
        pass "systemd-run --user (member): the service's memory hog is OOM-killed under the slice's MemoryMax=256M (oom_kill $before -> $after)"
else
        fail "systemd-run --user (member): the service's memory hog is OOM-killed under the slice's MemoryMax=256M" \
                "$out" "oom_kill in $events: $before -> $after"
fi

# --- TasksMax=64 stops a fork bomb in the member's session -------------------------------------
# dash stops at the first fork it cannot make; every started pid is printed so that we end them
# by pid afterwards (nothing is killed by name).
# shellcheck disable=SC2016 # expanded by the bomb's own shell
bomb='i=0; while [ $i -lt 200 ]; do sleep 60 & echo "pid=$!"; i=$((i + 1)); done'
out=$(timeout 60 su -l "$member" -c "sh -c $(printf '%q' "$bomb") 2>&1; echo bomb-status=\$?" 2>&1) || true
started=$(grep -c '^pid=' <<<"$out" || true)
for p in $(sed -n 's/^pid=//p' <<<"$out"); do kill "$p" 2>/dev/null || true; done
# (The kernel counts the refusal in pids.events of the session's scope, which is gone by now;
# no other limit is near: RLIMIT_NPROC is in the thousands and the scope sets no TasksMax=.)
if [[ $started -lt 64 && $out == *"Cannot fork"* ]]; then
        pass "su -l $member: a fork bomb stops at TasksMax=64 of the slice ($started sleeps started of 200, then: Cannot fork)"
else
        fail "su -l $member: a fork bomb stops at TasksMax=64 of the slice" "started $started of 200" \
                "$(tail -n 3 <<<"$out")"
fi

# --- a second login of the member gets the same ceiling ----------------------------------------
out=$(timeout 60 su -l "$member" -c 'cat /proc/self/status' 2>&1) || true
expect "a second login of $member: NoNewPrivs 1 again" 1 \
        "$(awk '$1 == "NoNewPrivs:" { print $2 }' <<<"$out")"
expect "a second login of $member: user-$member_uid.slice keeps MemoryMax and TasksMax of the policy" \
        "MemoryMax=268435456 TasksMax=64" "$(slice_props "$member_uid")"

# --- the member through runuser -l (lines added by hand) ----------------------------------------
if start_hold runuser runuser "$member"; then
        expect "runuser -l $member: a login of $member" "$member" "$(field "$hold_out" user)"
        expect_not "runuser -l $member: a mount namespace of its own" "$pid1_mnt" "$(field "$hold_out" mnt)"
        expect "runuser -l $member: only lo" "lo " "$(field "$hold_out" ifaces)"
        stop_hold
else
        fail "runuser -l $member: the login runs the probe" "$(cat -- "$hold_out")"
        stop_hold
fi

# --- the non-member: none of that ------------------------------------------------------------------
if start_hold other su "$other"; then
        out=$hold_out
        expect "su -l $other: a login session of $other" "$other" "$(field "$out" user)"
        expect "su -l $other: PID 1's mount namespace" "$pid1_mnt" "$(field "$out" mnt)"
        expect "su -l $other: PID 1's network namespace" "$pid1_net" "$(field "$out" net)"
        expect "su -l $other: the host's /tmp" visible "$(field "$out" host_marker)"
        check "su -l $other: a file written to /tmp is in the host's /tmp" test -e "/tmp/pamvm-session-$other"
        expect "su -l $other: the home is writable" ok "$(field "$out" home_write)"
        expect "su -l $other: NoNewPrivs 0" 0 "$(field "$out" NoNewPrivs)"
        expect "su -l $other: PID 1's bounding set" "$pid1_capbnd" "$(field "$out" CapBnd)"
        # (TasksMax= is logind's default for every user slice: UserTasksMax=, 33% of pid_max.)
        unlimited_slice() {
                local drop
                drop=$(systemctl show -p DropInPaths --value -- "user-$other_uid.slice")
                echo "$(slice_props "$other_uid"), DropInPaths=$drop"
                [[ $(systemctl show -p MemoryMax --value -- "user-$other_uid.slice") == infinity &&
                        $drop != */run/systemd/system.control/* ]]
        }
        check "su -l $other: user-$other_uid.slice has no MemoryMax and no runtime limits of the module" \
                unlimited_slice
        osid=$(field "$out" session)
        check "su -l $other: no record for its session" test ! -e "/run/sandbox/sessions/$osid.json"
        stop_hold
        expect "su -l $other: the login ends cleanly" 0 "$hold_rc" "$(cat -- "$out")"
else
        fail "su -l $other: the login runs the probe" "$(cat -- "$hold_out")"
        stop_hold
fi

logs_in() { # PROGRAM USER
        local out
        out=$("$1" -l "$2" -c 'echo logged-in' 2>&1) || { echo "$out"; return 1; }
        [[ $out == logged-in ]] || { echo "$out"; return 1; }
}

# --- RuntimeMaxSec=: pam_systemd puts it on the session's scope, and systemd ends the session -----
write_policy
printf '[Match]\nGroup=%s\n\n[Resources]\nRuntimeMaxSec=4s\n' "$group" >"${policy%.policy}-runtime.policy"
chmod 0644 "${policy%.policy}-runtime.policy"
runtime_out="$work/runtime.out"
t0=$SECONDS
# shellcheck disable=SC2016 # expanded by the member's shell
timeout 90 su -l "$member" -c 'echo "session=$XDG_SESSION_ID"; sleep 40; echo survived' \
        >"$runtime_out" 2>&1 &
runtime_pid=$!
runtime_sid() { sed -n 's/^session=//p' -- "$runtime_out" | grep .; }
if wait_for 30 runtime_sid >/dev/null; then
        rsid=$(runtime_sid)
        expect "RuntimeMaxSec=4s: session-$rsid.scope has RuntimeMaxUSec=4s (systemd.runtime_max_sec)" \
                4s "$(systemctl show -p RuntimeMaxUSec --value -- "session-$rsid.scope" 2>&1)"
        check "RuntimeMaxSec=4s: the session's record lists it as applied" \
                grep -q '"RuntimeMaxSec=4s"' "/run/sandbox/sessions/$rsid.json"
else
        fail "RuntimeMaxSec=4s: su -l $member starts a session" "$(cat -- "$runtime_out")"
fi
rc=0
wait "$runtime_pid" || rc=$?
elapsed=$((SECONDS - t0))
if ! grep -q survived "$runtime_out" && [[ $rc -ne 124 && $elapsed -lt 35 ]]; then
        pass "RuntimeMaxSec=4s: systemd ends the session (su status $rc after $elapsed s, the 40 s sleep never finished)"
else
        fail "RuntimeMaxSec=4s: systemd ends the session" "su status $rc after $elapsed s" "$(cat -- "$runtime_out")"
fi
if [[ -n ${rsid:-} ]]; then
        runtime_logged() {
                journalctl -b --no-pager -o cat -u "session-$rsid.scope" 2>/dev/null |
                        grep -i "time limit" | tail -n 1 | grep .
        }
        check "RuntimeMaxSec=4s: systemd's journal says session-$rsid.scope ran out of time" \
                wait_for 10 runtime_logged
fi
rm -f -- "${policy%.policy}-runtime.policy"

# --- the user manager's record: (sd-pam) closes unprivileged; the next open removes it ------------
if mpid=$(user_manager "$member_uid"); then
        mrecord="/run/sandbox/sessions/pid-$mpid.json"
        check "member's user manager (pid $mpid): its record exists while it runs" test -e "$mrecord"
        loginctl disable-linger "$member"
        systemctl stop "user@$member_uid.service"
        if [[ -e $mrecord ]]; then
                diag "after user@$member_uid.service stopped, its record is still there (closed unprivileged)"
        fi
        check "a later login of $member opens" logs_in su "$member"
        check "the stopped user manager's record (its process is gone) is removed by the next open" \
                test ! -e "$mrecord"
        if npid=$(user_manager "$member_uid") && [[ $npid != "$mpid" ]]; then
                check "the new user manager (pid $npid) has a record of its own" \
                        test -e "/run/sandbox/sessions/pid-$npid.json"
        fi
else
        fail "member's user manager runs before its record is checked" \
                "$(systemctl status --no-pager "user@$member_uid.service" 2>&1 | tail -n 20)"
fi

# --- a broken policy file refuses users' logins, never root's ---------------------------------------
printf '[Sandbox]\nPrivateTmp=perhaps\n' >"$broken"
chmod 0644 "$broken"
refused() { # PROGRAM USER
        local rc=0 out
        out=$("$1" -l "$2" -c 'echo logged-in' 2>&1) || rc=$?
        echo "status $rc: $out"
        [[ $rc -ne 0 && $out != *logged-in* ]]
}
check "broken policy: su -l $member is refused" refused su "$member"
refusal_logged() {
        journalctl -b --no-pager -o cat SYSLOG_IDENTIFIER=su |
                grep -q "refusing the session of user $member: policy error.*${broken##*/}"
}
check "broken policy: the journal says why, naming the file" wait_for 15 refusal_logged
check "broken policy: su -l $other (a non-member) is refused too" refused su "$other"
check "broken policy: runuser -l $member is refused" refused runuser "$member"
check "broken policy: su -l root still logs in" logs_in su root
check "broken policy: runuser -l root still logs in" logs_in runuser root
rm -f -- "$broken"
member_confined_again() {
        local out
        out=$(su -l "$member" -c 'readlink /proc/self/ns/mnt' 2>&1) || { echo "$out"; return 1; }
        echo "$out"
        [[ -n $out && $out != "$pid1_mnt" ]]
}
check "broken policy removed: su -l $member logs in again, confined" member_confined_again

# --- restore ---------------------------------------------------------------------------------------
restore_all
check "every PAM file, pam-auth-update's state and the profiles are as before" dirs_restored
diag "guest time: $((SECONDS - t_start)) s"

done_testing
