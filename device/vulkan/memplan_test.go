package vulkan

import (
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

const (
	dl = MemDeviceLocal
	hv = MemHostVisible | MemHostCoherent
	ca = MemHostCached
)

// Memory layouts as vulkaninfo reports them on each kind of device
// (heaps, then types as flags and heap), with the plan each must get.
func TestPlanMemory(t *testing.T) {
	const gib, mib = 1 << 30, 1 << 20
	tests := []struct {
		name                     string
		kind                     device.Kind
		heaps                    []Heap
		types                    []MemoryType
		force                    bool
		device, upload, readback int
		why                      string
	}{
		{
			// NVIDIA discrete without resizable BAR: VRAM, system memory,
			// and a 256 MiB BAR window that tensors must not use.
			name: "nvidia", kind: device.KindDiscreteGPU,
			heaps:  []Heap{{140 * gib, true}, {64 * gib, false}, {246 * mib, true}},
			types:  []MemoryType{{0, 1}, {dl, 0}, {dl, 0}, {hv, 1}, {hv | ca, 1}, {dl | hv, 2}},
			device: 1, upload: 3, readback: 4, why: "uploads and read-backs through staging",
		},
		{
			// NVIDIA with resizable BAR: the mappable type lives in the
			// VRAM heap; uploads go direct, reads through cached staging.
			name: "nvidia-rebar", kind: device.KindDiscreteGPU,
			heaps:  []Heap{{140 * gib, true}, {64 * gib, false}},
			types:  []MemoryType{{0, 1}, {dl, 0}, {hv, 1}, {hv | ca, 1}, {dl | hv, 0}},
			device: 4, upload: -1, readback: 3, why: "resizable BAR",
		},
		{
			name: "nvidia-rebar-forced", kind: device.KindDiscreteGPU, force: true,
			heaps:  []Heap{{140 * gib, true}, {64 * gib, false}},
			types:  []MemoryType{{0, 1}, {dl, 0}, {hv, 1}, {hv | ca, 1}, {dl | hv, 0}},
			device: 1, upload: 2, readback: 3, why: "staging forced",
		},
		{
			// AMD discrete with Smart Access Memory (RADV), with AMD's
			// device-coherent types, which are never chosen.
			name: "amd-sam", kind: device.KindDiscreteGPU,
			heaps:  []Heap{{16 * gib, true}, {32 * gib, false}},
			types:  []MemoryType{{dl, 0}, {hv, 1}, {dl | hv, 0}, {hv | ca, 1}, {dl | MemDeviceCoherentAMD | MemDeviceUncachedAMD, 0}, {dl | hv | MemDeviceCoherentAMD | MemDeviceUncachedAMD, 0}},
			device: 2, upload: -1, readback: 3, why: "resizable BAR",
		},
		{
			// AMD without SAM: VRAM less the window, and the window.
			name: "amd", kind: device.KindDiscreteGPU,
			heaps:  []Heap{{15.75 * gib, true}, {32 * gib, false}, {256 * mib, true}},
			types:  []MemoryType{{dl, 0}, {hv, 1}, {dl | hv, 2}, {hv | ca, 1}},
			device: 0, upload: 1, readback: 3,
		},
		{
			// Intel integrated (ANV): one heap of system memory, a cached
			// mappable type: direct both ways.
			name: "intel", kind: device.KindIntegratedGPU,
			heaps:  []Heap{{24 * gib, true}},
			types:  []MemoryType{{dl, 0}, {dl | hv | ca, 0}},
			device: 1, upload: -1, readback: -1, why: "integrated-gpu device",
		},
		{
			// Apple silicon through MoltenVK: private, shared (coherent)
			// and managed (cached, not coherent) types in one heap.
			name: "apple", kind: device.KindIntegratedGPU,
			heaps:  []Heap{{10 * gib, true}},
			types:  []MemoryType{{dl, 0}, {dl | hv, 0}, {dl | MemHostVisible | ca, 0}},
			device: 1, upload: -1, readback: -1, why: "read directly",
		},
		{
			// lavapipe: one type that is everything.
			name: "lavapipe", kind: device.KindSoftwareGPU,
			heaps:  []Heap{{2 * gib, true}},
			types:  []MemoryType{{dl | hv | ca, 0}},
			device: 0, upload: -1, readback: -1,
		},
		{
			// lavapipe with staging forced: the staging paths run on the
			// one type there is.
			name: "lavapipe-forced", kind: device.KindSoftwareGPU, force: true,
			heaps:  []Heap{{2 * gib, true}},
			types:  []MemoryType{{dl | hv | ca, 0}},
			device: 0, upload: 0, readback: 0, why: "forced",
		},
		{
			// Lazily allocated and protected types are passed over.
			name: "lazy", kind: device.KindIntegratedGPU,
			heaps:  []Heap{{8 * gib, true}},
			types:  []MemoryType{{dl | MemLazilyAllocated, 0}, {dl | MemProtected, 0}, {dl | hv | ca, 0}},
			device: 2, upload: -1, readback: -1,
		},
	}
	for _, tc := range tests {
		p, err := PlanMemory(tc.types, tc.heaps, tc.kind, tc.force)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if p.Device != tc.device || p.Upload != tc.upload || p.Readback != tc.readback || !strings.Contains(p.Why, tc.why) {
			t.Errorf("%s: plan %+v, want device %d, upload %d, read-back %d (%q)", tc.name, p, tc.device, tc.upload, tc.readback, tc.why)
		}
		if h := tc.types[p.Device].Heap; tc.heaps[h].Size < 1*gib {
			t.Errorf("%s: tensors in heap %d of %d bytes", tc.name, h, tc.heaps[h].Size)
		}
	}
	// No device-local memory, no host-visible memory: errors.
	if _, err := PlanMemory([]MemoryType{{hv, 0}}, []Heap{{gib, false}}, device.KindDiscreteGPU, false); err == nil {
		t.Error("a device without device-local memory got a plan")
	}
	if _, err := PlanMemory([]MemoryType{{dl, 0}}, []Heap{{gib, true}}, device.KindDiscreteGPU, false); err == nil || !strings.Contains(err.Error(), "uploads") {
		t.Errorf("a device without host-visible memory: %v", err)
	}
}
