#!/usr/bin/env bash
# The side-by-side benchmark (not a test): the mock upstream called directly, through Switchboard, and
# through the Portkey gateway (npm @portkey-ai/gateway, pinned in bench/portkey), alternating system by system
# in each round; every figure is the median over the rounds. The closed-loop and stream measures also run through
# a naive Node.js pipe proxy (bench/node-proxy.js): what a proxy that parses nothing reaches on the same cores in
# the same run, the yardstick the issue's targets were set against. Writes bench/results/compare.md, a plot
# bench/results/compare.svg, and the same table into BENCHMARKS.md between its compare markers.
#   bench/compare.sh [ROUNDS]        BENCH_DURATION=seconds per wrk run (default 10)
# Everything shares the machine's cores: the mock upstream (Vert.x, its own process), the load generators
# (wrk for closed loop, bench/LoadGen.java for open loop, stream TTFB and held-open streams) and the gateways.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
DUR="${BENCH_DURATION:-10}"
RATES="${BENCH_RATES:-1000 5000}"
STREAMS="${BENCH_STREAMS:-10000}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
UP=9001; SLOW_UP=9002; SB=9080; PK=8787; NP=9081
OUT=bench/results
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null || { echo "bench: installing $2" >&2; apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need gnuplot gnuplot-nox
[ -f target/switchboard.jar ] || ./switchboard --version >/dev/null
[ -d bench/portkey/node_modules/@portkey-ai/gateway ] || (cd bench/portkey && npm ci --no-audit --no-fund >/dev/null)
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# A gateway holds two descriptors per stream (the client's connection and its upstream one).
[ "$(ulimit -n)" -ge $((2 * STREAMS + 200)) ] || echo "bench: open files limited to $(ulimit -n) (hard limit):" \
  "a gateway cannot hold $STREAMS streams; the refused ones count as failed, not open" >&2

pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); sleep 1; }
trap stop_all EXIT
now_ns() { date +%s%N; }
ready() { # url [extra curl args...]: polls every 10 ms until a 200, up to 60 s
  local url="$1"; shift
  for _ in $(seq 1 6000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url" -H 'content-type: application/json' \
      -H 'authorization: Bearer sk-bench' "$@" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' \
      2>/dev/null)" = 200 ] && return 0
    sleep 0.01
  done
  echo "bench: $url never answered 200" >&2; exit 1
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'; }

upstream() { # port [java -D options...]
  local port="$1"; shift
  $JAVA "$@" -cp target/switchboard.jar bench/BenchUpstream.java "$port" 1 > "/tmp/bench-upstream-$port.log" 2>&1 &
  pids+=($!)
}
switchboard() { # upstream port [config] -> pid in $sb_pid; through the launcher, so its JVM flags (AOT cache, GC) count
  BENCH_UPSTREAM_PORT="$1" SWITCHBOARD_JAVA_OPTS="--enable-native-access=ALL-UNNAMED ${BENCH_GATEWAY_OPTS:-}" \
    ./switchboard serve --config "${2:-bench/gateway.yaml}" --port "$SB" > /tmp/bench-switchboard.log 2>&1 &
  sb_pid=$!; pids+=($sb_pid)
}
pipe() {  # the issue's yardstick: a naive Node.js pipe proxy (bench/node-proxy.js), no parsing at all
  node bench/node-proxy.js "$NP" "$UP" > /tmp/bench-pipe.log 2>&1 &
  pids+=($!)
}
portkey() {
  (cd bench/portkey && exec node node_modules/@portkey-ai/gateway/build/start-server.js --headless --port="$PK") \
    > /tmp/bench-portkey.log 2>&1 &
  pk_pid=$!; pids+=($pk_pid)
}
url_of() { case "$1" in direct) echo "http://127.0.0.1:$UP/v1/chat/completions";; switchboard) echo "http://127.0.0.1:$SB/v1/chat/completions";; pipe) echo "http://127.0.0.1:$NP/v1/chat/completions";; portkey) echo "http://127.0.0.1:$PK/v1/chat/completions";; esac; }
host_of() { [ "$1" = portkey ] && echo "http://127.0.0.1:${2:-$UP}/v1" || echo ""; }
loadgen_headers() { [ "$1" = portkey ] && echo "-Dheader.x-portkey-provider=openai -Dheader.x-portkey-custom-host=http://127.0.0.1:${2:-$UP}/v1" || echo ""; }

declare -A R  # R[metric:system] = newline-separated samples
add() { R["$1:$2"]+="$3"$'\n'; }

