#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample` output as markdown tables.

Self time (top frame), inclusive time (any frame) per method, and self time per component
(Netty, Vert.x, RESTEasy Reactive, the proxy, Caffeine, JDK), which is how the docs explain
what bounds the hit path. Usage: jfr_top.py SAMPLES.txt [TOP=25]
"""
import collections
import re
import sys

# Frames worth a row of their own in the "hit path" table: the proxy, the response path, Mutiny.
INTERESTING = ("dev.coldsendproxy.", "com.github.benmanes.caffeine.", "io.smallrye.mutiny.",
               "org.jboss.resteasy.reactive.server.handlers.", "org.jboss.resteasy.reactive.server.core.",
               "org.jboss.resteasy.reactive.common.core.Serialisers", "io.vertx.core.http.impl.Http1xServerResponse",
               "io.vertx.core.http.impl.headers.", "io.quarkus.resteasy.reactive.server.runtime.", "toLowerCase")
FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")
COMPONENTS = [("dev.coldsendproxy.", "proxy code"), ("io.netty.", "Netty"), ("io.vertx.", "Vert.x"),
              ("org.jboss.resteasy.reactive.", "RESTEasy Reactive"), ("io.quarkus.", "Quarkus"),
              ("io.smallrye.mutiny.", "Mutiny"), ("com.github.benmanes.caffeine.", "Caffeine"),
              ("sun.nio.", "JDK NIO"), ("java.", "JDK"), ("jdk.", "JDK"), ("sun.", "JDK")]


def component(method):
    for prefix, name in COMPONENTS:
        if method.startswith(prefix):
            return name
    return "other"


def stacks(path):
    stack, inside = [], False
    with open(path) as f:
        for line in f:
            if "stackTrace = [" in line:
                stack, inside = [], True
            elif inside and line.strip() == "]":
                inside = False
                if stack:
                    yield stack
            elif inside:
                m = FRAME.match(line)
                if m:
                    stack.append(m.group(1))


def main():
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    own, inclusive, parts, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for stack in stacks(sys.argv[1]):
        total += 1
        own[stack[0]] += 1
        parts[component(stack[0])] += 1
        for method in set(stack):
            inclusive[method] += 1
    if total == 0:
        print("No execution samples recorded.")
        return
    print("%d execution samples (JFR `profile` settings, 10-20 ms interval per thread).\n" % total)
    print("| component (self time) | samples | share |\n| --- | ---: | ---: |")
    for name, n in parts.most_common():
        print("| %s | %d | %.1f%% |" % (name, n, 100.0 * n / total))
    print("\n| top frame (self time) | samples | share |\n| --- | ---: | ---: |")
    for method, n in own.most_common(top):
        print("| `%s` | %d | %.1f%% |" % (method, n, 100.0 * n / total))
    print("\n| method on the stack (inclusive) | samples | share |\n| --- | ---: | ---: |")
    for method, n in inclusive.most_common(top):
        print("| `%s` | %d | %.1f%% |" % (method, n, 100.0 * n / total))
    print("\n| hit-path method on the stack (inclusive: proxy, RESTEasy response path, Mutiny, headers) "
          "| samples | share |\n| --- | ---: | ---: |")
    chosen = [(m, n) for m, n in inclusive.most_common() if any(k in m for k in INTERESTING)]
    for method, n in chosen[:2 * top]:
        print("| `%s` | %d | %.1f%% |" % (method, n, 100.0 * n / total))


if __name__ == "__main__":
    main()
