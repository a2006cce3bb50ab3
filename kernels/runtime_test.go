//go:build cgo

package kernels

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func openTest(t *testing.T, o vulkan.Options) *Device {
	t.Helper()
	if _, err := vulkan.Devices(); err != nil {
		t.Skipf("no Vulkan: %v", err)
	}
	d, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return d
}

func values(t *testing.T, d *Device, b device.Buffer, n int) []float32 {
	t.Helper()
	out := make([]float32, n)
	if err := d.Download(out, b, 0); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPoolsReuseMemory allocates and releases in a loop: the pool serves
// every request after the first from its free lists.
func TestPoolsReuseMemory(t *testing.T) {
	d := openTest(t, vulkan.Options{Index: -1})
	for i := 0; i < 200; i++ {
		a, b := device.MustAlloc(d, 1000), device.MustAlloc(d, 70000)
		d.Fill(a, 0, 1000, 1)
		d.Fill(b, 0, 70000, 2)
		d.Release(a)
		d.Release(b)
		if i == 0 {
			d.Sync()
		}
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	s := d.Stats()
	if s.LiveBuffers != 0 || s.Allocs != 400 || s.Releases != 400 {
		t.Fatalf("stats %+v", s)
	}
	// Two size classes in use at once at most: the pooled memory holds
	// about one buffer of each, not 200.
	if s.PooledBytes > 2*(70000*4+4096)+8192 {
		t.Fatalf("pool holds %d bytes after reusing two buffers", s.PooledBytes)
	}
}

// TestReleaseWaitsForGPU releases a buffer that recorded work still reads:
// its memory must not be handed out before that work has run.
func TestReleaseWaitsForGPU(t *testing.T) {
	for _, staging := range []bool{false, true} {
		d := openTest(t, vulkan.Options{Index: -1, ForceStaging: staging})
		shape := []int{256}
		x := device.MustAlloc(d, 256)
		d.Upload(x, 0, ramp(256))
		y := device.MustAlloc(d, 256)
		d.Unary(device.UnaryNeg, 0, shape, y, device.Contiguous(x, 0, shape))
		d.Release(x) // the negation has not run yet
		z := device.MustAlloc(d, 256)
		d.Fill(z, 0, 256, 99) // must not land in x's memory before the negation reads it
		got := values(t, d, y, 256)
		for i, v := range got {
			if v != -float32(i) {
				t.Fatalf("staging=%v: y[%d] = %v, want %v: released memory was reused too early", staging, i, v, -float32(i))
			}
		}
	}
}

func ramp(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i)
	}
	return s
}

// TestUploadAfterRecordedRead uploads into a buffer that recorded work
// reads: the work must see the old values.
func TestUploadAfterRecordedRead(t *testing.T) {
	for _, staging := range []bool{false, true} {
		d := openTest(t, vulkan.Options{Index: -1, ForceStaging: staging})
		shape := []int{64}
		x, y := device.MustAlloc(d, 64), device.MustAlloc(d, 64)
		d.Upload(x, 0, ramp(64))
		d.Unary(device.UnaryIdentity, 0, shape, y, device.Contiguous(x, 0, shape))
		d.Upload(x, 0, make([]float32, 64))
		got := values(t, d, y, 64)
		if got[5] != 5 {
			t.Fatalf("staging=%v: y[5] = %v, want 5: the upload overtook recorded work", staging, got[5])
		}
		if xs := values(t, d, x, 64); xs[5] != 0 {
			t.Fatalf("staging=%v: x[5] = %v after the upload", staging, xs[5])
		}
	}
}

