//go:build cgo

package kernels

import (
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// TestNoDriver points the loader at a driver that does not exist: Open
// says so, and "auto" falls back to the CPU with that reason.
func TestNoDriver(t *testing.T) {
	if _, err := vulkan.Devices(); err != nil {
		t.Skipf("no Vulkan loader: %v", err)
	}
	t.Setenv("VK_DRIVER_FILES", "/nonexistent/vkgrad_icd.json")
	t.Setenv("VK_ICD_FILENAMES", "/nonexistent/vkgrad_icd.json")
	t.Setenv(device.EnvDevice, "")
	_, err := device.Open("vulkan")
	if err == nil || !strings.Contains(err.Error(), "no Vulkan device") {
		t.Fatalf("Open(vulkan) without a driver: %v", err)
	}
	d, err := device.Open("auto")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if info := d.Info(); info.Backend != "cpu" || !strings.Contains(info.Fallback, "no Vulkan device") {
		t.Fatalf("auto without a driver: %v", info)
	}
}

// TestAutoPassesOverSoftwareDevices checks that "auto" never opens a
// software Vulkan device, and says why when that is all there is.
func TestAutoPassesOverSoftwareDevices(t *testing.T) {
	devs, err := vulkan.Devices()
	if err != nil || len(devs) == 0 {
		t.Skipf("no Vulkan device: %v", err)
	}
	t.Setenv(device.EnvDevice, "")
	d, err := device.Open("auto")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	info := d.Info()
	if info.Kind == device.KindSoftwareGPU {
		t.Fatalf("auto opened a software device: %v", info)
	}
	allSoftware := true
	for _, p := range devs {
		allSoftware = allSoftware && p.Type == device.KindSoftwareGPU
	}
	if allSoftware && (info.Backend != "cpu" || !strings.Contains(info.Fallback, "software device")) {
		t.Fatalf("with only software devices auto gave %v", info)
	}
	// "vulkan" opens it anyway.
	v, err := device.Open("vulkan")
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
}
