#!/usr/bin/env bash
# JMH microbenchmarks of the hot path (src/test/java/io/switchboard/bench), not part of the tests:
#   StrategyBenchmark        routing: one strategy's order(...) call, per mode, 2 and 8 targets
#   RequestParsingBenchmark  a chat request body to the JSON tree and RequestFacts (small, large)
#   TranslationBenchmark     requests to the OpenAI passthrough, Anthropic and Gemini; their answers back
#   SseBenchmark             one stream chunk: OpenAI passthrough (with and without plugins), Anthropic, Gemini
#   bench/jmh.sh [JMH options] [benchmark regex]     without a regex: all of them, about 7 minutes
#   e.g. bench/jmh.sh SseBenchmark                    one benchmark, its own 3 x 1 s warm-up, 5 x 1 s measured
#        bench/jmh.sh -wi 2 -i 3 -f 1 -p mode=least-latency Strategy
#        bench/jmh.sh -p size=large 'Translation.*request'
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  org.openjdk.jmh.Main "$@"
