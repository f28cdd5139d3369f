#!/usr/bin/env bash
# Bytes allocated per cache hit by the running proxy, as shipped (access lines on, JSON console,
# a consumer key checked on every request), per thread and in total.
#
#   bench/alloc.sh [label]
#
# Starts the stub Coldsend (bench/stub_upstream.py) and the packaged jar, primes the JIT with hot
# hits, then counts what a fixed wrk run allocates in two independent ways:
#   - per thread, from `jcmd Thread.print -e` before and after (HotSpot's own per-thread counters):
#     the event loop's bytes are what a hit costs on the request's thread, the access-lines
#     writer's are what the line costs off it;
#   - in total, from the GC log (-Xlog:gc): heap before each young GC less heap after the previous one.
# Both divide by the requests wrk completed. Allocation does not depend on how busy the machine is,
# so unlike bench/run.sh this can run beside other work. Writes bench/results/alloc-<label>.md.
#
# Knobs: ALLOC_JFR=1 also records JFR allocation samples during the measured run and writes the top
# allocation sites per thread (JFR's own threads allocate too, so take the byte counts from a run
# without it); BENCH_SKIP_PACKAGE=1 reuses target/quarkus-app; ALLOC_SECONDS=10 measured seconds;
# ALLOC_PRIME=10 seconds of unrecorded load first; ALLOC_ENV="NAME=value ..." extra proxy environment
# (for example ALLOC_ENV="QUARKUS_LOG_CATEGORY__DEV_COLDSENDPROXY_ACCESS__LEVEL=WARN" for lines off).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
LABEL=${1:-$(git -C "$ROOT" rev-parse --short HEAD)}
SECONDS_MEASURED=${ALLOC_SECONDS:-10}
PRIME=${ALLOC_PRIME:-10}
RUN=$(mktemp -d /tmp/coldsend-alloc.XXXXXX)
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
CONSUMER_KEY=bench-consumer-key
HOT=/api/public/v1/campaigns/3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01/leads/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  echo "logs kept in $RUN" >&2
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
await_http() { # url
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null -H "X-API-Key: $CONSUMER_KEY" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "no answer from $1; see $RUN" >&2
  exit 1
}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk; }
if [[ ${BENCH_SKIP_PACKAGE:-0} != 1 || ! -f $JAR ]]; then
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
fi

STUB_PORT=$(free_port)
python3 "$BENCH/stub_upstream.py" "$STUB_PORT" > "$RUN/stub.log" 2>&1 &
PIDS+=($!)
PROXY_PORT=$(free_port)
KEY_SHA=$(printf %s "$CONSUMER_KEY" | sha256sum | cut -d' ' -f1)
# shellcheck disable=SC2086 # ALLOC_ENV is a list of NAME=value words
env -i PATH="$PATH" HOME="$HOME" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PROXY_PORT" \
  QUARKUS_MANAGEMENT_PORT="$(free_port)" COLDSEND_BASE_URL="http://127.0.0.1:$STUB_PORT" \
  COLDSEND_API_KEY=cs_live_BENCH-ONLY-not-a-real-key ${ALLOC_ENV:-} \
  java -Xlog:gc:file="$RUN/gc.log" -Dproxy.consumers.bench.key-sha256="$KEY_SHA" -jar "$JAR" > "$RUN/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=($PROXY_PID)
await_http "http://127.0.0.1:$PROXY_PORT$HOT"

wrk_hot() { # seconds
  wrk -t1 -c64 -d"$1s" -H "X-API-Key: $CONSUMER_KEY" "http://127.0.0.1:$PROXY_PORT$HOT"
}
access_lines() { grep -c '"loggerName":"dev.coldsendproxy.access"' "$RUN/proxy.log" || true; }
# The writer thread may still be behind the requests when wrk stops: snapshot only once the access
# lines stop growing, so the writer's bytes and the requests cover the same lines.
threads() {
  local last=-1 now
  while now=$(access_lines); [[ $now != "$last" ]]; do last=$now; sleep 1; done
  jcmd "$PROXY_PID" Thread.print -e > "$1"
}

