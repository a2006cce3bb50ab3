// Command vkinfo lists the Vulkan devices vkgrad can use: type, driver,
// memory heaps, subgroup size, shared memory and float16 support, and marks
// the one Open("auto") picks, or says why it picks none.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vkgrad/vkgrad/device/vulkan"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vkinfo:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	devs, err := vulkan.Devices()
	if err != nil {
		fmt.Fprintf(w, "no Vulkan: %v\n\"auto\" uses the CPU backend.\n", err)
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
			heaps = append(heaps, fmt.Sprintf("%.1f GiB %s", float64(h.Size)/(1<<30), kind))
		}
		fmt.Fprintf(w, "    memory heaps    %s\n", strings.Join(heaps, ", "))
		fmt.Fprintf(w, "    host-visible device memory  %v\n", d.HostVisibleDeviceMemory)
		fmt.Fprintf(w, "    subgroup size   %d (%d to %d), arithmetic %v\n", d.SubgroupSize, d.MinSubgroup, d.MaxSubgroup, d.SubgroupArithmetic)
		fmt.Fprintf(w, "    shared memory   %d KiB per workgroup, %d invocations\n", d.MaxSharedMemory/1024, d.MaxInvocations)
		fmt.Fprintf(w, "    float16         %v (16-bit storage %v)\n", d.Float16, d.Storage16)
		fmt.Fprintf(w, "    compute queue   %v; timestamps %d bits, %g ns\n", d.Compute, d.TimestampBits, d.TimestampPeriod)
	}
	if autoErr != nil {
		fmt.Fprintf(w, "\"auto\" uses the CPU backend: %v\n", autoErr)
	} else {
		fmt.Fprintf(w, "\"auto\" uses vulkan:%d (marked *)\n", auto)
	}
	return nil
}
