#!/usr/bin/env bash
# The CPU backend beside PyTorch on the MNIST MLP and CNN, alternating runs
# in one sitting, medians and ratios: the README's CPU speed table.
#
#   bash scripts/cpu-vs-torch.sh [rounds]        # default 3 rounds
#
# Each round runs, in turn: vkgrad's MLP (5 epochs, cmd/mnist -model mlp),
# PyTorch's (../shared/anchors/mlp_torch.py, the same recipe), vkgrad's CNN
# on 60 batches of 128 (cmd/mnist -model cnn -limit 60) and PyTorch's
# (cnn_torch.py --max-batches 60). PyTorch runs on one thread (its
# default here; two fight OpenBLAS's threads for the cores, see the
# anchors' README). It needs Debian's python3-torch and python3-numpy and
# the anchors folder beside the checkout (ANCHORS=dir to point elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
anchors=${ANCHORS:-../shared/anchors}
py=/usr/bin/python3
for f in "$anchors/mlp_torch.py" "$anchors/cnn_torch.py"; do
  [ -f "$f" ] || { echo "cpu-vs-torch: $f not found (set ANCHORS)" >&2; exit 1; }
done
"$py" -c 'import torch, numpy' || { echo "cpu-vs-torch: $py lacks torch or numpy (apt-get install python3-torch python3-numpy)" >&2; exit 1; }
MNIST_DIR=${MNIST_DIR:-$(go run ./internal/mnistdir)}
export MNIST_DIR
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/mnist" ./cmd/mnist
out="$bin/runs.tsv"
# vkgrad's training seconds: the sum of its epochs' "time Xs".
vk_train() { "$bin/mnist" -device cpu -quiet "$@" | sed -n 's/.*time \([0-9.]*\)s.*/\1/p' | awk '{s += $1} END {print s}'; }
for r in $(seq "$rounds"); do
  echo "round $r/$rounds" >&2
  printf 'mlp\tvkgrad\t%s\n' "$(vk_train -model mlp -epochs 5)" >>"$out"
  printf 'mlp\ttorch\t%s\n' "$("$py" "$anchors/mlp_torch.py" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["train_s"])')" >>"$out"
  printf 'cnn\tvkgrad\t%s\n' "$(vk_train -model cnn -epochs 1 -limit 60)" >>"$out"
  printf 'cnn\ttorch\t%s\n' "$("$py" "$anchors/cnn_torch.py" --max-batches 60 | "$py" -c 'import json,sys; print(json.load(sys.stdin)["train_s"])')" >>"$out"
done
"$py" - "$out" <<'PY'
import statistics, sys, platform
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
runs = {}
for job, who, s in rows:
    runs.setdefault((job, who), []).append(float(s))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print(f"CPU: {cpu}, {len(open('/proc/cpuinfo').read().split('processor')) - 1} cores; {len(runs[('mlp', 'vkgrad')])} alternating rounds, medians (all runs in brackets)\n")
print("| job | vkgrad | PyTorch | vkgrad/PyTorch time |")
print("|---|---|---|---|")
for job, what in (("mlp", "MNIST MLP, 5 epochs: training seconds"), ("cnn", "MNIST CNN, 60 batches of 128: training seconds")):
    v, t = runs[(job, "vkgrad")], runs[(job, "torch")]
    mv, mt = statistics.median(v), statistics.median(t)
    fmt = lambda xs: ", ".join(f"{x:.2f}" for x in xs)
    print(f"| {what} | {mv:.2f} [{fmt(v)}] | {mt:.2f} [{fmt(t)}] | {mv / mt:.2f}× |")
cv, ct = statistics.median(runs[("cnn", "vkgrad")]), statistics.median(runs[("cnn", "torch")])
print(f"\nCNN images/s: vkgrad {60 * 128 / cv:.0f}, PyTorch {60 * 128 / ct:.0f} ({ct / cv:.2f}× PyTorch's)")
PY
