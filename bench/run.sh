#!/usr/bin/env bash
# The benchmark: coldsend-proxy beside NGINX proxy_cache and Varnish, same job, same load.
#
#   bench/run.sh
#
# Packages the proxy, installs nginx/varnish/wrk from Debian if missing, starts a stub Coldsend
# (bench/stub_upstream.py), the proxy jar, NGINX (bench/nginx.conf) and Varnish (bench/default.vcl),
# all on free 127.0.0.1 ports, and runs the scenarios of docs/benchmarks.md with wrk (1 thread,
# 64 connections), interleaving the servers (A B C A B C) so drift hits all alike. Writes
# bench/results/<UTC timestamp>.md and the "Latest run" section of docs/benchmarks.md.
#
# Knobs (environment):
#   BENCH_DURATION=10     seconds per measured wrk run          BENCH_WARMUP=3   seconds of warm-up before each
#   BENCH_ROUNDS=2        interleaved rounds per scenario       BENCH_CONNECTIONS=64
#   BENCH_SCENARIOS="a a2 b d c e"  subset to run                 BENCH_SKIP_PACKAGE=1  reuse target/quarkus-app
#   BENCH_PROFILE=1       JFR profile of the proxy's hot-hit path after scenario (a); 0 to skip
#   BENCH_MEMORY_LEADS=100000    leads cached in scenario (e)
#   BENCH_PRIME=10        seconds of unrecorded hot load per server first (JIT); 0 to skip
#   BENCH_MIN_FREE_GB=20  GB that must be free for /tmp/coldsend-bench.* before a run (the shipped proxy logs ~1 GB a minute)
#   Two pairs run interleaved in scenarios (a), (a2) and (b):
#   - bare: "proxy" with its access lines off (like NGINX's `access_log off` and Varnish without varnishncsa),
#     no caller keys, no tracing, BENCH_PROXY_IO_THREADS event loops, against "nginx", "nginx-1w" (one worker) and "varnish";
#   - as shipped: "proxy-shipped", the jar with its default configuration (access lines on, JSON console, a
#     consumer key checked on every request, spans made but not exported, its default event loops (1 on 2 CPUs) unless
#     BENCH_SHIPPED_IO_THREADS is set), against "nginx-log": NGINX with a buffered access log (`combined buffer=64k flush=1s`), as deployed.
#   The only settings the shipped proxy is given are its address, Coldsend's URL and key, one consumer's key
#   digest, and a quota large enough for the Zipf warm-up (hits never spend it). Every server gets the
#   consumer's X-API-Key header; the peers ignore it.
#   BENCH_PROXY_ACCESS_LOG_LEVEL=WARN  the bare proxy's access lines (INFO turns them on)
#   BENCH_PROXY_IO_THREADS=1  the bare proxy's event loops, as the default gives a 1-CPU pod
#   BENCH_LOOP_VARIANTS="1 2"  adds as-shipped proxies with that many event loops ("proxy-loops-N") to (a) and
#                         (a2), to choose the default (run once with BENCH_PIN=1 for a 1-CPU server, once without)
#   BENCH_UNTRACED=1      adds "proxy-untraced" to (a) and (a2): the shipped proxy with the OpenTelemetry SDK off
#                         (QUARKUS_OTEL_SDK_DISABLED=true), so the pair shows what tracing without export costs a hit
#   BENCH_GC_VARIANTS="SerialGC ParallelGC"  adds "proxy-gc-NAME" to (a) and (a2): the shipped proxy with
#                         JDK_JAVA_OPTIONS=-XX:+UseNAME, to see what the collector's young pauses do to p99
#   BENCH_NO_REFRESH=1    adds "proxy-no-refresh" to (a), (a2) and (b): the shipped proxy with its spare-budget
#                         refresher off (PROXY_CACHE_HOT_REFRESH_INTERVAL=0s), to see what its rounds do to p99
#   BENCH_LINES_OFF=1     adds "proxy-lines-off" to (a) and (a2): the shipped proxy with its access lines off, so
#                         the pair shows what the lines cost a hit's throughput and p99
#   BENCH_WRITER_NICE=N   adds "proxy-writer-nice" to (a) and (a2): the shipped proxy with its access-lines thread
#                         at nice N, to see whether the writer taking a core from an event loop sets the p99
#   BENCH_SHIPPED_VARIANTS="nio:QUARKUS_VERTX_PREFER_NATIVE_TRANSPORT=false gc:JDK_JAVA_OPTIONS=-XX:+UseParallelGC"
#                         adds "proxy-NAME" to (a) and (a2) for each NAME:VAR=VALUE[,VAR=VALUE...]: the shipped
#                         proxy with those environment variables, for a one-off A/B of a setting
#   BENCH_ZIPF_SERVERS="proxy-shipped proxy-no-refresh"  only these in (b), for a long A/B of two
#   BENCH_HOT_SERVERS="proxy-shipped proxy-untraced"  only these in (a) and (a2), for a long A/B of two: many
#                         short interleaved rounds, then `python3 bench/ab.py <run dir>/results.jsonl A B`
#   BENCH_PROXY_OTEL_SDK_DISABLED=true  the bare proxy's tracing is off, like its access lines and caller keys;
#                         false makes and propagates spans there too (none exported: no collector is named)
#   BENCH_PIN=0           1: wrk runs on CPU 0 and every server (all its processes and threads) on CPU 1
#                         only, so each serves from exactly one core and none shares a core with the load
#                         generator; the default leaves placement to the scheduler, as in production
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
ROUNDS=${BENCH_ROUNDS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
SCENARIOS=${BENCH_SCENARIOS:-a a2 b d c e}
PRIME=${BENCH_PRIME:-10}
if [[ ${BENCH_PIN:-0} == 1 ]]; then ON_SERVER_CPU=(taskset -c 1); ON_CLIENT_CPU=(taskset -c 0); else ON_SERVER_CPU=(); ON_CLIENT_CPU=(); fi
# Cold misses are sent by at most this many connections: the proxy lets 16 calls plus 32 waiting
# ones reach Coldsend and answers the rest 503 (and its breaker counts that), see docs/benchmarks.md.
FILL_CONNECTIONS=16
PROFILE=${BENCH_PROFILE:-1}
MEMORY_LEADS=${BENCH_MEMORY_LEADS:-100000}
API_KEY=cs_live_BENCH-ONLY-not-a-real-key
# The interpreter itself, not a version-manager shim, so its pid is the server's pid.
PY=$(python3 -c 'import sys; print(sys.executable)')
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$(mktemp -d /tmp/coldsend-bench.XXXXXX)
chmod 755 "$RUN"
RESULTS=$RUN/results.jsonl
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
CONSUMER_KEY=bench-consumer-key
SERVERS=(proxy nginx varnish)
# Scenarios (a) and (a2) also measure NGINX with a single worker, the proxy's own configuration, and
# the as-shipped pair; (b) measures both pairs.
# Every variant of the shipped jar as NAME:VAR=VALUE[,VAR=VALUE...] (see BENCH_SHIPPED_VARIANTS): it runs as
# "proxy-NAME", started with those settings.
SHIPPED_VARIANTS=()
for n in ${BENCH_LOOP_VARIANTS:-}; do SHIPPED_VARIANTS+=("loops-$n:QUARKUS_HTTP_IO_THREADS=$n"); done
[[ ${BENCH_UNTRACED:-0} == 1 ]] && SHIPPED_VARIANTS+=(untraced:QUARKUS_OTEL_SDK_DISABLED=true)
for gc in ${BENCH_GC_VARIANTS:-}; do SHIPPED_VARIANTS+=("gc-$gc:JDK_JAVA_OPTIONS=-XX:+Use$gc"); done
[[ ${BENCH_NO_REFRESH:-0} == 1 ]] && SHIPPED_VARIANTS+=(no-refresh:PROXY_CACHE_HOT_REFRESH_INTERVAL=0s)
[[ ${BENCH_LINES_OFF:-0} == 1 ]] && SHIPPED_VARIANTS+=(lines-off:QUARKUS_LOG_CATEGORY__DEV_COLDSENDPROXY_ACCESS__LEVEL=WARN)
[[ -n ${BENCH_WRITER_NICE:-} ]] && SHIPPED_VARIANTS+=(writer-nice:) # reniced once started
for variant in ${BENCH_SHIPPED_VARIANTS:-}; do SHIPPED_VARIANTS+=("$variant"); done
LOOP_VARIANTS=()
for variant in "${SHIPPED_VARIANTS[@]}"; do LOOP_VARIANTS+=("proxy-${variant%%:*}"); done
HOT_SERVERS=(proxy proxy-shipped nginx nginx-log nginx-1w varnish "${LOOP_VARIANTS[@]}")
# BENCH_HOT_SERVERS narrows (a) and (a2) to some of those, for a long A/B of two (see bench/ab.py).
[[ -n ${BENCH_HOT_SERVERS:-} ]] && read -r -a HOT_SERVERS <<< "$BENCH_HOT_SERVERS"
ZIPF_SERVERS=(proxy proxy-shipped nginx nginx-log varnish)
[[ ${BENCH_NO_REFRESH:-0} == 1 ]] && ZIPF_SERVERS+=(proxy-no-refresh)
[[ -n ${BENCH_ZIPF_SERVERS:-} ]] && read -r -a ZIPF_SERVERS <<< "$BENCH_ZIPF_SERVERS"
declare -A PORT PIDS
STARTED=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The shipped proxy logs ~950 bytes per request: 1 GB a minute at full load, several GB a run.
# A disk that fills mid-run makes its writes fail and its hits cheaper, so the run would measure a
# proxy writing nothing: refuse to start without room, warn if room ran out, keep only the ends of
# large logs.
MIN_FREE_GB=${BENCH_MIN_FREE_GB:-20}
free_gb() { df --output=avail -B1G "$RUN" | tail -1 | tr -d ' '; }

shrink_logs() { # a server log over 64 MB keeps its first and last 500 lines
  local file
  for file in "$RUN"/*.log "$RUN"/*/*.log; do
    [[ -f $file && $(stat -c %s "$file") -gt 67108864 ]] || continue
    { head -n 500 "$file"; printf '... (bench/run.sh: the middle of this log was removed to save disk)\n'; tail -n 500 "$file"; } \
      > "$file.ends" && mv "$file.ends" "$file"
  done
}

cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED[@]}"; do
    timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  done
  if (( $(free_gb) < 1 )); then
    log "WARNING: less than 1 GB left on $RUN's file system: log writes may have failed, which makes the shipped proxy look cheaper; do not use this run"
  fi
  shrink_logs
  log "logs and raw results kept in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

