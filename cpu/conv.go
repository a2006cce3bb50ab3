package cpu

import (
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/vkgrad/vkgrad/cpu/internal/team"
	"github.com/vkgrad/vkgrad/cpu/internal/vec"
	"github.com/vkgrad/vkgrad/device"
)

// colBudget bounds the im2col scratch matrix, in elements (a variable so
// that tests can force chunking): the batch is
// processed in chunks of images whose columns fit.
var colBudget = 8 << 20

// perImageCols is the largest column matrix of one image (kk·OH·OW
// elements, here 1 MiB, so that it stays in L2) for which a convolution
// runs image by image, each image on one goroutine of the team (a
// variable so that tests can turn it off). Then each image's product
// reads and writes its own slices of x, y, dx and dy where they lie, with
// no gather into a [K, N·OH·OW] matrix and back, and its columns never
// leave the cache. Goroutines do not share an image, so its product runs
// on one (small products stay below the GEMM's own parallel threshold).
var perImageCols = 1 << 18

// filterGroups is how many partial sums of images the per-image filter
// gradient keeps: each group of consecutive images is summed in order by
// one goroutine, then the groups are added in order, so the result does
// not depend on how many goroutines ran.
const filterGroups = 16

// convPlan holds the derived sizes of a convolution.
type convPlan struct {
	p                device.Conv2dParams
	cg, kg           int // channels per group, in and out
	kk               int // cg*KH*KW: rows of the column matrix
	oh, ow, ohw      int
	chunk            int // images per column matrix
	inPlane, outSize int // C*H*W and OutC*OH*OW
}

func (d *Device) plan(op string, p device.Conv2dParams) convPlan {
	if err := p.Validate(); err != nil {
		panic("cpu: " + op + ": " + err.Error())
	}
	c := convPlan{p: p, cg: p.C / p.Groups, kg: p.OutC / p.Groups, oh: p.OutH(), ow: p.OutW()}
	c.kk = c.cg * p.KH * p.KW
	c.ohw = c.oh * c.ow
	c.chunk = max(1, min(p.N, colBudget/max(1, c.kk*c.ohw)))
	c.inPlane = p.C * p.H * p.W
	c.outSize = p.OutC * c.ohw
	return c
}

// perImage reports whether the convolution runs image by image
// (perImageCols): on the avx512 GEMM engine only, whose small products run
// on the calling goroutine. OpenBLAS, called from two goroutines at once,
// made the MNIST CNN's step 10–15% slower than the batched products did
// (its own threads and the team's fighting for the cores).
func (c *convPlan) perImage() bool {
	return c.kk*c.ohw <= perImageCols && (perImageAnyEngine || engineIs("avx512"))
}

// perImageAnyEngine lets tests run the per-image path on any engine.
var perImageAnyEngine = false

// perImageScratch returns one column matrix per goroutine of the team,
// and how many goroutines.
func (d *Device) perImageScratch(c *convPlan, units int) (cols []float32, workers int) {
	workers = max(1, min(runtime.GOMAXPROCS(0), units))
	return d.pool.get(workers * c.kk * c.ohw), workers
}

func (c *convPlan) check(d *Device, op string, x, w, y device.Buffer) {
	p := c.p
	device.CheckLen("cpu: "+op, "x", x, 0, p.N*c.inPlane)
	device.CheckLen("cpu: "+op, "w", w, 0, p.OutC*c.kk)
	device.CheckLen("cpu: "+op, "y", y, 0, p.N*c.outSize)
	d.ops.Add(1)
}

// im2col fills col [kk, nb*ohw] with the group g patches of images
// n0..n0+nb-1, its channels over the team when par.
func (c *convPlan) im2col(col, x []float32, n0, nb, g int, par bool) {
	if !par { // no closure: a per-image convolution calls this per image
		c.im2colPlanes(col, x, n0, nb, g, 0, nb*c.cg)
		return
	}
	parallelFor(nb*c.cg, 1, func(lo, hi int) { c.im2colPlanes(col, x, n0, nb, g, lo, hi) })
}

