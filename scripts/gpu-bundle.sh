#!/usr/bin/env bash
# Builds what the GPU check needs into .gpu/ (ignored by git), for the device
# machine, which has no Go, no network and maybe no Vulkan loader:
#   .gpu/bin    the test binaries of kernels and internal/reliability, and
#               vkinfo, vkbench, mnist
#   .gpu/deb    the loader set NVIDIA's Vulkan driver needs (libvulkan1 and
#               the GLVND libraries: libegl1 libglvnd0 libopengl0 libgl1
#               libglx0 libgles2), unpacked there with dpkg -x into /, and
#               vulkan-validationlayers, unpacked there into .gpu/vvl only
#   .gpu/mnist  the MNIST files
# Then run scripts/gpu-check.sh there with .gpu carried (see that script).
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu/bin .gpu/deb .gpu/vvl-deb .gpu/mnist
go test -c -ldflags='-s -w' -o .gpu/bin/kernels.test ./kernels
go test -c -ldflags='-s -w' -o .gpu/bin/reliability.test ./internal/reliability
for cmd in vkinfo vkbench mnist; do
  go build -ldflags='-s -w' -o .gpu/bin/$cmd ./cmd/$cmd
done
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
apt-get $o update -qq
(cd .gpu/deb && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
(cd .gpu/vvl-deb && apt-get $o download vulkan-validationlayers >/dev/null)
n=$(ls .gpu/deb/*.deb | wc -l)
if [ "$n" -ne 7 ]; then
  echo "gpu-bundle: got $n of the 7 loader packages" >&2
  exit 1
fi
data=$(go run ./internal/mnistdir)
cp "$data"/*.gz .gpu/mnist/
du -sh .gpu
size=$(du -sm .gpu | cut -f1)
if [ "$size" -gt 62 ]; then
  echo "gpu-bundle: .gpu is $size MiB; the device tool carries at most 64 MiB" >&2
  exit 1
fi