// TestRefusedAllocations asks for more memory than the device has and for
// a buffer larger than an op can bind: each is refused with an
// AllocError naming the size and the limit, no error is kept, and the
// device goes on working.
func TestRefusedAllocations(t *testing.T) {
	d := openTest(t, vulkan.Options{Index: -1})
	var heap uint64
	for _, h := range d.rt.Properties().Heaps {
		heap = max(heap, h.Size)
	}
	maxRange := int(d.rt.Properties().MaxStorageRange)
	tests := []struct {
		n    int
		want string
	}{
		{maxRange/4 + 1, "maxStorageBufferRange"},
		{int(min(heap, 1<<40) / 2), "refused"}, // twice the heap's bytes
		{1 << 62, "refused"},
	}
	for _, tc := range tests {
		b, err := d.Alloc(tc.n)
		var ae *device.AllocError
		if b != nil || !errors.As(err, &ae) || !errors.Is(err, device.ErrOutOfMemory) || ae.Elements != tc.n || ae.Limit <= 0 ||
			!strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), fmt.Sprint(tc.n)) {
			t.Fatalf("Alloc(%d): %v, %v; want an AllocError naming %q", tc.n, b, err, tc.want)
		}
		if err := d.Sync(); err != nil {
			t.Fatalf("a refused allocation was kept as the device's error: %v", err)
		}
	}
	// The largest bindable buffer is served, and ops still run.
	big := device.MustAlloc(d, maxRange/4)
	d.Release(big)
	x := device.MustAlloc(d, 3)
	d.Upload(x, 0, []float32{1, 2, 3})
	y := device.MustAlloc(d, 3)
	d.Unary(device.UnaryNeg, 0, []int{3}, y, device.Contiguous(x, 0, []int{3}))
	if got := values(t, d, y, 3); !slices.Equal(got, []float32{-1, -2, -3}) {
		t.Fatalf("after refused allocations: %v", got)
	}
}

// TestPipelineCacheOnDisk checks that the pipeline cache is written at
// Close and read by the next device.
func TestPipelineCacheOnDisk(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VKGRAD_CACHE_DIR", dir)
	t.Setenv("VKGRAD_PIPELINE_CACHE", "") // on, whatever the caller's environment says
	if _, err := vulkan.Devices(); err != nil {
		t.Skipf("no Vulkan: %v", err)
	}
	d, err := Open(vulkan.Options{Index: -1})
	if err != nil {
		t.Fatal(err)
	}
	path := d.rt.CachePath()
	if !strings.HasPrefix(path, dir) {
		t.Fatalf("cache path %q is not under %s", path, dir)
	}
	buf := device.MustAlloc(d, 10)
	d.Arange(buf, 10, 0, 1)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Size() == 0 {
		t.Fatalf("no pipeline cache at %s after Close: %v", path, err)
	}
	d2, err := Open(vulkan.Options{Index: -1})
	if err != nil {
		t.Fatal(err)
	}
	if d2.rt.CachePath() != path {
		t.Fatalf("second device uses %s, first %s", d2.rt.CachePath(), path)
	}
	if err := d2.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestProfile times dispatches with GPU timestamps.
func TestProfile(t *testing.T) {
	d := openTest(t, vulkan.Options{Index: -1, Profile: true})
	if d.rt.Properties().TimestampBits == 0 {
		t.Skip("the device has no timestamps")
	}
	buf := device.MustAlloc(d, 4096)
	for i := 0; i < 5; i++ {
		d.Arange(buf, 4096, 0, 1)
	}
	prof := d.rt.Profile()
	if len(prof) != 1 || prof[0].Count != 5 || prof[0].Total <= 0 || !strings.HasPrefix(prof[0].Name, "arange") {
		t.Fatalf("profile %+v", prof)
	}
	if table := d.rt.ProfileTable(); !strings.Contains(table, "arange") {
		t.Fatalf("table:\n%s", table)
	}
}

// TestBatching records many dependent dispatches: they go to the GPU in a
// few submits, not one each. While the GPU stays busy the batches grow
// 32, 64, ... 512 commands (batchLimit), so 1000 dispatches take 6; a
// batch begun when the GPU has caught up starts again at 32, and on a
// loaded machine (the host descheduled while lavapipe finishes) that can
// happen at every batch: at most ⌈1000/32⌉ = 32 submits, far from 1000.
// Which of the two happens is timing, which a test must not assert; the
// ramp itself is batchLimit's unit test in device/vulkan.
func TestBatching(t *testing.T) {
	d := openTest(t, vulkan.Options{Index: -1})
	shape := []int{100}
	x := device.MustAlloc(d, 100)
	d.Fill(x, 0, 100, -1)
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	before := d.Stats()
	for i := 0; i < 1000; i++ {
		d.Unary(device.UnaryNeg, 0, shape, x, device.Contiguous(x, 0, shape))
	}
	if got := values(t, d, x, 100)[0]; got != -1 {
		t.Fatalf("1000 negations of -1 gave %v", got)
	}
	s := d.Stats()
	if n := s.Submits - before.Submits; n > 32+1 {
		t.Fatalf("1000 dispatches took %d submits (at most 33: batches of 32 or more)", n)
	}
	if n := s.Ops - before.Ops; n != 1000 {
		t.Fatalf("%d ops recorded, want 1000", n)
	}
}
