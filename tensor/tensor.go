// Package tensor is vkgrad's n-dimensional array of float32 with
// reverse-mode automatic differentiation.
//
// A Tensor lives on one device.Device from its creation to its release: ops
// run on that device and their results stay there. Data crosses to the host
// only when asked, through Data, Item or String. Views (Reshape, Transpose,
// Permute, Narrow, Expand, ...) share their storage with the tensor they come
// from; Contiguous copies.
//
// Autograd: a tensor that RequiresGrad records the ops applied to it; Backward
// on a scalar result walks that record in reverse and accumulates gradients
// into the leaves (Grad). Each op's backward rule stands beside its forward in
// this package; the tape code (autograd.go) knows no op.
//
// Memory: a tensor's device memory returns to its device when Release is
// called, when the Tidy scope it was created in ends, or, as a safety net,
// when the garbage collector finds the tensor unreachable. A training loop
// that wraps each step in Tidy keeps its memory flat.
//
// Misuse that is the caller's bug (shapes that do not match, tensors of two
// devices in one op, a released tensor, a closed device) panics with a
// message naming the op and the shapes; failures of the device are errors,
// returned by Data, Item and Sync. Memory the device cannot give is
// refused with a *device.AllocError: as a panic from the function that
// makes the tensor, which Try turns back into an error.
//
// Concurrency: tensors may be used from several goroutines at once, each
// with its own tensors, on one device; reading one tensor from several
// goroutines (the weights of a model serving requests) is safe. Grad mode
// (NoGrad) and Tidy scopes are per goroutine. A tensor that one goroutine
// writes (Assign, Upload, an optimizer step, Backward into its Grad,
// Release) must not be used by another at the same time.
package tensor

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync/atomic"

	"github.com/vkgrad/vkgrad/device"
)

// Tensor is an n-dimensional array of float32 on a device. Several
// goroutines may read a Tensor at once; one that writes it (Assign,
// Upload, Backward, Release) must have it to itself.
type Tensor struct {
	st      *storage
	shape   []int
	strides []int
	offset  int

	requiresGrad bool
	grad         *Tensor
	node         *node
	// part, on a gradient a backward rule returns, says that the tensor is
	// only the slice part.axis[start:start+len] of a gradient of
	// part.shape that is zero elsewhere (see Narrow).
	part *gradPart
}

// storage is a device buffer shared by a tensor and its views.
type storage struct {
	dev      device.Device
	buf      device.Buffer
	released atomic.Bool
	cleanup  runtime.Cleanup
	kept     atomic.Bool // not released by the Tidy scope that created it
}

// bufRef is what the garbage collector's cleanup needs to free a buffer; it
// must not point back at the storage.
type bufRef struct {
	dev device.Device
	buf device.Buffer
}

func releaseBuf(r bufRef) { r.dev.Release(r.buf) }

// newStorage allocates n elements on dev for a tensor of the given shape
// and registers the safety net and the enclosing Tidy scope. A refused
// allocation panics with its *device.AllocError, the shape filled in.
func newStorage(dev device.Device, n int, shape []int) *storage {
	buf, err := dev.Alloc(n)
	if err != nil {
		var ae *device.AllocError
		if errors.As(err, &ae) && ae.Shape == nil {
			ae.Shape = shape
		}
		panic(err)
	}
	st := &storage{dev: dev, buf: buf}
	st.cleanup = runtime.AddCleanup(st, releaseBuf, bufRef{dev, st.buf})
	track(st)
	return st
}

// release frees the storage's buffer now; it is idempotent.
func (st *storage) release() {
	if st.released.Swap(true) {
		return
	}
	st.cleanup.Stop()
	st.dev.Release(st.buf)
}

// empty returns a new contiguous tensor of the given shape with undefined
// contents. Every tensor that owns memory is made here: a shape whose
// element count overflows an int, and an allocation the device refuses,
// panic with a *device.AllocError (see Try).
func empty(dev device.Device, shape []int) *Tensor {
	if dev == nil {
		panic("tensor: nil device")
	}
	shape = cloneInts(shape)
	n, ok := device.CheckedNumElements(shape)
	if !ok {
		panic(&device.AllocError{Device: deviceName(dev), Shape: shape, Elements: -1, Limit: math.MaxInt})
	}
	return &Tensor{st: newStorage(dev, n, shape), shape: shape, strides: device.ContiguousStrides(shape)}
}

