//go:build cgo

package kernels

import (
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device/devicetest"
)

// TestConformance runs the conformance suite on every Vulkan device of the
// machine, and on the first one again through the staging path, against
// the CPU backend.
func TestConformance(t *testing.T) {
	for _, dev := range testDevices(t) {
		t.Run(dev.name, func(t *testing.T) {
			devicetest.Conformance(t, dev.d, cpu.New())
			if err := dev.d.Sync(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
