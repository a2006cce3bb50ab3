package reliability

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
	"github.com/vkgrad/vkgrad/tensor"
)

// refused runs fn and checks that tensor.Try returns an AllocError that
// names what was asked and the limit.
func refused(t *testing.T, what string, fn func(), want ...string) {
	t.Helper()
	err := tensor.Try(fn)
	var ae *device.AllocError
	if !errors.As(err, &ae) || !errors.Is(err, device.ErrOutOfMemory) {
		t.Fatalf("%s: %v, want a *device.AllocError", what, err)
	}
	for _, w := range append(want, "out of memory") {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("%s: %q lacks %q", what, err, w)
		}
	}
}

// works checks that the device still computes and keeps no error.
func works(t *testing.T, d device.Device) {
	t.Helper()
	if err := d.Sync(); err != nil {
		t.Fatalf("the device kept an error: %v", err)
	}
	got := data(t, tensor.FromSlice(d, []float32{1, 2, 3}).MulScalar(2))
	if !slices.Equal(got, []float32{2, 4, 6}) {
		t.Fatalf("after a refused allocation: %v", got)
	}
}

// TestOutOfMemory: a tensor of 2^34 floats (64 GiB) is refused at once on
// every device with the size and the limit; the device goes on working.
func TestOutOfMemory(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		refused(t, "Zeros(1<<34)", func() { tensor.Zeros(d, 1<<34) }, "17179869184 elements", "64 GiB", "[17179869184]")
		works(t, d)
		refused(t, "Randn(1<<20, 1<<20)", func() { tensor.RandNormal(d, 1, 0, 1, 1<<20, 1<<20) }, "1099511627776 elements")
		works(t, d)
		// Inside a Tidy: the tensors made before the refusal are released.
		live := d.Stats().LiveBuffers
		refused(t, "in Tidy", func() {
			tensor.Tidy(func() {
				tensor.Ones(d, 10)
				tensor.Zeros(d, 1<<34)
			})
		})
		if got := d.Stats().LiveBuffers; got != live {
			t.Fatalf("%d live buffers after the Tidy, %d before", got, live)
		}
		works(t, d)
	})
}

// TestCPUMemoryLimit: the CPU backend refuses beyond a limit it was given
// (physical memory by default), before asking the Go runtime.
func TestCPUMemoryLimit(t *testing.T) {
	d := cpu.New()
	defer d.Close()
	if d.MemoryLimit() <= 0 {
		t.Logf("no physical memory limit known on this system")
	}
	d.SetMemoryLimit(1 << 20)
	a := tensor.Zeros(d, 200_000) // 800 kB of the 1 MiB
	refused(t, "past the limit", func() { tensor.Zeros(d, 100_000) }, "100000 elements", "SetMemoryLimit", "1 MiB")
	a.Release()
	tensor.Zeros(d, 100_000).Release() // fits again
	works(t, d)
	t.Setenv(cpu.EnvMemory, "2MiB")
	e := cpu.New()
	defer e.Close()
	if e.MemoryLimit() != 2<<20 {
		t.Fatalf("%s=2MiB gives a limit of %d", cpu.EnvMemory, e.MemoryLimit())
	}
	refused(t, "past $VKGRAD_CPU_MEMORY", func() { tensor.Zeros(e, 1<<20) }, cpu.EnvMemory)
}

// TestBeyondMaxStorageBuffer: on a Vulkan device, a tensor larger than the
// largest buffer an op can bind is refused at allocation, not at its
// first op.
func TestBeyondMaxStorageBuffer(t *testing.T) {
	props, err := vulkan.Devices()
	if err != nil || len(props) == 0 {
		t.Skipf("no Vulkan device: %v", err)
	}
	for _, s := range specs(t)[1:] {
		t.Run(s, func(t *testing.T) {
			d := open(t, s)
			limit := int(props[0].MaxStorageRange / 4)
			refused(t, "one float too many", func() { tensor.Empty(d, limit+1) }, "maxStorageBufferRange")
			x := tensor.Empty(d, limit) // the largest that fits
			x.Release()
			works(t, d)
		})
	}
}

// TestOverflowingShape: a shape whose element count does not fit in an
// int is refused, never taken for a tensor of 0 elements.
func TestOverflowingShape(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		refused(t, "Zeros(1<<32, 1<<32)", func() { tensor.Zeros(d, 1<<32, 1<<32) }, "does not fit in an int", "[4294967296 4294967296]")
		refused(t, "FromSlice", func() { tensor.FromSlice(d, nil, 1<<62, 4, 0) }, "does not fit in an int")
		for name, fn := range map[string]func(){
			"Expand":  func() { tensor.Scalar(d, 1).Expand(1<<32, 1<<32) },
			"Reshape": func() { tensor.Zeros(d, 0).Reshape(1<<32, 1<<32, 0) },
		} {
			func() {
				defer func() {
					if r := recover(); r == nil || !strings.Contains(r.(string), "more elements than an int can count") {
						t.Errorf("%s of an overflowing shape: panic %v", name, r)
					}
				}()
				fn()
			}()
		}
		works(t, d)
	})
}
