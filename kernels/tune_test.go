//go:build cgo

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// tileCandidates are the GEMM tiles the sweep tries: the presets and their
// neighbours (other K steps, rectangular tiles, larger register blocks).
var tileCandidates = []gemmTile{
	{128, 128, 16, 8, 8}, {128, 128, 8, 8, 8}, {128, 128, 32, 8, 8}, {256, 128, 16, 8, 8}, {128, 128, 16, 8, 4},
	{128, 64, 16, 8, 8}, {64, 128, 16, 8, 8}, {64, 64, 16, 4, 4}, {64, 64, 16, 8, 8}, {64, 64, 32, 8, 8},
	{64, 64, 8, 4, 4}, {32, 32, 16, 4, 4}, {32, 64, 16, 4, 4}, {16, 16, 16, 4, 4},
}

func (t gemmTile) String() string { return fmt.Sprintf("%dx%dx%d-%dx%d", t.bm, t.bn, t.bk, t.tm, t.tn) }

// gemmCase is a GEMM shape of the sweep.
type gemmCase struct {
	name           string
	m, n, k, batch int
	ta, tb         bool
}

func (c gemmCase) params(a, b, cb device.Buffer) device.GemmParams {
	lda, ldb := c.k, c.n
	if c.ta {
		lda = c.m
	}
	if c.tb {
		ldb = c.k
	}
	return device.GemmParams{TransA: c.ta, TransB: c.tb, M: c.m, N: c.n, K: c.k, Batch: c.batch, Alpha: 1,
		A: device.Matrix{Buf: a, LD: lda, BatchStride: c.m * c.k},
		B: device.Matrix{Buf: b, LD: ldb, BatchStride: c.k * c.n},
		C: device.Matrix{Buf: cb, LD: c.n, BatchStride: c.m * c.n}}
}

// splits reports whether Gemm cuts the product into slices of K with tile
// t (the zero tile: the presets' choice), so that the sweep tries split-K
// off only where it would be on.
func (d *Device) splits(c gemmCase, t gemmTile) bool {
	if t == (gemmTile{}) {
		t = d.gemm.chooseTile(c.m, c.n, c.batch, d.busy)
	}
	tiles := ((c.n + t.bn - 1) / t.bn) * ((c.m + t.bm - 1) / t.bm)
	return c.batch == 1 && splitK(tiles, c.k, t.bk, d.busy) > 1
}

// naiveGemm is C = op(A)·op(B) in float64, batch by batch.
func naiveGemm(c gemmCase, a, b []float32) []float64 {
	out := make([]float64, c.batch*c.m*c.n)
	for bi := range c.batch {
		ab, bb := a[bi*c.m*c.k:], b[bi*c.k*c.n:]
		for i := range c.m {
			for j := range c.n {
				s := 0.0
				for k := range c.k {
					av, bv := ab[i*c.k+k], bb[k*c.n+j]
					if c.ta {
						av = ab[k*c.m+i]
					}
					if c.tb {
						bv = bb[j*c.k+k]
					}
					s += float64(av) * float64(bv)
				}
				out[(bi*c.m+i)*c.n+j] = s
			}
		}
	}
	return out
}