await_port() { # port name pid
  local i
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$3" 2>/dev/null || { log "$2 exited during start-up; see $RUN"; exit 1; }
    sleep 0.1
  done
  log "$2 did not listen on 127.0.0.1:$1 within 30 s"; exit 1
}

record() { printf '%s\n' "$1" >> "$RESULTS"; }

stub() { # METHOD path-and-query
  python3 - "$1" "http://127.0.0.1:${PORT[stub]}$2" <<'EOF'
import sys, urllib.request
print(urllib.request.urlopen(urllib.request.Request(sys.argv[2], method=sys.argv[1], data=b"" if sys.argv[1] == "POST" else None)).read().decode())
EOF
}
stub_total() { stub GET /__bench/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

install_peers() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v varnishd >/dev/null || missing+=(varnish)
  command -v wrk >/dev/null || missing+=(wrk)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} from Debian"
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

start_stub() {
  PORT[stub]=$(free_port)
  "$PY" "$BENCH/stub_upstream.py" "${PORT[stub]}" > "$RUN/stub.log" 2>&1 &
  PIDS[stub]=$!; STARTED+=($!)
  await_port "${PORT[stub]}" stub "${PIDS[stub]}"
}

start_proxy() { # name [extra env...]
  local name=$1; shift
  PORT[$name]=$(free_port)
  env -i PATH="$PATH" HOME="$HOME" \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="${PORT[$name]}" \
    COLDSEND_BASE_URL="http://127.0.0.1:${PORT[stub]}" COLDSEND_API_KEY="$API_KEY" \
    PROXY_AUTH_MODE=none COLDSEND_QUOTA_PER_MINUTE=1000000 COLDSEND_QUOTA_PER_HOUR=2000000 \
    QUARKUS_MANAGEMENT_PORT="$(free_port)" \
    QUARKUS_LOG_CATEGORY__DEV_COLDSENDPROXY_ACCESS__LEVEL="${BENCH_PROXY_ACCESS_LOG_LEVEL:-WARN}" \
    QUARKUS_HTTP_IO_THREADS="${BENCH_PROXY_IO_THREADS:-1}" \
    QUARKUS_OTEL_SDK_DISABLED="${BENCH_PROXY_OTEL_SDK_DISABLED:-true}" "$@" \
    "${ON_SERVER_CPU[@]}" java -jar "$JAR" > "$RUN/$name.log" 2>&1 &
  PIDS[$name]=$!; STARTED+=($!)
  await_port "${PORT[$name]}" "$name" "${PIDS[$name]}"
}

