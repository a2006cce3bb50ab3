package vulkan

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vkgrad/vkgrad/device"
)

// Options configure Open.
type Options struct {
	// Index chooses a device by its enumeration index; -1 the best.
	Index int
	// Auto refuses software devices (lavapipe, SwiftShader): the CPU
	// backend is faster than they are.
	Auto bool
	// Validate enables the Khronos validation layer with synchronization
	// validation; errors become the runtime's kept error. Open also enables
	// it when VKGRAD_VALIDATE=1.
	Validate bool
	// ForceStaging uploads and downloads through staging buffers even where
	// device memory is host-visible (VKGRAD_FORCE_STAGING=1 too).
	ForceStaging bool
	// Profile times every dispatch with GPU timestamps (VKGRAD_PROFILE=1
	// too).
	Profile bool
	// NoPushDescriptors binds buffers through descriptor sets from pools
	// even where VK_KHR_push_descriptor is present (VKGRAD_NO_PUSH_DESCRIPTORS=1
	// too): the path of devices without it.
	NoPushDescriptors bool
	// NoSubgroups hides the device's subgroup operations from the kernels
	// (VKGRAD_NO_SUBGROUPS=1 too), so they take their shared-memory paths.
	NoSubgroups bool
}

// Properties are the facts about the device that kernels choose their
// tile and workgroup sizes from.
type Properties struct {
	Name                     string
	Type                     device.Kind
	Index                    int
	APIVersion               string
	DriverName, DriverInfo   string
	VendorID, DeviceID       uint32
	SubgroupSize             uint32
	MinSubgroup, MaxSubgroup uint32
	// SubgroupArithmetic reports subgroupAdd and friends in compute shaders.
	SubgroupArithmetic bool
	Float16, Storage16 bool
	MaxSharedMemory    uint32
	MaxInvocations     uint32
	MaxWorkgroupSize   [3]uint32
	MaxWorkgroupCount  [3]uint32
	MaxStorageRange    uint32
	MaxPushConstants   uint32
	MinStorageAlign    uint64
	TimestampPeriod    float32
	TimestampBits      uint32
	// Compute reports a queue family with compute support.
	Compute bool
	// PushDescriptors reports VK_KHR_push_descriptor.
	PushDescriptors bool
	// PreserveNaN reports shaderSignedZeroInfNanPreserveFloat32 on a
	// Vulkan 1.2 device: vkgrad's shaders then declare
	// SignedZeroInfNanPreserve, so the driver may not assume that no NaN
	// or Inf occurs.
	PreserveNaN bool
	// ComputeUnits is the number of SMs (VK_NV_shader_sm_builtins) or
	// compute units (VK_AMD_shader_core_properties); 0 when the device
	// does not say. WarpsPerCU is NVIDIA's warps per SM.
	ComputeUnits, WarpsPerCU int
	// Extensions reports the device extensions vkgrad looks at, by name.
	Extensions map[string]bool
	// HostVisibleDeviceMemory reports device-local memory the host can map
	// (UMA, ReBAR, a BAR window, lavapipe); MemoryPlan says whether
	// tensors use it.
	HostVisibleDeviceMemory bool
	Heaps                   []Heap
	MemoryTypes             []MemoryType
}

// MemoryPlan is the memory each use gets on this device (see PlanMemory).
func (p Properties) MemoryPlan(forceStaging bool) (MemoryPlan, error) {
	return PlanMemory(p.MemoryTypes, p.Heaps, p.Type, forceStaging)
}

// Heap is one memory heap of the device.
type Heap struct {
	Size        uint64
	DeviceLocal bool
}

// rank orders device kinds: discrete > integrated > virtual > software.
func rank(k device.Kind) int {
	switch k {
	case device.KindDiscreteGPU:
		return 4
	case device.KindIntegratedGPU:
		return 3
	case device.KindVirtualGPU:
		return 2
	}
	return 1
}

// Choose returns the index of the device Open would use among devs, or an
// error that says why there is none; with auto, software devices are
// passed over.
func Choose(devs []Properties, index int, auto bool) (int, error) {
	if len(devs) == 0 {
		return -1, errors.New("no Vulkan device: the loader found no driver (install mesa-vulkan-drivers or a GPU driver)")
	}
	if index >= 0 {
		if index >= len(devs) {
			return -1, fmt.Errorf("no Vulkan device %d: there are %d", index, len(devs))
		}
		if !devs[index].Compute {
			return -1, fmt.Errorf("Vulkan device %d (%s) has no compute queue", index, devs[index].Name)
		}
		return index, nil
	}
	order := make([]int, len(devs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank(devs[order[a]].Type) > rank(devs[order[b]].Type) })
	var skipped []string
	for _, i := range order {
		p := devs[i]
		if !p.Compute {
			skipped = append(skipped, p.Name+" has no compute queue")
			continue
		}
		if auto && p.Type == device.KindSoftwareGPU {
			skipped = append(skipped, fmt.Sprintf("%s is a software device, slower than the CPU backend (use \"vulkan\" to force it)", p.Name))
			continue
		}
		return i, nil
	}
	return -1, errors.New("no suitable Vulkan device: " + strings.Join(skipped, "; "))
}

// KernelTime is the GPU time of one kernel, summed over its dispatches.
type KernelTime struct {
	Name  string
	Count int
	Total time.Duration
}

// Mean is the time per dispatch.
func (k KernelTime) Mean() time.Duration {
	if k.Count == 0 {
		return 0
	}
	return k.Total / time.Duration(k.Count)
}
