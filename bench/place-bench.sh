#!/usr/bin/env bash
# Placement benchmark (issue 21): `cotenant place` plans one-core CPU devices for a set of models
# with rates and SLOs; then each placement (the SLO-aware one and first-fit by load) is served for
# real, one device at a time: its `serve --cores 1` pinned to core 0 with taskset, driven by
# `cotenant load` pinned to core 1 at the planned rates (a warm-up, then SECONDS measured). Devices
# are separate servers on separate cores, so measuring them one after another measures what each
# would do beside the others, without the load generators and the other device taking its core (a
# first version ran every device at once on a 2-core machine, and the load generators' JIT and the
# other server preempted the pinned servers: p99s of 2-10 times the service time at 45% load).
# Each server runs one batch at a time on its core (`--concurrency 1`, what `place` writes in
# serve.args): the plan's queue is FIFO with one batch per core, and the server's default of two
# batches per core made each heavy batch take twice its measured time. Placements alternate for ROUNDS rounds.
# one-per-model is measured the same way, its devices one after another on core 0 (six of them
# take as long as the other two placements together).
# Usage: bench/place-bench.sh [SECONDS] [ROUNDS]   (defaults 60 and 2)
# Models: $COTENANT_PLACE_MODELS (M:RATE:SLO,...). Placements: $COTENANT_PLACE_PLACEMENTS (default
# "slo-aware first-fit-by-load one-per-model"). Writes to $COTENANT_BENCH_OUT (default /tmp/cotenant-place).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
secs="${1:-60}"
rounds="${2:-2}"
models="${COTENANT_PLACE_MODELS:-bert-tiny:40:250,resnet50:2:4000,mobilenetv2:10:300,yolov4-tiny:2:4000,efficientnet-b0:6:500,resnet18:4:3000}"
out="${COTENANT_BENCH_OUT:-/tmp/cotenant-place}"
placements="${COTENANT_PLACE_PLACEMENTS:-slo-aware first-fit-by-load one-per-model}"
cores="$(nproc)"
rm -rf "$out" && mkdir -p "$out"
lscpu | grep -E 'Model name|Flags' | sed 's/\(.\{200\}\).*/\1.../' > "$out/machine.txt"

echo "== plan: taskset -c 0 cotenant place --models $models --cores 1 (measured on the core a device gets)"
taskset -c 0 ./cotenant place --models "$models" --cores 1 --out "$out/slo-aware" | tee "$out/place.txt"
cp "$out/slo-aware/placement.json" "$out/placement.json"

# One line per device of a placement: "model=rate=slo model=rate=slo ..."
devices() {  # $1: slo-aware | first-fit-by-load | one-per-model
  python3 - "$out/placement.json" "$1" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
groups = p["devices"] if sys.argv[2] == "slo-aware" else next(n["placement"] for n in p["naive"] if n["name"] == sys.argv[2])
for d in groups:
    print(" ".join(f"{m}={v['rate']}={v['slo_ms']}" for m, v in d["predicted"]["models"].items()))
PY
}

# Repositories for the naive placements, with the same settings `place --out` writes.
for placement in $placements; do
  [ "$placement" = slo-aware ] && continue
  k=0
  while read -r line; do
    k=$((k + 1)); args=()
    for item in $line; do IFS== read -r m r s <<< "$item"; args+=(--zoo "$m" --slo-ms "$m=$s"); done
    ./cotenant repo "$out/$placement/device-$k/repository" "${args[@]}" --max-batch 8 --queue 64 > /dev/null
  done < <(devices "$placement")
done

serve_and_load() {  # $1 placement, $2 round
  local placement="$1" round="$2" k=0
  mapfile -t lines < <(devices "$placement")
  for line in "${lines[@]}"; do
    k=$((k + 1))
    local port=$((18200 + k)) args=() rates=()
    taskset -c 0 ./cotenant serve --repo "$out/$placement/device-$k/repository" --cores 1 --concurrency 1 \
      --http-port $port --grpc-port -1 > "$out/server-$placement-$round-$k.log" 2>&1 &
    local server=$!
    for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null 2>&1 && break; sleep 0.5; done
    for item in $line; do IFS== read -r m r s <<< "$item"; args+=(--model "$m" --slo-ms "$m=$s"); rates+=("$r"); done
    for phase in warmup measured; do
      local duration="$secs"s; [ "$phase" = warmup ] && duration=15s
      taskset -c 1 ./cotenant load --url "http://127.0.0.1:$port" "${args[@]}" --rate "$(IFS=,; echo "${rates[*]}")" \
        --duration "$duration" --json > "$out/load-$placement-$round-$k-$phase.json" 2> "$out/load-$placement-$round-$k-$phase.err"
    done
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  done
}

for round in $(seq 1 "$rounds"); do
  for placement in $placements; do
    echo "== round $round: $placement ($(date -u +%H:%M:%S))"
    serve_and_load "$placement" "$round"
  done
done

python3 - "$out" "$rounds" "$cores" $placements <<'PY'
import glob, json, os, sys
out, rounds, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
p = json.load(open(os.path.join(out, "placement.json")))
print(open(os.path.join(out, "machine.txt")).read().strip())
print(f"device: {p['device']} (pinned with taskset; {cores} cores on this machine)")
print(open(os.path.join(out, "place.txt")).read().split("\n\n", 1)[1].strip())
for placement in sys.argv[4:]:
    files = sorted(glob.glob(os.path.join(out, f"load-{placement}-*-measured.json")))
    devices = len({f.split("-")[-2] for f in files})
    print(f"\n{placement}: {devices} devices, each measured on core 0 with the load generator on core 1")
    print(f"{'round':>5} {'device':>6} {'model':<16} {'rate':>6} {'SLO ms':>7} {'sent':>6} {'ok':>6} {'refused':>8} {'p50 ms':>8} {'p99 ms':>8} {'in SLO':>7} meets")
    for f in files:
        parts = f[:-len("-measured.json")].split("-")
        rnd, dev = parts[-2], parts[-1]
        run = json.load(open(f))
        for m in run["models"]:
            refused = m["rejected"] + m["errors"] + m["lost"]
            meets = m["p99"] <= m["sloMs"] and refused <= 0.01 * max(1, m["sent"])
            print(f"{rnd:>5} {dev:>6} {m['model']:<16} {m['rate']:>6} {m['sloMs']:>7.0f} {m['sent']:>6} {m['ok']:>6} {refused:>8} "
                  f"{m['p50']:>8.1f} {m['p99']:>8.1f} {100 * m['withinSlo'] / max(1, m['sent']):>6.1f}% {'yes' if meets else 'NO'}")
PY
