# Shared by the serving benchmarks (sourced, run from the project root): where they write, the
# model repository of three zoo tenants with their SLOs (made on first use), the port and the
# --model arguments of the load generator, and the SLOs (the repository's and the load generator's,
# which counts the answers within them).
out="${COTENANT_BENCH_OUT:-/tmp/cotenant-bench-out}"
repo="${COTENANT_BENCH_REPO:-/tmp/cotenant-bench-repo}"
port=18100
mkdir -p "$out"
slos=(--slo-ms resnet18=500 --slo-ms mobilenetv2=300 --slo-ms bert-tiny=200)
if [ ! -f "$repo/resnet18/1/model.onnx" ]; then
  ./cotenant repo "$repo" --zoo resnet18 --zoo mobilenetv2 --zoo bert-tiny --max-batch 4 --queue 32 \
    "${slos[@]}"
fi
models=(--model resnet18 --model mobilenetv2 --model bert-tiny)
