//go:build cgo

package kernels

import (
	"os"
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
		a, b := d.Alloc(1000), d.Alloc(70000)
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
		x := d.Alloc(256)
		d.Upload(x, 0, ramp(256))
		y := d.Alloc(256)
		d.Unary(device.UnaryNeg, 0, shape, y, device.Contiguous(x, 0, shape))
		d.Release(x) // the negation has not run yet
		z := d.Alloc(256)
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
		x, y := d.Alloc(64), d.Alloc(64)
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

// TestErrorsAreKept asks for more memory than the device has: the error is
// kept, returned by Sync and Download, and the first one wins.
func TestErrorsAreKept(t *testing.T) {
	d := openTest(t, vulkan.Options{Index: -1})
	var heap uint64
	for _, h := range d.rt.Properties().Heaps {
		heap = max(heap, h.Size)
	}
	huge := d.Alloc(int(min(heap, 1<<40) / 2)) // half the heap as floats: twice its bytes
	if err := d.Sync(); err == nil || !strings.Contains(err.Error(), "allocating") {
		t.Fatalf("Sync after an impossible allocation: %v", err)
	}
	first := d.Sync()
	d.Fill(huge, 0, 1, 0) // a no-op on a failed buffer
	d.Alloc(int(min(heap, 1<<40)))
	if err := d.Sync(); err == nil || err.Error() != first.Error() {
		t.Fatalf("the first error did not win: %v then %v", first, err)
	}
	d.rt.ClearErr() // let Close report only its own errors
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
	buf := d.Alloc(10)
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
	buf := d.Alloc(4096)
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
// few submits, not one each.
func TestBatching(t *testing.T) {
	d := openTest(t, vulkan.Options{Index: -1})
	shape := []int{100}
	x := d.Alloc(100)
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
	if n := s.Submits - before.Submits; n > 3 {
		t.Fatalf("1000 dispatches took %d submits", n)
	}
	if n := s.Ops - before.Ops; n != 1000 {
		t.Fatalf("%d ops recorded, want 1000", n)
	}
}