// im2colPlanes is im2col for the (image, channel) planes [lo, hi).
func (c *convPlan) im2colPlanes(col, x []float32, n0, nb, g, lo, hi int) {
	p := c.p
	ld := nb * c.ohw
	shifted := c.shifted()
	for t := lo; t < hi; t++ {
		img, ch := t/c.cg, t%c.cg
		plane := x[(n0+img)*c.inPlane+(g*c.cg+ch)*p.H*p.W:]
		for kh := 0; kh < p.KH; kh++ {
			for kw := 0; kw < p.KW; kw++ {
				r := (ch*p.KH+kh)*p.KW + kw
				dst := col[r*ld+img*c.ohw : r*ld+(img+1)*c.ohw]
				if shifted {
					c.shiftedBlock(dst, plane[:p.H*p.W], kh*p.DilationH-p.PadH, kw-p.PadW)
					continue
				}
				// The outputs ow in [owLo, owHi) read inside the row.
				off := -p.PadW + kw*p.DilationW
				owLo, owHi := validRange(off, p.StrideW, p.W, c.ow)
				for oh := 0; oh < c.oh; oh++ {
					ih := oh*p.StrideH - p.PadH + kh*p.DilationH
					row := dst[oh*c.ow : (oh+1)*c.ow]
					if ih < 0 || ih >= p.H || owLo >= owHi {
						clear(row)
						continue
					}
					src := plane[ih*p.W : (ih+1)*p.W]
					clear(row[:owLo])
					clear(row[owHi:])
					if p.StrideW == 1 {
						copy(row[owLo:owHi], src[owLo+off:owHi+off])
						continue
					}
					for ow := owLo; ow < owHi; ow++ {
						row[ow] = src[ow*p.StrideW+off]
					}
				}
			}
		}
	}
}

// shifted reports whether the convolution is "same" with unit strides, so
// that each (kh, kw) block of the column matrix is the plane shifted by one
// offset: im2col copies it and col2im adds it back as one run (shift)
// instead of row by row.
func (c *convPlan) shifted() bool {
	p := c.p
	return p.StrideH == 1 && p.StrideW == 1 && p.DilationW == 1 && c.ow == p.W
}

// shift is where a unit-stride "same" convolution's (kh, kw) block [oh, W]
// meets the plane [H, W], shifted by dh rows and dw columns: block
// elements [lo, hi) pair with plane elements [lo+s, hi+s) for s = dh·W +
// dw, as one flat run (ok false when no row meets the plane). The run is
// cut at the plane's ends; it also pairs, in every row, the |dw| edge
// columns [cLo, cHi) with the neighbouring row's elements, which the
// callers zero.
type shift struct {
	rowLo, rowHi, lo, hi, planeLo, planeHi, cLo, cHi int
}

func (c *convPlan) shift(dh, dw int) (sh shift, ok bool) {
	w, h := c.p.W, c.p.H
	sh.rowLo, sh.rowHi = max(0, -dh), min(c.oh, h-dh) // output rows whose input row oh+dh lies in the plane
	if sh.rowLo >= sh.rowHi {
		return sh, false
	}
	sh.lo, sh.hi = sh.rowLo*w, sh.rowHi*w
	s := dh*w + dw
	sh.planeLo, sh.planeHi = sh.lo+s, sh.hi+s
	if sh.planeLo < 0 {
		sh.lo, sh.planeLo = sh.lo-sh.planeLo, 0
	}
	if sh.planeHi > h*w {
		sh.hi, sh.planeHi = sh.hi-(sh.planeHi-h*w), h*w
	}
	if dw < 0 {
		sh.cLo, sh.cHi = 0, min(-dw, w)
	} else if dw > 0 {
		sh.cLo, sh.cHi = max(w-dw, 0), w
	}
	return sh, true
}

// clearEdges zeroes the block's edge columns in the rows that meet the
// plane.
func (sh shift) clearEdges(block []float32, w int) {
	if sh.cLo >= sh.cHi {
		return
	}
	if sh.cHi-sh.cLo == 1 { // a 3×3 kernel's: one column, a plain strided store
		block = block[:sh.rowHi*w]
		for i := sh.rowLo*w + sh.cLo; i < len(block); i += w {
			block[i] = 0
		}
		return
	}
	for r := sh.rowLo; r < sh.rowHi; r++ {
		clear(block[r*w+sh.cLo : r*w+sh.cHi])
	}
}

