//go:build cgo

package kernels

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func init() {
	device.Register("vulkan", 10, driver{})
}

type driver struct{}

// Open opens a Vulkan device for device.Open.
func (driver) Open(o device.OpenOptions) (device.Device, error) {
	d, err := Open(vulkan.Options{Index: o.Index, Auto: o.Auto})
	if err != nil {
		return nil, err
	}
	d.rt.SetFallback(o.Fallback)
	return d, nil
}

// Device is the Vulkan backend: device.Device on a vulkan.Runtime.
type Device struct {
	rt *vulkan.Runtime
	// wg is the workgroup size of elementwise and reduction kernels.
	wg   uint32
	gemm gemmPresets
	// busy is how many workgroups keep the device busy (busyTarget):
	// GEMM tiles and split-K aim for it; busyWhy says where it comes from.
	busy    int
	busyWhy string
	// sharedMem is the device's shared memory per workgroup, in bytes.
	sharedMem uint32
	// gemmTune overrides the GEMM presets in the tile sweep.
	gemmTune gemmOverride
}

var _ device.Device = (*Device)(nil)

// Open opens a Vulkan device with the runtime's options.
func Open(o vulkan.Options) (*Device, error) {
	rt, err := vulkan.Open(o)
	if err != nil {
		return nil, err
	}
	return newDevice(rt), nil
}

func newDevice(rt *vulkan.Runtime) *Device {
	p := rt.Properties()
	wg := uint32(256)
	for wg > p.MaxInvocations || wg > p.MaxWorkgroupSize[0] {
		wg /= 2
	}
	busy, why := busyTarget(p.Type, p.VendorID, p.ComputeUnits, runtime.NumCPU())
	return &Device{rt: rt, wg: wg, gemm: choosePresets(p), busy: busy, busyWhy: why, sharedMem: p.MaxSharedMemory}
}

// Runtime returns the device's Vulkan runtime (for profiling and tests).
func (d *Device) Runtime() *vulkan.Runtime { return d.rt }

// buf checks that the device is open and b is a live buffer of it.
func (d *Device) buf(op string, b device.Buffer) *vulkan.Buffer {
	d.checkOpen(op)
	vb, ok := b.(*vulkan.Buffer)
	if !ok || vb == nil {
		panic(fmt.Sprintf("vulkan: %s: buffer %T is not a Vulkan buffer", op, b))
	}
	if !d.rt.Owns(vb) {
		panic(fmt.Sprintf("vulkan: %s: buffer belongs to another device", op))
	}
	return vb
}

// view checks a strided view and returns its buffer.
func (d *Device) view(op string, shape []int, v device.Strided) *vulkan.Buffer {
	b := d.buf(op, v.Buf)
	device.CheckView("vulkan: "+op, shape, v)
	return b
}

// out checks that dst holds n elements from offset.
func (d *Device) out(op string, dst device.Buffer, off, n int) *vulkan.Buffer {
	b := d.buf(op, dst)
	device.CheckLen("vulkan: "+op, "dst", dst, off, n)
	return b
}

// checkOpen panics, with an error wrapping device.ErrClosed as the value,
// once the device is closed. (The runtime checks again under its lock, so
// an op racing with Close fails the same way rather than touching freed
// Vulkan objects.)
func (d *Device) checkOpen(op string) {
	if d.rt.Closed() {
		panic(fmt.Errorf("vulkan: %s: %w", op, device.ErrClosed))
	}
}

