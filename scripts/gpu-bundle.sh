#!/usr/bin/env bash
# Builds what a GPU check needs into .gpu/ (ignored by git), for the device
# machine, which has no Go, no network and maybe no Vulkan loader:
#   .gpu/bin    the test binary of kernels, and vkinfo, vkbench, mnist
#   .gpu/deb    libvulkan1 (the loader) to unpack there
#   .gpu/mnist  the MNIST files
# Then run scripts/gpu-check.sh there with .gpu carried (see that script).
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu/bin .gpu/deb .gpu/mnist
go test -c -ldflags='-s -w' -o .gpu/bin/kernels.test ./kernels
for cmd in vkinfo vkbench mnist; do
  go build -ldflags='-s -w' -o .gpu/bin/$cmd ./cmd/$cmd
done
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
apt-get $o update -qq
(cd .gpu/deb && apt-get $o download libvulkan1 >/dev/null)
data=$(go run ./internal/mnistdir)
cp "$data"/*.gz .gpu/mnist/
du -sh .gpu
