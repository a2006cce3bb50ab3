package cpu

import (
	"github.com/vkgrad/vkgrad/cpu/internal/vec"
	"github.com/vkgrad/vkgrad/device"
)

func (d *Device) poolCheck(op string, p device.Pool2dParams, in, out device.Buffer) (nIn, nOut int) {
	if err := p.Validate(); err != nil {
		panic("cpu: " + op + ": " + err.Error())
	}
	nIn = p.N * p.C * p.H * p.W
	nOut = p.N * p.C * p.OutH() * p.OutW()
	device.CheckLen("cpu: "+op, "input", in, 0, nIn)
	device.CheckLen("cpu: "+op, "output", out, 0, nOut)
	d.ops.Add(1)
	return nIn, nOut
}

// MaxPool2d computes max pooling and the chosen positions.
func (d *Device) MaxPool2d(p device.Pool2dParams, dst, indices, x device.Buffer) {
	xs, ys, is := d.data("MaxPool2d", x), d.data("MaxPool2d", dst), d.data("MaxPool2d", indices)
	_, nOut := d.poolCheck("MaxPool2d", p, x, dst)
	device.CheckLen("cpu: MaxPool2d", "indices", indices, 0, nOut)
	oh, ow := p.OutH(), p.OutW()
	parallelFor(p.N*p.C, max(1, grainElementwise/(oh*ow*p.KH*p.KW)), func(lo, hi int) {
		for plane := lo; plane < hi; plane++ {
			xp := xs[plane*p.H*p.W : (plane+1)*p.H*p.W]
			yp := ys[plane*oh*ow : (plane+1)*oh*ow]
			ip := is[plane*oh*ow : (plane+1)*oh*ow]
			if p.KH == 2 && p.KW == 2 && p.StrideH == 2 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0 && 2*oh <= p.H && 2*ow <= p.W {
				maxPool2x2(xp, yp, ip, p.W, oh, ow)
				continue
			}
			for i := 0; i < oh; i++ {
				h0 := i*p.StrideH - p.PadH
				h1 := min(h0+p.KH, p.H)
				h0 = max(h0, 0)
				for j := 0; j < ow; j++ {
					w0 := j*p.StrideW - p.PadW
					w1 := min(w0+p.KW, p.W)
					w0 = max(w0, 0)
					bi := h0*p.W + w0
					best := xp[bi]
					for h := h0; h < h1; h++ {
						row := xp[h*p.W+w0 : h*p.W+w1]
						for k, v := range row {
							if v > best || (v != v && best == best) {
								best, bi = v, h*p.W+w0+k
							}
						}
					}
					yp[i*ow+j] = best
					ip[i*ow+j] = float32(bi)
				}
			}
		}
	})
}

// maxPool2x2 is MaxPool2d's common case: 2×2 windows, stride 2, no
// padding, on one plane of width w, a row of windows at a time. Each row
// gets the rest of the plane as room (vec.MaxPool2x2Row), so a short row
// still runs as one vector: what it writes past its end, the next row
// overwrites.
func maxPool2x2(xp, yp, ip []float32, w, oh, ow int) {
	for i := 0; i < oh; i++ {
		vec.MaxPool2x2Row(xp[2*i*w:], xp[(2*i+1)*w:], yp[i*ow:], ip[i*ow:], ow, 2*i*w, w)
	}
}

// MaxPool2dBackward routes dy to the positions MaxPool2d chose.
func (d *Device) MaxPool2dBackward(p device.Pool2dParams, dx, dy, indices device.Buffer) {
	dxs, dys, is := d.data("MaxPool2dBackward", dx), d.data("MaxPool2dBackward", dy), d.data("MaxPool2dBackward", indices)
	_, nOut := d.poolCheck("MaxPool2dBackward", p, dx, dy)
	device.CheckLen("cpu: MaxPool2dBackward", "indices", indices, 0, nOut)
	oh, ow := p.OutH(), p.OutW()
	parallelFor(p.N*p.C, max(1, grainElementwise/(p.H*p.W)), func(lo, hi int) {
		for plane := lo; plane < hi; plane++ {
			xp := dxs[plane*p.H*p.W : (plane+1)*p.H*p.W]
			clear(xp)
			for k, g := range dys[plane*oh*ow : (plane+1)*oh*ow] {
				if i := int(is[plane*oh*ow+k]); i >= 0 {
					xp[i] += g
				}
			}
		}
	})
}

// avgWindow returns output (i, j)'s window clipped to the input, and its
// divisor.
func avgWindow(p device.Pool2dParams, i, j int) (h0, h1, w0, w1 int, div float32) {
	h0, w0 = i*p.StrideH-p.PadH, j*p.StrideW-p.PadW
	h1, w1 = min(h0+p.KH, p.H+p.PadH), min(w0+p.KW, p.W+p.PadW)
	full := (h1 - h0) * (w1 - w0)
	h0, w0 = max(h0, 0), max(w0, 0)
	h1, w1 = min(h1, p.H), min(w1, p.W)
	if p.CountIncludePad {
		return h0, h1, w0, w1, float32(full)
	}
	return h0, h1, w0, w1, float32((h1 - h0) * (w1 - w0))
}

// AvgPool2d computes average pooling.
func (d *Device) AvgPool2d(p device.Pool2dParams, dst, x device.Buffer) {
	xs, ys := d.data("AvgPool2d", x), d.data("AvgPool2d", dst)
	d.poolCheck("AvgPool2d", p, x, dst)
	oh, ow := p.OutH(), p.OutW()
	parallelFor(p.N*p.C, max(1, grainElementwise/(oh*ow*p.KH*p.KW)), func(lo, hi int) {
		for plane := lo; plane < hi; plane++ {
			xp := xs[plane*p.H*p.W : (plane+1)*p.H*p.W]
			yp := ys[plane*oh*ow : (plane+1)*oh*ow]
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					h0, h1, w0, w1, div := avgWindow(p, i, j)
					var s float32
					for h := h0; h < h1; h++ {
						for w := w0; w < w1; w++ {
							s += xp[h*p.W+w]
						}
					}
					yp[i*ow+j] = s / div
				}
			}
		}
	})
}

// AvgPool2dBackward spreads dy over the windows.
func (d *Device) AvgPool2dBackward(p device.Pool2dParams, dx, dy device.Buffer) {
	dxs, dys := d.data("AvgPool2dBackward", dx), d.data("AvgPool2dBackward", dy)
	d.poolCheck("AvgPool2dBackward", p, dx, dy)
	oh, ow := p.OutH(), p.OutW()
	parallelFor(p.N*p.C, max(1, grainElementwise/(p.H*p.W)), func(lo, hi int) {
		for plane := lo; plane < hi; plane++ {
			xp := dxs[plane*p.H*p.W : (plane+1)*p.H*p.W]
			clear(xp)
			yp := dys[plane*oh*ow : (plane+1)*oh*ow]
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					h0, h1, w0, w1, div := avgWindow(p, i, j)
					g := yp[i*ow+j] / div
					for h := h0; h < h1; h++ {
						for w := w0; w < w1; w++ {
							xp[h*p.W+w] += g
						}
					}
				}
			}
		}
	})
}