// shiftedBlock fills dst [oh, W] with the plane [H, W] shifted by dh rows
// and dw columns, zeros where the shift reads outside the plane: the
// im2col block of a unit-stride convolution whose output is as wide as its
// input.
func (c *convPlan) shiftedBlock(dst, plane []float32, dh, dw int) {
	sh, ok := c.shift(dh, dw)
	if !ok {
		clear(dst)
		return
	}
	clear(dst[:sh.lo])
	copy(dst[sh.lo:sh.hi], plane[sh.planeLo:sh.planeHi])
	clear(dst[sh.hi:])
	sh.clearEdges(dst, c.p.W) // the copy wrapped them around from the neighbouring rows
}

// addShiftedBlock is shiftedBlock's reverse for col2im: it adds the block
// src [oh, W] into the plane shifted by dh rows and dw columns, as one
// vector add. The block's edge columns are zeroed first (src is scratch),
// so the flat add, which wraps them into the neighbouring rows, adds
// nothing there: each element of the plane gets the same additions, in
// the same order, as row by row.
func (c *convPlan) addShiftedBlock(plane, src []float32, dh, dw int) {
	sh, ok := c.shift(dh, dw)
	if !ok {
		return
	}
	sh.clearEdges(src, c.p.W)
	vec.AddTo(plane[sh.planeLo:sh.planeHi], src[sh.lo:sh.hi])
}

// validRange returns the outputs [lo, hi) of n whose input index
// o*stride + off lies in [0, w).
func validRange(off, stride, w, n int) (lo, hi int) {
	if off < 0 {
		lo = (-off + stride - 1) / stride
	}
	if last := w - 1 - off; last < 0 {
		hi = 0
	} else {
		hi = min(n, last/stride+1)
	}
	return lo, max(lo, hi)
}

// col2im adds col [kk, nb*ohw] back into the group g channels of dx, its
// channels over the team when par.
func (c *convPlan) col2im(dx, col []float32, n0, nb, g int, par bool) {
	if !par {
		c.col2imPlanes(dx, col, n0, nb, g, 0, nb*c.cg)
		return
	}
	parallelFor(nb*c.cg, 1, func(lo, hi int) { c.col2imPlanes(dx, col, n0, nb, g, lo, hi) })
}

// col2imPlanes is col2im for the (image, channel) planes [lo, hi).
func (c *convPlan) col2imPlanes(dx, col []float32, n0, nb, g, lo, hi int) {
	p := c.p
	ld := nb * c.ohw
	shifted := c.shifted()
	for t := lo; t < hi; t++ {
		img, ch := t/c.cg, t%c.cg
		plane := dx[(n0+img)*c.inPlane+(g*c.cg+ch)*p.H*p.W:]
		for kh := 0; kh < p.KH; kh++ {
			for kw := 0; kw < p.KW; kw++ {
				r := (ch*p.KH+kh)*p.KW + kw
				src := col[r*ld+img*c.ohw : r*ld+(img+1)*c.ohw]
				if shifted {
					c.addShiftedBlock(plane[:p.H*p.W], src, kh*p.DilationH-p.PadH, kw-p.PadW)
					continue
				}
				// The outputs ow in [owLo, owHi) land inside the row.
				off := -p.PadW + kw*p.DilationW
				owLo, owHi := validRange(off, p.StrideW, p.W, c.ow)
				if owLo >= owHi {
					continue
				}
				for oh := 0; oh < c.oh; oh++ {
					ih := oh*p.StrideH - p.PadH + kh*p.DilationH
					if ih < 0 || ih >= p.H {
						continue
					}
					dst := plane[ih*p.W : (ih+1)*p.W]
					s := src[oh*c.ow : (oh+1)*c.ow]
					if p.StrideW == 1 {
						vec.AddTo(dst[owLo+off:owHi+off], s[owLo:owHi])
						continue
					}
					for ow := owLo; ow < owHi; ow++ {
						dst[ow*p.StrideW+off] += s[ow]
					}
				}
			}
		}
	}
}

