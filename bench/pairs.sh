#!/usr/bin/env bash
# A/B throughput of two gateway configs, alternating, each in a fresh gateway: c=32 with wrk after a
# warm-up, and the gateway's CPU time per request (from /proc), which is steadier than req/s on a shared
# machine. Not a test.
#   bench/pairs.sh CONFIG_A CONFIG_B [ROUNDS] [WARMUP_S] [MEASURE_S]
#   e.g. BENCH_SCRIPT=bench/post-unique.lua bench/pairs.sh bench/gateway.yaml bench/gateway-plugins.yaml 3
# Two builds of one config: BENCH_JAR_A=/tmp/before.jar BENCH_JAR_B=target/switchboard.jar bench/pairs.sh C C
# BENCH_PORT sets the gateway's port (default 9080). JVM options: BENCH_OPTS_A / BENCH_OPTS_B (default: the
# launcher's serve options without its AOT cache, see ./switchboard).
set -euo pipefail
cd "$(dirname "$0")/.."
A="$1"; B="$2"; ROUNDS="${3:-2}"; WARM="${4:-25}"; MEASURE="${5:-10}"
SCRIPT="${BENCH_SCRIPT:-bench/post-unique.lua}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
command -v wrk >/dev/null || { echo "bench: installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }
[ -f target/switchboard.jar ] || ./switchboard --version >/dev/null
"$JAVA_HOME/bin/java" -cp target/switchboard.jar bench/BenchUpstream.java 9001 1 > /tmp/bench-upstream.log 2>&1 &
up=$!
trap 'kill $up 2>/dev/null || true' EXIT
sleep 3
LAUNCHER_OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn24m -XX:TrimNativeHeapInterval=1000"
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
PORT="${BENCH_PORT:-9080}"
url=http://127.0.0.1:$PORT/v1/chat/completions
echo "| config | req/s | gateway CPU per request |"
echo "|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    if [ $side = A ]; then config="$A"; jar="${BENCH_JAR_A:-${BENCH_JAR:-target/switchboard.jar}}"
    else config="$B"; jar="${BENCH_JAR_B:-${BENCH_JAR:-target/switchboard.jar}}"; fi
    opts_var="BENCH_OPTS_$side"; opts="${!opts_var-$LAUNCHER_OPTS}"
    rm -f /tmp/bench-requests.db*
    BENCH_UPSTREAM_PORT=9001 "$JAVA_HOME/bin/java" $opts -jar "$jar" serve --config "$config" \
      --port "$PORT" > /tmp/bench-gateway.log 2>&1 &
    gw=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "$url" -d '{}' && break; sleep 0.1; done
    wrk -t2 -c32 -d"${WARM}s" -s "$SCRIPT" "$url" > /dev/null
    c0=$(cpu $gw)
    out=$(wrk -t2 -c32 -d"${MEASURE}s" -s "$SCRIPT" "$url")
    c1=$(cpu $gw)
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    per=$(awk -v c=$((c1 - c0)) -v r="$rps" -v s="$MEASURE" 'BEGIN { printf "%.0f us", c * 10000 / (r * s) }')
    echo "| $config ($side) | $rps | $per |"
    kill $gw; wait $gw 2>/dev/null || true
  done
done
