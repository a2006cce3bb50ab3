//go:build cgo

package kernels

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// gemmTile is one tile configuration of the GEMM shader; tm and tn must be
// multiples of 4.
type gemmTile struct {
	bm, bn, bk, tm, tn int
}

func (t gemmTile) invocations() int { return (t.bm / t.tm) * (t.bn / t.tn) }
func (t gemmTile) shared() int      { return 4 * t.bk * (t.bm + t.bn) }

// stages is 2 (double-buffered shared memory: one barrier per K step)
// where the device's shared memory holds the tiles twice, else 1.
func (t gemmTile) stages(maxShared uint32) int {
	if 2*t.shared() <= int(maxShared) {
		return 2
	}
	return 1
}

// gemmPresets are the tiles chosen for the device: huge (128x128) for
// big outputs, large (64x64) for medium ones, small (32x32) for outputs
// with few rows or columns.
type gemmPresets struct {
	huge, large, small gemmTile
}

// splitK is the number of slices of K an M x N x K product is cut into, so
// that a product with fewer output tiles than target (the workgroups that
// keep the device busy) and a long K still gives the device enough
// workgroups (the slices are summed by the reduction kernel).
func splitK(tiles, k, bk, target int) int {
	if tiles >= target || k < 16*bk {
		return 1
	}
	return min((target+tiles-1)/tiles, k/(4*bk))
}

// gemmOverride forces the tile and turns split-K off, for the tile sweep
// (BenchmarkGEMMTiles); the zero value leaves the choice to the presets.
type gemmOverride struct {
	tile    *gemmTile
	noSplit bool
	stages  int // 1 or 2 forces single or double buffering
}

// fits reports whether the device's workgroup and shared memory limits
// allow the tile.
func (t gemmTile) fits(p vulkan.Properties) bool {
	return t.invocations() <= int(p.MaxInvocations) && t.invocations() <= int(p.MaxWorkgroupSize[0]) && t.shared() <= int(p.MaxSharedMemory)
}

// choosePresets picks the largest tiles the device's workgroup and shared
// memory limits allow.
func choosePresets(p vulkan.Properties) gemmPresets {
	pick := func(cands []gemmTile) gemmTile {
		for _, t := range cands {
			if t.fits(p) {
				return t
			}
		}
		return gemmTile{16, 16, 8, 4, 4} // 16 invocations: every device has them
	}
	return gemmPresets{
		huge:  pick([]gemmTile{{128, 128, 16, 8, 8}, {64, 64, 16, 4, 4}, {32, 32, 16, 4, 4}}),
		large: pick([]gemmTile{{64, 64, 16, 4, 4}, {64, 64, 16, 8, 8}, {32, 32, 16, 4, 4}}),
		small: pick([]gemmTile{{32, 32, 16, 4, 4}, {16, 16, 16, 4, 4}}),
	}
}

// Gemm computes batched C = act(alpha*op(A)*op(B) + beta*C + bias) with the
// tiled shader.
func (d *Device) Gemm(p device.GemmParams) { d.gemmOp(p, false) }

