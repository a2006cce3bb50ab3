package cpu

import (
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

func TestMemoryCountersAndPool(t *testing.T) {
	d := New()
	for i := 0; i < 100; i++ {
		b := device.MustAlloc(d, 1000)
		d.Upload(b, 0, make([]float32, 1000))
		d.Release(b)
	}
	s := d.Stats()
	if s.LiveBuffers != 0 || s.LiveBytes != 0 || s.Allocs != 100 || s.Releases != 100 || s.Uploads != 100 || s.UploadBytes != 400000 {
		t.Fatalf("stats after 100 alloc/release: %+v", s)
	}
	if s.PooledBytes == 0 || s.PooledBytes > 8*1024 {
		t.Fatalf("pool keeps %d bytes, want one buffer of about 4000", s.PooledBytes)
	}
	b := device.MustAlloc(d, 10)
	if s := d.Stats(); s.LiveBuffers != 1 || s.LiveBytes != 40 {
		t.Fatalf("stats with one live buffer: %+v", s)
	}
	d.Release(b)
	mustPanic(t, "released buffer", func() { d.Fill(b, 0, 1, 0) })
	other := New()
	mustPanic(t, "another device", func() { d.Release(device.MustAlloc(other, 1)) })
}

func TestSizeClasses(t *testing.T) {
	for _, n := range []int{0, 1, 64, 65, 100, 1000, 1 << 20, 1<<20 + 1, 3_000_001} {
		c := sizeClass(n)
		if c < n || (n > 64 && c > n+n/4+1) || sizeClass(c) != c {
			t.Errorf("sizeClass(%d) = %d", n, c)
		}
	}
}

func TestZeroLengthBuffer(t *testing.T) {
	d := New()
	b := device.MustAlloc(d, 0)
	if b.Len() != 0 {
		t.Fatal(b.Len())
	}
	if err := d.Download(nil, b, 0); err != nil {
		t.Fatal(err)
	}
	d.Release(b)
}

func TestInfo(t *testing.T) {
	d := New()
	info := d.Info()
	if info.Backend != "cpu" || info.Kind != device.KindCPU || info.GEMM == "" {
		t.Fatalf("info %+v", info)
	}
	if !strings.Contains(info.String(), "gemm") {
		t.Fatalf("info string %q does not name the GEMM engine", info)
	}
}

func TestGEMMEngineChoice(t *testing.T) {
	defer restoreEngine(t)
	if err := UseGEMMEngine("gonum"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(GEMMEngine(), "gonum") {
		t.Fatalf("engine %q", GEMMEngine())
	}
	if err := UseGEMMEngine("mkl"); err == nil || !strings.Contains(err.Error(), "unknown GEMM engine") {
		t.Fatalf("UseGEMMEngine(mkl) = %v", err)
	}
}
