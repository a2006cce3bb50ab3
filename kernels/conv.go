//go:build cgo

package kernels

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// colBudget bounds the im2col matrix of one chunk of images, in elements
// (a variable so that tests can force chunking).
var colBudget = 16 << 20

// convPlan holds the derived sizes of a convolution.
type convPlan struct {
	p               device.Conv2dParams
	cg, kg, kk      int // channels per group in and out; KH*KW
	oh, ow, ohw     int
	chunk           int // images per im2col matrix
	inSize, outSize int // C*H*W and OutC*OH*OW
}

func (d *Device) convPlan(op string, p device.Conv2dParams, x, w, y device.Buffer) convPlan {
	if err := p.Validate(); err != nil {
		panic("vulkan: " + op + ": " + err.Error())
	}
	c := convPlan{p: p, cg: p.C / p.Groups, kg: p.OutC / p.Groups, kk: p.KH * p.KW, oh: p.OutH(), ow: p.OutW()}
	c.ohw = c.oh * c.ow
	c.inSize, c.outSize = p.C*p.H*p.W, p.OutC*c.ohw
	budget := min(colBudget, int(d.rt.Properties().MaxStorageRange/4))
	c.chunk = max(1, min(p.N, budget/max(1, p.C*c.kk*c.ohw)))
	device.CheckLen("vulkan: "+op, "x", x, 0, p.N*c.inSize)
	device.CheckLen("vulkan: "+op, "w", w, 0, p.OutC*c.cg*c.kk)
	device.CheckLen("vulkan: "+op, "y", y, 0, p.N*c.outSize)
	return c
}

// colPush is the push-constant block shared by im2col and col2im.
func (c *convPlan) colPush(total, off int) push {
	p := c.p
	return push(nil).u(total).u(p.C).u(p.H).u(p.W).u(p.KH).u(p.KW).
		u(p.StrideH).u(p.StrideW).u(p.PadH).u(p.PadW).u(p.DilationH).u(p.DilationW).
		u(c.oh).u(c.ow).u(off)
}

// im2col fills col [nb][C*KH*KW][OH*OW] from images n0..n0+nb-1 of x.
func (d *Device) im2col(c *convPlan, col, x *vulkan.Buffer, n0, nb int) {
	total := nb * c.p.C * c.kk * c.ohw
	p := d.pipeline("im2col", d.wg)
	d.dispatch(p, d.elems(total), c.colPush(total, n0*c.inSize), 1, col, x)
}

// Conv2d computes the convolution as im2col and one batched GEMM per group
// (the filter broadcast over the images), with the bias fused into the
// GEMM's store.
func (d *Device) Conv2d(p device.Conv2dParams, dst, x, w, bias device.Buffer) {
	c := d.convPlan("Conv2d", p, x, w, dst)
	yb, xb, wb := d.buf("Conv2d", dst), d.buf("Conv2d", x), d.buf("Conv2d", w)
	var bb device.Buffer
	if bias != nil {
		bb = d.buf("Conv2d", bias)
		device.CheckLen("vulkan: Conv2d", "bias", bias, 0, p.OutC)
	}
	if p.N == 0 {
		return
	}
	col := d.scratch(c.chunk * p.C * c.kk * c.ohw)
	defer d.rt.Release(col)
	for n0 := 0; n0 < p.N; n0 += c.chunk {
		nb := min(c.chunk, p.N-n0)
		d.im2col(&c, col, xb, n0, nb)
		for g := 0; g < p.Groups; g++ {
			gp := device.GemmParams{M: c.kg, N: c.ohw, K: c.cg * c.kk, Batch: nb, Alpha: 1,
				A: device.Matrix{Buf: wb, Offset: g * c.kg * c.cg * c.kk, LD: c.cg * c.kk},
				B: device.Matrix{Buf: col, Offset: g * c.cg * c.kk * c.ohw, LD: c.ohw, BatchStride: p.C * c.kk * c.ohw},
				C: device.Matrix{Buf: yb, Offset: n0*c.outSize + g*c.kg*c.ohw, LD: c.ohw, BatchStride: c.outSize}}
			if bb != nil {
				gp.Bias, gp.BiasOffset = bb, g*c.kg
			}
			d.gemmOp(gp, true)
		}
	}
}

