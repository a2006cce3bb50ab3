//go:build cgo

package kernels

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// The convolution and pooling kernels are not written yet. Rather than copy
// data to the host behind the caller's back, these ops fail loudly.
const noKernel = "vulkan: %s has no Vulkan kernel yet; run convolutional models on the cpu device"

func missing(op string) { panic(fmt.Sprintf(noKernel, op)) }

// Conv2d is not implemented on Vulkan yet: it panics.
func (d *Device) Conv2d(p device.Conv2dParams, dst, x, w, bias device.Buffer) { missing("Conv2d") }

// Conv2dBackwardData is not implemented on Vulkan yet: it panics.
func (d *Device) Conv2dBackwardData(p device.Conv2dParams, dx, dy, w device.Buffer) {
	missing("Conv2dBackwardData")
}

// Conv2dBackwardFilter is not implemented on Vulkan yet: it panics.
func (d *Device) Conv2dBackwardFilter(p device.Conv2dParams, dw, x, dy device.Buffer) {
	missing("Conv2dBackwardFilter")
}

// MaxPool2d is not implemented on Vulkan yet: it panics.
func (d *Device) MaxPool2d(p device.Pool2dParams, dst, indices, x device.Buffer) {
	missing("MaxPool2d")
}

// MaxPool2dBackward is not implemented on Vulkan yet: it panics.
func (d *Device) MaxPool2dBackward(p device.Pool2dParams, dx, dy, indices device.Buffer) {
	missing("MaxPool2dBackward")
}

// AvgPool2d is not implemented on Vulkan yet: it panics.
func (d *Device) AvgPool2d(p device.Pool2dParams, dst, x device.Buffer) { missing("AvgPool2d") }

// AvgPool2dBackward is not implemented on Vulkan yet: it panics.
func (d *Device) AvgPool2dBackward(p device.Pool2dParams, dx, dy device.Buffer) {
	missing("AvgPool2dBackward")
}
