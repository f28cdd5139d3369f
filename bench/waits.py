#!/usr/bin/env python3
"""Where each server's threads spent a measured run: on a core, or runnable and waiting for one.

Reads the "threads" that bench/cpu.py records for every measured wrk run (from the kernel's
/proc/<pid>/task/<tid>/schedstat) and sums them per server and group of threads over the rounds
of one scenario, per request answered. A thread that waits long per timeslice holds its
connections' answers back for that long; this says which threads do, next to the peers'.

Usage: waits.py RESULTS.jsonl [SCENARIO]   (scenario a by default)
"""
import collections
import json
import sys


def main():
    path = sys.argv[1]
    scenario = sys.argv[2] if len(sys.argv) > 2 else "a"
    requests = collections.Counter()
    groups = collections.defaultdict(lambda: collections.defaultdict(lambda: [0.0, 0.0, 0]))
    with open(path) as f:
        for line in f:
            run = json.loads(line)
            if run.get("kind") != "wrk" or run["scenario"] != scenario or "threads" not in run["cpu"]:
                continue
            requests[run["server"]] += run["wrk"]["requests"]
            for group, t in run["cpu"]["threads"].items():
                totals = groups[run["server"]][group]
                totals[0] += t["run_s"]
                totals[1] += t["wait_s"]
                totals[2] += t["slices"]
    if not requests:
        sys.exit("no run of scenario %s records its threads (bench/cpu.py records them since 4 December)" % scenario)
    print("| server | threads | on a core, µs/request | waiting for a core, µs/request | timeslices | µs waited per timeslice |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for server in requests:
        # Threads that ran at least 1 % of the busiest group: the rest are housekeeping.
        busiest = max(t[0] for t in groups[server].values())
        for group, (ran, waited, slices) in sorted(groups[server].items(), key=lambda g: -g[1][0]):
            if ran < busiest / 100:
                continue
            print("| %s | %s | %.2f | %.2f | %d | %.0f |" % (server, group, ran * 1e6 / requests[server],
                  waited * 1e6 / requests[server], slices, waited * 1e6 / slices))


if __name__ == "__main__":
    main()
