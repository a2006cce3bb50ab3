#!/usr/bin/env bash
# The GPU check, run on the device machine from the repository root with
# .gpu carried (built by scripts/gpu-bundle.sh here):
#
#   run(command="bash scripts/gpu-check.sh", carry=[".gpu"], timeout_s=420)
#
# Steps, the quickest and most valuable first, each writing its report to
# $OUT as soon as it ends (a kill keeps what is done); their time limits
# add up to about 8 minutes, and on an H200 the steps end well within
# them (the device tool's limit for the whole command is 7):
#   1. preflight (seconds): unpack the Vulkan loader set if the machine has
#      no loader, point VK_DRIVER_FILES at NVIDIA's ICD if the loader finds
#      no driver, record nvidia-smi; vkinfo must list a hardware GPU, or
#      the check prints the loader's debug output and exits 1;
#   2. the Vulkan tests on the GPU: they fail the check if any skipped for
#      want of a device or if none passed;
#   3. the conformance suite once more under core and synchronization
#      validation (the layers unpacked into .gpu/vvl);
#   4. the reliability suite (concurrency, closed devices, memory limits)
#      on the GPU;
#   5. the GEMM tile sweep, vkbench on the GPU alone, PyTorch on the same
#      cases (scripts/torch_bench.py with the machine's python3, CUDA, TF32
#      off and on) rendered beside it in one table, MNIST MLP and CNN.
#
# GPU_CHECK_ALLOW_SOFTWARE=1 lets a software device pass the preflight (a
# dry run here on lavapipe); GPU_CHECK_QUICK=1 shortens every step;
# GPU_CHECK_NO_INSTALL=1 never unpacks the loader set (for tests).
set -uo pipefail
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
B=.gpu/bin
failed=0
fail() { echo "gpu-check: FAILED: $*" | tee -a "$OUT/summary.txt"; failed=1; }
note() { echo "gpu-check: $*" | tee -a "$OUT/summary.txt"; }
: > "$OUT/summary.txt"
quick=""
[ -n "${GPU_CHECK_QUICK:-}" ] && quick=1