// gather copies the group g channels of images n0..n0+nb-1 of an
// [N, OutC, OH*OW] tensor into m [kg, nb*ohw]; scatter copies them back
// (adding each channel's bias when bias is not nil).
func (c *convPlan) gather(m, y []float32, n0, nb, g int, scatter bool, bias []float32) {
	ld := nb * c.ohw
	parallelFor(nb*c.kg, 4, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			img, k := t/c.kg, t%c.kg
			a := m[k*ld+img*c.ohw : k*ld+(img+1)*c.ohw]
			b := y[(n0+img)*c.outSize+(g*c.kg+k)*c.ohw:][:c.ohw]
			switch {
			case !scatter:
				copy(a, b)
			case bias != nil:
				vec.AddConst(b, a, bias[g*c.kg+k])
			default:
				copy(b, a)
			}
		}
	})
}

// gemm is blasGemm on plain slices; share is as blasGemmShared's.
func (d *Device) gemm(share int, tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	ar, ac, br, bc := m, k, k, n
	if tA {
		ta, ar, ac = blas.Trans, k, m
	}
	if tB {
		tb, br, bc = blas.Trans, n, k
	}
	d.blasGemmShared(share, ta, tb, 1,
		blas32.General{Rows: ar, Cols: ac, Stride: lda, Data: a[:matrixSpan(ar, ac, lda)]},
		blas32.General{Rows: br, Cols: bc, Stride: ldb, Data: b[:matrixSpan(br, bc, ldb)]},
		beta,
		blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c[:matrixSpan(m, n, ldc)]})
}

// Conv2d computes a 2-D convolution through im2col and GEMM.
func (d *Device) Conv2d(p device.Conv2dParams, dst, x, w, bias device.Buffer) {
	c := d.plan("Conv2d", p)
	xs, ws, ys := d.data("Conv2d", x), d.data("Conv2d", w), d.data("Conv2d", dst)
	c.check(d, "Conv2d", x, w, dst)
	var bs []float32
	if bias != nil {
		bs = d.data("Conv2d", bias)
		device.CheckLen("cpu: Conv2d", "bias", bias, 0, p.OutC)
	}
	if c.perImage() {
		cols, workers := d.perImageScratch(&c, p.N)
		defer d.pool.put(cols)
		team.Run(p.N, workers, func(w, n int) {
			col := cols[w*c.kk*c.ohw : (w+1)*c.kk*c.ohw]
			for g := 0; g < p.Groups; g++ {
				y := ys[n*c.outSize+g*c.kg*c.ohw:]
				c.im2col(col, xs, n, 1, g, false)
				d.gemm(workers, false, false, c.kg, c.ohw, c.kk, ws[g*c.kg*c.kk:], c.kk, col, c.ohw, 0, y, c.ohw)
				if bs != nil {
					for k := range c.kg {
						row := y[k*c.ohw : (k+1)*c.ohw]
						vec.AddConst(row, row, bs[g*c.kg+k])
					}
				}
			}
		})
		return
	}
	col := d.pool.get(c.kk * c.chunk * c.ohw)
	tmp := d.pool.get(c.kg * c.chunk * c.ohw)
	defer d.pool.put(col)
	defer d.pool.put(tmp)
	for n0 := 0; n0 < p.N; n0 += c.chunk {
		nb := min(c.chunk, p.N-n0)
		ld := nb * c.ohw
		for g := 0; g < p.Groups; g++ {
			c.im2col(col, xs, n0, nb, g, true)
			d.gemm(1, false, false, c.kg, ld, c.kk, ws[g*c.kg*c.kk:], c.kk, col, ld, 0, tmp, ld)
			c.gather(tmp, ys, n0, nb, g, true, bs)
		}
	}
}

