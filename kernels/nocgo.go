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

func (driver) Open(device.OpenOptions) (device.Device, error) { return nil, vulkan.ErrNoCgo }
