//go:build cgo

package kernels

import (
	"github.com/vkgrad/vkgrad/device"
)

// LayerNorm normalises each row in one workgroup (one invocation for
// short rows), two passes over the row for the mean and the variance.
func (d *Device) LayerNorm(rows, n int, eps float32, y, mean, rstd, x, w, b device.Buffer) {
	const op = "LayerNorm"
	device.CheckNorm("vulkan: "+op, rows, n, w, b)
	yb := d.out(op, y, 0, rows*n)
	mb, rb := d.out(op, mean, 0, rows), d.out(op, rstd, 0, rows)
	xb := d.buf(op, x)
	device.CheckLen("vulkan: "+op, "x", x, 0, rows*n)
	wb, bb, affine := xb, xb, uint32(0) // x stands in for what is absent
	if w != nil {
		wb, affine = d.buf(op, w), 1
	}
	if b != nil {
		bb, affine = d.buf(op, b), 2
	}
	if rows == 0 {
		return
	}
	wg, g, perThread := d.rowLaunch(rows, n)
	p := d.pipeline(d.sg("layernorm"), wg, affine, perThread)
	d.dispatch(p, g, push(nil).u(rows).u(n).f(eps), 3, yb, mb, rb, xb, wb, bb)
}

// LayerNormBackward computes dx (and dy·x̂) row by row, as LayerNorm
// walks them.
func (d *Device) LayerNormBackward(rows, n int, dx, dyXhat, dy, x, mean, rstd, w device.Buffer) {
	const op = "LayerNormBackward"
	device.CheckNorm("vulkan: "+op, rows, n, w, nil)
	out := d.out(op, dx, 0, rows*n)
	for _, c := range []struct {
		name string
		b    device.Buffer
		n    int
	}{{"dy", dy, rows * n}, {"x", x, rows * n}, {"mean", mean, rows}, {"rstd", rstd, rows}} {
		device.CheckLen("vulkan: "+op, c.name, c.b, 0, c.n)
	}
	gb, xb, mb, rb := d.buf(op, dy), d.buf(op, x), d.buf(op, mean), d.buf(op, rstd)
	wb, weight := xb, uint32(0)
	if w != nil {
		wb, weight = d.buf(op, w), 1
	}
	yx, hasYX := out, uint32(0) // dx stands in when dy·x̂ is not wanted
	if dyXhat != nil {
		yx, hasYX = d.out(op, dyXhat, 0, rows*n), 1
	}
	if rows == 0 {
		return
	}
	wg, g, perThread := d.rowLaunch(rows, n)
	p := d.pipeline(d.sg("layernorm_bw"), wg, weight, perThread, hasYX)
	d.dispatch(p, g, push(nil).u(rows).u(n), 2, out, yx, gb, xb, mb, rb, wb)
}
