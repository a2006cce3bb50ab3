package tensor

import (
	"fmt"
	"slices"
)

// LSTMCell is one step of an LSTM after its two matrix products, fused
// into one device op: gi and gh are [batch, 4·hidden] (the input's and the
// hidden state's projections with their biases, gate blocks in PyTorch's
// order i, f, g, o) and c is the [batch, hidden] cell state. It returns
// the new hidden and cell states,
//
//	c' = σ(f)·c + σ(i)·tanh(g),  h' = σ(o)·tanh(c'),
//
// with i, f, g, o the blocks of gi + gh; gradients flow to gi, gh and c.
// The inputs may be any 2-D views (a time step's slice of a sequence's
// projection is used in place). h' and c' are views of one [2, batch,
// hidden] result.
func LSTMCell(gi, gh, c *Tensor) (h, cNext *Tensor) {
	const op = "LSTMCell"
	dev := sameDevice(op, gi, gh, c)
	if len(c.shape) != 2 || len(gi.shape) != 2 {
		panic(fmt.Sprintf("tensor: %s: gates %v and cell state %v (want [batch, 4·hidden] and [batch, hidden])", op, gi.shape, c.shape))
	}
	n, hid := c.shape[0], c.shape[1]
	if want := []int{n, 4 * hid}; !slices.Equal(gi.shape, want) || !slices.Equal(gh.shape, want) {
		panic(fmt.Sprintf("tensor: %s: gates %v and %v for a cell state %v (want %v)", op, gi.shape, gh.shape, c.shape, want))
	}
	act := empty(dev, []int{n, 4 * hid})
	hc := empty(dev, []int{2, n, hid})
	dev.LSTMCell(n, hid, act.buf(op), hc.buf(op), gi.view(op), gh.view(op), c.view(op))
	if !GradEnabled() || !(gi.requiresGrad || gh.requiresGrad || c.requiresGrad) {
		act.Release()
	} else {
		record(hc, op, func(g *Tensor, _ []bool) []*Tensor {
			dg := empty(dev, []int{n, 4 * hid})
			dc := empty(dev, []int{n, hid})
			gc := g.contig()
			dev.LSTMCellBackward(n, hid, dg.buf(op), dc.buf(op), act.buf(op), hc.buf(op), c.view(op), gc.buf(op))
			releaseTemp(gc, g)
			return []*Tensor{dg, dg, dc}
		}, gi, gh, c)
	}
	return hc.Narrow(0, 0, 1).Reshape(n, hid), hc.Narrow(0, 1, 1).Reshape(n, hid)
}
