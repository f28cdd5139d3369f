#!/usr/bin/env python3
"""Turns one run's results.jsonl (written by bench/run.sh) into markdown.

Writes the full report to RESULT_MD and replaces the part of DOCS_MD between the
`<!-- latest-run:start -->` and `<!-- latest-run:end -->` markers with the summary, so the
hand-written analysis around it survives every run.

Usage: report.py RESULTS.jsonl[,MORE.jsonl] RESULT_MD DOCS_MD (several runs are merged in order)
"""
import json
import os
import statistics
import sys

# Two pairs (bench/run.sh): the bare proxy against the peers without access logs, and the proxy as
# shipped (default configuration, access lines on) against NGINX with a buffered access log.
PEERS = ("nginx", "nginx-1w", "varnish")
SHIPPED_PEERS = ("nginx-log",)
PAIRS = (("as shipped", "proxy-shipped", SHIPPED_PEERS), ("bare", "proxy", PEERS))
SERVERS = ("proxy-shipped", "nginx-log", "proxy", "nginx", "nginx-1w", "varnish")
TITLES = {
    "a": "(a) hot hits: one lead",
    "a2": "(a2) hot hits, paced: every connection pauses 2 ms after each answer (similar load, below saturation)",
    "b": "(b) Zipf mix (s = 1.0) over 10,000 leads, caches warmed before every run",
    "b1": "(b1) control for (b): the same wrk script over one lead",
    "c": "(c) misses: a new lead on every request, upstream adds 50 ms, 64 connections (all three servers)",
    "c16": "(c16) the same misses with 16 connections (within the proxy's upstream bulkhead)",
}
START, END = "<!-- latest-run:start -->", "<!-- latest-run:end -->"


def load(paths):
    entries = []
    for path in paths.split(","):
        with open(path) as f:
            entries += [json.loads(line) for line in f if line.strip()]
    return entries


def rps(run):
    return run["wrk"]["requests"] / (run["wrk"]["duration_us"] / 1e6)


def errors(run):
    w = run["wrk"]
    return w["err_connect"] + w["err_read"] + w["err_write"] + w["err_status"] + w["err_timeout"]


def ms(us):
    return "%.2f" % (us / 1000.0)


def summary_rows(runs, scenario):
    """Per server: mean req/s over rounds, mean p50, worst p99, errors, upstream, CPU per request."""
    rows = {}
    seen = [r["server"] for r in runs if r["scenario"] == scenario]
    for server in list(SERVERS) + sorted(set(seen) - set(SERVERS)):
        mine = [r for r in runs if r["scenario"] == scenario and r["server"] == server]
        if not mine:
            continue
        requests = sum(r["wrk"]["requests"] for r in mine)
        rows[server] = {
            "rps": statistics.mean(rps(r) for r in mine),
            "rounds": [rps(r) for r in mine],
            "p50": statistics.mean(r["wrk"]["p50_us"] for r in mine),
            "p99": max(r["wrk"]["p99_us"] for r in mine),
            "errors": sum(errors(r) for r in mine),
            "upstream": sum(r["upstream"] for r in mine),
            "cpu_us": 1e6 * sum(r["cpu"]["server_s"] for r in mine) / max(1, requests),
        }
    return rows


def pair_peers(server):
    """The peers a server is compared with: NGINX with its access log for the shipped proxy and its
    variants, the bare peers for the rest."""
    return SHIPPED_PEERS if server.startswith("proxy-") or server in SHIPPED_PEERS else PEERS


