#!/usr/bin/env bash
# One short serving trial at a fixed offered load, for comparing server variants side by side
# (run it from each variant's checkout in turn, alternating): a fresh server, 5 s at 70% of a
# capacity file's shares, then SECONDS at FACTOR times them; prints one line per run.
# Usage: bench/load-trial.sh CAPACITY.json FACTOR LABEL [SECONDS] [-- SERVE-ARGS...]
#   CAPACITY.json: the capacity.json that bench/serve-bench.sh writes (each model's share)
#   e.g. bench/load-trial.sh /tmp/cotenant-bench-out/capacity.json 2.0 rule-a 60 -- --policy regulated
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cap="$(realpath "$1")"; factor="$2"; label="$3"; secs=60
shift 3
if [ $# -gt 0 ] && [ "$1" != "--" ]; then secs="$1"; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
cd "$root"
. bench/bench-env.sh
rates() {  # $1 factor -> comma-separated rates in the capacity file's model order
  python3 - "$cap" "$1" <<'PY'
import json, sys
print(",".join(f"{m['throughput'] * float(sys.argv[2]):.2f}" for m in json.load(open(sys.argv[1]))["models"]))
PY
}
./cotenant serve --repo "$repo" --http-port $port --grpc-port -1 "$@" > "$out/trial-$label.log" 2>&1 &
server_pid=$!
# wait for the server to drain and exit, so the next trial finds the port free
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null 2>&1 && break
  sleep 0.5
done
./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --rate "$(rates 0.7)" --duration 5s --seed 3 --json > /dev/null
./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --rate "$(rates "$factor")" --duration "${secs}s" --seed 7 "${slos[@]}" --json > "$out/trial-$label.json"
python3 - "$out/trial-$label.json" "$label@$factor" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[2], " ".join(f"{m['model']}:ok={m['ok']},inSLO={m['withinSlo']},refused={m['rejected']},p99={m['p99']:.0f}ms" for m in d["models"]))
PY
