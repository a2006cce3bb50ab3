//go:build cgo

package kernels

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// busyTarget is how many workgroups a GEMM's grid should have to keep the
// device busy: two per compute unit (SM, CU) where the device says how
// many it has; for GPUs that do not say, an estimate by vendor; for
// software devices, one per CPU thread, since each runs a workgroup at a
// time and slicing work finer only adds to it. It returns the target and
// where it comes from.
func busyTarget(kind device.Kind, vendorID uint32, computeUnits, cpus int) (int, string) {
	if kind == device.KindSoftwareGPU {
		return max(2, cpus), fmt.Sprintf("software device: one workgroup per CPU thread (%d)", cpus)
	}
	if computeUnits > 0 {
		return 2 * computeUnits, fmt.Sprintf("two workgroups per compute unit (%d reported)", computeUnits)
	}
	est := 32 // integrated GPUs, Apple
	switch {
	case vendorID == 0x10de && kind == device.KindDiscreteGPU: // NVIDIA
		est = 64
	case vendorID == 0x1002 && kind == device.KindDiscreteGPU: // AMD
		est = 48
	case kind == device.KindDiscreteGPU:
		est = 32
	}
	return 2 * est, fmt.Sprintf("two workgroups per compute unit (%d estimated: the device does not report them)", est)
}

// chooseTile picks a GEMM tile for an M x N output in batch products: the
// largest preset the shape fits whose grid reaches target workgroups,
// else the one with the most workgroups (the smallest); split-K then
// makes up what the grid still lacks where K is long.
func (g gemmPresets) chooseTile(m, n, batch, target int) gemmTile {
	cands := []gemmTile{g.huge, g.large, g.small}
	fit := func(t gemmTile, i int) bool {
		if i == 0 { // the 128x128 tile wants two tiles each way
			return m >= 2*t.bm && n >= 2*t.bn
		}
		return i == len(cands)-1 || (m >= t.bm && n >= t.bn)
	}
	for i, t := range cands {
		if fit(t, i) && tilesOf(t, m, n)*batch >= target {
			return t
		}
	}
	return g.small
}

// tilesOf is the number of workgroups of an M x N output in tiles t.
func tilesOf(t gemmTile, m, n int) int { return ((m + t.bm - 1) / t.bm) * ((n + t.bn - 1) / t.bn) }