// TestGEMMTiles runs every candidate tile of the sweep, forced, on odd
// shapes, plain and transposed, and on a long K with split-K on and off,
// against a float64 reference: a tile the sweep finds fastest on some GPU
// is already known to be right. (Each tile and transpose is a pipeline to
// compile, so the transposes are tried together.)
func TestGEMMTiles(t *testing.T) {
	cases := []gemmCase{
		{"odd", 67, 45, 33, 1, false, false},
		{"odd-tAB-batched", 19, 70, 41, 3, true, true},
		{"long-k", 20, 12, 1100, 1, false, false}, // split-K on the automatic path
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, nd := range testDevices(t)[:1] {
		d := nd.d
		props := d.rt.Properties()
		for _, c := range cases {
			a := make([]float32, c.batch*c.m*c.k)
			b := make([]float32, c.batch*c.k*c.n)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			want := naiveGemm(c, a, b)
			ab, bb, cb := device.MustAlloc(d, len(a)), device.MustAlloc(d, len(b)), device.MustAlloc(d, len(want))
			d.Upload(ab, 0, a)
			d.Upload(bb, 0, b)
			for _, tile := range append([]gemmTile{{}}, tileCandidates...) {
				for _, run := range []struct {
					noSplit bool
					stages  int
				}{{false, 0}, {true, 0}, {false, 1}, {false, 2}} {
					noSplit := run.noSplit
					if noSplit && !d.splits(c, tile) {
						continue
					}
					// Both shared-memory schemes of every tile that fits them.
					if run.stages > 0 && (tile == (gemmTile{}) || tile.stages(props.MaxSharedMemory) < run.stages) {
						continue
					}
					name := fmt.Sprintf("%s/%v/nosplit=%v/stages=%d", c.name, tile, noSplit, run.stages)
					if tile == (gemmTile{}) {
						name = fmt.Sprintf("%s/auto/nosplit=%v", c.name, noSplit)
						d.gemmTune = gemmOverride{noSplit: noSplit}
					} else {
						if !tile.fits(props) {
							continue
						}
						d.gemmTune = gemmOverride{tile: &tile, noSplit: noSplit, stages: run.stages}
					}
					d.Fill(cb, 0, len(want), float32(math.NaN()))
					d.Gemm(c.params(ab, bb, cb))
					got := make([]float32, len(want))
					if err := d.Download(got, cb, 0); err != nil {
						t.Fatal(err)
					}
					for i := range got {
						if math.Abs(float64(got[i])-want[i]) > 1e-4*float64(c.k) {
							t.Fatalf("%s: C[%d] = %v, want %v", name, i, got[i], want[i])
						}
					}
				}
			}
			d.gemmTune = gemmOverride{}
			d.Release(ab)
			d.Release(bb)
			d.Release(cb)
		}
	}
}

// BenchmarkGEMMTiles sweeps the tile candidates, split-K on and off, over
// square and training shapes on the best Vulkan device, in GFLOP/s timed by
// GPU timestamps: the data for tuning the presets on a real GPU
// (scripts/gpu-check.sh runs it). "auto" is the presets' own choice.
//
//	go test ./kernels -run XXX -bench GEMMTiles -benchtime 10x
func BenchmarkGEMMTiles(b *testing.B) {
	d, err := Open(vulkan.Options{Index: -1, Profile: true})
	if err != nil {
		b.Skipf("no Vulkan device: %v", err)
	}
	defer d.Close()
	cases := []gemmCase{
		{"sq1024", 1024, 1024, 1024, 1, false, false},
		{"sq2048", 2048, 2048, 2048, 1, false, false},
		{"sq4096", 4096, 4096, 4096, 1, false, false},
		{"mlp-fwd-128x512x784-tB", 128, 512, 784, 1, false, true},
		{"mlp-dW-512x784x128-tA", 512, 784, 128, 1, true, false},
		{"mlp-dx-128x784x512", 128, 784, 512, 1, false, false},
		{"conv2-fwd-64x196x288-b128", 64, 196, 288, 128, false, false},
		{"long-k-256x256x65536", 256, 256, 65536, 1, false, false},
	}
	props := d.rt.Properties()
	for _, c := range cases {
		ab, bb, cb := device.MustAlloc(d, c.batch*c.m*c.k), device.MustAlloc(d, c.batch*c.k*c.n), device.MustAlloc(d, c.batch*c.m*c.n)
		d.RandNormal(ab, c.batch*c.m*c.k, 1, 0, 0, 1)
		d.RandNormal(bb, c.batch*c.k*c.n, 2, 0, 0, 1)
		flops := 2 * float64(c.m) * float64(c.n) * float64(c.k) * float64(c.batch)
		for _, tile := range append([]gemmTile{{}}, tileCandidates...) {
			for _, noSplit := range []bool{false, true} {
				if noSplit && !d.splits(c, tile) {
					continue
				}
				name := fmt.Sprintf("%s/%v/nosplit=%v", c.name, tile, noSplit)
				o := gemmOverride{noSplit: noSplit}
				if tile == (gemmTile{}) {
					name = fmt.Sprintf("%s/auto/nosplit=%v", c.name, noSplit)
				} else if !tile.fits(props) {
					continue
				} else {
					o.tile = &tile
				}
				b.Run(name, func(b *testing.B) {
					d.gemmTune = o
					defer func() { d.gemmTune = gemmOverride{} }()
					p := c.params(ab, bb, cb)
					d.Gemm(p) // warm-up: the pipeline
					if err := d.Sync(); err != nil {
						b.Fatal(err)
					}
					g0 := d.GPUTime()
					b.ResetTimer()
					for range b.N {
						d.Gemm(p)
					}
					if err := d.Sync(); err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(flops*float64(b.N)/(d.GPUTime()-g0).Seconds()/1e9, "GFLOP/s")
				})
			}
		}
		d.Release(ab)
		d.Release(bb)
		d.Release(cb)
	}
}

func TestSplitK(t *testing.T) {
	for _, c := range []struct{ tiles, k, bk, target, want int }{
		{tiles: 64, k: 65536, bk: 16, target: 64, want: 1},  // enough tiles
		{tiles: 1, k: 255, bk: 16, target: 64, want: 1},     // K too short to pay for the reduction
		{tiles: 1, k: 4099, bk: 16, target: 64, want: 64},   // 64 slices of 65 (k/4bk = 64)
		{tiles: 16, k: 784, bk: 16, target: 64, want: 4},    // the MLP's forward GEMM on a GPU
		{tiles: 16, k: 784, bk: 16, target: 2, want: 1},     // and on a 2-thread software device
		{tiles: 1, k: 1100, bk: 16, target: 2, want: 2},     // a lone tile still splits there
		{tiles: 3, k: 100000, bk: 16, target: 64, want: 22}, // ceil(64/3)
	} {
		if got := splitK(c.tiles, c.k, c.bk, c.target); got != c.want {
			t.Errorf("splitK(tiles %d, k %d, bk %d, target %d) = %d, want %d", c.tiles, c.k, c.bk, c.target, got, c.want)
		}
	}
}
