//go:build !cgo

package kernels

import (
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func init() {
	device.Register("vulkan", 10, driver{})
}

type driver struct{}

// Open says that the Vulkan backend needs cgo.
func (driver) Open(device.OpenOptions) (device.Device, error) { return nil, vulkan.ErrNoCgo }