wrk_hot "$PRIME" > "$RUN/prime.txt"
threads "$RUN/threads-before.txt"
gc_before=$(wc -l < "$RUN/gc.log")
[[ ${ALLOC_JFR:-0} == 1 ]] && jcmd "$PROXY_PID" JFR.start name=alloc settings=profile filename="$RUN/alloc.jfr" > /dev/null
wrk_hot "$SECONDS_MEASURED" > "$RUN/wrk.txt"
threads "$RUN/threads-after.txt"
if [[ ${ALLOC_JFR:-0} == 1 ]]; then
  jcmd "$PROXY_PID" JFR.stop name=alloc > /dev/null
  jfr print --stack-depth 16 --events jdk.ObjectAllocationSample "$RUN/alloc.jfr" > "$RUN/alloc-samples.txt"
  python3 "$BENCH/jfr_alloc.py" "$RUN/alloc-samples.txt" > "$RUN/alloc-sites.md"
fi
tail -n +"$((gc_before + 1))" "$RUN/gc.log" > "$RUN/gc-measured.log"

requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$RUN/wrk.txt")
non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$RUN/wrk.txt")
lines=$(access_lines)
python3 - "$RUN" "$requests" "${non2xx:-0}" "$lines" "$LABEL" "${ALLOC_ENV:-}" > "$RUN/alloc.md" <<'PY'
import re, sys
run, requests, non2xx, lines, label, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
UNITS = {"B": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
THREAD = re.compile(r'^"(.+?)" #\d+ .*?allocated=(\d+)([BKMG])')

def snapshot(path):
    out = {}
    for line in open(path):
        m = THREAD.match(line)
        if m:
            out[m.group(1)] = out.get(m.group(1), 0) + int(m.group(2)) * UNITS[m.group(3)]
    return out

before, after = snapshot(f"{run}/threads-before.txt"), snapshot(f"{run}/threads-after.txt")
delta = {name: after[name] - before.get(name, 0) for name in after}
total = sum(v for v in delta.values() if v > 0)

# G1 and Serial both log "Pause Young ... 150M->20M(256M)"; a young pause's "before" less the last
# pause's "after" is what the program allocated in between.
pause = re.compile(r"Pause Young.*? (\d+)M->(\d+)M\(")
pauses = [(int(a), int(b)) for a, b in (pause.search(l).groups() for l in open(f"{run}/gc-measured.log") if pause.search(l))]
gc_bytes = sum(pauses[i][0] - pauses[i - 1][1] for i in range(1, len(pauses))) * 1024**2
gc_requests = requests * (len(pauses) - 1) / len(pauses) if len(pauses) > 1 else 0

print(f"# Allocation per hot hit: {label}\n")
print(f"Proxy as shipped{' plus ' + extra if extra else ''}; wrk -t1 -c64, one hot lead, consumer key on every request.")
print(f"{requests} requests measured ({non2xx} not 2xx/3xx), {lines} access lines in the proxy's log overall.\n")
print("| thread | bytes allocated | bytes per request |\n| --- | ---: | ---: |")
for name, value in sorted(delta.items(), key=lambda kv: -kv[1])[:8]:
    if value > 0:
        print(f"| {name} | {value:,} | {value / requests:,.0f} |")
print(f"| **all threads** | {total:,} | **{total / requests:,.0f}** |\n")
if gc_requests:
    print(f"GC log: {len(pauses)} young pauses in the measured run; between the first and the last, "
          f"{gc_bytes / 1024**2:,.0f} MB allocated, about {gc_bytes / gc_requests:,.0f} bytes per request "
          "(pauses spread evenly assumed).")
else:
    print(f"GC log: {len(pauses)} young pauses in the measured run, too few to estimate from.")
PY
mkdir -p "$BENCH/results"
cp "$RUN/alloc.md" "$BENCH/results/alloc-$LABEL.md"
cat "$RUN/alloc.md"
if [[ -f $RUN/alloc-sites.md ]]; then
  cp "$RUN/alloc-sites.md" "$BENCH/results/alloc-$LABEL-sites.md"
  cat "$RUN/alloc-sites.md"
fi
