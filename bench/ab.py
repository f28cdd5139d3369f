#!/usr/bin/env python3
"""Paired A/B of two servers from one bench/run.sh results.jsonl.

    python3 bench/ab.py <run dir>/results.jsonl A B [scenario]

bench/run.sh interleaves the servers (A B A B ...), so each round's A and B ran seconds apart and
share the machine's drift: on a shared VM whose speed moves by a third from one minute to the next,
the ratio within a round is steadier than either server's mean. Prints, per round, both servers'
req/s, CPU microseconds per request and p99, the ratios B/A, then the median ratios and their spread.
p99 is paired the same way: a round's two p99s saw the same minute of the machine, so the median of
their ratios says which server has the shorter tail more reliably than the worst round of each.
Pinned runs (BENCH_PIN=1) make req/s a CPU-cost measure: each server has exactly one core.
"""
import json
import statistics
import sys


def spread(values):
    """The quartiles of values (all three the one value when there is only one)."""
    return statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3


def main():
    path, a, b = sys.argv[1:4]
    scenario = sys.argv[4] if len(sys.argv) > 4 else "a"
    runs = [json.loads(line) for line in open(path) if line.strip()]
    runs = [r for r in runs if r.get("kind") == "wrk" and r["scenario"] == scenario]
    by = {(r["server"], r["round"]): r for r in runs}
    rounds = sorted({r["round"] for r in runs})
    print("| round | %s req/s | %s req/s | %s/%s req/s | %s µs/req | %s µs/req | %s p99 ms | %s p99 ms |"
          % (a, b, b, a, a, b, a, b))
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    ratios, cpu_ratios, p99_ratios = [], [], []
    for n in rounds:
        if (a, n) not in by or (b, n) not in by:
            continue
        ra, rb = by[(a, n)], by[(b, n)]
        rps_a = ra["wrk"]["requests"] / (ra["wrk"]["duration_us"] / 1e6)
        rps_b = rb["wrk"]["requests"] / (rb["wrk"]["duration_us"] / 1e6)
        cpu_a = 1e6 * ra["cpu"]["server_s"] / ra["wrk"]["requests"]
        cpu_b = 1e6 * rb["cpu"]["server_s"] / rb["wrk"]["requests"]
        p99_a, p99_b = ra["wrk"]["p99_us"] / 1e3, rb["wrk"]["p99_us"] / 1e3
        ratios.append(rps_b / rps_a)
        cpu_ratios.append(cpu_b / cpu_a)
        p99_ratios.append(p99_b / p99_a)
        print("| %d | %.0f | %.0f | %.3f | %.1f | %.1f | %.2f | %.2f |"
              % (n, rps_a, rps_b, rps_b / rps_a, cpu_a, cpu_b, p99_a, p99_b))
    if not ratios:
        sys.exit("no round has both %s and %s" % (a, b))
    quartiles = spread(ratios)
    print()
    print("%d paired rounds: median %s/%s req/s %.3f (quartiles %.3f-%.3f); median CPU per request %s/%s %.3f"
          % (len(ratios), b, a, statistics.median(ratios), quartiles[0], quartiles[2], b, a,
             statistics.median(cpu_ratios)))
    p99_quartiles = spread(p99_ratios)
    print("p99: median %s/%s %.3f (quartiles %.3f-%.3f); %s's p99 no worse than %s's in %d of %d rounds"
          % (b, a, statistics.median(p99_ratios), p99_quartiles[0], p99_quartiles[2], b, a,
             sum(1 for r in p99_ratios if r <= 1), len(p99_ratios)))


if __name__ == "__main__":
    main()
