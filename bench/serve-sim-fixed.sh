#!/usr/bin/env bash
# The simulated-H200 serving comparison at a fixed offered load, for when the machine cannot
# sustain 70% of the closed-loop capacity open loop: regulated and multistream alternating
# (R, M, R, M), each on a fresh server after a warm-up at the same rates.
# Usage: bench/serve-sim-fixed.sh RATES SECONDS [WARM-UP-SECONDS], RATES as for `cotenant load --rate`
# (per model, in the order resnet18, mobilenetv2, bert-tiny). Uses the repository and output folder
# of bench/serve-sim-bench.sh; writes fixed-<policy>-<round>.json and prints the tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rates="$1"
secs="$2"
warm="${3:-10}"
out="${COTENANT_BENCH_OUT:-/tmp/cotenant-sim-bench-out}"
repo="${COTENANT_BENCH_REPO:-/tmp/cotenant-sim-repo}"
port=18300
mkdir -p "$out"
cd "$root"
. bin/find-jdk.sh
models=(--model resnet18 --model mobilenetv2 --model bert-tiny)
for round in 1 2; do
  for policy in regulated multistream; do
    echo "== fixed rates $rates, $policy, round $round (${secs}s; uptime: $(uptime))"
    ./cotenant serve --repo "$repo" --http-port $port --grpc-port -1 --device sim:h200 --sim-outputs none --policy "$policy" \
      > "$out/server-fixed-$policy.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
      curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null 2>&1 && break
      sleep 0.5
    done
    java_pid=$(pgrep -P "$server_pid" java || echo "$server_pid")
    ./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --rate "$rates" --duration "${warm}s" --seed 3 > /dev/null
    name="fixed-$policy-$round"
    { date +%s.%N; curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^(cotenant_gpu|nv_gpu|nv_cpu_utilization)' || true;
      echo "# gc $("$JAVA_HOME/bin/jstat" -gcutil "$java_pid" 2>/dev/null | tail -1)"; } > "$out/$name.before"
    ./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --rate "$rates" --duration "${secs}s" --seed 7 --json > "$out/$name.json"
    { date +%s.%N; curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^(cotenant_gpu|nv_gpu|nv_cpu_utilization)' || true;
      echo "# gc $("$JAVA_HOME/bin/jstat" -gcutil "$java_pid" 2>/dev/null | tail -1)"; } > "$out/$name.after"
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  done
done
echo "== done (uptime: $(uptime))"
python3 "$root/bench/serve-sim-summary.py" "$out" "$repo"