# The proxy as shipped: nothing set but what it cannot run without (see the header).
start_proxy_shipped() { # name [extra env...]
  local name=$1; shift
  PORT[$name]=$(free_port)
  env -i PATH="$PATH" HOME="$HOME" \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="${PORT[$name]}" QUARKUS_MANAGEMENT_PORT="$(free_port)" \
    COLDSEND_BASE_URL="http://127.0.0.1:${PORT[stub]}" COLDSEND_API_KEY="$API_KEY" \
    COLDSEND_QUOTA_PER_MINUTE=1000000 COLDSEND_QUOTA_PER_HOUR=2000000 "$@" \
    "${ON_SERVER_CPU[@]}" java -Dproxy.consumers.bench.key-sha256="$(printf %s "$CONSUMER_KEY" | sha256sum | cut -d' ' -f1)" \
    -jar "$JAR" > "$RUN/$name.log" 2>&1 &
  PIDS[$name]=$!; STARTED+=($!)
  await_port "${PORT[$name]}" "$name" "${PIDS[$name]}"
}

# Lowers one thread's scheduling priority (a higher nice value) after a first request has started it.
renice_thread() { # server thread-name nice
  local tid
  # The access-lines writer starts with the first answered request.
  curl -fsS -o /dev/null -H "X-API-Key: $CONSUMER_KEY" "http://127.0.0.1:${PORT[$1]}$HOT"
  tid=$(ps -T -p "${PIDS[$1]}" -o spid=,comm= | awk -v t="$2" '$2 == t {print $1}')
  [[ -n $tid ]] || { log "no thread $2 in $1"; exit 1; }
  renice -n "$3" -p "$tid" >/dev/null
  log "$1: thread $2 ($tid) at nice $3"
}