// gemmOp is Gemm; with rowBias the bias has M values, one per row of C
// (the convolution's per-channel bias).
func (d *Device) gemmOp(p device.GemmParams, rowBias bool) {
	if p.M < 0 || p.N < 0 || p.K < 0 || p.Batch < 0 {
		panic(fmt.Sprintf("vulkan: Gemm: negative size M=%d N=%d K=%d batch=%d", p.M, p.N, p.K, p.Batch))
	}
	a, b, c := d.buf("Gemm", p.A.Buf), d.buf("Gemm", p.B.Buf), d.buf("Gemm", p.C.Buf)
	ar, ac, br, bc := p.M, p.K, p.K, p.N
	if p.TransA {
		ar, ac = p.K, p.M
	}
	if p.TransB {
		br, bc = p.N, p.K
	}
	batches := p.Batches()
	check := func(name string, m device.Matrix, rows, cols int, buf *vulkan.Buffer) {
		if cols > 0 && m.LD < cols {
			panic(fmt.Sprintf("vulkan: Gemm: %s has leading dimension %d < %d columns", name, m.LD, cols))
		}
		if rows == 0 || cols == 0 {
			return
		}
		span := (rows-1)*m.LD + cols
		if m.Offset < 0 || m.BatchStride < 0 || m.Offset+(batches-1)*m.BatchStride+span > buf.Len() {
			panic(fmt.Sprintf("vulkan: Gemm: %s (%dx%d, ld %d, offset %d, batch stride %d, %d batches) does not fit a buffer of %d", name, rows, cols, m.LD, m.Offset, m.BatchStride, batches, buf.Len()))
		}
	}
	check("A", p.A, ar, ac, a)
	check("B", p.B, br, bc, b)
	check("C", p.C, p.M, p.N, c)
	bias := a
	biasMode := uint32(0)
	if p.Bias != nil {
		bias = d.buf("Gemm", p.Bias)
		n := p.N
		biasMode = 1
		if rowBias {
			n, biasMode = p.M, 2
		}
		device.CheckLen("vulkan: Gemm", "bias", p.Bias, p.BiasOffset, n)
	}
	p.Act.Info() // panics on an unknown op; the epilogue applies any of them
	if p.M == 0 || p.N == 0 {
		return
	}
	t := d.gemm.chooseTile(p.M, p.N, batches, d.busy)
	if d.gemmTune.tile != nil {
		t = *d.gemmTune.tile
	}
	gx, gy := (p.N+t.bn-1)/t.bn, (p.M+t.bm-1)/t.bm
	if gx > 65535 || gy > 65535 {
		panic(fmt.Sprintf("vulkan: Gemm: %dx%d output needs a %dx%d grid, over the 65535 limit", p.M, p.N, gx, gy))
	}
	// Split K for single products with few tiles and a long K, when the
	// epilogue is a plain scaling (the reduction applies alpha).
	if s := splitK(gx*gy, p.K, t.bk, d.busy); s > 1 && !d.gemmTune.noSplit && batches == 1 && p.Beta == 0 && p.Bias == nil && p.Act == device.UnaryIdentity {
		d.gemmSplitK(p, s, a, b, c)
		return
	}
	hasBeta := p.Beta != 0 || p.K == 0
	stages := t.stages(d.sharedMem)
	if d.gemmTune.stages > 0 {
		stages = d.gemmTune.stages
	}
	pipe := d.pipeline("gemm", uint32(t.invocations()), uint32(t.bm), uint32(t.bn), uint32(t.bk), uint32(t.tm), uint32(t.tn),
		b2u(p.TransA), b2u(p.TransB), biasMode, uint32(p.Act), b2u(hasBeta), uint32(stages))
	for base := 0; base < batches; base += 65535 {
		nb := min(batches-base, 65535)
		pc := push(nil).u(p.M).u(p.N).u(p.K).u(max(p.A.LD, 1)).u(max(p.B.LD, 1)).u(max(p.C.LD, 1)).
			u(p.A.Offset).u(p.B.Offset).u(p.C.Offset).u(p.A.BatchStride).u(p.B.BatchStride).u(p.C.BatchStride).
			f(p.Alpha).f(p.Beta).u(p.BiasOffset).f(p.ActAlpha).u(base)
		d.rt.Dispatch(pipe, []*vulkan.Buffer{c, a, b, bias}, []bool{true, false, false, false}, pc, [3]uint32{uint32(gx), uint32(gy), uint32(nb)})
	}
}

// gemmSplitK computes a single product as s products over slices of K, in
// a batch written to a temporary [s, M, N], then sums the slices into C
// (times alpha) with the reduction kernel.
func (d *Device) gemmSplitK(p device.GemmParams, s int, a, b, c *vulkan.Buffer) {
	chunk := (p.K + s - 1) / s
	s = (p.K + chunk - 1) / chunk
	tmp := d.scratch(s * p.M * p.N)
	defer d.rt.Release(tmp)
	// A slice of K starts chunk columns into A (rows when A is transposed)
	// and chunk rows into B (columns when B is transposed).
	aStep, bStep := chunk, chunk*p.B.LD
	if p.TransA {
		aStep = chunk * p.A.LD
	}
	if p.TransB {
		bStep = chunk
	}
	full := p.K / chunk // slices of exactly chunk
	part := device.GemmParams{TransA: p.TransA, TransB: p.TransB, M: p.M, N: p.N, K: chunk, Batch: full, Alpha: 1,
		A: device.Matrix{Buf: p.A.Buf, Offset: p.A.Offset, LD: p.A.LD, BatchStride: aStep},
		B: device.Matrix{Buf: p.B.Buf, Offset: p.B.Offset, LD: p.B.LD, BatchStride: bStep},
		C: device.Matrix{Buf: tmp, LD: p.N, BatchStride: p.M * p.N}}
	d.gemmOp(part, false)
	if rest := p.K - full*chunk; rest > 0 {
		part.K, part.Batch = rest, 1
		part.A.Offset += full * aStep
		part.B.Offset += full * bStep
		part.C.Offset = full * p.M * p.N
		d.gemmOp(part, false)
	}
	// C (rows of LD) = alpha * sum over slices.
	dst := c
	direct := p.C.Offset == 0 && p.C.LD == p.N
	if !direct {
		dst = d.scratch(p.M * p.N)
		defer d.rt.Release(dst)
	}
	d.reduceScaled(device.ReduceSum, []int{s, p.M * p.N}, []int{0}, dst, device.Contiguous(tmp, 0, []int{s, p.M * p.N}), p.Alpha)
	if !direct {
		d.CopyStrided([]int{p.M, p.N}, device.Strided{Buf: c, Offset: p.C.Offset, Strides: []int{p.C.LD, 1}}, device.Contiguous(dst, 0, []int{p.M, p.N}))
	}
}
