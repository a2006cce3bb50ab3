#!/usr/bin/env bash
# The MLP's test accuracy over seeds, vkgrad beside PyTorch's anchor with the
# same recipe (784 → 512 ReLU → 10, RMSprop 1e-3 rho 0.9 eps 1e-7, batch 128,
# 5 epochs). The accuracy of one run depends on its seed by ±0.2 points;
# this measures the spread behind the figures in the README.
#
#   bash scripts/seed-study.sh [first-seed] [last-seed] [device]
#
# Defaults: seeds 1..12 on the CPU backend. The PyTorch column needs
# /usr/bin/python3 with torch (Debian's python3-torch) and ../shared/anchors;
# it is left out without them. Takes about 30 s per seed on 2 cores.
set -euo pipefail
first=${1:-1} last=${2:-12} dev=${3:-cpu}
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/mnist
go build -o "$bin" ./cmd/mnist
: "${MNIST_DIR:=$(go env GOMODCACHE)/github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data}"
export MNIST_DIR
anchor=../shared/anchors/mlp_torch.py
torch=no
if [ -f "$anchor" ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then torch=yes; fi
printf 'seed\tvkgrad(%s)\tpytorch\n' "$dev"
ours=() theirs=()
for s in $(seq "$first" "$last"); do
  a=$("$bin" -quiet -device "$dev" -seed "$s" | sed -n 's/^test accuracy: \([0-9.]*\)%$/\1/p')
  ours+=("$a")
  b=-
  if [ $torch = yes ]; then
    b=$(/usr/bin/python3 "$anchor" --seed "$s" --threads 1 |
      /usr/bin/python3 -c 'import json,sys; print("%.2f" % (100*json.load(sys.stdin)["test_acc"]))')
    theirs+=("$b")
  fi
  printf '%s\t%s\t%s\n' "$s" "$a" "$b"
done
summary() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1; s+=$1; if ($1>=97.8) p++}
  END {m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2
       printf "mean %.2f  median %.2f  min %.2f  max %.2f  ≥97.8%%: %d of %d", s/NR, m, v[1], v[NR], p, NR}'; }
echo "vkgrad:  $(summary "${ours[@]}")"
if [ $torch = yes ]; then echo "pytorch: $(summary "${theirs[@]}")"; fi
