// Package vkgrad is a tensor engine for Go that trains and runs neural
// networks on any GPU through Vulkan compute, and on the CPU (with gonum and,
// where present, OpenBLAS) wherever there is no GPU.
//
// Importing this package registers every backend built into the binary;
// Open then chooses a device:
//
//	dev, err := vkgrad.Open("auto") // the best GPU, else the CPU
//	x := tensor.Randn(dev, 64, 784)
//
// The packages: device (the backend contract and Open), cpu (the CPU
// backend), kernels (the Vulkan backend), tensor (tensors and autograd), nn
// (layers, losses, optimizers), parallel (one model trained on several
// devices), bench (the benchmark suite).
package vkgrad

import (
	"github.com/vkgrad/vkgrad/device"

	// The CPU backend registers itself as "cpu".
	_ "github.com/vkgrad/vkgrad/cpu"
	// The Vulkan backend registers itself as "vulkan"; built without cgo,
	// it is registered but its Open says that it needs cgo.
	_ "github.com/vkgrad/vkgrad/kernels"
)

// Open opens a device: "auto" (or "") for the best hardware device with the
// CPU as the fallback, "cpu", "vulkan" or "vulkan:N". See device.Open.
func Open(spec string) (device.Device, error) {
	return device.Open(spec)
}

// MustOpen is Open for programs that cannot go on without a device: it
// panics on error.
func MustOpen(spec string) device.Device {
	d, err := device.Open(spec)
	if err != nil {
		panic(err)
	}
	return d
}
