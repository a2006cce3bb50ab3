// Package cpu is vkgrad's CPU backend: the whole device.Device op set in
// float32 on the host, GEMM through gonum's blas32 (with OpenBLAS plugged in
// when the machine has it), convolution through im2col and GEMM, and large
// elementwise and reduction work split across cores with goroutines.
//
// It is also the oracle: every GPU kernel is tested against it, so it is
// written for correctness first (sums accumulate in float64), then speed.
//
// Importing the package registers the backend as "cpu".
package cpu

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/vkgrad/vkgrad/device"
)

func init() {
	device.Register("cpu", 0, driver{})
}

type driver struct{}

// Open opens the CPU device; there is one, index 0.
func (driver) Open(o device.OpenOptions) (device.Device, error) {
	if o.Index > 0 {
		return nil, fmt.Errorf("cpu: there is one CPU device, index 0; got %d", o.Index)
	}
	d := New()
	d.fallback = o.Fallback
	return d, nil
}

// Device is the CPU backend. Its zero value is not usable; call New.
type Device struct {
	fallback string
	pool     pool
	closed   atomic.Bool
	// memLimit caps liveBytes (0: no limit); limitSource says where the
	// limit comes from.
	memLimit    atomic.Int64
	limitSource string

	allocs, releases   atomic.Int64
	liveBuffers        atomic.Int64
	liveBytes          atomic.Int64
	uploads, downloads atomic.Int64
	upBytes, downBytes atomic.Int64
	ops                atomic.Int64
	gemmNanos          atomic.Int64
	errs               device.Errors
}

// GEMMTime is the wall time the device has spent in matrix products
// since it was made (Gemm's, the convolutions' and attention's BLAS
// calls): with the time of a training step, the share of the step
// outside them (what cmd/vkbench reports for the CPU's training cases).
func (d *Device) GEMMTime() time.Duration { return time.Duration(d.gemmNanos.Load()) }

var _ device.Device = (*Device)(nil)

// New returns a CPU device. Every CPU device shares the host's memory and
// cores; devices differ only in their counters and pools.
//
// A new device's memory limit is $VKGRAD_CPU_MEMORY when set, else the
// host's physical memory (or its cgroup's limit); SetMemoryLimit changes
// it.
func New() *Device {
	d := &Device{}
	d.pool.init()
	lim, src := defaultLimit()
	d.memLimit.Store(lim)
	d.limitSource = src
	return d
}

// SetMemoryLimit caps the bytes of the device's live buffers: an Alloc
// that would pass it is refused with a *device.AllocError instead of
// asking the Go runtime, whose out of memory is fatal. 0 removes the
// limit. Memory kept in the pool for reuse does not count, but the pool is
// emptied before an allocation that would not fit beside it.
func (d *Device) SetMemoryLimit(bytes int64) {
	if bytes < 0 {
		panic(fmt.Sprintf("cpu: SetMemoryLimit(%d): negative", bytes))
	}
	d.memLimit.Store(bytes)
	d.limitSource = "SetMemoryLimit"
}

// MemoryLimit returns the device's memory limit in bytes (0: none).
func (d *Device) MemoryLimit() int64 { return d.memLimit.Load() }

// buffer is a CPU device's Buffer: a slice of host memory.
type buffer struct {
	data []float32
	dev  *Device
}

// Len is the number of elements.
func (b *buffer) Len() int {
	return len(b.data)
}

// Alloc returns a buffer of n elements from the device's pool, or an
// *device.AllocError when n elements would pass the memory limit.
func (d *Device) Alloc(n int) (device.Buffer, error) {
	if n < 0 {
		panic(fmt.Sprintf("cpu: Alloc(%d): negative size", n))
	}
	d.checkOpen("Alloc")
	if err := d.reserve(n); err != nil {
		return nil, err
	}
	d.allocs.Add(1)
	d.liveBuffers.Add(1)
	return &buffer{data: d.pool.get(n), dev: d}, nil
}

// reserve counts n elements into liveBytes unless they would pass the
// limit. Concurrent allocations cannot pass it together.
func (d *Device) reserve(n int) error {
	lim := d.memLimit.Load()
	refuse := func(what string, limit int64) error {
		return &device.AllocError{Device: "cpu:0", Elements: n, Limit: limit, What: what}
	}
	if int64(n) > math.MaxInt64/8 {
		return refuse("the largest size the Go runtime can allocate", math.MaxInt64/8)
	}
	need := int64(n) * 4
	for {
		live := d.liveBytes.Load()
		if lim > 0 && need > lim-live {
			return refuse(fmt.Sprintf("the memory limit (%s) less %s of live buffers", d.limitSource, device.FormatBytes(live)), lim)
		}
		if d.liveBytes.CompareAndSwap(live, live+need) {
			if lim > 0 && live+need+d.pool.bytes() > lim {
				d.pool.drain() // let the garbage collector have the pooled memory first
			}
			return nil
		}
	}
}

// Release returns b's memory to the pool. After Close it does nothing.
func (d *Device) Release(b device.Buffer) {
	if b == nil || d.closed.Load() {
		return
	}
	cb := d.buf("Release", b)
	d.releases.Add(1)
	d.liveBuffers.Add(-1)
	d.liveBytes.Add(-int64(len(cb.data)) * 4)
	d.pool.put(cb.data)
	cb.data = nil
}