// Conv2dBackwardData computes dx: per group a batched GEMM of the
// transposed filter with dy into the im2col layout, then col2im.
func (d *Device) Conv2dBackwardData(p device.Conv2dParams, dx, dy, w device.Buffer) {
	c := d.convPlan("Conv2dBackwardData", p, dx, w, dy)
	dxb, dyb, wb := d.buf("Conv2dBackwardData", dx), d.buf("Conv2dBackwardData", dy), d.buf("Conv2dBackwardData", w)
	if p.N == 0 {
		return
	}
	col := d.scratch(c.chunk * p.C * c.kk * c.ohw)
	defer d.rt.Release(col)
	for n0 := 0; n0 < p.N; n0 += c.chunk {
		nb := min(c.chunk, p.N-n0)
		for g := 0; g < p.Groups; g++ {
			d.gemmOp(device.GemmParams{TransA: true, M: c.cg * c.kk, N: c.ohw, K: c.kg, Batch: nb, Alpha: 1,
				A: device.Matrix{Buf: wb, Offset: g * c.kg * c.cg * c.kk, LD: c.cg * c.kk},
				B: device.Matrix{Buf: dyb, Offset: n0*c.outSize + g*c.kg*c.ohw, LD: c.ohw, BatchStride: c.outSize},
				C: device.Matrix{Buf: col, Offset: g * c.cg * c.kk * c.ohw, LD: c.ohw, BatchStride: p.C * c.kk * c.ohw}}, false)
		}
		total := nb * c.inSize
		pl := d.pipeline("col2im", d.wg)
		d.dispatch(pl, d.elems(total), c.colPush(total, n0*c.inSize), 1, dxb, col)
	}
}

// Conv2dBackwardFilter computes dw: per group a batched GEMM of dy with the
// transposed im2col matrix gives one partial filter gradient per image,
// which a reduction sums.
func (d *Device) Conv2dBackwardFilter(p device.Conv2dParams, dw, x, dy device.Buffer) {
	c := d.convPlan("Conv2dBackwardFilter", p, x, dw, dy)
	dwb, xb, dyb := d.buf("Conv2dBackwardFilter", dw), d.buf("Conv2dBackwardFilter", x), d.buf("Conv2dBackwardFilter", dy)
	nw := p.OutC * c.cg * c.kk
	if p.N == 0 {
		d.rt.Fill(dwb, 0, nw, 0)
		return
	}
	col := d.scratch(c.chunk * p.C * c.kk * c.ohw)
	defer d.rt.Release(col)
	parts := d.scratch(c.chunk * nw)
	defer d.rt.Release(parts)
	var sum *vulkan.Buffer
	for n0 := 0; n0 < p.N; n0 += c.chunk {
		nb := min(c.chunk, p.N-n0)
		d.im2col(&c, col, xb, n0, nb)
		for g := 0; g < p.Groups; g++ {
			d.gemmOp(device.GemmParams{TransB: true, M: c.kg, N: c.cg * c.kk, K: c.ohw, Batch: nb, Alpha: 1,
				A: device.Matrix{Buf: dyb, Offset: n0*c.outSize + g*c.kg*c.ohw, LD: c.ohw, BatchStride: c.outSize},
				B: device.Matrix{Buf: col, Offset: g * c.cg * c.kk * c.ohw, LD: c.ohw, BatchStride: p.C * c.kk * c.ohw},
				C: device.Matrix{Buf: parts, Offset: g * c.kg * c.cg * c.kk, LD: c.cg * c.kk, BatchStride: nw}}, false)
		}
		src := device.Contiguous(parts, 0, []int{nb, nw})
		if n0 == 0 {
			d.Reduce(device.ReduceSum, []int{nb, nw}, []int{0}, dwb, src)
			continue
		}
		if sum == nil {
			sum = d.scratch(nw)
			defer d.rt.Release(sum)
		}
		d.Reduce(device.ReduceSum, []int{nb, nw}, []int{0}, sum, src)
		all := device.Contiguous(dwb, 0, []int{nw})
		d.Binary(device.BinaryAdd, []int{nw}, dwb, all, device.Contiguous(sum, 0, []int{nw}))
	}
}

