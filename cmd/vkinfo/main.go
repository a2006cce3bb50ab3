// Command vkinfo lists the Vulkan devices vkgrad can use: type, driver,
// memory heaps and types with the memory plan vkgrad follows, the largest
// buffer, subgroup size, shared memory and float16 support, and marks the
// one Open("auto") picks, or says why it picks none.
//
//	vkinfo                 list the devices
//	vkinfo -require-gpu    also exit 1 unless a hardware GPU is among them
//	                       (the GPU check's preflight)
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func main() {
	requireGPU := flag.Bool("require-gpu", false, "exit 1 unless a hardware GPU (discrete, integrated or virtual) is listed")
	flag.Parse()
	if err := run(os.Stdout, *requireGPU); err != nil {
		fmt.Fprintln(os.Stderr, "vkinfo:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, requireGPU bool) error {
	devs, err := vulkan.Devices()
	if err != nil {
		fmt.Fprintf(w, "no Vulkan: %v\n\"auto\" uses the CPU backend.\n", err)
		if requireGPU {
			return fmt.Errorf("no hardware GPU: %v", err)
		}
		return nil
	}
	auto, autoErr := vulkan.Choose(devs, -1, true)
	for i, d := range devs {
		mark := " "
		if i == auto {
			mark = "*"
		}
		fmt.Fprintf(w, "%s vulkan:%d  %s\n", mark, i, d.Name)
		fmt.Fprintf(w, "    type            %v\n", d.Type)
		fmt.Fprintf(w, "    driver          %s %s (API %s)\n", d.DriverName, d.DriverInfo, d.APIVersion)
		var heaps []string
		for _, h := range d.Heaps {
			kind := "host"
			if h.DeviceLocal {
				kind = "device-local"
			}
			heaps = append(heaps, fmt.Sprintf("%s %s", device.FormatBytes(int64(h.Size)), kind))
		}
		fmt.Fprintf(w, "    memory heaps    %s\n", strings.Join(heaps, ", "))
		var types []string
		for i, t := range d.MemoryTypes {
			types = append(types, fmt.Sprintf("%d: %v (heap %d)", i, t.Flags, t.Heap))
		}
		fmt.Fprintf(w, "    memory types    %s\n", strings.Join(types, "; "))
		if plan, err := d.MemoryPlan(false); err != nil {
			fmt.Fprintf(w, "    memory plan     none: %v\n", err)
		} else {
			fmt.Fprintf(w, "    memory plan     tensors type %d, uploads %s, read-back %s: %s\n", plan.Device, via(plan.Upload), via(plan.Readback), plan.Why)
		}
		fmt.Fprintf(w, "    largest buffer  %s (maxStorageBufferRange)\n", device.FormatBytes(int64(d.MaxStorageRange)))
		fmt.Fprintf(w, "    subgroup size   %d (%d to %d), arithmetic %v\n", d.SubgroupSize, d.MinSubgroup, d.MaxSubgroup, d.SubgroupArithmetic)
		fmt.Fprintf(w, "    shared memory   %d KiB per workgroup, %d invocations\n", d.MaxSharedMemory/1024, d.MaxInvocations)
		fmt.Fprintf(w, "    float16         %v (16-bit storage %v)\n", d.Float16, d.Storage16)
		fmt.Fprintf(w, "    compute queue   %v; timestamps %d bits, %g ns\n", d.Compute, d.TimestampBits, d.TimestampPeriod)
		units := "not reported"
		if d.ComputeUnits > 0 {
			units = fmt.Sprint(d.ComputeUnits)
			if d.WarpsPerCU > 0 {
				units += fmt.Sprintf(" (%d warps each)", d.WarpsPerCU)
			}
		}
		fmt.Fprintf(w, "    SMs / CUs       %s\n", units)
		fmt.Fprintf(w, "    NaN and Inf     %s\n", map[bool]string{true: "preserved (SignedZeroInfNanPreserve)", false: "not guaranteed (no shaderSignedZeroInfNanPreserveFloat32)"}[d.PreserveNaN])
		var exts []string
		for _, e := range []string{"VK_KHR_cooperative_matrix", "VK_NV_cooperative_matrix", "VK_KHR_shader_float_controls", "VK_NV_shader_sm_builtins", "VK_AMD_shader_core_properties", "VK_EXT_subgroup_size_control", "VK_KHR_push_descriptor"} {
			mark := "-"
			if d.Extensions[e] {
				mark = "+"
			}
			exts = append(exts, mark+strings.TrimPrefix(e, "VK_"))
		}
		fmt.Fprintf(w, "    extensions      %s\n", strings.Join(exts, " "))
	}
	if autoErr != nil {
		fmt.Fprintf(w, "\"auto\" uses the CPU backend: %v\n", autoErr)
	} else {
		fmt.Fprintf(w, "\"auto\" uses vulkan:%d (marked *)\n", auto)
	}
	if requireGPU && autoErr != nil {
		return fmt.Errorf("no hardware GPU among %d Vulkan device(s): %v", len(devs), autoErr)
	}
	return nil
}

// via names where a transfer goes: directly, or through a staging type.
func via(typ int) string {
	if typ < 0 {
		return "direct"
	}
	return fmt.Sprintf("through type %d", typ)
}