func deviceName(dev device.Device) string {
	i := dev.Info()
	return fmt.Sprintf("%s:%d", i.Backend, i.Index)
}

// Empty returns a tensor of the given shape whose contents are undefined,
// for use as an output buffer.
func Empty(dev device.Device, shape ...int) *Tensor {
	checkShape("Empty", shape)
	return empty(dev, shape)
}

// Full returns a tensor of the given shape filled with v.
func Full(dev device.Device, v float32, shape ...int) *Tensor {
	checkShape("Full", shape)
	t := empty(dev, shape)
	dev.Fill(t.st.buf, 0, t.Size(), v)
	return t
}

// Zeros returns a tensor of zeros.
func Zeros(dev device.Device, shape ...int) *Tensor { return Full(dev, 0, shape...) }

// Ones returns a tensor of ones.
func Ones(dev device.Device, shape ...int) *Tensor { return Full(dev, 1, shape...) }

// Scalar returns a 0-dimensional tensor holding v.
func Scalar(dev device.Device, v float32) *Tensor { return Full(dev, v) }

// FromSlice uploads data as a tensor of the given shape; with no shape, a
// 1-D tensor of len(data). data is copied.
func FromSlice(dev device.Device, data []float32, shape ...int) *Tensor {
	if len(shape) == 0 && len(data) != 1 {
		shape = []int{len(data)}
	}
	checkShape("FromSlice", shape)
	if n := device.NumElements(shape); n != len(data) {
		panic(fmt.Sprintf("tensor: FromSlice: %d values for shape %v (%d elements)", len(data), shape, n))
	}
	t := empty(dev, shape)
	if len(data) > 0 {
		dev.Upload(t.st.buf, 0, data)
	}
	return t
}

// Arange returns the 1-D tensor start, start+step, ... up to but excluding
// stop.
func Arange(dev device.Device, start, stop, step float32) *Tensor {
	if step == 0 || (stop-start)/step < 0 {
		panic(fmt.Sprintf("tensor: Arange(%v, %v, %v): step must be non-zero and point from start to stop", start, stop, step))
	}
	n := int(math.Ceil((float64(stop) - float64(start)) / float64(step)))
	t := empty(dev, []int{n})
	dev.Arange(t.st.buf, n, start, step)
	return t
}

// RandUniform returns uniform draws in [lo, hi) from the device's
// counter-based generator with the given seed: the same seed gives the
// same numbers on every device.
func RandUniform(dev device.Device, seed uint64, lo, hi float32, shape ...int) *Tensor {
	checkShape("Rand", shape)
	t := empty(dev, shape)
	dev.RandUniform(t.st.buf, t.Size(), seed, 0, lo, hi)
	return t
}

// RandNormal returns normal draws with the given mean and standard
// deviation from the generator with the given seed, as RandUniform.
func RandNormal(dev device.Device, seed uint64, mean, std float32, shape ...int) *Tensor {
	checkShape("Randn", shape)
	t := empty(dev, shape)
	dev.RandNormal(t.st.buf, t.Size(), seed, 0, mean, std)
	return t
}

// Shape returns the tensor's sizes (a copy).
func (t *Tensor) Shape() []int { return cloneInts(t.shape) }

// Strides returns the distance in elements between neighbours along each
// axis (a copy).
func (t *Tensor) Strides() []int { return cloneInts(t.strides) }

// Dims is the number of axes.
func (t *Tensor) Dims() int { return len(t.shape) }

// Dim is the size of axis i; negative i counts from the end.
func (t *Tensor) Dim(i int) int { return t.shape[t.axis("Dim", i)] }

// Size is the number of elements.
func (t *Tensor) Size() int { return device.NumElements(t.shape) }

// Device is the device the tensor lives on.
func (t *Tensor) Device() device.Device { return t.st.dev }

// IsContiguous reports whether the tensor is laid out row-major without
// gaps, so that it can be used as a flat buffer.
func (t *Tensor) IsContiguous() bool { return device.IsContiguous(t.shape, t.strides) }

// buf returns the tensor's buffer, panicking if it was released.
func (t *Tensor) buf(op string) device.Buffer {
	if t.st.released.Load() {
		panic(fmt.Sprintf("tensor: %s: use of a released tensor of shape %v", op, t.shape))
	}
	return t.st.buf
}

