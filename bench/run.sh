#!/usr/bin/env bash
# Gateway overhead benchmark: wrk against the bench upstream directly, then through the gateway,
# at c=1 and c=32. Prints p50/p99 latency, throughput and the ratios. Not a test: run it by hand.
#   bench/run.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
UP_PORT=9001
GW_PORT=9080
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
command -v wrk >/dev/null || { echo "bench: installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }
[ -f target/switchboard.jar ] || ./switchboard --version >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$JAVA_HOME/bin/java" -cp target/switchboard.jar bench/BenchUpstream.java "$UP_PORT" 1 > /tmp/bench-upstream.log 2>&1 &
pids+=($!)
BENCH_UPSTREAM_PORT=$UP_PORT "$JAVA_HOME/bin/java" ${BENCH_GATEWAY_OPTS:-} -jar target/switchboard.jar serve \
  --config bench/gateway.yaml --port "$GW_PORT" > /tmp/bench-gateway.log 2>&1 &
pids+=($!)
for url in "http://127.0.0.1:$UP_PORT/v1/chat/completions" "http://127.0.0.1:$GW_PORT/readyz"; do
  for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "$url" -d '{}' && break; sleep 0.2; done
done

run() { # name url connections threads
  local out
  out=$(wrk -t"$4" -c"$3" -d"${DURATION}s" --latency -s bench/post.lua "$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf '%-10s c=%-3s rps=%-10s p50=%-9s p99=%-9s %s\n' "$1" "$3" "$rps" "$p50" "$p99" "$errors" >&2
  echo "$rps $p50 $p99"
}
to_us() { # wrk latency (e.g. 85.00us, 1.20ms, 2.00s) -> microseconds
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n*1000; else if (v ~ /s$/) print n*1000000; }'
}

# Warm both JITs before measuring.
wrk -t2 -c32 -d10s -s bench/post.lua "http://127.0.0.1:$UP_PORT/v1/chat/completions" >/dev/null
wrk -t2 -c32 -d10s -s bench/post.lua "http://127.0.0.1:$GW_PORT/v1/chat/completions" >/dev/null

read -r d1_rps d1_p50 d1_p99 < <(run direct "http://127.0.0.1:$UP_PORT/v1/chat/completions" 1 1)
read -r g1_rps g1_p50 g1_p99 < <(run gateway "http://127.0.0.1:$GW_PORT/v1/chat/completions" 1 1)
read -r d32_rps d32_p50 d32_p99 < <(run direct "http://127.0.0.1:$UP_PORT/v1/chat/completions" 32 2)
read -r g32_rps g32_p50 g32_p99 < <(run gateway "http://127.0.0.1:$GW_PORT/v1/chat/completions" 32 2)

added_p50=$(awk -v g="$(to_us "$g1_p50")" -v d="$(to_us "$d1_p50")" 'BEGIN { printf "%.0f", g-d }')
ratio1=$(awk -v g="$g1_rps" -v d="$d1_rps" 'BEGIN { printf "%.2f", g/d }')
ratio32=$(awk -v g="$g32_rps" -v d="$d32_rps" 'BEGIN { printf "%.2f", g/d }')
echo
echo "| load | direct rps | gateway rps | ratio | direct p50 | gateway p50 | direct p99 | gateway p99 |"
echo "|---|---|---|---|---|---|---|---|"
echo "| c=1 | $d1_rps | $g1_rps | ${ratio1}x | $d1_p50 | $g1_p50 | $d1_p99 | $g1_p99 |"
echo "| c=32 | $d32_rps | $g32_rps | ${ratio32}x | $d32_p50 | $g32_p50 | $d32_p99 | $g32_p99 |"
echo
echo "c=1 added p50: ${added_p50} us (target <= 100 us); c=32 throughput ratio: ${ratio32}x (target >= 0.5x)"
