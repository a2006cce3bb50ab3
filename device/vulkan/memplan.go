package vulkan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vkgrad/vkgrad/device"
)

// MemoryFlags are a memory type's VkMemoryPropertyFlags.
type MemoryFlags uint32

// The memory property bits vkgrad looks at.
const (
	MemDeviceLocal     MemoryFlags = 0x01
	MemHostVisible     MemoryFlags = 0x02
	MemHostCoherent    MemoryFlags = 0x04
	MemHostCached      MemoryFlags = 0x08
	MemLazilyAllocated MemoryFlags = 0x10
	MemProtected       MemoryFlags = 0x20
	// The AMD device-coherent bits: memory for debugging and
	// cross-device use, slow for compute.
	MemDeviceCoherentAMD MemoryFlags = 0x40
	MemDeviceUncachedAMD MemoryFlags = 0x80
)

// String lists the flags: "device-local|host-visible|coherent|cached".
func (f MemoryFlags) String() string {
	var s []string
	for _, b := range []struct {
		bit  MemoryFlags
		name string
	}{{MemDeviceLocal, "device-local"}, {MemHostVisible, "host-visible"}, {MemHostCoherent, "coherent"}, {MemHostCached, "cached"},
		{MemLazilyAllocated, "lazy"}, {MemProtected, "protected"}, {MemDeviceCoherentAMD, "device-coherent"}, {MemDeviceUncachedAMD, "device-uncached"}} {
		if f&b.bit != 0 {
			s = append(s, b.name)
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, "|")
}

// MemoryType is one memory type of a device: its flags and its heap.
type MemoryType struct {
	Flags MemoryFlags
	Heap  int
}

// MemoryPlan says which memory type each use of memory gets.
type MemoryPlan struct {
	// Device holds every tensor.
	Device int
	// Upload is the staging type uploads go through, or -1 when the host
	// writes Device memory directly.
	Upload int
	// Readback is the staging type read-backs go through, or -1 when the
	// host reads Device memory directly.
	Readback int
	// Why says, in a line, how the choice was made.
	Why string
}

// Mapped reports whether Device memory is mapped for the host.
func (p MemoryPlan) Mapped() bool { return p.Upload < 0 || p.Readback < 0 }

// PlanMemory chooses the memory types of a device, from its memory
// properties and its kind alone:
//
//   - tensors live in a device-local type of the largest device-local
//     heap;
//   - the host writes that memory directly only where it is host-visible
//     and coherent and is not a small window onto device memory: on
//     integrated, virtual and software devices, and on discrete GPUs whose
//     host-visible device-local type lives in the largest heap (resizable
//     BAR, Smart Access Memory). A BAR window of 256 MiB is never used
//     for tensors;
//   - the host reads it directly only where it is also host-cached: a
//     read through a write-combined mapping is uncached and slow, so
//     read-back otherwise goes through a host-visible, coherent, cached
//     staging type (uncached where there is none);
//   - uploads otherwise go through a host-visible, coherent staging type,
//     system memory first.
//
// forceStaging stages both directions whatever the device allows.
// Memory types that are lazily allocated, protected or AMD's
// device-coherent debugging types are never chosen.
func PlanMemory(types []MemoryType, heaps []Heap, kind device.Kind, forceStaging bool) (MemoryPlan, error) {
	const hv = MemHostVisible | MemHostCoherent
	usable := func(t MemoryType) bool {
		return t.Flags&(MemLazilyAllocated|MemProtected|MemDeviceCoherentAMD|MemDeviceUncachedAMD) == 0 && t.Heap >= 0 && t.Heap < len(heaps)
	}
	// The largest heap that a usable device-local type lives in.
	big := -1
	for _, t := range types {
		if usable(t) && t.Flags&MemDeviceLocal != 0 && (big < 0 || heaps[t.Heap].Size > heaps[big].Size) {
			big = t.Heap
		}
	}
	if big < 0 {
		return MemoryPlan{}, errors.New("no device-local memory type")
	}
	// In that heap: a mappable type where the device allows the host to
	// use it directly, else a plain device-local one.
	uma := kind != device.KindDiscreteGPU
	plain, mapped := -1, -1
	for i, t := range types {
		if !usable(t) || t.Heap != big || t.Flags&MemDeviceLocal == 0 {
			continue
		}
		if t.Flags&hv == hv {
			// Prefer a cached mapping: it serves reads too.
			if mapped < 0 || (t.Flags&MemHostCached != 0 && types[mapped].Flags&MemHostCached == 0) {
				mapped = i
			}
		} else if plain < 0 || (types[plain].Flags&MemHostVisible != 0 && t.Flags&MemHostVisible == 0) {
			plain = i
		}
	}
	p := MemoryPlan{Device: plain, Upload: -1, Readback: -1}
	heapNote := fmt.Sprintf("heap %d (%s)", big, device.FormatBytes(int64(heaps[big].Size)))
	switch {
	case mapped >= 0 && !forceStaging:
		p.Device = mapped
		if types[mapped].Flags&MemHostCached == 0 {
			p.Readback = -2 // chosen below
		}
		if uma {
			p.Why = fmt.Sprintf("%v device: tensors in mappable memory of %s, written directly", kind, heapNote)
		} else {
			p.Why = fmt.Sprintf("discrete GPU with its whole memory mappable (resizable BAR): tensors in %s, written directly", heapNote)
		}
	case plain >= 0:
		p.Upload, p.Readback = -2, -2
		p.Why = fmt.Sprintf("tensors in device-local %s, uploads and read-backs through staging", heapNote)
		if forceStaging {
			p.Why += " (staging forced)"
		}
	case mapped >= 0: // forced staging on a device with only a mappable type
		p.Device, p.Upload, p.Readback = mapped, -2, -2
		p.Why = fmt.Sprintf("tensors in %s, uploads and read-backs through staging (forced)", heapNote)
	default:
		return MemoryPlan{}, fmt.Errorf("no device-local memory type in heap %d", big)
	}
	// Staging: host-visible and coherent; for read-back cached above all;
	// system memory before a BAR window; the first such type on a tie.
	score := func(t MemoryType, read bool) int {
		if !usable(t) || t.Flags&hv != hv {
			return -1
		}
		s := 1
		if read && t.Flags&MemHostCached != 0 {
			s += 4
		}
		if t.Flags&MemDeviceLocal == 0 {
			s += 2
		}
		return s
	}
	pick := func(read bool) int {
		best, bs := -1, -1
		for i, t := range types {
			if s := score(t, read); s > bs {
				best, bs = i, s
			}
		}
		return best
	}
	if p.Upload == -2 {
		if p.Upload = pick(false); p.Upload < 0 {
			return MemoryPlan{}, errors.New("no host-visible, coherent memory type for uploads")
		}
	}
	if p.Readback == -2 {
		if p.Readback = pick(true); p.Readback < 0 {
			return MemoryPlan{}, errors.New("no host-visible, coherent memory type for read-back")
		}
		if !forceStaging && p.Readback == p.Device {
			// No better memory to read through than the tensors' own.
			p.Readback = -1
			p.Why += "; read directly (uncached: the device has no cached host memory)"
		} else if types[p.Readback].Flags&MemHostCached == 0 {
			p.Why += "; read-back uncached (the device has no cached host memory)"
		} else if p.Upload < 0 {
			p.Why += "; read-backs through cached staging (the mapping is write-combined)"
		}
	}
	return p, nil
}