# Time from start to first 200, three fresh starts each (the median: Switchboard's first start also records its
# AOT cache, which the later ones map).
upstream "$UP"; ready "$(url_of direct)"
for _ in 1 2 3; do
  t0=$(now_ns); switchboard "$UP"; ready "$(url_of switchboard)"; t1=$(now_ns)
  add ready_ms switchboard "$(( (t1 - t0) / 1000000 ))"; kill "$sb_pid"; wait "$sb_pid" 2>/dev/null || true
  t0=$(now_ns); portkey; ready "$(url_of portkey)" -H 'x-portkey-provider: openai' -H "x-portkey-custom-host: $(host_of portkey)"; t1=$(now_ns)
  add ready_ms portkey "$(( (t1 - t0) / 1000000 ))"; kill "$pk_pid"; wait "$pk_pid" 2>/dev/null || true
done

switchboard "$UP"; portkey; pipe
ready "$(url_of switchboard)"; ready "$(url_of pipe)"; ready "$(url_of portkey)" -H 'x-portkey-provider: openai' -H "x-portkey-custom-host: $(host_of portkey)"
for sys in direct switchboard portkey pipe; do  # warm-up (JIT, connection pools)
  PORTKEY_CUSTOM_HOST=$(host_of $sys) wrk -t2 -c32 -d20s -s bench/post-compare.lua "$(url_of $sys)" >/dev/null
  PORTKEY_CUSTOM_HOST=$(host_of $sys) STREAM=1 wrk -t2 -c32 -d5s -s bench/post-compare.lua "$(url_of $sys)" >/dev/null
done

for round in $(seq 1 "$ROUNDS"); do
  echo "bench: round $round of $ROUNDS" >&2
  for sys in direct switchboard portkey pipe; do
    url=$(url_of $sys); host=$(host_of $sys)
    out=$(PORTKEY_CUSTOM_HOST=$host wrk -t1 -c1 -d"${DUR}s" --latency -s bench/post-compare.lua "$url")
    add c1_p50_us $sys "$(to_us "$(awk '$1=="50%" {print $2}' <<<"$out")")"
    add c1_p99_us $sys "$(to_us "$(awk '$1=="99%" {print $2}' <<<"$out")")"
    out=$(PORTKEY_CUSTOM_HOST=$host wrk -t2 -c32 -d"${DUR}s" -s bench/post-compare.lua "$url")
    grep -qE "Non-2xx|Socket errors" <<<"$out" && echo "bench: errors from $sys at c=32: $(grep -E 'Non-2xx|Socket errors' <<<"$out")" >&2
    add c32_rps $sys "$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    # SSE: 20 content chunks per stream, sent by the mock as fast as it can.
    out=$(PORTKEY_CUSTOM_HOST=$host STREAM=1 wrk -t2 -c32 -d"${DUR}s" -s bench/post-compare.lua "$url")
    add sse_streams_s $sys "$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    out=$($JAVA $(loadgen_headers $sys) -cp target/switchboard.jar bench/LoadGen.java ttfb "$url" 2000)
    add ttfb_p50_us $sys "$(sed -E 's/.*ttfb.* p50_us=([0-9]+).*/\1/' <<<"$out")"
    add ttfb_p99_us $sys "$(sed -E 's/.*ttfb.* p99_us=([0-9]+).*/\1/' <<<"$out")"
  done
  # Open loop: a fixed arrival rate; RSS read at the end of the 1k RPS run.
  for rate in $RATES; do
    for sys in direct switchboard portkey; do
      out=$($JAVA $(loadgen_headers $sys) -cp target/switchboard.jar bench/LoadGen.java open "$(url_of $sys)" "$rate" "$DUR")
      add "open${rate}_p50_us" $sys "$(sed -E 's/.* p50_us=([0-9]+).*/\1/' <<<"$out")"
      add "open${rate}_p99_us" $sys "$(sed -E 's/.* p99_us=([0-9]+).*/\1/' <<<"$out")"
      if [ "$rate" = 1000 ]; then
        [ $sys = switchboard ] && add rss1k_mb $sys "$(rss_mb $sb_pid)"
        [ $sys = portkey ] && add rss1k_mb $sys "$(rss_mb $pk_pid)"
      fi
    done
  done
done
stop_all