func (d *Device) poolCheck(op string, p device.Pool2dParams, in, out device.Buffer) (nIn, nOut int) {
	if err := p.Validate(); err != nil {
		panic(fmt.Sprintf("vulkan: %s: %v", op, err))
	}
	nIn, nOut = p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
	device.CheckLen("vulkan: "+op, "input", in, 0, nIn)
	device.CheckLen("vulkan: "+op, "output", out, 0, nOut)
	return nIn, nOut
}

func poolPush(p device.Pool2dParams, total int) push {
	return push(nil).u(total).u(p.H).u(p.W).u(p.OutH()).u(p.OutW()).u(p.KH).u(p.KW).
		u(p.StrideH).u(p.StrideW).u(p.PadH).u(p.PadW)
}

// MaxPool2d computes max pooling and the chosen positions.
func (d *Device) MaxPool2d(p device.Pool2dParams, dst, indices, x device.Buffer) {
	_, nOut := d.poolCheck("MaxPool2d", p, x, dst)
	device.CheckLen("vulkan: MaxPool2d", "indices", indices, 0, nOut)
	if nOut == 0 {
		return
	}
	pl := d.pipeline("pool", d.wg, 1, 0)
	d.dispatch(pl, d.elems(nOut), poolPush(p, nOut), 2, d.buf("MaxPool2d", dst), d.buf("MaxPool2d", indices), d.buf("MaxPool2d", x))
}

// MaxPool2dBackward gathers dy into dx at the chosen positions.
func (d *Device) MaxPool2dBackward(p device.Pool2dParams, dx, dy, indices device.Buffer) {
	nIn, nOut := d.poolCheck("MaxPool2dBackward", p, dx, dy)
	device.CheckLen("vulkan: MaxPool2dBackward", "indices", indices, 0, nOut)
	if nIn == 0 {
		return
	}
	pl := d.pipeline("pool_bw", d.wg, 1, 0)
	d.dispatch(pl, d.elems(nIn), poolPush(p, nIn), 1, d.buf("MaxPool2dBackward", dx), d.buf("MaxPool2dBackward", dy), d.buf("MaxPool2dBackward", indices))
}

// AvgPool2d computes average pooling.
func (d *Device) AvgPool2d(p device.Pool2dParams, dst, x device.Buffer) {
	_, nOut := d.poolCheck("AvgPool2d", p, x, dst)
	if nOut == 0 {
		return
	}
	y := d.buf("AvgPool2d", dst)
	pl := d.pipeline("pool", d.wg, 0, b2u(p.CountIncludePad))
	// The index binding is unused by average pooling: bind the output.
	d.dispatch(pl, d.elems(nOut), poolPush(p, nOut), 1, y, y, d.buf("AvgPool2d", x))
}

// AvgPool2dBackward spreads dy over the windows (a gather per input).
func (d *Device) AvgPool2dBackward(p device.Pool2dParams, dx, dy device.Buffer) {
	nIn, _ := d.poolCheck("AvgPool2dBackward", p, dx, dy)
	if nIn == 0 {
		return
	}
	g := d.buf("AvgPool2dBackward", dy)
	pl := d.pipeline("pool_bw", d.wg, 0, b2u(p.CountIncludePad))
	d.dispatch(pl, d.elems(nIn), poolPush(p, nIn), 1, d.buf("AvgPool2dBackward", dx), g, g)
}
