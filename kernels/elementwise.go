//go:build cgo

package kernels

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// Maximum ranks of the strided kernels (after merging axes); higher ranks
// are split on the host.
const (
	maxRank      = 6
	maxRankWhere = 5
)

// Unary computes dst = op(x).
func (d *Device) Unary(op device.UnaryOp, alpha float32, shape []int, dst device.Buffer, x device.Strided) {
	n := device.NumElements(shape)
	y := d.out("Unary", dst, 0, n)
	d.strided1(op, alpha, shape, device.Contiguous(y, 0, shape), x)
}

// CopyStrided copies a strided view into another.
func (d *Device) CopyStrided(shape []int, dst, src device.Strided) {
	for _, s := range dst.Strides {
		if s == 0 {
			panic(fmt.Sprintf("vulkan: CopyStrided: destination strides %v broadcast", dst.Strides))
		}
	}
	d.strided1(device.UnaryIdentity, 0, shape, dst, src)
}

// strided1 runs the unary shader: dst (strided) = op(x (strided)).
func (d *Device) strided1(op device.UnaryOp, alpha float32, shape []int, dst, x device.Strided) {
	yb := d.view("Unary", shape, dst)
	xb := d.view("Unary", shape, x)
	if device.NumElements(shape) == 0 {
		return
	}
	p := d.pipeline("unary", d.wg, uint32(op))
	ms, st := device.MergeDims(shape, dst.Strides, x.Strides)
	splitOuter(ms, st, maxRank, func(sh []int, st [][]int, offs []int) {
		n := device.NumElements(sh)
		pc := push(nil).u(n).u(len(sh)).arr(sh, maxRank).
			u(dst.Offset+offs[0]).arr(st[0], maxRank).
			u(x.Offset+offs[1]).arr(st[1], maxRank).f(alpha)
		d.dispatch(p, d.elems(n), pc, 1, yb, xb)
	})
}

// UnaryBackward computes dx = dy * op'(x or y).
func (d *Device) UnaryBackward(op device.UnaryOp, alpha float32, shape []int, dx device.Buffer, x, y, dy device.Strided) {
	n := device.NumElements(shape)
	out := d.out("UnaryBackward", dx, 0, n)
	z := x
	if op.Info().Grad == device.GradFromY {
		z = y
	}
	zb := d.view("UnaryBackward", shape, z)
	gb := d.view("UnaryBackward", shape, dy)
	if n == 0 {
		return
	}
	p := d.pipeline("unary_bw", d.wg, uint32(op))
	ms, st := device.MergeDims(shape, device.ContiguousStrides(shape), z.Strides, dy.Strides)
	splitOuter(ms, st, maxRank, func(sh []int, st [][]int, offs []int) {
		m := device.NumElements(sh)
		pc := push(nil).u(m).u(len(sh)).arr(sh, maxRank).u(offs[0]).
			u(z.Offset+offs[1]).arr(st[1], maxRank).
			u(dy.Offset+offs[2]).arr(st[2], maxRank).f(alpha)
		d.dispatch(p, d.elems(m), pc, 1, out, zb, gb)
	})
}

// Binary computes dst = op(a, b).
func (d *Device) Binary(op device.BinaryOp, shape []int, dst device.Buffer, a, b device.Strided) {
	n := device.NumElements(shape)
	out := d.out("Binary", dst, 0, n)
	d.binary(op, shape, out, a, b, 0, 0)
}

// BinaryScalar computes dst = op(a, s) or op(s, a).
func (d *Device) BinaryScalar(op device.BinaryOp, shape []int, dst device.Buffer, a device.Strided, s float32, scalarFirst bool) {
	n := device.NumElements(shape)
	out := d.out("BinaryScalar", dst, 0, n)
	mode := uint32(1)
	if scalarFirst {
		mode = 2
	}
	d.binary(op, shape, out, a, a, mode, s)
}

// binary runs the binary shader; mode 1 or 2 replaces b or a by s.
func (d *Device) binary(op device.BinaryOp, shape []int, out *vulkan.Buffer, a, b device.Strided, mode uint32, s float32) {
	ab := d.view("Binary", shape, a)
	bb := d.view("Binary", shape, b)
	if device.NumElements(shape) == 0 {
		return
	}
	p := d.pipeline("binary", d.wg, uint32(op), mode)
	ms, st := device.MergeDims(shape, device.ContiguousStrides(shape), a.Strides, b.Strides)
	splitOuter(ms, st, maxRank, func(sh []int, st [][]int, offs []int) {
		m := device.NumElements(sh)
		pc := push(nil).u(m).u(len(sh)).arr(sh, maxRank).u(offs[0]).
			u(a.Offset+offs[1]).arr(st[1], maxRank).
			u(b.Offset+offs[2]).arr(st[2], maxRank).f(s)
		d.dispatch(p, d.elems(m), pc, 1, out, ab, bb)
	})
}

// Where computes dst = cond != 0 ? a : b.
func (d *Device) Where(shape []int, dst device.Buffer, cond, a, b device.Strided) {
	n := device.NumElements(shape)
	out := d.out("Where", dst, 0, n)
	cb := d.view("Where", shape, cond)
	ab := d.view("Where", shape, a)
	bb := d.view("Where", shape, b)
	if n == 0 {
		return
	}
	p := d.pipeline("where", d.wg)
	ms, st := device.MergeDims(shape, device.ContiguousStrides(shape), cond.Strides, a.Strides, b.Strides)
	splitOuter(ms, st, maxRankWhere, func(sh []int, st [][]int, offs []int) {
		m := device.NumElements(sh)
		pc := push(nil).u(m).u(len(sh)).arr(sh, maxRankWhere).u(offs[0]).
			u(cond.Offset+offs[1]).arr(st[1], maxRankWhere).
			u(a.Offset+offs[2]).arr(st[2], maxRankWhere).
			u(b.Offset+offs[3]).arr(st[3], maxRankWhere)
		d.dispatch(p, d.elems(m), pc, 1, out, cb, ab, bb)
	})
}
