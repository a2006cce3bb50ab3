//go:build cgo

package kernels

import (
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// Recorded device properties: what the GEMM's grid aims for, and the tile
// and split each training shape gets.
func TestOccupancy(t *testing.T) {
	big := vulkan.Properties{MaxInvocations: 1024, MaxWorkgroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 48 << 10}
	lavapipe := vulkan.Properties{MaxInvocations: 1024, MaxWorkgroupSize: [3]uint32{1024, 1024, 1024}, MaxSharedMemory: 32 << 10}
	devices := []struct {
		name        string
		kind        device.Kind
		vendor      uint32
		units, cpus int
		props       vulkan.Properties
		target      int
	}{
		{"h200", device.KindDiscreteGPU, 0x10de, 132, 16, big, 264},
		{"nvidia-no-sm-builtins", device.KindDiscreteGPU, 0x10de, 0, 16, big, 128},
		{"amd-rx7900", device.KindDiscreteGPU, 0x1002, 96, 16, big, 192},
		{"intel-integrated", device.KindIntegratedGPU, 0x8086, 0, 8, big, 64},
		{"lavapipe-2", device.KindSoftwareGPU, 0x10005, 0, 2, lavapipe, 2},
	}
	for _, dv := range devices {
		target, why := busyTarget(dv.kind, dv.vendor, dv.units, dv.cpus)
		if target != dv.target || why == "" {
			t.Errorf("%s: target %d (%s), want %d", dv.name, target, why, dv.target)
		}
	}
	// On the H200: every training shape reaches two workgroups per SM,
	// through smaller tiles or split-K.
	g := choosePresets(big)
	for _, c := range []struct {
		m, n, k, batch int
	}{
		{1024, 1024, 1024, 1}, {4096, 4096, 4096, 1}, {128, 512, 784, 1}, {512, 784, 128, 1}, {128, 784, 512, 1},
		{128, 10, 512, 1}, {32, 12544, 288, 128}, // a batched conv GEMM
	} {
		tile := g.chooseTile(c.m, c.n, c.batch, 264)
		wgs := tilesOf(tile, c.m, c.n) * c.batch
		if c.batch == 1 {
			wgs *= splitK(tilesOf(tile, c.m, c.n), c.k, tile.bk, 264)
		}
		// 128x10 cannot: 4 row tiles of 32, and K = 512 splits 8 ways.
		if want := 264; c.n >= 32 && wgs < want {
			t.Errorf("h200 %dx%dx%d (batch %d): tile %dx%d gives %d workgroups, want at least %d", c.m, c.n, c.k, c.batch, tile.bm, tile.bn, wgs, want)
		}
	}
	if tile := g.chooseTile(4096, 4096, 1, 264); tile != g.huge {
		t.Errorf("h200 4096²: tile %v, want the largest", tile)
	}
	// On lavapipe the choice is by shape alone: the largest tile that fits.
	lp := choosePresets(lavapipe)
	for _, c := range []struct {
		m, n int
		want gemmTile
	}{{1024, 1024, lp.huge}, {128, 512, lp.large}, {128, 10, lp.small}} {
		if got := lp.chooseTile(c.m, c.n, 1, 2); got != c.want {
			t.Errorf("lavapipe %dx%d: tile %v, want %v", c.m, c.n, got, c.want)
		}
	}
}