// Alloc returns a buffer of n elements from the device's pools, or an
// *device.AllocError when the device has no room for it.
func (d *Device) Alloc(n int) (device.Buffer, error) {
	d.checkOpen("Alloc")
	b, err := d.rt.Alloc(n)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// scratch allocates a temporary buffer inside an op, panicking with the
// *device.AllocError when the device has no room (the op's caller sees the
// same refusal as for its outputs).
func (d *Device) scratch(n int) *vulkan.Buffer {
	b, err := d.rt.Alloc(n)
	if err != nil {
		panic(err)
	}
	return b
}

// Release returns b to the pools at once, without waiting: later work that
// reuses the memory is ordered after the work recorded before (see
// vulkan.Runtime.Release). After Close it does nothing.
func (d *Device) Release(b device.Buffer) {
	if b == nil || d.rt.Closed() {
		return
	}
	d.rt.Release(d.buf("Release", b))
}

// Upload copies src into dst at offset.
func (d *Device) Upload(dst device.Buffer, offset int, src []float32) {
	d.rt.Upload(d.buf("Upload", dst), offset, src)
}

// Download copies from src to dst after the work that writes src; on a
// closed device it returns device.ErrClosed.
func (d *Device) Download(dst []float32, src device.Buffer, offset int) error {
	if d.rt.Closed() {
		return fmt.Errorf("vulkan: Download: %w", device.ErrClosed)
	}
	return d.rt.Download(dst, d.buf("Download", src), offset)
}

// Copy records a copy between buffers.
func (d *Device) Copy(dst device.Buffer, dstOffset int, src device.Buffer, srcOffset int, n int) {
	d.rt.CopyBuffer(d.buf("Copy", dst), dstOffset, d.buf("Copy", src), srcOffset, n)
}

// Sync waits for all recorded work.
func (d *Device) Sync() error { return d.rt.Sync() }

// Info describes the device.
func (d *Device) Info() device.Info {
	info := d.rt.Info()
	g := d.gemm
	info.GEMM = fmt.Sprintf("tiled shader, tiles %dx%d/%dx%d/%dx%d, split-K, grids of at least %d workgroups where the shape allows (%s)",
		g.huge.bm, g.huge.bn, g.large.bm, g.large.bn, g.small.bm, g.small.bn, d.busy, d.busyWhy)
	return info
}

// Stats returns the device's counters.
func (d *Device) Stats() device.Stats { return d.rt.Stats() }

// Close releases the device.
func (d *Device) Close() error { return d.rt.Close() }

// Fill sets n elements to v (vkCmdFillBuffer: no shader).
func (d *Device) Fill(dst device.Buffer, offset, n int, v float32) {
	d.rt.Fill(d.out("Fill", dst, offset, n), offset, n, math.Float32bits(v))
}

// GPUTime is the total GPU time of the dispatches recorded so far, from
// timestamps; it is zero unless the device was opened with profiling. It
// waits for recorded work.
func (d *Device) GPUTime() time.Duration {
	var t time.Duration
	for _, k := range d.rt.Profile() {
		t += k.Total
	}
	return t
}

// Profiling reports whether dispatches are timed with GPU timestamps.
func (d *Device) Profiling() bool { return d.rt.Profiling() }

// PeakFLOPS measures the device's fp32 throughput with chains of fused
// multiply-adds, in FLOP/s: the chain grows until a run takes 20 ms, then
// the best of three runs counts, timed by GPU timestamps where the device
// is profiling and by the wall clock around a Sync otherwise.
func (d *Device) PeakFLOPS() (float64, error) {
	const groups = 1024
	n := groups * int(d.wg)
	out := d.scratch(n)
	defer d.rt.Release(out)
	p := d.pipeline("fma_peak", d.wg)
	timed := func(iters int) (time.Duration, error) {
		g0 := d.GPUTime()
		start := time.Now()
		d.dispatch(p, grid(groups), push(nil).u(iters).f(0.999).f(0.001), 1, out)
		if err := d.Sync(); err != nil {
			return 0, err
		}
		if d.Profiling() {
			return d.GPUTime() - g0, nil
		}
		return time.Since(start), nil
	}
	iters := 64
	for {
		el, err := timed(iters)
		if err != nil {
			return 0, err
		}
		if el >= 20*time.Millisecond || iters >= 1<<20 {
			break
		}
		iters *= 2
	}
	best := time.Duration(1<<63 - 1)
	for i := 0; i < 3; i++ {
		el, err := timed(iters)
		if err != nil {
			return 0, err
		}
		best = min(best, el)
	}
	// Eight vec4 FMAs per iteration: 8 * 4 * 2 FLOP.
	return float64(n) * float64(iters) * 64 / best.Seconds(), nil
}
