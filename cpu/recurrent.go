package cpu

import (
	"github.com/vkgrad/vkgrad/device"
)

// LSTMCell computes one LSTM step's gates and states; each of the n·hidden
// units reads its four gates and writes its own outputs.
func (d *Device) LSTMCell(n, hidden int, act, hc device.Buffer, gi, gh, c device.Strided) {
	const op = "LSTMCell"
	device.CheckLSTMCell("cpu: "+op, n, hidden)
	gshape, cshape := []int{n, 4 * hidden}, []int{n, hidden}
	xi, xh, xc := d.view(op, gshape, gi), d.view(op, gshape, gh), d.view(op, cshape, c)
	a := d.out(op, act, 4*n*hidden)
	device.CheckLen("cpu: "+op, "hc", hc, 0, 2*n*hidden)
	y := d.data(op, hc)[:2*n*hidden] // one op: out counts it once
	sigmoid, tanh := UnaryFunc(device.UnarySigmoid, 0), UnaryFunc(device.UnaryTanh, 0)
	m := n * hidden
	parallelFor(n, max(1, grainElementwise/max(1, 4*hidden)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ar := a[r*4*hidden : (r+1)*4*hidden]
			for j := range hidden {
				pre := func(k int) float32 {
					col := k*hidden + j
					return xi[gi.Offset+r*gi.Strides[0]+col*gi.Strides[1]] + xh[gh.Offset+r*gh.Strides[0]+col*gh.Strides[1]]
				}
				ig, fg, gg, og := sigmoid(pre(0)), sigmoid(pre(1)), tanh(pre(2)), sigmoid(pre(3))
				ar[j], ar[hidden+j], ar[2*hidden+j], ar[3*hidden+j] = ig, fg, gg, og
				cn := fg*xc[c.Offset+r*c.Strides[0]+j*c.Strides[1]] + ig*gg
				y[m+r*hidden+j] = cn
				y[r*hidden+j] = og * tanh(cn)
			}
		}
	})
}

// LSTMCellBackward computes the gradients of an LSTM step's
// pre-activations and previous cell state.
func (d *Device) LSTMCellBackward(n, hidden int, dGates, dc, act, hc device.Buffer, c device.Strided, dhc device.Buffer) {
	const op = "LSTMCellBackward"
	device.CheckLSTMCell("cpu: "+op, n, hidden)
	m := n * hidden
	xc := d.view(op, []int{n, hidden}, c)
	a, y, g := d.data(op, act), d.data(op, hc), d.data(op, dhc)
	device.CheckLen("cpu: "+op, "act", act, 0, 4*m)
	device.CheckLen("cpu: "+op, "hc", hc, 0, 2*m)
	device.CheckLen("cpu: "+op, "dhc", dhc, 0, 2*m)
	dg := d.out(op, dGates, 4*m)
	device.CheckLen("cpu: "+op, "dc", dc, 0, m)
	dcp := d.data(op, dc)[:m]
	tanh := UnaryFunc(device.UnaryTanh, 0)
	sigmoidGrad, tanhGrad := UnaryGradFunc(device.UnarySigmoid, 0), UnaryGradFunc(device.UnaryTanh, 0)
	parallelFor(n, max(1, grainElementwise/max(1, 4*hidden)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ar, dr := a[r*4*hidden:(r+1)*4*hidden], dg[r*4*hidden:(r+1)*4*hidden]
			for j := range hidden {
				e := r*hidden + j
				ig, fg, gg, og := ar[j], ar[hidden+j], ar[2*hidden+j], ar[3*hidden+j]
				tc := tanh(y[m+e])
				dh := g[e]
				dcn := g[m+e] + tanhGrad(tc, dh*og)
				dr[j] = sigmoidGrad(ig, dcn*gg)
				dr[hidden+j] = sigmoidGrad(fg, dcn*xc[c.Offset+r*c.Strides[0]+j*c.Strides[1]])
				dr[2*hidden+j] = tanhGrad(gg, dcn*ig)
				dr[3*hidden+j] = sigmoidGrad(og, dh*tc)
				dcp[e] = dcn * fg
			}
		}
	})
}
