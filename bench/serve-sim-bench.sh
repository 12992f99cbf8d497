#!/usr/bin/env bash
# Serving on a simulated H200 without computing outputs: the three zoo tenants of the CPU serving
# runs (resnet18, mobilenetv2, bert-tiny) behind `cotenant serve --device sim:h200 --sim-outputs none`.
# (resnet50 + bert-base were tried first: their one-thread plans for batch sizes 1-8 hold packed
# weights that filled the default 6 GiB heap, and the server spent its time in full collections.)
#  1. capacity: the three together, closed loop, 4 clients per model, multistream (no admission
#     control, so every request is served): each model's share of the mix's capacity is its ok/s;
#  2. open loop (Poisson) at 70% of those rates, regulated and multistream alternating (R, M, R, M),
#     each after a warm-up (the regulator searches each new mix's sharing in the background);
#  3. open loop at 2x those rates, regulated then multistream: refusals, admitted p99, server RSS.
# Each run scrapes /metrics before and after, for the simulated GPU's busy time.
# Usage: bench/serve-sim-bench.sh [SECONDS-PER-RUN] [WARM-UP-SECONDS] (default 60 and 15). Writes
# JSON to $COTENANT_BENCH_OUT (default /tmp/cotenant-sim-bench-out) and prints the tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"
warm="${2:-15}"
out="${COTENANT_BENCH_OUT:-/tmp/cotenant-sim-bench-out}"
repo="${COTENANT_BENCH_REPO:-/tmp/cotenant-sim-repo}"
port=18300
mkdir -p "$out"
cd "$root"
. bin/find-jdk.sh
if [ ! -f "$repo/resnet18/1/model.onnx" ]; then
  ./cotenant repo "$repo" --zoo resnet18 --zoo mobilenetv2 --zoo bert-tiny --max-batch 8 --queue 64 \
    --slo-ms resnet18=100 --slo-ms mobilenetv2=100 --slo-ms bert-tiny=50
fi
models=(--model resnet18 --model mobilenetv2 --model bert-tiny)
server_pid=""
rss_log=""

start_server() {  # $1 policy
  ./cotenant serve --repo "$repo" --http-port $port --grpc-port -1 --device sim:h200 --sim-outputs none --policy "$1" \
    > "$out/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null 2>&1 && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null
  java_pid=$(pgrep -P "$server_pid" java || echo "$server_pid")
  rss_log="$out/rss-$1.txt"; : > "$rss_log"
  ( while kill -0 "$java_pid" 2>/dev/null; do ps -o rss= -p "$java_pid" >> "$rss_log" || true; sleep 1; done ) &
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

scrape() {  # $1 file; the last line is the server JVM's collector counters (full collections: FGC)
  { date +%s.%N; curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^(cotenant_gpu|nv_gpu|nv_cpu_utilization)' || true;
    echo "# gc $("$JAVA_HOME/bin/jstat" -gcutil "$java_pid" 2>/dev/null | tail -1)"; } > "$1"
}

rates() {  # $1 capacity json, $2 factor -> comma-separated rates in model order
  python3 - "$1" "$2" <<'PY'
import json, sys
cap = json.load(open(sys.argv[1]))
print(",".join(f"{m['throughput'] * float(sys.argv[2]):.2f}" for m in cap["models"]))
PY
}

open_loop() {  # $1 capacity json, $2 factor, $3 seconds, $4 output name
  scrape "$out/$4.before"
  ./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --rate "$(rates "$1" "$2")" --duration "${3}s" --seed 7 --json > "$out/$4.json"
  scrape "$out/$4.after"
}

echo "== capacity: the mix together, closed loop, 4 clients per model, multistream, $((secs / 2))s (uptime: $(uptime))"
start_server multistream
./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --concurrency 4 --duration "${warm}s" > /dev/null
scrape "$out/capacity.before"
./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --concurrency 4 --duration "$((secs / 2))s" --json > "$out/capacity.json"
scrape "$out/capacity.after"
stop_server

for round in 1 2; do
  for policy in regulated multistream; do
    echo "== 70% of capacity, $policy, round $round (${secs}s; uptime: $(uptime))"
    start_server "$policy"
    open_loop "$out/capacity.json" 0.7 "$warm" "warmup" > /dev/null
    open_loop "$out/capacity.json" 0.7 "$secs" "load70-$policy-$round"
    stop_server
  done
done

for policy in regulated multistream; do
  echo "== 2x capacity, $policy (${secs}s; uptime: $(uptime))"
  start_server "$policy"
  open_loop "$out/capacity.json" 0.7 "$warm" "warmup" > /dev/null
  open_loop "$out/capacity.json" 2.0 "$secs" "load200-$policy"
  cp "$rss_log" "$out/rss-2x-$policy.txt"
  stop_server
done
echo "== done (uptime: $(uptime))"

python3 "$root/bench/serve-sim-summary.py" "$out" "$repo"
