package device

import "fmt"

// Recurrent is the family of fused recurrent-cell ops: the gate arithmetic
// of one time step in one pass, so that a sequence costs one dispatch per
// step for it rather than one per gate and product.
type Recurrent interface {
	// LSTMCell is one LSTM step after its two matrix products. gi and gh
	// are [n, 4·hidden] views (the input's and the hidden state's
	// projections, biases included) holding PyTorch's gate blocks in
	// order i, f, g, o; c is the [n, hidden] cell state. With
	// pre = gi + gh it writes act [n, 4·hidden] = σ(i), σ(f), tanh(g),
	// σ(o) (the activated gates, kept for the backward pass) and hc
	// [2, n, hidden]: hc[1] = c' = σ(f)·c + σ(i)·tanh(g), the new cell
	// state, and hc[0] = σ(o)·tanh(c'), the new hidden state. σ and tanh
	// are the op table's UnarySigmoid and UnaryTanh.
	LSTMCell(n, hidden int, act, hc Buffer, gi, gh, c Strided)
	// LSTMCellBackward is LSTMCell's backward pass from its act and hc,
	// the previous cell state c (the view LSTMCell read) and dhc [2, n,
	// hidden], the gradient of hc: it writes dGates [n, 4·hidden], the
	// gradient of the pre-activations (gi's and gh's alike), and dc [n,
	// hidden], the gradient of c.
	LSTMCellBackward(n, hidden int, dGates, dc, act, hc Buffer, c Strided, dhc Buffer)
}

// CheckLSTMCell panics, naming op, when an LSTM cell's sizes are
// negative. Backends call it before they check their buffers.
func CheckLSTMCell(op string, n, hidden int) {
	if n < 0 || hidden < 0 {
		panic(fmt.Sprintf("%s: negative size (n %d, hidden %d)", op, n, hidden))
	}
}
