package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// CellConfig configures a recurrent cell; the fields are PyTorch's
// arguments of nn.RNNCell, nn.LSTMCell and nn.GRUCell.
type CellConfig struct {
	InputSize, HiddenSize int
	// NoBias leaves out bias_ih and bias_hh (PyTorch's bias=False).
	NoBias bool
}

// Cell is one time step of an RNN, LSTM or GRU cell (PyTorch's
// nn.RNNCell, nn.LSTMCell and nn.GRUCell, with their parameter names
// weight_ih [gates·hidden, input], weight_hh [gates·hidden, hidden],
// bias_ih and bias_hh, and the gate order of RNNMode), for loops a
// program writes itself: decoders, attention over a sequence, sampling.
// Recurrent runs whole sequences faster, projecting every time step's
// input in one GEMM.
type Cell struct {
	Mode               RNNMode
	Cfg                CellConfig
	WIH, WHH, BIH, BHH *tensor.Tensor
}

// NewRNNCell returns an Elman RNN cell (tanh, or relu with mode RNNReLU).
func NewRNNCell(dev device.Device, mode RNNMode, cfg CellConfig, opts ...Option) *Cell {
	if mode != RNNTanh && mode != RNNReLU {
		panic(fmt.Sprintf("nn: NewRNNCell: mode %v (want RNNTanh or RNNReLU)", mode))
	}
	return newCell(dev, mode, cfg, opts)
}

// NewLSTMCell returns an LSTM cell.
func NewLSTMCell(dev device.Device, cfg CellConfig, opts ...Option) *Cell {
	return newCell(dev, LSTM, cfg, opts)
}

// NewGRUCell returns a GRU cell.
func NewGRUCell(dev device.Device, cfg CellConfig, opts ...Option) *Cell {
	return newCell(dev, GRU, cfg, opts)
}

func newCell(dev device.Device, mode RNNMode, cfg CellConfig, opts []Option) *Cell {
	if cfg.InputSize < 1 || cfg.HiddenSize < 1 {
		panic(fmt.Sprintf("nn: new %v cell: input %d, hidden %d", mode, cfg.InputSize, cfg.HiddenSize))
	}
	o := collect(opts)
	c := &Cell{Mode: mode, Cfg: cfg}
	g := mode.gates() * cfg.HiddenSize
	seed := o.seed
	draw := recurrentInit(dev, cfg.HiddenSize, &seed)
	build(func() {
		c.WIH, c.WHH = draw(g, cfg.InputSize), draw(g, cfg.HiddenSize)
		if !cfg.NoBias {
			c.BIH, c.BHH = draw(g), draw(g)
		}
	})
	return c
}

// Step runs one time step: x is [batch, input] (or [input], unbatched, as
// PyTorch allows), h the hidden state [batch, hidden] (or [hidden]) and,
// for an LSTM, c the cell state; nil states are zeros. It returns the new
// hidden state and, for an LSTM, the new cell state (nil otherwise), as
// PyTorch's forward returns h' or (h', c').
func (c *Cell) Step(x, h, cs *tensor.Tensor) (h2, c2 *tensor.Tensor) {
	unbatched := x.Dims() == 1
	if unbatched {
		x = x.Unsqueeze(0)
	}
	if x.Dims() != 2 || x.Dim(1) != c.Cfg.InputSize {
		panic(fmt.Sprintf("nn: %v cell: input %v (want [batch, %d] or [%d])", c.Mode, x.Shape(), c.Cfg.InputSize, c.Cfg.InputSize))
	}
	batch, hid := x.Dim(0), c.Cfg.HiddenSize
	state := func(s *tensor.Tensor, name string) *tensor.Tensor {
		if s == nil {
			return tensor.Zeros(x.Device(), batch, hid)
		}
		if unbatched && s.Dims() == 1 {
			s = s.Unsqueeze(0)
		}
		if s.Dims() != 2 || s.Dim(0) != batch || s.Dim(1) != hid {
			panic(fmt.Sprintf("nn: %v cell: %s of shape %v for input %v (want [%d, %d])", c.Mode, name, s.Shape(), x.Shape(), batch, hid))
		}
		return s
	}
	h = state(h, "h")
	if c.Mode == LSTM {
		cs = state(cs, "c")
	} else if cs != nil {
		panic(fmt.Sprintf("nn: %v cell: a cell state is only an LSTM's", c.Mode))
	}
	gi := tensor.Linear(x, c.WIH, c.BIH, device.UnaryIdentity, 0)
	gh := tensor.Linear(h, c.WHH, c.BHH, device.UnaryIdentity, 0)
	h2, c2 = c.Mode.step(gi, gh, h, cs)
	if unbatched {
		h2 = h2.Reshape(hid)
		if c2 != nil {
			c2 = c2.Reshape(hid)
		}
	}
	return h2, c2
}

// Forward runs one step from zero states and returns the new hidden state.
func (c *Cell) Forward(x *tensor.Tensor) *tensor.Tensor {
	h, _ := c.Step(x, nil, nil)
	return h
}

// Params returns PyTorch's names: weight_ih, weight_hh, bias_ih, bias_hh.
func (c *Cell) Params() []Param {
	ps := []Param{{Name: "weight_ih", Tensor: c.WIH}, {Name: "weight_hh", Tensor: c.WHH}}
	if !c.Cfg.NoBias {
		ps = append(ps, Param{Name: "bias_ih", Tensor: c.BIH}, Param{Name: "bias_hh", Tensor: c.BHH})
	}
	return ps
}

// SetTraining does nothing: a cell behaves the same in both modes.
func (c *Cell) SetTraining(bool) {}
