#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ObjectAllocationSample` output as markdown: for each thread,
the classes allocated and the allocation sites (the first frame outside the JDK, with the JDK frame
that allocated), weighted by JFR's sample weight in bytes. JFR weighs a sample by the bytes the
thread allocated since its previous sample, so shares are estimates. Usage: jfr_alloc.py SAMPLES.txt [TOP=12]
"""
import collections
import re
import sys

FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")
JDK = ("java.", "jdk.", "sun.")


def samples(path):
    event = None
    for line in open(path):
        if line.startswith("jdk.ObjectAllocationSample"):
            event = {"frames": []}
        elif event is None:
            continue
        elif (m := re.match(r"^\s+objectClass = (\S+)", line)):
            event["class"] = m.group(1)
        elif (m := re.match(r"^\s+weight = ([\d.,]+) (bytes|kB|MB|GB)", line)):
            scale = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[m.group(2)]
            event["weight"] = float(m.group(1).replace(",", "")) * scale
        elif (m := re.match(r'^\s+eventThread = "(.+?)"', line)):
            event["thread"] = m.group(1)
        elif (m := FRAME.match(line)):
            event["frames"].append(m.group(1))
        elif line.startswith("}"):
            if "weight" in event:
                yield event
            event = None


def site(frames):
    for i, frame in enumerate(frames):
        if not frame.startswith(JDK):
            return frame if i == 0 else f"{frame} → {frames[i - 1]}"
    return frames[0] if frames else "?"


def main():
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    by_thread = collections.defaultdict(list)
    for event in samples(sys.argv[1]):
        by_thread[event.get("thread", "?")].append(event)
    ranked = sorted(by_thread.items(), key=lambda kv: -sum(e["weight"] for e in kv[1]))
    for thread, events in ranked[:3]:
        total = sum(e["weight"] for e in events)
        print(f"\n## {thread}: {total / 1e6:,.0f} MB sampled\n")
        for title, key in (("class", lambda e: e.get("class", "?")), ("site", lambda e: site(e["frames"]))):
            weights = collections.Counter()
            for event in events:
                weights[key(event)] += event["weight"]
            print(f"| {title} | share |\n| --- | ---: |")
            for name, weight in weights.most_common(top):
                print(f"| `{name}` | {100 * weight / total:.1f} % |")
            print()


if __name__ == "__main__":
    main()