// view is the tensor as a strided view for the device.
func (t *Tensor) view(op string) device.Strided {
	return device.Strided{Buf: t.buf(op), Offset: t.offset, Strides: t.strides}
}

// viewAs is the tensor broadcast to shape, as a strided view.
func (t *Tensor) viewAs(op string, shape []int) device.Strided {
	return device.Strided{Buf: t.buf(op), Offset: t.offset, Strides: broadcastStrides(t.shape, t.strides, shape)}
}

// Data copies the tensor's elements, in row-major order, to a new slice. It
// waits for the work that produces them and returns the device's error if
// any of it failed; on a closed device, an error wrapping
// device.ErrClosed.
func (t *Tensor) Data() ([]float32, error) {
	c := t
	if !t.IsContiguous() {
		if err := catch(device.ErrClosed, func() { c = t.contiguousCopy() }); err != nil {
			return nil, err
		}
		defer c.Release()
	}
	out := make([]float32, c.Size())
	if len(out) == 0 {
		return out, c.st.dev.Sync()
	}
	if err := c.st.dev.Download(out, c.buf("Data"), c.offset); err != nil {
		return nil, err
	}
	return out, nil
}

// Try runs fn and returns the allocation refused inside it, if any: every
// function that makes a tensor panics with a *device.AllocError (which
// wraps device.ErrOutOfMemory) when the device has no room for it, or when
// its shape has more elements than an int can count. Try turns that panic
// back into an error; other panics pass through. The device is unharmed
// and goes on working; tensors fn made before the refusal live on (or are
// released by an enclosing Tidy as usual).
//
//	var big *tensor.Tensor
//	if err := tensor.Try(func() { big = tensor.Zeros(dev, 1<<20, 1<<20) }); err != nil {
//		log.Print(err) // cpu:0: out of memory: allocation of 1099511627776 elements (4 TiB) ...
//	}
func Try(fn func()) error { return catch(device.ErrOutOfMemory, fn) }

// catch runs fn and returns a panic whose value is an error wrapping
// target; other panics pass through.
func catch(target error, fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && errors.Is(e, target) {
				err = e
				return
			}
			panic(r)
		}
	}()
	fn()
	return nil
}

// Item returns the value of a one-element tensor.
func (t *Tensor) Item() (float32, error) {
	if t.Size() != 1 {
		panic(fmt.Sprintf("tensor: Item: tensor of shape %v has %d elements, want 1", t.shape, t.Size()))
	}
	d, err := t.Data()
	if err != nil {
		return 0, err
	}
	return d[0], nil
}

// Release returns the tensor's device memory now, and that of its gradient.
// The tensor and every view sharing its storage become unusable. Releasing
// twice is harmless.
func (t *Tensor) Release() {
	if t == nil {
		return
	}
	t.st.release()
	if t.grad != nil {
		t.grad.Release()
		t.grad = nil
	}
}

// Released reports whether the tensor's memory was released.
func (t *Tensor) Released() bool { return t.st.released.Load() }

// checkShape panics on negative sizes.
func checkShape(op string, shape []int) {
	for _, s := range shape {
		if s < 0 {
			panic(fmt.Sprintf("tensor: %s: negative size in shape %v", op, shape))
		}
	}
}

// axis normalises a possibly negative axis, panicking when out of range.
func (t *Tensor) axis(op string, a int) int {
	r := len(t.shape)
	if a < -r || a >= r {
		panic(fmt.Sprintf("tensor: %s: axis %d out of range for shape %v", op, a, t.shape))
	}
	if a < 0 {
		a += r
	}
	return a
}

func cloneInts(s []int) []int {
	return append(make([]int, 0, len(s)), s...)
}

// sameDevice panics unless every tensor lives on the first one's device.
func sameDevice(op string, ts ...*Tensor) device.Device {
	dev := ts[0].st.dev
	for _, t := range ts[1:] {
		if t.st.dev != dev {
			panic(fmt.Sprintf("tensor: %s: tensors on different devices (%s and %s), shapes %v and %v", op, dev.Info().Backend, t.st.dev.Info().Backend, ts[0].shape, t.shape))
		}
	}
	return dev
}