render() { # template out server [directory of its files, default $RUN]
  sed -e "s#@RUN@#${4:-$RUN}#g" -e "s#@PORT@#${PORT[$3]}#g" -e "s#@UPSTREAM_PORT@#${PORT[stub]}#g" \
      -e "s#@API_KEY@#$API_KEY#g" "$1" > "$2"
}

start_nginx() { # name worker_processes [log]
  local name=$1
  PORT[$name]=$(free_port)
  mkdir -p "$RUN/$name/nginx-cache"
  render "$BENCH/nginx.conf" "$RUN/$name/nginx.conf" "$name" "$RUN/$name"
  sed -i "s/^worker_processes auto;/worker_processes $2;/" "$RUN/$name/nginx.conf"
  if [[ ${3:-} == log ]]; then # NGINX as usually deployed: a buffered access log
    sed -i "s#^    access_log off;#    access_log $RUN/$name/access.log combined buffer=64k flush=1s;#" "$RUN/$name/nginx.conf"
  fi
  "${ON_SERVER_CPU[@]}" nginx -p "$RUN/$name" -c "$RUN/$name/nginx.conf" > "$RUN/$name.log" 2>&1 &
  PIDS[$name]=$!; STARTED+=($!)
  await_port "${PORT[$name]}" "$name" "${PIDS[$name]}"
}

start_varnish() {
  PORT[varnish]=$(free_port)
  render "$BENCH/default.vcl" "$RUN/default.vcl" varnish
  "${ON_SERVER_CPU[@]}" varnishd -F -n "$RUN/varnish" -a "127.0.0.1:${PORT[varnish]}" -T none -f "$RUN/default.vcl" \
    -s malloc,1g > "$RUN/varnish.log" 2>&1 &
  PIDS[varnish]=$!; STARTED+=($!)
  await_port "${PORT[varnish]}" varnish "${PIDS[varnish]}"
}

