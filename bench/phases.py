#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Split `sandbox run -- /bin/true` into phases from a `perf script -F pid,time,event,trace`
dump (see bench/profile.sh for the events recorded) and print the median of each phase over
all runs as a Markdown table. With --peer NAME it reports, for another launcher, only its total
and how long its own children were still exiting after it had returned.

The phase boundaries are syscalls the launcher makes anyway, so no instrumentation is needed:

  monitor (M)   exec ... seccomp() probes of seccomp_init ... pipe2 ... clone(7 namespaces)
                ... wait4 returns ... exit
  init (I)      mount(MS_SLAVE) ... pivot_root, umount2 ... clone(app) ... prctl(SET_DUMPABLE)
                ... seccomp(SET_MODE_FILTER) ... (waits) ... exit
  app (A)       first run ... close_range ... seccomp(SET_MODE_FILTER) ... execve ... exit
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


def sandbox_phases(per_pid, children, m):
    M = per_pid[m]
    i = children[m][0]
    I = per_pid[i]
    a = children[i][0]
    A = per_pid[a]

    t = {}
    t["exec"] = first(M, "sched:sched_process_exec")
    t["seccomp_init"] = first(M, "syscalls:sys_enter_seccomp")
    t["pipe2"] = first(M, "syscalls:sys_enter_pipe2")
    t["clone_in"] = first(M, "syscalls:sys_enter_clone")
    t["clone_out"] = first(M, "syscalls:sys_exit_clone")
    t["slave"] = first(I, "syscalls:sys_enter_mount")
    t["pivot"] = first(I, "syscalls:sys_enter_pivot_root")
    t["umount_out"] = first(I, "syscalls:sys_exit_umount")
    t["fork_in"] = first(I, "syscalls:sys_enter_clone")
    # I's first sys_exit_clone is its own birth (the child side of M's clone).
    t["fork_out"] = first(I, "syscalls:sys_exit_clone", after=t["fork_in"])
    t["i_dumpable"] = first(I, "syscalls:sys_enter_prctl")
    t["i_load_in"] = first(I, "syscalls:sys_enter_seccomp", is_filter_load)
    t["i_load_out"] = first(I, "syscalls:sys_exit_seccomp", after=t["i_load_in"])
    t["a_runs"] = first(A, "syscalls:sys_exit_clone")
    t["a_close_range"] = first(A, "syscalls:sys_exit_close_range")
    t["a_load_in"] = first(A, "syscalls:sys_enter_seccomp", is_filter_load)
    t["a_load_out"] = first(A, "syscalls:sys_exit_seccomp", after=t["a_load_in"])
    t["a_exec"] = first(A, "syscalls:sys_enter_execve")
    t["a_exit"] = first(A, "sched:sched_process_exit")
    t["i_exit"] = first(I, "sched:sched_process_exit")
    t["i_gone"] = exit_notified(I)
    t["wait_out"] = last(M, "syscalls:sys_exit_wait4")
    t["m_exit"] = first(M, "sched:sched_process_exit")

    d = lambda a, b: t[b] - t[a]
    return [
        ("monitor: exec to seccomp_init (dynamic loading of libseccomp/libcap/libc, getpwuid, options)",
         d("exec", "seccomp_init")),
        ("monitor: build the filter with libseccomp (seccomp_init, ~90 rules × 3 arches)",
         d("seccomp_init", "pipe2")),
        ("monitor: clone() with user+mnt+pid+net+ipc+uts+cgroup namespaces", d("clone_in", "clone_out")),
        ("monitor→init: uid/gid maps written, init released", d("clone_out", "slave")),
        ("init: build the root (mount(MS_SLAVE) … pivot_root: tmpfs, ~37 bind + 7 fs mounts)",
         d("slave", "pivot")),
        ("init: pivot_root + umount2(old root, MNT_DETACH)", d("pivot", "umount_out")),
        ("init: root read-only, loopback up, sethostname, fork the app", d("umount_out", "fork_out")),
        ("init: drop caps, NNP (fork → prctl(SET_DUMPABLE))", d("fork_out", "i_dumpable")),
        ("init: seccomp_load, libseccomp BPF generation (user space)", d("i_dumpable", "i_load_in")),
        ("init: seccomp(SET_MODE_FILTER) in the kernel", d("i_load_in", "i_load_out")),
        ("app: forked → first runs (waits for init's CPU)", d("fork_out", "a_runs")),
        ("app: setsid, chdir, PATH lookup, drop caps, NNP, close_range", d("a_runs", "a_close_range")),
        ("app: seccomp_load, libseccomp BPF generation again (user space)", d("a_close_range", "a_load_in")),
        ("app: seccomp(SET_MODE_FILTER) in the kernel", d("a_load_in", "a_load_out")),
        ("app: execve(/bin/true) … exit", d("a_exec", "a_exit")),
        ("init: reap the app, exit", d("a_exit", "i_exit")),
        ("teardown: init's exit (mount ns of ~45 mounts, net/pid/ipc/uts/user ns, until its "
         "SIGCHLD)", d("i_exit", "i_gone")),
        ("monitor: woken, wait4 returns", d("i_gone", "wait_out")),
        ("monitor: after wait4 until exit", d("wait_out", "m_exit")),
        ("total: monitor exec → monitor exit", d("exec", "m_exit")),
        ("  of which seccomp (build + 2 × generate + 2 × load)",
         d("seccomp_init", "pipe2") + d("i_dumpable", "i_load_out") + d("a_close_range", "a_load_out")),
    ]


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
    name = peer or "sandbox"
    runs = [pid for pid, fn in execs if fn.rsplit("/", 1)[-1] == name]
    rows, skipped = defaultdict(list), 0
    order = []
    for m in runs:
        try:
            phases = peer_phases(per_pid, children, m) if peer else sandbox_phases(per_pid, children, m)
        except (LookupError, IndexError):
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
