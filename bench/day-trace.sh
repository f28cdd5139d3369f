#!/usr/bin/env bash
# The day-trace benchmark (README "Getting the most from one key"): replays traces (a) at today's
# tolerance and with day-old answers accepted, (b) demand at 100x the budget, (c) a critical
# consumer beside a background bulk job, each through the running proxy on a manual clock against
# a simulated Coldsend that enforces both sliding windows. Reports go to bench/results/daytrace-*.md.
# Usage: bench/day-trace.sh [test-class-pattern]   (default: every DayTrace*Bench; about an hour on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
pattern="${1:-DayTrace*Bench}"
./mvnw -B -ntp test -Dtest="$pattern" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.redirectTestOutputToFile=true -Dbench.results="$PWD/bench/results"
