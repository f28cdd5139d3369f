#!/usr/bin/env bash
# The day-trace benchmark (README "Getting the most from one key"): replays traces (a) at today's
# tolerance and with day-old answers accepted, (b) demand at 100x the budget, (c) a critical
# consumer beside a background bulk job, each through the running proxy on a manual clock against
# a simulated Coldsend that enforces both sliding windows. Reports go to bench/results/daytrace-*.md.
# Usage: bench/day-trace.sh [test-class-pattern [hours]]   (default: every DayTrace*Bench, whole traces;
# about an hour on 2 idle cores). With hours, only the first hours of each trace are replayed.
# DAYTRACE_PER_MINUTE=25 tells the proxy a lower minute limit (Coldsend's stays 100): spreading the hour.
# DAYTRACE_PACE_WINDOW=10m replays another pace window (proxy.quota.pace-window, 6m as shipped; 0s: no pace).
set -euo pipefail
cd "$(dirname "$0")/.."
pattern="${1:-DayTrace*Bench}"
hours="${2:-}"
./mvnw -B -ntp test -Dtest="$pattern" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dmaven.test.redirectTestOutputToFile=true -Dbench.results="$PWD/bench/results" ${hours:+-Dbench.hours=$hours} \
    ${DAYTRACE_PER_MINUTE:+-Dbench.per-minute=$DAYTRACE_PER_MINUTE} \
    ${DAYTRACE_PACE_WINDOW:+-Dbench.pace-window=$DAYTRACE_PACE_WINDOW}
