package cpu

import (
	"math"

	"github.com/vkgrad/vkgrad/device"
)

// LayerNorm normalises each row, in float64 (two passes: the mean, then
// the variance about it).
func (d *Device) LayerNorm(rows, n int, eps float32, y, mean, rstd, x, w, b device.Buffer) {
	const op = "LayerNorm"
	device.CheckNorm("cpu: "+op, rows, n, w, b)
	xs := d.data(op, x)
	device.CheckLen("cpu: "+op, "x", x, 0, rows*n)
	device.CheckLen("cpu: "+op, "mean", mean, 0, rows)
	device.CheckLen("cpu: "+op, "rstd", rstd, 0, rows)
	ms, rs := d.data(op, mean), d.data(op, rstd)
	var ws, bs []float32
	if w != nil {
		ws = d.data(op, w)
	}
	if b != nil {
		bs = d.data(op, b)
	}
	ys := d.out(op, y, rows*n)
	parallelFor(rows, max(1, grainReduce/max(1, n)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := xs[r*n : (r+1)*n]
			var s float64
			for _, v := range row {
				s += float64(v)
			}
			m := s / float64(n)
			var q float64
			for _, v := range row {
				dv := float64(v) - m
				q += dv * dv
			}
			is := 1 / math.Sqrt(q/float64(n)+float64(eps))
			ms[r], rs[r] = float32(m), float32(is)
			out := ys[r*n : (r+1)*n]
			for j, v := range row {
				h := (float64(v) - m) * is
				if ws != nil {
					h *= float64(ws[j])
				}
				if bs != nil {
					h += float64(bs[j])
				}
				out[j] = float32(h)
			}
		}
	})
}

// LayerNormBackward computes dx (and dy·x̂) row by row, in float64.
func (d *Device) LayerNormBackward(rows, n int, dx, dyXhat, dy, x, mean, rstd, w device.Buffer) {
	const op = "LayerNormBackward"
	device.CheckNorm("cpu: "+op, rows, n, w, nil)
	for _, c := range []struct {
		name string
		b    device.Buffer
		n    int
	}{{"dy", dy, rows * n}, {"x", x, rows * n}, {"mean", mean, rows}, {"rstd", rstd, rows}} {
		device.CheckLen("cpu: "+op, c.name, c.b, 0, c.n)
	}
	gs, xs, ms, rs := d.data(op, dy), d.data(op, x), d.data(op, mean), d.data(op, rstd)
	var ws, gx []float32
	if w != nil {
		ws = d.data(op, w)
	}
	if dyXhat != nil {
		device.CheckLen("cpu: "+op, "dyXhat", dyXhat, 0, rows*n)
		gx = d.data(op, dyXhat)
	}
	out := d.out(op, dx, rows*n)
	parallelFor(rows, max(1, grainReduce/max(1, n)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			m, is := float64(ms[r]), float64(rs[r])
			var sg, sgx float64
			for j := range n {
				k := r*n + j
				g := float64(gs[k])
				if ws != nil {
					g *= float64(ws[j])
				}
				xh := (float64(xs[k]) - m) * is
				sg += g
				sgx += g * xh
				if gx != nil {
					gx[k] = float32(float64(gs[k]) * xh)
				}
			}
			sg, sgx = sg/float64(n), sgx/float64(n)
			for j := range n {
				k := r*n + j
				g := float64(gs[k])
				if ws != nil {
					g *= float64(ws[j])
				}
				xh := (float64(xs[k]) - m) * is
				out[k] = float32(is * (g - sg - xh*sgx))
			}
		}
	})
}
