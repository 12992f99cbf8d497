#!/usr/bin/env bash
# Frame load: one Poisson stream whose every arrival is a request to each of resnet18, mobilenetv2
# and bert-tiny at once (`cotenant load --together`), served by each variant in turn on a fresh
# server: search (the regulator, co-location search on), nosearch (--search-budget 0), multistream.
# Usage: [FRAME_DEADLINE_MS=MS] bench/frames-bench.sh FRAMES-PER-SECOND VARIANT [VARIANT ...]
#   e.g. FRAME_DEADLINE_MS=500 bench/frames-bench.sh 18 search nosearch multistream search nosearch
# FRAME_DEADLINE_MS (default 500, the slowest tenant's SLO) judges each frame: answered by every
# model within it. Uses the repository of bench/serve-bench.sh (made there if missing). Prints per
# variant one line per model, one for its frames, and the regulator's round counters.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="$1"; shift
deadline="${FRAME_DEADLINE_MS:-500}"
cd "$root"
. bench/bench-env.sh
for v in "$@"; do
  case $v in
    search) args=(--policy regulated --search-budget 10) ;;
    nosearch) args=(--policy regulated --search-budget 0) ;;
    multistream) args=(--policy multistream) ;;
    *) echo "unknown variant $v (search, nosearch or multistream)" >&2; exit 2 ;;
  esac
  ./cotenant serve --repo "$repo" --http-port $port --grpc-port -1 "${args[@]}" > "$out/frames-$v.log" 2>&1 &
  pid=$!
  # a failed step ends the script (set -e): stop this server first, and wait until the port is free
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null 2>&1 && break; sleep 0.5; done
  ./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --rate "$rate" --together --duration 5s --seed 3 > /dev/null
  ./cotenant load --url "http://127.0.0.1:$port" "${models[@]}" --rate "$rate" --together --duration 60s --seed 7 "${slos[@]}" \
    --frame-deadline-ms "$deadline" --json > "$out/frames-$v.json"
  curl -sf "http://127.0.0.1:$port/metrics" | grep -E "^cotenant_round" > "$out/frames-$v.metrics" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$out/frames-$v.json" "$v" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[2], " ".join(f"{m['model']}: ok {m['ok']}, within SLO {m['withinSlo']}, refused {m['rejected']}, p50 {m['p50']:.0f}, p99 {m['p99']:.0f} ms;" for m in d["models"]))
f = d["frames"]
print(sys.argv[2], f"frames: sent {f['sent']}, complete {f['complete']}, failed {f['failed']}, lost {f['lost']}, "
      f"p50/p90/p99 {f['p50']:.0f}/{f['p90']:.0f}/{f['p99']:.0f} ms, within {f['deadlineMs']:g} ms: {f['withinDeadline']} ({100 * f['withinDeadlineShare']:.1f}%)")
PY
  tr '\n' ' ' < "$out/frames-$v.metrics"; echo
  grep "round schedule" "$out/frames-$v.log" || true
done
