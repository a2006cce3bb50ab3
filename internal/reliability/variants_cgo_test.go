//go:build cgo

package reliability

import (
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
	"github.com/vkgrad/vkgrad/kernels"
)

func init() {
	openVariant = func(o vulkan.Options) (device.Device, error) { return kernels.Open(o) }
}
