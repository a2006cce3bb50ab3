#!/usr/bin/env bash
# Instruction counts of the CPU backend's MNIST MLP and CNN training steps,
# under callgrind: repeatable where wall times on a shared machine are not
# (neighbours change the time, not the count). Prints, per step, the
# instructions in OpenBLAS, in vkgrad's own code (the CPU backend, its
# vector kernels, the tensor layer) and in the Go runtime and libc.
#
#   bash scripts/cpu-counts.sh [rev]     # rev: also count that commit, for a before/after table
#
# Needs valgrind (apt-get install valgrind). One thread (callgrind runs
# threads one at a time anyway), Go's asynchronous preemption off (its
# signals upset callgrind). Counts miss what the cycles see (cache misses,
# subnormal assists), so they complement the timings, not replace them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "cpu-counts: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"; git worktree remove --force "$work/old" 2>/dev/null || true' EXIT
build() { (cd "$1" && go test -c -o "$2" ./bench); }
build . "$work/new.test"
bins=(new)
if [ $# -ge 1 ]; then
  git worktree add -f -q "$work/old" "$1"
  cp bench/train_bench_test.go "$work/old/bench/" # the counted loop (runSteps)
  build "$work/old" "$work/old.test"
  bins=(old new)
fi
# -benchtime 3x runs the step once (b.N = 1) and then 3 times: 4 counted steps.
steps=4
printf '| build | model | OpenBLAS | vkgrad | runtime, libc | all (instructions per step) |\n|---|---|---|---|---|---|\n'
for b in "${bins[@]}"; do
  for m in mlp cnn; do
    out="$work/cg.$b.$m"
    GODEBUG=asyncpreemptoff=1 OPENBLAS_NUM_THREADS=1 GOMAXPROCS=1 valgrind --tool=callgrind --collect-atstart=no \
      --toggle-collect='*bench.runSteps*' --callgrind-out-file="$out" \
      "$work/$b.test" -test.run XXX -test.bench "TrainStepsCPU/$m\$" -test.benchtime 3x >/dev/null 2>"$out.log" ||
      { echo "cpu-counts: callgrind failed on $b $m:" >&2; tail -20 "$out.log" >&2; exit 1; }
    callgrind_annotate --auto=no --threshold=100 "$out" | awk -v b="$b" -v m="$m" -v steps="$steps" '
      /^ *[0-9,]+ +\(/ && !/PROGRAM TOTALS/ {
        n = $1; gsub(",", "", n)
        if ($0 ~ /libopenblas/) blas += n
        else if ($0 ~ /vkgrad/) own += n
        else rest += n
        all += n
      }
      END { printf "| %s | %s | %.1fM | %.1fM | %.1fM | %.1fM |\n", b, m, blas/steps/1e6, own/steps/1e6, rest/steps/1e6, all/steps/1e6 }'
  done
done