# One wrk run; measured runs are recorded with CPU accounting and the upstream requests they caused.
wrk_run() { # scenario server round seconds lua path [env...]
  local scenario=$1 server=$2 round=$3 seconds=$4 lua=$5 path=$6; shift 6
  local before after out
  before=$(stub_total)
  out=$(env BENCH_LUA="$BENCH/lua" "$@" python3 "$BENCH/cpu.py" --server "${PIDS[$server]}" --stub "${PIDS[stub]}" -- \
    "${ON_CLIENT_CPU[@]}" wrk -t1 -c"${CONNS:-$CONNECTIONS}" -d"${seconds}s" -H "X-API-Key: $CONSUMER_KEY" \
    -s "$BENCH/lua/$lua" "http://127.0.0.1:${PORT[$server]}$path")
  after=$(stub_total)
  printf '%s\n' "$out" >> "$RUN/wrk.log"
  if [[ $round != warm ]]; then
    record "{\"kind\":\"wrk\",\"scenario\":\"$scenario\",\"server\":\"$server\",\"round\":$round,\"upstream\":$((after - before)),\"wrk\":$(sed -n 's/^BENCH_RESULT //p' <<<"$out"),\"cpu\":$(sed -n 's/^BENCH_CPU //p' <<<"$out")}"
    log "$scenario $server round $round: $(sed -n 's/^Requests\/sec: *//p' <<<"$out") req/s, upstream $((after - before))"
  fi
}

HOT=/api/public/v1/campaigns/3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01/leads/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d

hot_rounds() { # scenario lua: interleaved rounds over the hot lead, NGINX with one worker included
  local round server
  for round in $(seq 1 "$ROUNDS"); do
    for server in "${HOT_SERVERS[@]}"; do
      wrk_run "$1" "$server" warm "$WARMUP" hot.lua "$HOT"
      wrk_run "$1" "$server" "$round" "$DURATION" "$2" "$HOT"
    done
  done
}

scenario_a() { hot_rounds a hot.lua; }

# (a2): the hot lead again, each connection pausing BENCH_DELAY_MS (2) after every answer, so every
# server gets a similar load below its saturation; p99 then compares what each server adds itself.
scenario_a2() { hot_rounds a2 paced.lua; }

profile_hot() {
  log "profiling the proxy's hot-hit path with JFR for $DURATION s"
  jcmd "${PIDS[proxy]}" JFR.start name=hot settings=profile filename="$RUN/hot.jfr" > /dev/null
  wrk_run a proxy warm "$DURATION" hot.lua "$HOT"
  jcmd "${PIDS[proxy]}" JFR.stop name=hot > /dev/null
  jfr print --stack-depth 64 --events jdk.ExecutionSample "$RUN/hot.jfr" > "$RUN/hot-samples.txt"
  python3 "$BENCH/jfr_top.py" "$RUN/hot-samples.txt" > "$RUN/profile.md"
  record "$(python3 -c 'import json,sys; print(json.dumps({"kind": "profile", "markdown": open(sys.argv[1]).read()}))' "$RUN/profile.md")"
}

warm_zipf() { # server: ask for every distinct lead until the upstream has seen each once more
  local server=$1 before tries
  before=$(stub_total)
  for tries in $(seq 1 40); do
    CONNS=$FILL_CONNECTIONS wrk_run b "$server" warm 3 warm.lua / BENCH_PATHS="$RUN/zipf-distinct.txt"
    (( $(stub_total) - before >= 10000 )) && return 0
  done
  log "warming $server reached only $(( $(stub_total) - before )) leads"
}

# (b1), the control of (b): the same wrk script walking a sequence of one lead. wrk spends ~2 us
# more per request running a Lua request() than sending (a)'s static request, CPU the server then
# lacks on 2 cores, so "Zipf within 10% of hot" compares (b) with (b1), not with (a).
scenario_b() {
  local round server
  python3 "$BENCH/zipf_paths.py" "$RUN/zipf-sequence.txt" "$RUN/zipf-distinct.txt" 10000 200000 1.0 42
  printf '%s\n' "$HOT" > "$RUN/one-lead.txt"
  for round in $(seq 1 "$ROUNDS"); do
    for server in "${ZIPF_SERVERS[@]}"; do
      # The TTL is 30 s: warm right before each measured run so it is a warm-cache run.
      warm_zipf "$server"
      wrk_run b "$server" "$round" "$DURATION" zipf.lua / BENCH_PATHS="$RUN/zipf-sequence.txt" BENCH_OFFSET=$((round * 50000))
      wrk_run b1 "$server" warm 2 hot.lua "$HOT"
      wrk_run b1 "$server" "$round" "$DURATION" zipf.lua / BENCH_PATHS="$RUN/one-lead.txt"
    done
  done
}

