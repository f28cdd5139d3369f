#!/usr/bin/env python3
"""Writes the Zipf request sequence for scenario (b), and the distinct paths used to warm caches.

Usage: zipf_paths.py OUT_SEQUENCE OUT_DISTINCT [LEADS=10000] [REQUESTS=200000] [S=1.0] [SEED=42]
The lead of rank k is asked for with probability proportional to 1/k^S; the seed fixes the
sequence, so every run and every server sees the same requests.
"""
import bisect
import random
import sys
import uuid

out_sequence, out_distinct = sys.argv[1], sys.argv[2]
leads, requests = int(sys.argv[3]) if len(sys.argv) > 3 else 10000, int(sys.argv[4]) if len(sys.argv) > 4 else 200000
s, seed = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0, int(sys.argv[6]) if len(sys.argv) > 6 else 42

rng = random.Random(seed)
campaign = uuid.UUID(int=rng.getrandbits(128), version=4)
paths = ["/api/public/v1/campaigns/%s/leads/%s" % (campaign, uuid.UUID(int=rng.getrandbits(128), version=4))
         for _ in range(leads)]
cumulative, total = [], 0.0
for rank in range(1, leads + 1):
    total += 1.0 / rank ** s
    cumulative.append(total)
with open(out_sequence, "w") as out:
    for _ in range(requests):
        out.write(paths[min(leads - 1, bisect.bisect_left(cumulative, rng.random() * total))] + "\n")
with open(out_distinct, "w") as out:
    out.write("\n".join(paths) + "\n")
