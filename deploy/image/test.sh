#!/usr/bin/env bash
# Checks Cotenant's image (deploy/image/build.sh --test runs this after building): its
# configuration and files, then, where podman can run containers, the image itself: a model
# repository mounted on /models, health, one inference, metrics, and SIGTERM. Where podman cannot
# run containers it says so loudly, and the configuration check is all that ran.
# Usage: deploy/image/test.sh [IMAGE]   (default localhost/cotenant:latest)
set -euo pipefail
image="${1:-localhost/cotenant:latest}"
start=$SECONDS
say() { echo "image test: $* ($((SECONDS - start)) s)" >&2; }
failed() { echo "image test: FAILED: $*" >&2; exit 1; }
expect() { # expect WHAT ACTUAL WANTED
  if [ "$2" != "$3" ]; then failed "$1 is $2, expected $3"; fi
}

version="$(podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$image")" \
  || failed "no image $image (build it with deploy/image/build.sh)"
home="opt/cotenant-$version-linux-x64"
work="$(mktemp -d "${TMPDIR:-/var/tmp}/cotenant-image-test.XXXXXX")"
containers=()
cleanup() {
  for c in "${containers[@]}"; do podman rm -f "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say "configuration of $image"
expect "the user" "$(podman image inspect --format '{{.Config.User}}' "$image")" "10001:10001"
expect "the entrypoint" "$(podman image inspect --format '{{json .Config.Entrypoint}}' "$image")" '["/opt/cotenant/bin/cotenant"]'
expect "the command" "$(podman image inspect --format '{{json .Config.Cmd}}' "$image")" \
  '["serve","--repo","/models","--host","0.0.0.0","--http-port","8000","--grpc-port","8001"]'
ports="$(podman image inspect --format '{{range $p, $v := .Config.ExposedPorts}}{{$p}} {{end}}' "$image")"
expect "the exposed ports" "$ports" "8000/tcp 8001/tcp "

say "files of $image"
files=$(podman create "$image")
containers+=("$files")
podman export -o "$work/fs.tar" "$files"
tar -tvf "$work/fs.tar" >"$work/fs.txt"
for f in "$home/bin/cotenant" "$home/runtime/bin/java" "$home/lib/cotenant.jar" "$home/lib/jvm-flags.sh" models/; do
  grep -q " $f\$" "$work/fs.txt" || failed "no $f in the image"
done
grep -q " opt/cotenant -> /$home\$" "$work/fs.txt" || failed "no link /opt/cotenant -> /$home"
unwanted="onnxruntime|jmh-core|usr/lib/jvm/|bin/javac\$|bin/jlink\$"
if grep -qE "$unwanted" "$work/fs.txt"; then
  failed "the image holds a JDK, ONNX Runtime or JMH: $(grep -E "$unwanted" "$work/fs.txt" | head -n 3)"
fi
passwd="$(tar -xOf "$work/fs.tar" etc/passwd)"
grep -q '^cotenant:x:10001:10001:' <<<"$passwd" || failed "no user cotenant with uid 10001 in /etc/passwd"
say "configuration and files as expected: user 10001:10001, ports 8000 and 8001, entrypoint /opt/cotenant/bin/cotenant, serve --repo /models"

# Can podman run it here? First with its defaults; a sandbox may refuse to raise resource limits
# (no CAP_SYS_RESOURCE) or refuse crun with cgroups in hybrid mode, so then once more with limits
# no higher than this shell's and with runc where it is installed.
global=()
opts=()
probe() { podman "${global[@]}" run --rm "${opts[@]}" "$image" --version 2>&1; }
if ! why="$(probe)"; then
  say "podman could not start the image with its defaults: $(tail -n 1 <<<"$why")"
  if command -v runc >/dev/null 2>&1; then global=(--runtime runc); fi
  opts=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
  say "retrying with: podman ${global[*]} run ${opts[*]}"
  if ! why="$(probe)"; then
    echo "" >&2
    echo "*** SKIPPED: starting the image: podman cannot run containers on this machine: $(tail -n 1 <<<"$why") ***" >&2
    echo "*** only the image's configuration and files were checked ***" >&2
    exit 0
  fi
fi
say "podman runs the image: $(head -n 1 <<<"$why")"

mkdir -m 777 "$work/repo"
podman "${global[@]}" run --rm "${opts[@]}" -v "$work/repo:/out" "$image" repo /out --zoo tiny >/dev/null \
  || failed "cotenant repo in the image could not write a model repository"
server=$(podman "${global[@]}" run -d "${opts[@]}" -p 127.0.0.1::8000 -p 127.0.0.1::8001 -v "$work/repo:/models:ro" "$image")
containers+=("$server")
url="http://$(podman port "$server" 8000/tcp | head -n 1)"
say "serving on $url (container ${server:0:12}), waiting for ready"
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v2/health/ready" || true)" = 200 ]; then break; fi
  if [ "$(podman inspect --format '{{.State.Running}}' "$server")" != true ]; then
    failed "the server exited: $(podman logs "$server" 2>&1 | tail -n 5)"
  fi
  sleep 0.5
done
expect "GET /v2/health/ready" "$(curl -s -o /dev/null -w '%{http_code}' "$url/v2/health/ready")" 200
expect "GET /v2/health/live" "$(curl -s -o /dev/null -w '%{http_code}' "$url/v2/health/live")" 200
answer="$(curl -s -X POST "$url/v2/models/tiny/infer" -d '{"inputs": [{"name": "x", "shape": [1, 16], "datatype": "FP32",
  "data": [100, -100, 100, -100, 100, -100, 100, -100, 100, -100, 100, -100, 100, -100, 100, -100]}]}')"
# y = Relu(x + b), b near 0.1: about 100, then exactly 0, in turn
grep -qE '"shape":\[1,16\],"data":\[(9[5-9]|10[0-4])\.[0-9]*,0\.0,' <<<"$answer" || failed "the inference answered $answer"
metrics="$(curl -s "$url/metrics")"
grep -q '^nv_inference_request_success{' <<<"$metrics" || failed "no nv_inference_request_success in /metrics"
grep -q '^jvm_memory_used_bytes{' <<<"$metrics" || failed "no JVM metrics in /metrics"
expect "the server's user" "$(podman exec "$server" id -u)" 10001
say "ready, live, one inference ($answer), metrics; stopping it with SIGTERM"
podman stop -t 30 "$server" >/dev/null
expect "the exit status after SIGTERM" "$(podman inspect --format '{{.State.ExitCode}}' "$server")" 143
podman logs "$server" 2>&1 | grep -q 'Server: stopped' || failed "no 'stopped' in the log: $(podman logs "$server" 2>&1 | tail -n 5)"
say "PASSED: podman ran $image: health, infer and metrics answered, SIGTERM drained and stopped it"
