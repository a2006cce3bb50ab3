// Package kernels is vkgrad's Vulkan backend: it implements device.Device
// by launching the compute shaders of package shaders on the runtime of
// package device/vulkan, one launcher per op (pipeline, specialization
// constants, push constants, grid). Importing it registers the backend as
// "vulkan"; in binaries built without cgo the backend is registered but
// Open says it needs cgo.
package kernels