// Conv2dBackwardData computes dx = conv2d_transpose(dy, w).
func (d *Device) Conv2dBackwardData(p device.Conv2dParams, dx, dy, w device.Buffer) {
	c := d.plan("Conv2dBackwardData", p)
	dxs, dys, ws := d.data("Conv2dBackwardData", dx), d.data("Conv2dBackwardData", dy), d.data("Conv2dBackwardData", w)
	c.check(d, "Conv2dBackwardData", dx, w, dy)
	if c.perImage() {
		cols, workers := d.perImageScratch(&c, p.N)
		defer d.pool.put(cols)
		team.Run(p.N, workers, func(w, n int) {
			col := cols[w*c.kk*c.ohw : (w+1)*c.kk*c.ohw]
			clear(dxs[n*c.inPlane : (n+1)*c.inPlane])
			for g := 0; g < p.Groups; g++ {
				d.gemm(workers, true, false, c.kk, c.ohw, c.kg, ws[g*c.kg*c.kk:], c.kk, dys[n*c.outSize+g*c.kg*c.ohw:], c.ohw, 0, col, c.ohw)
				c.col2im(dxs, col, n, 1, g, false)
			}
		})
		return
	}
	clear(dxs[:p.N*c.inPlane])
	col := d.pool.get(c.kk * c.chunk * c.ohw)
	tmp := d.pool.get(c.kg * c.chunk * c.ohw)
	defer d.pool.put(col)
	defer d.pool.put(tmp)
	for n0 := 0; n0 < p.N; n0 += c.chunk {
		nb := min(c.chunk, p.N-n0)
		ld := nb * c.ohw
		for g := 0; g < p.Groups; g++ {
			c.gather(tmp, dys, n0, nb, g, false, nil)
			d.gemm(1, true, false, c.kk, ld, c.kg, ws[g*c.kg*c.kk:], c.kk, tmp, ld, 0, col, ld)
			c.col2im(dxs, col, n0, nb, g, true)
		}
	}
}

// Conv2dBackwardFilter computes dw = sum over images of dy × im2col(x)ᵀ.
func (d *Device) Conv2dBackwardFilter(p device.Conv2dParams, dw, x, dy device.Buffer) {
	c := d.plan("Conv2dBackwardFilter", p)
	dws, xs, dys := d.data("Conv2dBackwardFilter", dw), d.data("Conv2dBackwardFilter", x), d.data("Conv2dBackwardFilter", dy)
	c.check(d, "Conv2dBackwardFilter", x, dw, dy)
	if p.N == 0 {
		clear(dws[:p.OutC*c.kk])
		return
	}
	if c.perImage() {
		d.conv2dBackwardFilterPerImage(&c, dws, xs, dys)
		return
	}
	col := d.pool.get(c.kk * c.chunk * c.ohw)
	tmp := d.pool.get(c.kg * c.chunk * c.ohw)
	defer d.pool.put(col)
	defer d.pool.put(tmp)
	for n0 := 0; n0 < p.N; n0 += c.chunk {
		nb := min(c.chunk, p.N-n0)
		ld := nb * c.ohw
		beta := float32(1)
		if n0 == 0 {
			beta = 0
		}
		for g := 0; g < p.Groups; g++ {
			c.im2col(col, xs, n0, nb, g, true)
			c.gather(tmp, dys, n0, nb, g, false, nil)
			d.gemm(1, false, true, c.kg, c.kk, ld, tmp, ld, col, ld, beta, dws[g*c.kg*c.kk:], c.kk)
		}
	}
}

// conv2dBackwardFilterPerImage sums dw over the images one at a time: a
// partial sum per group of consecutive images (filterGroups), each summed
// in order by one goroutine of the team, then the partial sums added in
// order.
func (d *Device) conv2dBackwardFilterPerImage(c *convPlan, dws, xs, dys []float32) {
	p := c.p
	size := p.OutC * c.kk
	per := (p.N + filterGroups - 1) / filterGroups // images per group
	groups := (p.N + per - 1) / per
	parts := d.pool.get(groups * size)
	defer d.pool.put(parts)
	cols, workers := d.perImageScratch(c, groups)
	defer d.pool.put(cols)
	team.Run(groups, workers, func(w, gi int) {
		col := cols[w*c.kk*c.ohw : (w+1)*c.kk*c.ohw]
		part := parts[gi*size : (gi+1)*size]
		for n := gi * per; n < min(p.N, (gi+1)*per); n++ {
			beta := float32(1)
			if n == gi*per {
				beta = 0
			}
			for g := 0; g < p.Groups; g++ {
				c.im2col(col, xs, n, 1, g, false)
				d.gemm(workers, false, true, c.kg, c.kk, c.ohw, dys[n*c.outSize+g*c.kg*c.ohw:], c.ohw, col, c.ohw, beta, part[g*c.kg*c.kk:], c.kk)
			}
		}
	})
	copy(dws[:size], parts[:size])
	for gi := 1; gi < groups; gi++ {
		vec.AddTo(dws[:size], parts[gi*size:(gi+1)*size])
	}
}