scenario_c() {
  local round server conns scenario i=0
  stub POST '/__bench/config?delay_ms=50' > /dev/null
  for conns in "$CONNECTIONS" "$FILL_CONNECTIONS"; do
    scenario=c; [[ $conns == "$CONNECTIONS" ]] || scenario=c$conns
    for round in $(seq 1 "$ROUNDS"); do
      for server in "${SERVERS[@]}"; do
        i=$((i + 1))
        CONNS=$conns wrk_run "$scenario" "$server" warm 2 fresh.lua / BENCH_PREFIX="$(printf 'cafe%04x' "$i")"
        CONNS=$conns wrk_run "$scenario" "$server" "$round" "$DURATION" fresh.lua / BENCH_PREFIX="$(printf 'c0de%04x' "$i")"
      done
    done
  done
  stub POST '/__bench/config?delay_ms=0' > /dev/null
}

scenario_d() {
  local server i=0 path out
  stub POST '/__bench/config?delay_ms=300' > /dev/null
  for server in "${SERVERS[@]}"; do
    i=$((i + 1))
    path="/api/public/v1/campaigns/d0000000-0000-4000-8000-00000000000$i/leads/d1000000-0000-4000-8000-00000000000$i"
    out=$(python3 "$BENCH/herd.py" 127.0.0.1 "${PORT[$server]}" "$path" 1000)
    count=$(stub GET "/__bench/stats?path=$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])')
    record "{\"kind\":\"herd\",\"server\":\"$server\",\"upstream\":$count,\"herd\":$(sed -n 's/^BENCH_HERD //p' <<<"$out")}"
    log "d $server: $out; upstream requests for the lead: $count"
  done
  stub POST '/__bench/config?delay_ms=0' > /dev/null
}

heap_used_kb() { # pid: heap used after a full GC, in KiB
  jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.heap_info | sed -n 's/.*heap *total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1
}
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

scenario_e() {
  local pid before_heap before_rss before tries now last=-1
  log "e: a fresh proxy caching $MEMORY_LEADS leads of 2,048 bytes"
  # A quota the fill never runs short of: the minute's limit above the leads, and an hour ten times
  # that, so the 6-minute pace (a tenth of the hour) lets the whole fill through. The governor's
  # windows hold a long per send made, not per send allowed, so the quota adds nothing to the heap.
  start_proxy memory PROXY_CACHE_MAX_BYTES=1073741824 COLDSEND_QUOTA_PER_MINUTE=$((MEMORY_LEADS + 1000)) \
    COLDSEND_QUOTA_PER_HOUR=$(((MEMORY_LEADS + 1000) * 10))
  pid=${PIDS[memory]}
  stub POST '/__bench/config?body_bytes=2048' > /dev/null
  wrk_run e memory warm 2 hot.lua "$HOT"
  before_heap=$(heap_used_kb "$pid"); before_rss=$(rss_kb "$pid")
  jcmd "$pid" GC.heap_info > "$RUN/heap-before.txt"
  before=$(stub_total)
  # Chunks of 10 s, each starting after the last lead fetched so far: a chunk that started over
  # would find its first leads past the 30 s TTL and fetch them again instead of new ones.
  for tries in $(seq 1 40); do
    CONNS=$FILL_CONNECTIONS wrk_run e memory warm 10 fresh.lua / BENCH_PREFIX=e0000001 \
      BENCH_START=$(( $(stub_total) - before )) BENCH_LIMIT="$MEMORY_LEADS"
    now=$(( $(stub_total) - before ))
    (( now >= MEMORY_LEADS || now == last )) && break  # all fetched, or only hits left
    last=$now
  done
  local fetched=$(( $(stub_total) - before ))
  local after_heap after_rss
  after_heap=$(heap_used_kb "$pid"); after_rss=$(rss_kb "$pid")
  jcmd "$pid" GC.heap_info > "$RUN/heap-after.txt"
  jcmd "$pid" GC.class_histogram | head -14 > "$RUN/histogram-after.txt"
  record "$(python3 - "$RUN" "$MEMORY_LEADS" "$fetched" "$before_heap" "$after_heap" "$before_rss" "$after_rss" <<'EOF'
import json, sys
run, leads, fetched, bh, ah, br, ar = sys.argv[1], *map(int, sys.argv[2:])
print(json.dumps({"kind": "memory", "leads": leads, "fetched": fetched, "body_bytes": 2048,
                  "heap_before_kb": bh, "heap_after_kb": ah, "rss_before_kb": br, "rss_after_kb": ar,
                  "heap_info": open(run + "/heap-after.txt").read(),
                  "histogram": open(run + "/histogram-after.txt").read()}))
EOF
)"
  stub POST '/__bench/config?body_bytes=1800' > /dev/null
  kill "$pid"
}

