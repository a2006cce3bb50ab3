//go:build cgo

package kernels

import (
	"github.com/vkgrad/vkgrad/device"
)

// LSTMCell runs one invocation per unit: it reads the unit's four gate
// pre-activations (two strided views) and its cell state, and writes its
// activated gates and both new states.
func (d *Device) LSTMCell(n, hidden int, act, hc device.Buffer, gi, gh, c device.Strided) {
	const op = "LSTMCell"
	device.CheckLSTMCell("vulkan: "+op, n, hidden)
	m := n * hidden
	gshape, cshape := []int{n, 4 * hidden}, []int{n, hidden}
	a, y := d.out(op, act, 0, 4*m), d.out(op, hc, 0, 2*m)
	ib, hb, cb := d.view(op, gshape, gi), d.view(op, gshape, gh), d.view(op, cshape, c)
	if m == 0 {
		return
	}
	pc := push(nil).u(n).u(hidden).
		u(gi.Offset).u(gi.Strides[0]).u(gi.Strides[1]).
		u(gh.Offset).u(gh.Strides[0]).u(gh.Strides[1]).
		u(c.Offset).u(c.Strides[0]).u(c.Strides[1])
	d.dispatch(d.pipeline("lstm_cell", d.wg), d.elems(m), pc, 2, a, y, ib, hb, cb)
}

// LSTMCellBackward runs one invocation per unit, as LSTMCell does.
func (d *Device) LSTMCellBackward(n, hidden int, dGates, dc, act, hc device.Buffer, c device.Strided, dhc device.Buffer) {
	const op = "LSTMCellBackward"
	device.CheckLSTMCell("vulkan: "+op, n, hidden)
	m := n * hidden
	dg, dcb := d.out(op, dGates, 0, 4*m), d.out(op, dc, 0, m)
	device.CheckLen("vulkan: "+op, "act", act, 0, 4*m)
	device.CheckLen("vulkan: "+op, "hc", hc, 0, 2*m)
	device.CheckLen("vulkan: "+op, "dhc", dhc, 0, 2*m)
	ab, yb, gb := d.buf(op, act), d.buf(op, hc), d.buf(op, dhc)
	cb := d.view(op, []int{n, hidden}, c)
	if m == 0 {
		return
	}
	pc := push(nil).u(n).u(hidden).u(c.Offset).u(c.Strides[0]).u(c.Strides[1])
	d.dispatch(d.pipeline("lstm_cell_bw", d.wg), d.elems(m), pc, 2, dg, dcb, ab, yb, cb, gb)
}