def scenario_table(rows):
    out = ["| server | req/s (mean) | per round | p50 ms | p99 ms (worst round) | errors | upstream requests "
           "| server CPU µs/request | ratio to its pair's best peer |",
           "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for server, row in rows.items():
        best_peer = max((rows[p]["rps"] for p in pair_peers(server) if p in rows), default=0)
        ratio = "%.2f" % (row["rps"] / best_peer) if best_peer else "-"
        out.append("| %s | %s | %s | %s | %s | %d | %d | %.0f | %s |" % (
            server, "{:,.0f}".format(row["rps"]), " / ".join("{:,.0f}".format(x) for x in row["rounds"]),
            ms(row["p50"]), ms(row["p99"]), row["errors"], row["upstream"], row["cpu_us"], ratio))
    return "\n".join(out)


def contention(runs, nproc):
    shares = [r["cpu"]["others_s"] / (r["cpu"]["wall_s"] * nproc) for r in runs if r["cpu"]["wall_s"] > 0]
    if not shares:
        return "no measured runs"
    return "other processes used %.0f%% of the machine's CPU on average during measured runs (%.0f%%-%.0f%%)" % (
        100 * statistics.mean(shares), 100 * min(shares), 100 * max(shares))


def targets(by_scenario, herd, memory):
    lines = []
    a, a2 = by_scenario.get("a", {}), by_scenario.get("a2", {})
    b, b1 = by_scenario.get("b", {}), by_scenario.get("b1", {})
    for pair, proxy, peers in PAIRS:
        if proxy in a and any(p in a for p in peers):
            best = max(a[p]["rps"] for p in peers if p in a)
            peer_p99 = min(a[p]["p99"] for p in peers if p in a)
            ratio = a[proxy]["rps"] / best
            lines.append("- %s: hot hits ≥ 1.1× %s: **%.2f×** (%s)" % (
                pair, " / ".join(p for p in peers if p in a), ratio, "met" if ratio >= 1.1 else "missed"))
            lines.append("- %s: hot-hit p99 no worse than the best peer's, at full load (a): %s ms vs %s ms (%s)" % (
                pair, ms(a[proxy]["p99"]), ms(peer_p99), "met" if a[proxy]["p99"] <= peer_p99 else "missed"))
        if proxy in a2 and any(p in a2 for p in peers):
            peer_p99 = min(a2[p]["p99"] for p in peers if p in a2)
            lines.append("- %s: hot-hit p99, paced (a2): %s ms vs best peer %s ms (%s)" % (
                pair, ms(a2[proxy]["p99"]), ms(peer_p99), "met" if a2[proxy]["p99"] <= peer_p99 else "missed"))
        if proxy in b1 and proxy in b:
            ratio = b[proxy]["rps"] / b1[proxy]["rps"]
            versus_a = " (%.2f of scenario a, whose static request costs wrk less)" % (
                b[proxy]["rps"] / a[proxy]["rps"]) if proxy in a else ""
            lines.append("- %s: Zipf within 10%% of hot hits, same wrk script (b / b1): **%.2f**%s (%s)" % (
                pair, ratio, versus_a, "met" if ratio >= 0.9 else "missed"))
    for h in herd:
        if h["server"] == "proxy":
            lines.append("- 1,000 callers on one cold lead: **%d** upstream request(s) (%s)" % (
                h["upstream"], "met" if h["upstream"] == 1 else "missed"))
    for m in memory:
        raw = min(m["fetched"], m["leads"]) * m["body_bytes"]
        ratio = (m["heap_after_kb"] - m["heap_before_kb"]) * 1024.0 / raw
        lines.append("- Heap for %s cached 2 KB leads < 1.3× raw bytes: **%.2f×** growth over the empty proxy, "
                     "%.2f× counting its whole heap (%s)" % ("{:,}".format(min(m["fetched"], m["leads"])), ratio,
                                                        m["heap_after_kb"] * 1024.0 / raw,
                                                        "met" if ratio < 1.3 else "missed"))
    return "\n".join(lines)


def herd_table(herd):
    out = ["| server | callers | statuses | X-Cache | failed connections | slowest answer ms | upstream requests |",
           "| --- | ---: | --- | --- | ---: | ---: | ---: |"]
    for h in herd:
        d = h["herd"]
        out.append("| %s | %d | %s | %s | %d | %.0f | **%d** |" % (
            h["server"], d["callers"], json.dumps(d["statuses"]), json.dumps(d["x_cache"]), d["failures"],
            d["slowest_ms"], h["upstream"]))
    return "\n".join(out)


def memory_section(m):
    leads = min(m["fetched"], m["leads"])
    raw = leads * m["body_bytes"]
    mib = lambda kb: "%.1f MiB" % (kb / 1024.0)
    return "\n".join([
        "| measure | value |", "| --- | ---: |",
        "| leads fetched into the cache | %s (%s bytes each) |" % ("{:,}".format(m["fetched"]), m["body_bytes"]),
        "| raw body bytes | %.1f MiB |" % (raw / 1048576.0),
        "| heap used after full GC, before | %s |" % mib(m["heap_before_kb"]),
        "| heap used after full GC, after | %s |" % mib(m["heap_after_kb"]),
        "| heap after / raw bytes | %.2f× |" % (m["heap_after_kb"] * 1024.0 / raw),
        "| (heap after − heap before) / raw bytes | %.2f× |" % ((m["heap_after_kb"] - m["heap_before_kb"]) * 1024.0 / raw),
        "| RSS before → after | %s → %s |" % (mib(m["rss_before_kb"]), mib(m["rss_after_kb"])),
        "", "Largest classes after a full GC (`jcmd GC.class_histogram`):", "", "```",
        m["histogram"].rstrip(), "```"])


def main():
    results, result_md, docs_md = sys.argv[1:4]
    entries = load(results)
    machines = [e for e in entries if e["kind"] == "machine"]
    runs = [e for e in entries if e["kind"] == "wrk"]
    herd = [e for e in entries if e["kind"] == "herd"]
    memory = [e for e in entries if e["kind"] == "memory"]
    profiles = [e for e in entries if e["kind"] == "profile"]
    first, last = machines[0], machines[-1]
    nproc = int(first["nproc"])
    by_scenario = {s: summary_rows(runs, s) for s in TITLES if any(r["scenario"] == s for r in runs)}

    head = [
        "Run %s (UTC), commit `%s`." % (os.path.basename(result_md)[:-3], first["commit"]),
        "",
        "| machine | |", "| --- | --- |",
        "| CPUs (nproc) | %s |" % first["nproc"], "| CPU model | %s |" % first["cpu"],
        "| memory | %s MiB |" % first["memory_mib"], "| JDK | %s |" % first["jdk"],
        "| peers | %s; %s |" % (first["nginx"], first["varnish"]), "| load generator | %s |" % first["wrk"],
        "| workers | proxy: %s event loop(s), %s; proxy-shipped: its default event loops; nginx and nginx-log: "
        "worker_processes auto (one per core), nginx-1w: 1 (scenarios a and a2); varnish: its default thread pools |" % (
            last.get("proxy_io_threads", "default"), last.get("transport", "NIO")),
        "| placement | %s |" % ("pinned (BENCH_PIN=1): wrk on CPU 0, each server on CPU 1 only"
                               if last.get("pinned") == "1" else "left to the scheduler"),
        "| load | wrk 1 thread, %s connections, %s s per run, %s interleaved rounds |" % (
            first["connections"], first["duration_s"], first["rounds"]),
        "| load average before / after | %s / %s |" % (first["loadavg"], last["loadavg"]),
        "| contention | %s |" % contention(runs, nproc),
    ]
    summary = head + ["", "### Targets", "", targets(by_scenario, herd, memory) or "- nothing measured", ""]
    for s, rows in by_scenario.items():
        summary += ["### " + TITLES[s], "", scenario_table(rows), ""]
    if herd:
        summary += ["### (d) 1,000 concurrent callers on one cold lead (upstream adds 300 ms)", "", herd_table(herd), ""]
    if memory:
        summary += ["### (e) memory", "", memory_section(memory[0]), ""]

    full = ["# Benchmark run " + os.path.basename(result_md)[:-3], "",
            "Produced by `bench/run.sh`; what each scenario means is in docs/benchmarks.md.", ""] + summary
    full += ["## Every measured run", "",
             "| scenario | round | server | req/s | p50 ms | p99 ms | p99.9 ms | errors | upstream | server CPU s "
             "| wrk CPU s | stub CPU s | others' CPU s |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in runs:
        w, c = r["wrk"], r["cpu"]
        full.append("| %s | %s | %s | %s | %s | %s | %s | %d | %d | %.2f | %.2f | %.2f | %.2f |" % (
            r["scenario"], r["round"], r["server"], "{:,.0f}".format(rps(r)), ms(w["p50_us"]), ms(w["p99_us"]),
            ms(w["p999_us"]), errors(r), r["upstream"], c["server_s"], c["client_s"], c["stub_s"], c["others_s"]))
    if profiles:
        full += ["", "## Profile of the proxy's hot-hit path (JFR, during a separate hot-hit run)", "",
                 profiles[0]["markdown"]]
    os.makedirs(os.path.dirname(result_md), exist_ok=True)
    with open(result_md, "w") as f:
        f.write("\n".join(full) + "\n")

    latest = "\n".join([START, "", "Full tables: `bench/results/%s`." % os.path.basename(result_md), ""] + summary
                       + [END])
    text = open(docs_md).read() if os.path.exists(docs_md) else "# Benchmarks\n\n## Latest run\n\n%s\n%s\n" % (START, END)
    if START in text and END in text:
        text = text[:text.index(START)] + latest + text[text.index(END) + len(END):]
    else:
        text += "\n## Latest run\n\n" + latest + "\n"
    with open(docs_md, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
