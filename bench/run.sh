#!/usr/bin/env bash
# Gateway overhead benchmark (not a test). For each mock upstream (a Vert.x one, very fast, and a Node.js
# one, slower), wrk measures c=1 and c=32 against the upstream directly, through Switchboard, and through
# a naive Node.js pipe proxy as a baseline, and prints the ratios to direct.
#   bench/run.sh [DURATION_SECONDS] [UPSTREAMS]      e.g. bench/run.sh 20 "vertx node"
# BENCH_CONFIG picks the gateway config (default bench/gateway.yaml, one target; see bench/*.yaml),
# BENCH_JAR another build of the gateway (to compare before and after a change), BENCH_SCRIPT the wrk script
# (bench/post-unique.lua: a different prompt each request, for the plugin benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
UPSTREAMS="${2:-vertx node}"
UP_PORT=9001
GW_PORT=9080
PROXY_PORT=9090
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
command -v wrk >/dev/null || { echo "bench: installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }
[ -f target/switchboard.jar ] || ./switchboard --version >/dev/null

pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); sleep 1; }
trap stop_all EXIT

wait_for() { for _ in $(seq 1 150); do curl -s -o /dev/null -X POST "$1" -d '{}' && return 0; sleep 0.2; done; echo "bench: $1 did not come up" >&2; exit 1; }

measure() { # url connections threads -> "rps p50 p99"
  local out
  out=$(wrk -t"$3" -c"$2" -d"${DURATION}s" --latency -s "${BENCH_SCRIPT:-bench/post.lua}" "$1")
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "bench: errors at $1: $(grep -E 'Non-2xx|Socket errors' <<<"$out")" >&2; fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out")"
}
to_us() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n*1000; else if (v ~ /s$/) print n*1000000; }'; }

echo "| upstream | load | target | rps | ratio to direct | p50 | p99 | added p50 |"
echo "|---|---|---|---|---|---|---|---|"
for upstream in $UPSTREAMS; do
  if [ "$upstream" = vertx ]; then
    "$JAVA_HOME/bin/java" -cp target/switchboard.jar bench/BenchUpstream.java "$UP_PORT" 1 > /tmp/bench-upstream.log 2>&1 &
  else
    node bench/node-upstream.js "$UP_PORT" > /tmp/bench-upstream.log 2>&1 &
  fi
  pids+=($!)
  BENCH_UPSTREAM_PORT=$UP_PORT "$JAVA_HOME/bin/java" ${BENCH_GATEWAY_OPTS:-} -jar "${BENCH_JAR:-target/switchboard.jar}" serve \
    --config "${BENCH_CONFIG:-bench/gateway.yaml}" --port "$GW_PORT" > /tmp/bench-gateway.log 2>&1 &
  pids+=($!)
  node bench/node-proxy.js "$PROXY_PORT" "$UP_PORT" > /tmp/bench-proxy.log 2>&1 &
  pids+=($!)
  direct="http://127.0.0.1:$UP_PORT/v1/chat/completions"
  gateway="http://127.0.0.1:$GW_PORT/v1/chat/completions"
  proxy="http://127.0.0.1:$PROXY_PORT/v1/chat/completions"
  wait_for "$direct"; wait_for "$gateway"; wait_for "$proxy"
  for url in "$direct" "$gateway" "$proxy"; do wrk -t2 -c32 -d8s -s bench/post.lua "$url" >/dev/null; done  # warm-up
  for load in "1 1" "32 2"; do
    set -- $load
    read -r d_rps d_p50 d_p99 < <(measure "$direct" "$1" "$2")
    echo "| $upstream | c=$1 | direct | $d_rps | 1.00x | $d_p50 | $d_p99 | |"
    for name in switchboard node-proxy; do
      url=$gateway; [ "$name" = node-proxy ] && url=$proxy
      read -r rps p50 p99 < <(measure "$url" "$1" "$2")
      ratio=$(awk -v g="$rps" -v d="$d_rps" 'BEGIN { printf "%.2f", g/d }')
      added=$(awk -v g="$(to_us "$p50")" -v d="$(to_us "$d_p50")" 'BEGIN { printf "%.0f us", g-d }')
      echo "| $upstream | c=$1 | $name | $rps | ${ratio}x | $p50 | $p99 | $added |"
    done
  done
  stop_all
done
