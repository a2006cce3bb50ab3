//go:build cgo

package kernels

import (
	"fmt"
	"os"
	"testing"

	"github.com/vkgrad/vkgrad/device/vulkan"
)

type namedDevice struct {
	name string
	d    *Device
}

// testDevices opens every Vulkan device, and the first one again with
// staging forced and with descriptor pools and no subgroup operations, closing them when the test ends; without a device the
// test is skipped with the reason.
func testDevices(t *testing.T) []namedDevice {
	t.Helper()
	props, err := vulkan.Devices()
	if err != nil {
		t.Skipf("no Vulkan: %v", err)
	}
	if len(props) == 0 {
		t.Skip("no Vulkan device: install mesa-vulkan-drivers for lavapipe")
	}
	var out []namedDevice
	for i, p := range props {
		d, err := Open(vulkan.Options{Index: i})
		if err != nil {
			t.Fatalf("vulkan:%d (%s): %v", i, p.Name, err)
		}
		out = append(out, namedDevice{fmt.Sprintf("vulkan:%d", i), d})
	}
	d, err := Open(vulkan.Options{Index: 0, ForceStaging: true})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, namedDevice{"vulkan:0-staging", d})
	// The paths of devices without push descriptors or subgroup
	// operations, forced.
	d, err = Open(vulkan.Options{Index: 0, NoPushDescriptors: true, NoSubgroups: true})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, namedDevice{"vulkan:0-portable", d})
	t.Cleanup(func() {
		for _, nd := range out {
			if err := nd.d.Close(); err != nil {
				t.Errorf("%s: Close: %v", nd.name, err)
			}
		}
	})
	return out
}

func TestMain(m *testing.M) {
	if props, err := vulkan.Devices(); err == nil {
		for i, p := range props {
			fmt.Fprintf(os.Stderr, "kernels: testing on vulkan:%d %s (%v, %s %s); validation %v\n", i, p.Name, p.Type, p.DriverName, p.DriverInfo, os.Getenv("VKGRAD_VALIDATE") == "1")
		}
	} else {
		fmt.Fprintf(os.Stderr, "kernels: no Vulkan (%v): the Vulkan tests skip\n", err)
	}
	os.Exit(m.Run())
}
