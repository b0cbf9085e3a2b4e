#!/usr/bin/env bash
# JMH microbenchmarks of the routing strategies (src/test/java/io/switchboard/bench), not part of the tests.
#   bench/jmh.sh [JMH options]        e.g. bench/jmh.sh -wi 2 -i 3 -f 1 -p mode=least-latency
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  org.openjdk.jmh.Main "$@"