# 1. Preflight.
if [ -z "${GPU_CHECK_NO_INSTALL:-}" ] && ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gpu/deb/*.deb; do dpkg -x "$f" /; done
  ldconfig
  note "unpacked the Vulkan loader set ($(ls .gpu/deb | tr '\n' ' '))"
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ] &&
   [ ! -e /usr/share/vulkan/icd.d/nvidia_icd.json ] && [ ! -e /etc/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=$nvidia_icd
  egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
  note "VK_DRIVER_FILES=$VK_DRIVER_FILES"
fi
export MNIST_DIR=$PWD/.gpu/mnist
{
  nvidia-smi || echo "no nvidia-smi"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>/dev/null || true
} > "$OUT/nvidia-smi.txt" 2>&1
require=-require-gpu
[ -n "${GPU_CHECK_ALLOW_SOFTWARE:-}" ] && require=""
if ! timeout 15 $B/vkinfo $require > "$OUT/vkinfo.txt" 2>&1; then
  cat "$OUT/vkinfo.txt"
  echo "--- the loader's view (VK_LOADER_DEBUG=error,warn,driver) ---"
  VK_LOADER_DEBUG=error,warn,driver timeout 15 $B/vkinfo 2>&1 | tail -60 | tee "$OUT/loader-debug.txt"
  fail "preflight: no hardware GPU (set GPU_CHECK_ALLOW_SOFTWARE=1 for a dry run on a software device)"
  exit 1
fi
cat "$OUT/vkinfo.txt"
head -3 "$OUT/nvidia-smi.txt"

# passfail LOG NAME: the check fails if the tests in LOG skipped for want of
# a device, failed, or none passed.
passfail() {
  local log=$1 name=$2 pass fails skips
  pass=$(grep -c -- '--- PASS' "$log")
  fails=$(grep -c -- '--- FAIL' "$log")
  skips=$(grep -A1 -- '--- SKIP' "$log" | grep -ci 'no vulkan')
  note "$name: $pass passed, $fails failed, $skips skipped for want of a device"
  grep -- '--- FAIL' "$log" | head -20
  [ "$pass" -gt 0 ] || fail "$name: nothing passed"
  [ "$fails" -eq 0 ] || fail "$name: $fails failed"
  [ "$skips" -eq 0 ] || fail "$name: skipped for want of a device"
  grep -q '^ok\|^PASS' "$log" || fail "$name: did not finish (see $(basename "$log"))"
}

# 2. The Vulkan tests on the GPU.
t=80; [ -n "$quick" ] && t=240
timeout $t $B/kernels.test -test.count=1 -test.v \
  -test.run 'TestConformance|TestProgramSameOnCPUAndVulkan|TestReadBackOnlyOnData|TestTrainingStaysOnDevice|TestGradientsOnVulkan|TestBatching|TestProfile|TestTorch|TestGEMMTiles|TestRefusedAllocations' \
  > "$OUT/kernels-test.log" 2>&1
passfail "$OUT/kernels-test.log" "kernels tests"

# 3. Conformance under validation, with the layers carried.
if [ ! -d .gpu/vvl/usr ]; then
  for f in .gpu/vvl-deb/*.deb; do dpkg -x "$f" .gpu/vvl; done
fi
layers=$(dirname "$(find .gpu/vvl -name VkLayer_khronos_validation.json | head -1)")
if [ -n "$layers" ] && [ "$layers" != . ]; then
  VK_LAYER_PATH=$PWD/$layers LD_LIBRARY_PATH=$PWD/.gpu/vvl/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    VKGRAD_VALIDATE=1 timeout 50 $B/kernels.test -test.count=1 -test.v -test.run 'TestConformance$' > "$OUT/conformance-validated.log" 2>&1
  passfail "$OUT/conformance-validated.log" "conformance under validation"
  grep -q 'validation true' "$OUT/conformance-validated.log" || fail "conformance ran without the validation layer"
else
  fail "no validation layers in .gpu/vvl"
fi

# 4. The reliability suite on the GPU.
VKGRAD_COMMANDS_DIR=$PWD/$B timeout 45 $B/reliability.test -test.count=1 -test.v > "$OUT/reliability.log" 2>&1
passfail "$OUT/reliability.log" "reliability suite"

# 5. Measurements: the tile sweep, vkbench on the GPU, MNIST.
sweep='GEMMTiles'
[ -n "$quick" ] && sweep='GEMMTiles/mlp-fwd'
timeout 45 $B/kernels.test -test.run XXX -test.bench "$sweep" -test.benchtime 10x > "$OUT/gemm-tiles.txt" 2>&1
note "GEMM tile sweep: exit $?"
awk '/^BenchmarkGEMMTiles\// { split($1, f, "/"); c = f[2]; t = f[3] "/" f[4]; sub(/-[0-9]+$/, "", t); g = $(NF-1)
    if (t == "auto/nosplit=false") auto[c] = g
    if (g > best[c]) { best[c] = g; bt[c] = t }
    if (!(c in seen)) { seen[c] = 1; order[++n] = c } }
  END { printf "%-28s %10s %10s  %s\n", "shape", "auto", "best", "best tile"
    for (i = 1; i <= n; i++) { c = order[i]; printf "%-28s %10.1f %10.1f  %s\n", c, auto[c], best[c], bt[c] } }' "$OUT/gemm-tiles.txt" | tee "$OUT/gemm-tiles-summary.txt"
bq=""; [ -n "$quick" ] && bq=-quick
timeout 90 $B/vkbench $bq -devices vulkan -no-first-run -json "$OUT/bench.json" -md "$OUT/bench.md" -plot "$OUT/gemm.svg" > "$OUT/bench.txt" 2> "$OUT/bench-progress.txt"
note "vkbench: exit $?"
cat "$OUT/bench.txt"
# PyTorch on the same GPU, the same cases (TF32 off, and on as a second
# column), in vkbench's JSON; then one table of both with their ratio.
if command -v python3 >/dev/null && python3 -c 'import torch' 2>/dev/null; then
  tdev=cpu
  python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' && tdev=cuda
  $B/vkbench $bq -cases "$OUT/cases.json" > /dev/null
  tmin=0.5; [ -n "$quick" ] && tmin=0
  timeout 75 python3 scripts/torch_bench.py --cases "$OUT/cases.json" --json "$OUT/torch.json" --device $tdev --tf32 --min-time $tmin > "$OUT/torch.txt" 2>&1
  note "torch_bench ($tdev): exit $?"
  $B/vkbench -from "$OUT/bench.json,$OUT/torch.json" -md "$OUT/side-by-side.md" > "$OUT/side-by-side.txt" 2>&1
  cat "$OUT/side-by-side.txt"
else
  note "no python3 with torch: no PyTorch column"
fi
# The MLP's 5 epochs, the CNN's first 2 (its epoch time is the figure).
for run in "mlp 40 -epochs 5" "cnn 50 -epochs 2"; do
  set -- $run
  model=$1 t=$2; shift 2
  args="$*"
  if [ -n "$quick" ]; then
    [ "$model" = cnn ] && { note "mnist cnn: skipped in the quick dry run (its evaluation alone takes minutes on a software device)"; continue; }
    args="-epochs 1 -limit 20"; t=150
  fi
  timeout $t $B/mnist -device vulkan -model $model -quiet $args > "$OUT/mnist-$model.txt" 2>&1
  note "mnist $model: exit $? — $(tail -1 "$OUT/mnist-$model.txt")"
done
cat "$OUT/summary.txt"
exit $failed
