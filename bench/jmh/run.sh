#!/usr/bin/env bash
# JMH benchmarks of the proxy's in-process cache-hit path (bench/jmh/src, Maven profile `jmh`).
#
#   bench/jmh/run.sh                 # all benchmarks, JMH defaults from the annotations
#   bench/jmh/run.sh -prof gc        # plus bytes allocated per operation
#   bench/jmh/run.sh routeGet -wi 2 -i 3
#
# Arguments go to org.openjdk.jmh.Main. `./mvnw verify` never compiles or runs these.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
./mvnw -B -q -Pjmh test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/jmh/classpath.txt -Dmdep.includeScope=test
exec java -cp "target/jmh/test-classes:target/jmh/classes:$(cat target/jmh/classpath.txt)" org.openjdk.jmh.Main "$@"
