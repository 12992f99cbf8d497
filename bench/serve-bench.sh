#!/usr/bin/env bash
# Serving benchmark: three zoo tenants (resnet18, mobilenetv2, bert-tiny) behind `cotenant serve`.
#  1. capacity: each model alone, closed loop with 4 clients (regulated: it gets every core); the
#     mix's capacity gives each of the three an equal third of the device: solo throughput / 3;
#  2. open loop (Poisson) at 70% of each model's share of that capacity, regulated and multistream,
#     alternating (R, M, R, M), each run preceded by a short warm-up (COTENANT_BENCH_POLICIES can
#     add regulated-search: the regulator with co-location search on, --search-budget 10);
#  3. open loop at 2x capacity, regulated (refusals, admitted p99, server memory), then multistream:
#     throughput and the answers within each SLO (goodput) at the same offered load.
# Usage: bench/serve-bench.sh [SECONDS-PER-RUN] (default 60). Writes JSON to $COTENANT_BENCH_OUT
# (default /tmp/cotenant-bench-out) and prints the tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"
cd "$root"
. bench/bench-env.sh
server_pid=""
rss_log=""

start_server() {  # $1 policy: regulated, regulated-search (co-location search on) or multistream
  local args=(--policy "${1%-search}")
  [ "$1" = regulated-search ] && args+=(--search-budget 10)
  ./cotenant serve --repo "$repo" --http-port $port --grpc-port -1 "${args[@]}" > "$out/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 240); do
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

rates() {  # $1 capacity json, $2 factor -> comma-separated rates in model order
  python3 - "$1" "$2" <<'PY'
import json, sys
cap = json.load(open(sys.argv[1]))
print(",".join(f"{m['throughput'] * float(sys.argv[2]):.2f}" for m in cap["models"]))
PY
}

open_loop() {  # $1 capacity json, $2 factor, $3 seconds, $4 output name
  ./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" "${slos[@]}" --rate "$(rates "$1" "$2")" --duration "${3}s" --seed 7 --json > "$out/$4.json"
}

echo "== capacity: each model alone, closed loop, 4 clients, regulated, $((secs / 4))s each"
start_server regulated
for m in resnet18 mobilenetv2 bert-tiny; do
  ./cotenant load --url "http://127.0.0.1:$port" --model "$m" --concurrency 4 --duration 5s > /dev/null
  ./cotenant load --url "http://127.0.0.1:$port" --model "$m" --concurrency 4 --duration "$((secs / 4))s" --json > "$out/solo-$m.json"
done
stop_server
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
models = []
for m in ("resnet18", "mobilenetv2", "bert-tiny"):
    d = json.load(open(f"{out}/solo-{m}.json"))["models"][0]
    d["solo_throughput"] = d["throughput"]
    d["throughput"] = d["throughput"] / 3  # an equal third of the device
    models.append(d)
json.dump({"models": models}, open(f"{out}/capacity.json", "w"), indent=1)
PY

for round in 1 2; do
  for policy in ${COTENANT_BENCH_POLICIES:-regulated multistream}; do
    echo "== 70% of capacity, $policy, round $round (${secs}s)"
    start_server "$policy"
    open_loop "$out/capacity.json" 0.7 5 warmup > /dev/null
    open_loop "$out/capacity.json" 0.7 "$secs" "load70-$policy-$round"
    curl -sf "http://127.0.0.1:$port/metrics" > "$out/metrics70-$policy-$round.txt" || true
    stop_server
  done
done

echo "== 2x capacity, regulated (${secs}s)"
start_server regulated
open_loop "$out/capacity.json" 0.7 5 warmup > /dev/null
open_loop "$out/capacity.json" 2.0 "$secs" "load200-regulated"
cp "$rss_log" "$out/rss-2x.txt"
stop_server

echo "== 2x capacity, multistream (${secs}s)"
start_server multistream
open_loop "$out/capacity.json" 0.7 5 warmup > /dev/null
open_loop "$out/capacity.json" 2.0 "$secs" "load200-multistream"
stop_server

python3 "$root/bench/serve-summary.py" "$out" "$repo"
