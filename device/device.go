// Package device is the contract between vkgrad's tensors and the backends
// that run them.
//
// A Device owns memory (Buffers of float32) and runs an op set on it: GEMM,
// elementwise, reductions, softmax and losses, convolution, pooling, random
// numbers, fused optimizer steps, index ops, fused recurrent cells,
// normalisation and fused attention. The op set is split into small interfaces, one file each,
// so a backend author sees what is left to write and a reader finds an op
// family in one place; Device embeds them all.
//
// Backends register themselves with Register (as database/sql drivers do),
// so this package imports none of them; Open chooses one by name. The CPU
// backend is package cpu; the Vulkan backend is package kernels (the
// contract's ops as compute shaders), which runs on package device/vulkan
// (the op-agnostic Vulkan runtime) and registers itself as "vulkan".
// Importing package vkgrad registers every backend built into the binary.
//
// Conventions shared by every op:
//
//   - All data is float32. Integer-valued data (class labels, argmax results,
//     pooling indices) is stored as float32 holding an exact integer.
//   - Outputs are contiguous, row-major, and start at element 0 of their
//     Buffer unless a parameter says otherwise. Inputs given as Strided may be
//     any strided view, including broadcast (stride 0) dimensions.
//   - Ops are asynchronous on devices that can be: recording an op never
//     waits for it to finish. Results become visible to the host through
//     Download, which waits for the work it depends on.
//   - Misuse that is the caller's bug (a buffer of another device, a size
//     that does not fit, any use after Close) panics with a message naming
//     the op. An allocation the device cannot serve is refused by Alloc
//     with an *AllocError and harms nothing. Failures of the world during
//     asynchronous work (a lost device, a failed submit) are kept by the
//     device and returned by every later Sync or Download; the first error
//     wins. Bad input an op finds in its data (a *LabelError) is returned
//     by the next Sync or Download only, once.
package device

import "fmt"

// Device is a compute device: its memory and the whole op set. A Device is
// safe for concurrent use by several goroutines: ops recorded from
// different goroutines on different buffers give the same results as if
// they ran one after another, and several goroutines may read one buffer
// at once. Writing a buffer while another goroutine uses it is a race, as
// for any Go memory. Release may be called from any goroutine (the tensor
// package's safety net calls it from a cleanup), also after Close.
type Device interface {
	Memory
	GEMM
	Elementwise
	Reductions
	Softmax
	Convolution
	Pooling
	Generator
	Optimizers
	Indexing
	Recurrent
	Normalization
	Attention
}

// Buffer is a block of float32 storage that belongs to one Device. Only the
// device that allocated a buffer may use it.
type Buffer interface {
	// Len is the number of float32 elements the buffer holds.
	Len() int
}

// Strided is a strided view of a Buffer: element (i0, i1, ...) of a view of
// some shape lives at Offset + i0*Strides[0] + i1*Strides[1] + ... . A stride
// of 0 repeats (broadcasts) the data along that dimension.
type Strided struct {
	Buf     Buffer
	Offset  int
	Strides []int
}

// Contiguous returns the row-major view of buf for shape, starting at offset.
func Contiguous(buf Buffer, offset int, shape []int) Strided {
	return Strided{Buf: buf, Offset: offset, Strides: ContiguousStrides(shape)}
}

// Kind tells what sort of hardware a Device runs on.
type Kind int

const (
	// KindCPU is the host processor.
	KindCPU Kind = iota
	// KindDiscreteGPU is a GPU with its own memory.
	KindDiscreteGPU
	// KindIntegratedGPU is a GPU that shares memory with the host.
	KindIntegratedGPU
	// KindVirtualGPU is a GPU seen through a virtual machine.
	KindVirtualGPU
	// KindSoftwareGPU is a GPU API implemented on the CPU (lavapipe,
	// SwiftShader): real, but slower than the CPU backend.
	KindSoftwareGPU
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindCPU:
		return "cpu"
	case KindDiscreteGPU:
		return "discrete-gpu"
	case KindIntegratedGPU:
		return "integrated-gpu"
	case KindVirtualGPU:
		return "virtual-gpu"
	case KindSoftwareGPU:
		return "software-gpu"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Info describes an open device.
type Info struct {
	// Backend is the registered backend name: "cpu", "vulkan".
	Backend string
	// Name is the device's name, such as "AMD EPYC 7B13 (2 threads)" or
	// "NVIDIA H200".
	Name string
	// Kind is the sort of hardware.
	Kind Kind
	// Index is the device's index among its backend's devices.
	Index int
	// GEMM names the matrix-multiply engine, such as "openblas
	// (libopenblas.so.0)" or "gonum (pure Go)".
	GEMM string
	// Driver is the driver's name and version, where there is one.
	Driver string
	// Fallback says why Open("auto") chose this device over a better one;
	// empty when nothing better was passed over.
	Fallback string
}

// String is a one-line description, ending with the fallback reason if any.
func (i Info) String() string {
	s := fmt.Sprintf("%s:%d %s (%s)", i.Backend, i.Index, i.Name, i.Kind)
	if i.Driver != "" {
		s += ", driver " + i.Driver
	}
	if i.GEMM != "" {
		s += ", gemm " + i.GEMM
	}
	if i.Fallback != "" {
		s += "; fallback: " + i.Fallback
	}
	return s
}

// Stats are a device's running counters. They let tests assert that memory
// stays flat and that data crosses between host and device only when asked.
type Stats struct {
	// LiveBuffers and LiveBytes count buffers allocated and not released.
	LiveBuffers int64
	LiveBytes   int64
	// PooledBytes is memory kept in the device's pools for reuse.
	PooledBytes int64
	// FreshBytes counts the bytes the device has taken from the system
	// (the Go heap on the CPU, new memory blocks on a GPU) because its
	// pools had nothing to reuse. In a steady training loop it stops
	// growing: every step's buffers come from the pools.
	FreshBytes int64
	// Allocs and Releases count Alloc and Release calls.
	Allocs, Releases int64
	// Uploads and Downloads count host-to-device and device-to-host
	// transfers; the Bytes fields their sizes.
	Uploads, Downloads         int64
	UploadBytes, DownloadBytes int64
	// Submits counts batches of work handed to the hardware queue (zero on
	// the CPU backend, which runs each op as it is called).
	Submits int64
	// Ops counts ops recorded (dispatches on a GPU).
	Ops int64
}