transport() { # what the running proxy's Vert.x uses: the epoll library is mapped only when it loaded
  if [[ -n ${PIDS[proxy]:-} ]] && grep -q netty_transport_native_epoll "/proc/${PIDS[proxy]}/maps" 2>/dev/null; then
    echo epoll
  else
    echo "NIO (or not started yet)"
  fi
}

machine() {
  local model
  model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  [[ -n $model ]] || model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
  python3 - "$1" "$(nproc)" "$model" "$(free -m | awk '/^Mem:/ {print $2}')" \
    "$(java -version 2>&1 | sed -n 2p)" "$(cat /proc/loadavg)" "$(nginx -v 2>&1)" "$(varnishd -V 2>&1 | head -1)" \
    "$(wrk -v 2>&1 | head -1)" "$DURATION" "$ROUNDS" "$CONNECTIONS" "$(git -C "$ROOT" rev-parse --short HEAD)" \
    "${BENCH_PROXY_IO_THREADS:-1}" "$(transport)" "${BENCH_PIN:-0}" <<'EOF'
import json, sys
keys = ["when", "nproc", "cpu", "memory_mib", "jdk", "loadavg", "nginx", "varnish", "wrk", "duration_s", "rounds",
        "connections", "commit", "proxy_io_threads", "transport", "pinned"]
print(json.dumps({"kind": "machine", **dict(zip(keys, sys.argv[1:]))}))
EOF
}

main() {
  cd "$ROOT"
  if [[ ${BENCH_SKIP_PACKAGE:-0} != 1 ]]; then
    log "packaging the proxy"
    ./mvnw -B -q package -DskipTests
  fi
  [[ -f $JAR ]] || { log "$JAR is missing: run without BENCH_SKIP_PACKAGE"; exit 1; }
  local free
  free=$(free_gb)
  if (( free < MIN_FREE_GB )); then
    log "only $free GB free for $RUN: the proxies' logs need up to ${MIN_FREE_GB} GB (BENCH_MIN_FREE_GB); remove old /tmp/coldsend-bench.* runs"
    exit 1
  fi
  install_peers
  record "$(machine before)"
  start_stub
  start_proxy proxy
  if [[ -n ${BENCH_SHIPPED_IO_THREADS:-} ]]; then
    start_proxy_shipped proxy-shipped QUARKUS_HTTP_IO_THREADS="$BENCH_SHIPPED_IO_THREADS"
  else
    start_proxy_shipped proxy-shipped
  fi
  local variant settings
  for variant in "${SHIPPED_VARIANTS[@]}"; do
    IFS=, read -r -a settings <<< "${variant#*:}"
    start_proxy_shipped "proxy-${variant%%:*}" "${settings[@]}"
  done
  [[ -n ${BENCH_WRITER_NICE:-} ]] && renice_thread proxy-writer-nice access-lines "$BENCH_WRITER_NICE"
  start_nginx nginx auto
  start_nginx nginx-log auto log
  start_nginx nginx-1w 1
  start_varnish
  local name
  for name in stub "${HOT_SERVERS[@]}"; do printf '%s :%s  ' "$name" "${PORT[$name]}"; done >&2; echo >&2
  local s server
  for server in "${HOT_SERVERS[@]}"; do
    (( PRIME > 0 )) || break
    log "priming $server for $PRIME s (JIT, connection pools); not recorded"
    wrk_run a "$server" warm "$PRIME" hot.lua "$HOT"
  done
  for s in $SCENARIOS; do
    log "scenario $s"
    "scenario_$s"
    if [[ $s == a && $PROFILE == 1 ]]; then profile_hot; fi
  done
  record "$(machine after)"
  mkdir -p "$BENCH/results" "$ROOT/docs"
  python3 "$BENCH/report.py" "$RESULTS" "$BENCH/results/$STAMP.md" "$ROOT/docs/benchmarks.md"
  log "wrote bench/results/$STAMP.md and the latest-run section of docs/benchmarks.md"
}

main "$@"
