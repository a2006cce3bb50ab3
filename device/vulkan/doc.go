// Package vulkan is vkgrad's Vulkan runtime: it loads the Vulkan loader at
// run time, chooses a physical device, suballocates device memory from
// pools, builds compute pipelines from SPIR-V (with a pipeline cache kept on
// disk), and records dispatches into command buffers that are submitted in
// batches, with barriers only where one dispatch depends on another.
//
// It knows no op: package kernels launches the shaders of package shaders on
// it and implements device.Device. The runtime needs cgo; without it, Open
// returns an error that says so.
//
// Calls go to Vulkan two ways: through github.com/goki/vulkan where the
// arguments are plain values and single structs, and through this
// package's own C (capi.go) for everything else — instance and device
// creation, enumerations, Properties2, memory blocks, pipelines, the
// recording path — since the binding copies array arguments into C memory
// that a finalizer may free while the call still reads it. Nothing needs
// the garbage collector switched off.
//
// A Runtime is safe for concurrent use: one mutex orders recording,
// submission, waiting and read-back (a goroutine waiting for the GPU holds
// it, so the others wait too); the memory pools have their own lock, which
// Release alone takes. Allocations are checked against the memory heap's
// size and maxStorageBufferRange before the driver is asked, and refused
// with a *device.AllocError that leaves the device working.
//
// Environment:
//
//	VKGRAD_VALIDATE=1       enable VK_LAYER_KHRONOS_validation with synchronization
//	                        validation; every error or validation warning is kept
//	                        as the device's error and returned by Sync
//	VKGRAD_PROFILE=1        time every dispatch with GPU timestamps (Profile, and a
//	                        table on stderr at Close)
//	VKGRAD_FORCE_STAGING=1  upload and download through staging buffers even where
//	                        device memory is host-visible (tests the discrete-GPU path)
package vulkan