// buf checks that b is a live buffer of d and returns it.
func (d *Device) buf(op string, b device.Buffer) *buffer {
	d.checkOpen(op)
	cb, ok := b.(*buffer)
	if !ok || cb == nil {
		panic(fmt.Sprintf("cpu: %s: buffer %T is not a CPU buffer", op, b))
	}
	if cb.dev != d {
		panic(fmt.Sprintf("cpu: %s: buffer belongs to another device", op))
	}
	if cb.data == nil {
		// A zero-length live buffer has a non-nil empty slice; nil means
		// released.
		panic(fmt.Sprintf("cpu: %s: use of a released buffer", op))
	}
	return cb
}

// data returns the elements of b, checked as buf does.
func (d *Device) data(op string, b device.Buffer) []float32 {
	return d.buf(op, b).data
}

// view returns the elements of a strided view, checked to fit its shape.
func (d *Device) view(op string, shape []int, v device.Strided) []float32 {
	x := d.data(op, v.Buf)
	device.CheckView(op, shape, v)
	return x
}

// out returns dst's elements checked to hold n elements.
func (d *Device) out(op string, dst device.Buffer, n int) []float32 {
	x := d.data(op, dst)
	if len(x) < n {
		panic(fmt.Sprintf("cpu: %s: output buffer of %d elements, need %d", op, len(x), n))
	}
	d.ops.Add(1)
	return x[:n]
}

// Upload copies src into dst at offset.
func (d *Device) Upload(dst device.Buffer, offset int, src []float32) {
	x := d.data("Upload", dst)
	device.CheckLen("cpu: Upload", "dst", dst, offset, len(src))
	copy(x[offset:], src)
	d.uploads.Add(1)
	d.upBytes.Add(int64(len(src)) * 4)
}

// Download copies src[offset:offset+len(dst)] into dst. On a closed device
// it returns device.ErrClosed.
func (d *Device) Download(dst []float32, src device.Buffer, offset int) error {
	if d.closed.Load() {
		return fmt.Errorf("cpu: Download: %w", device.ErrClosed)
	}
	x := d.data("Download", src)
	device.CheckLen("cpu: Download", "src", src, offset, len(dst))
	copy(dst, x[offset:])
	d.downloads.Add(1)
	d.downBytes.Add(int64(len(dst)) * 4)
	return d.result()
}

// Copy copies n elements between buffers.
func (d *Device) Copy(dst device.Buffer, dstOffset int, src device.Buffer, srcOffset int, n int) {
	y, x := d.data("Copy", dst), d.data("Copy", src)
	device.CheckLen("cpu: Copy", "dst", dst, dstOffset, n)
	device.CheckLen("cpu: Copy", "src", src, srcOffset, n)
	d.ops.Add(1)
	copy(y[dstOffset:dstOffset+n], x[srcOffset:srcOffset+n])
}

// CopyStrided copies a strided view into another.
func (d *Device) CopyStrided(shape []int, dst, src device.Strided) {
	y := d.view("CopyStrided", shape, dst)
	x := d.view("CopyStrided", shape, src)
	for _, s := range dst.Strides {
		if s == 0 {
			panic(fmt.Sprintf("cpu: CopyStrided: destination strides %v broadcast", dst.Strides))
		}
	}
	d.ops.Add(1)
	n := device.NumElements(shape)
	it := newIter(shape, dst.Strides, src.Strides)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		it.rows(lo, hi, [4]int{dst.Offset, src.Offset}, func(o, s [4]int, m int) {
			yo, xo, ys, xs := o[0], o[1], s[0], s[1]
			for i := 0; i < m; i++ {
				y[yo+i*ys] = x[xo+i*xs]
			}
		})
	})
}

// Sync returns the first kept error; CPU ops finish as they are called.
func (d *Device) Sync() error {
	if d.closed.Load() {
		return fmt.Errorf("cpu: Sync: %w", device.ErrClosed)
	}
	return d.result()
}

// dataError records bad input (a label outside its classes) for the next
// Sync or Download.
func (d *Device) dataError(err error) { d.errs.BadInput(err) }

// result is what Sync and Download return.
func (d *Device) result() error { return d.errs.Result() }

// Info describes the CPU and the GEMM engine.
func (d *Device) Info() device.Info {
	return device.Info{
		Backend:  "cpu",
		Name:     fmt.Sprintf("%s/%s CPU (%d threads)", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0)),
		Kind:     device.KindCPU,
		GEMM:     GEMMEngine(),
		Fallback: d.fallback,
	}
}

// Stats returns the device's counters.
func (d *Device) Stats() device.Stats {
	return device.Stats{
		LiveBuffers:   d.liveBuffers.Load(),
		LiveBytes:     d.liveBytes.Load(),
		PooledBytes:   d.pool.bytes(),
		FreshBytes:    d.pool.freshBytes(),
		Allocs:        d.allocs.Load(),
		Releases:      d.releases.Load(),
		Uploads:       d.uploads.Load(),
		Downloads:     d.downloads.Load(),
		UploadBytes:   d.upBytes.Load(),
		DownloadBytes: d.downBytes.Load(),
		Ops:           d.ops.Load(),
	}
}

// Close empties the pool. Buffers still live stay valid Go memory but
// every later use of the device panics (Download and Sync return
// device.ErrClosed; so does a second Close).
func (d *Device) Close() error {
	if d.closed.Swap(true) {
		return fmt.Errorf("cpu: Close: %w", device.ErrClosed)
	}
	d.pool.drain()
	return nil // the CPU backend runs each op as it is called: nothing fails later
}

// checkOpen panics, with an error wrapping device.ErrClosed as the value,
// when the device is closed.
func (d *Device) checkOpen(op string) {
	if d.closed.Load() {
		panic(fmt.Errorf("cpu: %s: %w", op, device.ErrClosed))
	}
}
