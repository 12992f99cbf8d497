#!/usr/bin/env bash
# The engine at REV (A) against the working tree's (B), side by side in one JVM: both builds'
# classes in class loaders of their own, runs alternating, so that the host's slow phases hit both
# alike (bench/RESULTS.md, "What the slow phases are"). Builds REV in a worktree under $TMPDIR.
# Usage: bench/ab/ab.sh REV [--threads N] [--runs N] MODEL.onnx ...
#   e.g. bench/ab/ab.sh HEAD~1 --runs 200 /tmp/mobilenetv2.onnx
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rev="$1"; shift
threads=1; runs=100
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "give at least one MODEL.onnx" >&2; exit 2; }
cd "$root"
. bin/find-jdk.sh
work="${TMPDIR:-/tmp}/cotenant-ab"
rm -rf "$work"; mkdir -p "$work/harness"
git worktree add -q --detach "$work/a" "$rev"
trap 'git worktree remove --force "$work/a" 2>/dev/null || true' EXIT
(cd "$work/a" && mvn -B -ntp -o -q -pl engine compile)
mvn -B -ntp -o -q -pl engine compile
mvn -B -ntp -o -q -pl engine dependency:build-classpath -Dmdep.outputFile="$work/deps.cp" > /dev/null
javac --add-modules jdk.incubator.vector -nowarn -cp "engine/target/classes:$(cat "$work/deps.cp")" -d "$work/harness" bench/ab/ModelRun.java
javac -d "$work" bench/ab/EngineAB.java
java --add-modules jdk.incubator.vector -Xss8m -Dengines="$work/a/engine/target/classes:$root/engine/target/classes" \
  -Dcp="$(cat "$work/deps.cp")" -Dharness="$work/harness" -Dthreads="$threads" -Druns="$runs" -cp "$work" EngineAB "$@" 2>&1 \
  | grep -v "^WARNING"
