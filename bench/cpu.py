#!/usr/bin/env python3
"""Runs one load command and says where the machine's CPU went meanwhile.

On a shared 2-core machine a req/s figure alone cannot tell a slow server from a busy
neighbour, so every measured run also records CPU-seconds used by the server under test (its
process and children), by the load generator, by the stub upstream, by the whole machine, and
what is left: other people's work. Prints the command's output, then one BENCH_CPU JSON line.

The line's "threads" says, per group of the server's threads (event loops, the access-lines writer,
JIT compilers, GC; NGINX's workers; named by the kernel's thread name without its digits), how long
they ran and how long they waited, runnable, for a core (/proc/<pid>/task/<tid>/schedstat): a tail
that comes from a server thread waiting behind another shows there (bench/waits.py sums it up).

Usage: cpu.py --server PID[,PID] --stub PID -- COMMAND...
"""
import glob
import json
import os
import re
import resource
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")


def server_pids(pid):
    """The process and its direct children (nginx workers, varnish child)."""
    pids = [pid]
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return pids


def process_ticks(pid):
    """User+system ticks of one process and its direct children."""
    total = 0
    for p in server_pids(pid):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def thread_times(pids):
    """{(pid, tid): (group, ns on a core, ns runnable but waiting, timeslices)} of every thread."""
    times = {}
    for pid in pids:
        for task in glob.glob("/proc/%d/task/*" % pid):
            try:
                with open(task + "/comm") as f:
                    group = re.sub(r"[#\-]?\d+$", "", f.read().strip())
                with open(task + "/schedstat") as f:
                    ran, waited, slices = (int(v) for v in f.read().split())
            except (OSError, ValueError):
                continue
            times[(pid, int(task.rsplit("/", 1)[1]))] = (group, ran, waited, slices)
    return times


def thread_groups(before, after):
    """Per group of threads alive through the run: seconds run, seconds waiting for a core, timeslices."""
    groups = {}
    for key, (group, ran, waited, slices) in after.items():
        if key not in before:
            continue
        _, ran0, waited0, slices0 = before[key]
        totals = groups.setdefault(group, [0, 0, 0])
        totals[0] += ran - ran0
        totals[1] += waited - waited0
        totals[2] += slices - slices0
    return {group: {"run_s": round(t[0] / 1e9, 4), "wait_s": round(t[1] / 1e9, 4), "slices": t[2]}
            for group, t in sorted(groups.items()) if t[2] > 0}


def machine_busy():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, sum(values[:8])


def main():
    args = sys.argv[1:]
    split = args.index("--")
    options = dict(zip(args[:split:2], args[1:split:2]))
    command = args[split + 1:]
    servers = [int(p) for p in options.get("--server", "").split(",") if p]
    stub = int(options.get("--stub", "0"))
    before_servers = sum(process_ticks(p) for p in servers)
    server_processes = [t for p in servers for t in server_pids(p)]
    before_threads = thread_times(server_processes)
    before_stub = process_ticks(stub) if stub else 0
    before_busy, before_all = machine_busy()
    before_client = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command)
    after_client = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_busy, after_all = machine_busy()
    threads = thread_groups(before_threads, thread_times(server_processes))
    server = (sum(process_ticks(p) for p in servers) - before_servers) / TICK
    stub_s = ((process_ticks(stub) if stub else 0) - before_stub) / TICK
    client = (after_client.ru_utime + after_client.ru_stime) - (before_client.ru_utime + before_client.ru_stime)
    busy = (after_busy - before_busy) / TICK
    wall = (after_all - before_all) / TICK / os.cpu_count()
    print("BENCH_CPU " + json.dumps({
        "wall_s": round(wall, 2), "machine_busy_s": round(busy, 2), "server_s": round(server, 2),
        "client_s": round(client, 2), "stub_s": round(stub_s, 2),
        "others_s": round(max(0.0, busy - server - client - stub_s), 2), "threads": threads}), flush=True)
    sys.exit(completed.returncode)


if __name__ == "__main__":
    main()
