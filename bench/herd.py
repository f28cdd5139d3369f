#!/usr/bin/env python3
"""Scenario (d): a thundering herd on one cold lead.

Opens CALLERS connections first, then writes the same GET on all of them at once, so every
request is in flight while the upstream (slowed by the stub's delay) is still answering the
first. Prints one BENCH_HERD JSON line: answers by status, by X-Cache, and the slowest answer.

Usage: herd.py HOST PORT PATH [CALLERS=1000]
"""
import asyncio
import json
import sys
import time


async def connect(host, port):
    return await asyncio.open_connection(host, port)


async def answer(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("x-cache", "-"), time.monotonic()


async def main(host, port, path, callers):
    connections = await asyncio.gather(*(connect(host, port) for _ in range(callers)))
    request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n" % (path, host, port)).encode()
    started = time.monotonic()
    for _, writer in connections:
        writer.write(request)
    results = await asyncio.wait_for(asyncio.gather(*(answer(reader) for reader, _ in connections),
                                                    return_exceptions=True), timeout=60)
    for _, writer in connections:
        writer.close()
    statuses, caches, failures, slowest = {}, {}, 0, 0.0
    for result in results:
        if isinstance(result, BaseException):
            failures += 1
            continue
        status, cache, at = result
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        caches[cache] = caches.get(cache, 0) + 1
        slowest = max(slowest, at - started)
    print("BENCH_HERD " + json.dumps({"callers": callers, "statuses": statuses, "x_cache": caches,
                                      "failures": failures, "slowest_ms": round(slowest * 1000, 1)}))


if __name__ == "__main__":
    callers = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], callers))
