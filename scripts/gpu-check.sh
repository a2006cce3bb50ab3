#!/usr/bin/env bash
# The GPU check, run on the device machine from the repository root with
# .gpu carried (built by scripts/gpu-bundle.sh here):
#
#   run(command="bash scripts/gpu-check.sh", carry=[".gpu"], timeout_s=540)
#
# It installs the Vulkan loader if the machine lacks it, lists the devices,
# runs the Vulkan tests on the GPU, the full benchmark suite and the MNIST
# trainer (MLP and CNN) on the GPU, and leaves the logs and reports in $OUT.
# Its steps' time limits add up to under 9 minutes (110 + 80 + 190 + 2·70 s).
set -uo pipefail
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gpu/deb/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] &&
   [ ! -e /usr/share/vulkan/icd.d/nvidia_icd.json ] && [ ! -e /etc/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
export MNIST_DIR=$PWD/.gpu/mnist
B=.gpu/bin
{
  nvidia-smi -L || true
  $B/vkinfo
} 2>&1 | tee "$OUT/vkinfo.txt"
# The Vulkan tests on every device (the GPU first in vkinfo's order), without
# validation layers (the machine has none).
timeout 110 $B/kernels.test -test.count=1 -test.v \
  -test.run 'TestConformance|TestProgramSameOnCPUAndVulkan|TestReadBackOnlyOnData|TestTrainingStaysOnDevice|TestGradientsOnVulkan|TestBatching|TestProfile|TestTorchTrajectories|TestGEMMTiles' \
  > "$OUT/kernels-test.log" 2>&1
echo "kernels tests: exit $? ($(grep -c -- '--- PASS' "$OUT/kernels-test.log") passed, $(grep -c -- '--- FAIL' "$OUT/kernels-test.log") failed)"
grep -- '--- FAIL' "$OUT/kernels-test.log" | head -20
quick=""
[ -n "${GPU_CHECK_QUICK:-}" ] && quick=-quick # a smoke test of this script on a slow device
# The GEMM tile sweep (kernels/tune_test.go): every candidate tile, split-K
# on and off, on squares and training shapes, GFLOP/s by GPU timestamps;
# then, per shape, the presets' choice beside the fastest tile.
sweep='GEMMTiles'
[ -n "$quick" ] && sweep='GEMMTiles/mlp-fwd'
timeout 80 $B/kernels.test -test.run XXX -test.bench "$sweep" -test.benchtime 10x > "$OUT/gemm-tiles.txt" 2>&1
echo "GEMM tile sweep: exit $?"
awk '/^BenchmarkGEMMTiles\// { split($1, f, "/"); c = f[2]; t = f[3] "/" f[4]; sub(/-[0-9]+$/, "", t); g = $(NF-1)
    if (t == "auto/nosplit=false") auto[c] = g
    if (g > best[c]) { best[c] = g; bt[c] = t }
    if (!(c in seen)) { seen[c] = 1; order[++n] = c } }
  END { printf "%-28s %10s %10s  %s\n", "shape", "auto", "best", "best tile"
    for (i = 1; i <= n; i++) { c = order[i]; printf "%-28s %10.1f %10.1f  %s\n", c, auto[c], best[c], bt[c] } }' "$OUT/gemm-tiles.txt" | tee "$OUT/gemm-tiles-summary.txt"
# The CPU and the best Vulkan device (gonum's reference column is left out:
# at n = 4096 it alone takes a minute).
timeout 190 $B/vkbench $quick -devices cpu,vulkan -json "$OUT/bench.json" -md "$OUT/bench.md" -plot "$OUT/gemm.svg" > "$OUT/bench.txt" 2> "$OUT/bench-progress.txt"
echo "vkbench: exit $?"
cat "$OUT/bench.txt"
for model in mlp cnn; do
  timeout 70 $B/mnist -device vulkan -model $model -quiet 2>&1 | tee "$OUT/mnist-$model.txt"
done