# Held-open streams: a mock that sends a chunk a second for 60 s; fresh gateways; RSS once all are open.
# Switchboard twice: with HTTP/1.1 to the mock (the default: a connection, so two descriptors, per stream) and
# with HTTP/2 (bench/gateway-h2.yaml: the streams share connections), reported as streams_h2_*.
upstream "$SLOW_UP" -Dchunks=60 -Dchunk.interval.ms=1000; ready "http://127.0.0.1:$SLOW_UP/v1/chat/completions"
for run in switchboard switchboard-h2 portkey; do
  sys=${run%-h2}; key=streams; [ "$run" = switchboard-h2 ] && key=streams_h2
  if [ $sys = switchboard ]; then
    switchboard "$SLOW_UP" "$([ "$run" = switchboard-h2 ] && echo bench/gateway-h2.yaml || echo bench/gateway.yaml)"
    pid=$sb_pid; ready "$(url_of switchboard)"; else
    portkey; pid=$pk_pid; ready "$(url_of portkey)" -H 'x-portkey-provider: openai' -H "x-portkey-custom-host: $(host_of portkey $SLOW_UP)"; fi
  idle=$(rss_mb $pid)
  rm -f /tmp/bench-streams.log  # so the wait below cannot see the previous system's line
  $JAVA $(loadgen_headers $sys $SLOW_UP) -cp target/switchboard.jar bench/LoadGen.java streams "$(url_of $sys)" "$STREAMS" 5 \
    > /tmp/bench-streams.log 2>&1 &
  lg=$!
  for _ in $(seq 1 1200); do grep -q "streams open=" /tmp/bench-streams.log && break; sleep 0.1; done
  add ${key}_rss_mb $sys "$(rss_mb $pid)"
  add ${key}_open $sys "$(sed -nE 's/streams open=([0-9]+).*/\1/p' /tmp/bench-streams.log)"
  [ "$run" = switchboard-h2 ] || add idle_rss_mb $sys "$idle"
  kill $lg 2>/dev/null || true; wait $lg 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
stop_all

m() { printf '%s' "${R["$1:$2"]:-}" | grep -v '^$' | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 == 0 || b + 0 == 0) print "n/a"; else printf "%.2fx", a / b }'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%+.0f", a - b }'; }
{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $ROUNDS rounds of ${DUR}s, medians. Switchboard $(git rev-parse --short HEAD), Portkey gateway 1.15.2."
  echo
  echo "| measure | direct | Switchboard | Portkey | naive pipe | Switchboard vs direct | pipe vs direct | Switchboard vs Portkey |"
  echo "|---|---|---|---|---|---|---|---|"
  for k in c1_p50_us c1_p99_us ttfb_p50_us ttfb_p99_us; do
    d=$(m $k direct); s=$(m $k switchboard); p=$(m $k portkey); n=$(m $k pipe)
    echo "| $k | $d | $s | $p | $n | $(added "$s" "$d") us | $(added "$n" "$d") us | Portkey $(added "$p" "$d") us |"
  done
  for k in c32_rps sse_streams_s; do
    d=$(m $k direct); s=$(m $k switchboard); p=$(m $k portkey); n=$(m $k pipe)
    echo "| $k | $d | $s | $p | $n | $(ratio "$s" "$d") | $(ratio "$n" "$d") | $(ratio "$s" "$p") |"
  done
  for rate in $RATES; do for q in p50 p99; do
    k="open${rate}_${q}_us"; d=$(m $k direct); s=$(m $k switchboard); p=$(m $k portkey)
    echo "| $k | $d | $s | $p | | $(added "$s" "$d") us | | Portkey $(added "$p" "$d") us |"
  done; done
  for k in ready_ms rss1k_mb idle_rss_mb streams_open streams_rss_mb streams_h2_open streams_h2_rss_mb; do
    echo "| $k | | $(m $k switchboard) | $(m $k portkey) | | | | |"
  done
} > "$OUT/compare.md"
cat "$OUT/compare.md"

# The plot: c=32 throughput and c=1 latency of the three systems.
{
  echo "system rps p50"
  for sys in direct switchboard portkey pipe; do echo "$sys $(m c32_rps $sys) $(m c1_p50_us $sys)"; done
} > "$OUT/compare.dat"
gnuplot <<EOF
set terminal svg size 900,380 font "sans,12"
set output "$OUT/compare.svg"
set multiplot layout 1,2 title "Switchboard vs direct vs Portkey vs a naive pipe ($(nproc) cores, mock upstream)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set key off
set grid ytics
set title "Throughput at c=32 (req/s, higher is better)"
plot "$OUT/compare.dat" using 2:xtic(1) title "req/s" lc rgb "#3b7dd8"
set title "Latency at c=1, p50 (us, lower is better)"
plot "$OUT/compare.dat" using 3:xtic(1) title "p50" lc rgb "#d8703b"
unset multiplot
EOF

# Into BENCHMARKS.md, between the markers.
if grep -q '<!-- compare:begin -->' BENCHMARKS.md; then
  awk -v f="$OUT/compare.md" '
    /<!-- compare:begin -->/ { print; while ((getline l < f) > 0) print l; print ""; print "![Switchboard vs direct vs Portkey](bench/results/compare.svg)"; skip = 1; next }
    /<!-- compare:end -->/ { skip = 0 }
    !skip { print }' BENCHMARKS.md > BENCHMARKS.md.tmp && mv BENCHMARKS.md.tmp BENCHMARKS.md
fi
