package reliability

import (
	"fmt"
	"testing"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// specs lists the devices every test runs on: the CPU backend, each
// Vulkan device, and the first Vulkan device again on its staging path
// (the discrete-GPU path: uploads and read-backs through staging buffers)
// and its portable path (descriptor pools, no subgroup operations).
func specs(t *testing.T) []string {
	out := []string{"cpu"}
	props, err := vulkan.Devices()
	if err != nil || len(props) == 0 {
		t.Logf("no Vulkan devices: %v", err)
		return out
	}
	for i := range props {
		out = append(out, fmt.Sprintf("vulkan:%d", i))
	}
	return append(out, "vulkan:0-staging", "vulkan:0-portable")
}

// variants are the forced paths of specs.
var variants = map[string]vulkan.Options{
	"vulkan:0-staging":  {Index: 0, ForceStaging: true},
	"vulkan:0-portable": {Index: 0, NoPushDescriptors: true, NoSubgroups: true},
}

// openVariant is set by a cgo build: without cgo there is no Vulkan.
var openVariant func(vulkan.Options) (device.Device, error)

// open opens spec for one test; the device is closed when the test ends
// unless the test closed it.
func open(t *testing.T, spec string) device.Device {
	t.Helper()
	var d device.Device
	var err error
	if o, ok := variants[spec]; ok {
		d, err = openVariant(o)
	} else {
		d, err = vkgrad.Open(spec)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// eachDevice runs fn as a subtest on every device.
func eachDevice(t *testing.T, fn func(t *testing.T, d device.Device)) {
	for _, s := range specs(t) {
		t.Run(s, func(t *testing.T) { fn(t, open(t, s)) })
	}
}
