#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Split `sandbox run -- /bin/true` into phases from a `perf script -F pid,time,event,trace`
dump (see bench/profile.sh for the events recorded) and print the median of each phase over
all runs as a Markdown table. With --peer NAME it reports, for another launcher, only its total
and how long its own children were still exiting after it had returned.

The phase boundaries are syscalls the launcher makes anyway, so no instrumentation is needed:

  monitor (M)   exec ... getuid (main) ... getdents64 (policy) ... pipe2 ... clone(6 namespaces)
                ... reads PID 1's report ... exit
  init (I)      (forks the network namespace helper) mount(MS_SLAVE) ... pivot_root, umount2
                ... wait4(helper), setns ... seccomp(SET_MODE_FILTER) ... vfork(app) ... exit
  helper (H)    unshare(CLONE_NEWNET) ... exit
  app (A)       vfork returns ... close_range ... execve ... exit
"""
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^\s*(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)$")


def parse(path):
    """Events per pid, in time order, as (time in ms, event, trace text)."""
    per_pid = defaultdict(list)
    children = defaultdict(list)
    execs = []  # (pid, filename)
    for line in open(path, errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        pid, t, ev, rest = int(m[1]), float(m[2]) * 1000, m[3], m[4]
        if ev == "sched:sched_process_fork":
            # Logged by the parent; the child's pid is in the text.
            child = int(re.search(r"child_pid=(\d+)", rest)[1])
            children[pid].append(child)
        elif ev == "sched:sched_process_exec":
            execs.append((pid, re.search(r"filename=(\S+)", rest)[1]))
        per_pid[pid].append((t, ev, rest))
    return per_pid, children, execs


def first(events, ev, pred=None, after=float("-inf")):
    for t, e, rest in events:
        if e == ev and t >= after and (pred is None or pred(rest)):
            return t
    raise LookupError(ev)


def last(events, ev, pred=None):
    found = [t for t, e, rest in events if e == ev and (pred is None or pred(rest))]
    if not found:
        raise LookupError(ev)
    return found[-1]


def exit_notified(events):
    """When a process finished exiting: the SIGCHLD its exit_notify() sends its parent, which
    comes after the teardown of its files, mounts and namespaces (sched_process_exit fires
    before those)."""
    return last(events, "signal:signal_generate", lambda r: r.startswith("sig=17 "))


def is_filter_load(rest):
    # seccomp(SECCOMP_SET_MODE_FILTER, flags 0, prog): the real load, not libseccomp's probes
    # (those pass flags and a NULL program).
    return "op: 0x00000001, flags: 0x00000000" in rest


def sandbox_phases(per_pid, children, execs_by_pid, m):
    M = per_pid[m]
    i = children[m][0]
    I = per_pid[i]
    # PID 1's children: the network namespace helper (when there is one), then the app, the
    # one that execs the command.
    kids = children[i]
    a = next(k for k in kids if k in execs_by_pid)
    A = per_pid[a]
    h = next((k for k in kids if k != a), None)
    H = per_pid[h] if h is not None else None

    t = {}
    t["exec"] = first(M, "sched:sched_process_exec")
    t["main"] = first(M, "syscalls:sys_enter_getuid")
    t["policy"] = first(M, "syscalls:sys_enter_getdents64")
    t["pipe2"] = first(M, "syscalls:sys_enter_pipe2")
    t["clone_in"] = first(M, "syscalls:sys_enter_clone")
    t["clone_out"] = first(M, "syscalls:sys_exit_clone")
    t["slave"] = first(I, "syscalls:sys_enter_mount")
    t["pivot"] = first(I, "syscalls:sys_enter_pivot_root")
    t["umount_out"] = first(I, "syscalls:sys_exit_umount")
    t["load_in"] = first(I, "syscalls:sys_enter_seccomp", is_filter_load)
    t["load_out"] = first(I, "syscalls:sys_exit_seccomp", after=t["load_in"])
    t["fork_in"] = first(I, "syscalls:sys_enter_vfork")
    t["a_runs"] = first(A, "syscalls:sys_exit_vfork")
    t["a_close_range"] = first(A, "syscalls:sys_exit_close_range")
    t["a_exec"] = first(A, "syscalls:sys_enter_execve")
    t["a_exit"] = first(A, "sched:sched_process_exit")
    t["m_exit"] = first(M, "sched:sched_process_exit")
    t["i_gone"] = exit_notified(I)

    d = lambda a, b: t[b] - t[a]
    rows = [
        ("monitor: exec → main() (kernel exec, ld.so, libc start)", d("exec", "main")),
        ("monitor: user through NSS, options", d("main", "policy")),
        ("monitor: policy files read and merged, environment, spec", d("policy", "pipe2")),
        ("monitor: clone() with user+mnt+pid+ipc+uts+cgroup namespaces", d("clone_in", "clone_out")),
        ("init: starts the netns helper, writes its own id maps (or waits for the monitor's)", d("clone_out", "slave")),
        ("init: build the root (mount(MS_SLAVE) … pivot_root)", d("slave", "pivot")),
        ("init: pivot_root + umount2(old root, MNT_DETACH)", d("pivot", "umount_out")),
    ]
    if H is not None:
        t["h_unshare_in"] = first(H, "syscalls:sys_enter_unshare")
        t["h_unshare_out"] = first(H, "syscalls:sys_exit_unshare")
        t["h_exit"] = first(H, "sched:sched_process_exit")
        t["i_wait_in"] = first(I, "syscalls:sys_enter_wait4", after=t["umount_out"])
        t["i_wait_out"] = first(I, "syscalls:sys_exit_wait4", after=t["i_wait_in"])
        rows += [
            ("  (on the side) helper: unshare(CLONE_NEWNET)", d("h_unshare_in", "h_unshare_out")),
            ("  (on the side) helper: started → exited (lo up, fd handed over)",
             d("h_unshare_in", "h_exit")),
            ("init: waits for the network namespace helper", d("i_wait_in", "i_wait_out")),
            ("init: setns, root read-only, hostname, no_new_privs", d("i_wait_out", "load_in")),
        ]
    else:
        rows.append(("init: root read-only, hostname, no_new_privs", d("umount_out", "load_in")))
    rows += [
        ("init: seccomp(SET_MODE_FILTER) in the kernel", d("load_in", "load_out")),
        ("init: bounding set, vfork the app", d("load_out", "a_runs")),
        ("app: setsid, chdir, PATH lookup, capability sets, NNP, close_range",
         d("a_runs", "a_close_range")),
        ("app: execve(/bin/true) … exit", d("a_exec", "a_exit")),
        ("init: reap the app, report; monitor: read the report, exit", d("a_exit", "m_exit")),
        ("total: monitor exec → monitor exit", d("exec", "m_exit")),
        ("(after the monitor returned: init's exit and the namespaces' teardown)",
         d("m_exit", "i_gone")),
    ]
    return rows


def descendants(children, pid):
    out = []
    for c in children.get(pid, []):
        out.append(c)
        out += descendants(children, c)
    return out


def peer_phases(per_pid, children, m):
    M = per_pid[m]
    t_exec = first(M, "sched:sched_process_exec")
    t_exit = first(M, "sched:sched_process_exit")
    t_gone = exit_notified(M)
    gone = []
    for c in descendants(children, m):
        try:
            gone.append(exit_notified(per_pid[c]))
        except LookupError:
            pass
    lag = max(gone) - t_gone if gone else 0.0
    return [
        ("total: launcher exec → launcher exit", t_exit - t_exec),
        ("its sandbox still being torn down after it returned (last child's SIGCHLD − the "
         "launcher's; ≤ 0: it waited for it)", lag),
    ]


def main():
    args = sys.argv[1:]
    peer = None
    if args[:1] == ["--peer"]:
        peer, args = args[1], args[2:]
    per_pid, children, execs = parse(args[0])
    execs_by_pid = {pid: fn for pid, fn in execs}
    name = peer or "sandbox"
    runs = [pid for pid, fn in execs if fn.rsplit("/", 1)[-1] == name]
    rows, skipped = defaultdict(list), 0
    order = []
    for m in runs:
        try:
            phases = (peer_phases(per_pid, children, m) if peer
                      else sandbox_phases(per_pid, children, execs_by_pid, m))
        except (LookupError, IndexError, StopIteration):
            skipped += 1  # a run cut short at the ends of the recording
            continue
        for label, v in phases:
            if label not in rows:
                order.append(label)
            rows[label].append(v)
    n = len(rows[order[0]]) if order else 0
    if n == 0:
        sys.exit(f"phases.py: no complete {name} run in {args[0]}")
    print(f"| {name}: phase ({n} runs{f', {skipped} incomplete skipped' if skipped else ''}) | median | p25–p75 |")
    print("|---|---:|---:|")
    for label in order:
        v = rows[label]
        q = statistics.quantiles(v, n=4) if len(v) > 1 else [v[0]] * 3
        print(f"| {label} | {statistics.median(v):.2f} ms | {q[0]:.2f}–{q[2]:.2f} |")


if __name__ == "__main__":
    main()
