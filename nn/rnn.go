package nn

import (
	"fmt"
	"math"
	"slices"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// RNNMode is the cell of a recurrent layer.
type RNNMode int

// The recurrent cells, as PyTorch defines them (gate order in the weights
// as PyTorch stores them):
//
//	RNNTanh, RNNReLU  h' = act(W_ih x + b_ih + W_hh h + b_hh)
//	LSTM (i, f, g, o) c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c')
//	GRU (r, z, n)     n = tanh(W_in x + b_in + σ(r)·(W_hn h + b_hn)),
//	                  h' = (1 − σ(z))·n + σ(z)·h
const (
	RNNTanh RNNMode = iota
	RNNReLU
	LSTM
	GRU
)

// gates is how many blocks of HiddenSize a cell's weights stack.
func (m RNNMode) gates() int {
	switch m {
	case LSTM:
		return 4
	case GRU:
		return 3
	}
	return 1
}

func (m RNNMode) String() string {
	return [...]string{"RNN_TANH", "RNN_RELU", "LSTM", "GRU"}[m]
}

// RNNConfig configures a recurrent layer; the fields are PyTorch's
// arguments of nn.RNN, nn.LSTM and nn.GRU.
type RNNConfig struct {
	InputSize, HiddenSize int
	// NumLayers stacks layers, each reading the previous one's output (1
	// when zero).
	NumLayers int
	// BatchFirst takes and gives [batch, seq, feature] instead of [seq,
	// batch, feature].
	BatchFirst bool
	// Bidirectional adds a layer that reads the sequence backwards; its
	// output is concatenated to the forward one's.
	Bidirectional bool
	// Dropout drops the outputs of every layer but the last with this
	// probability in training mode.
	Dropout float32
	// NoBias leaves out b_ih and b_hh (PyTorch's bias=False).
	NoBias bool
}

// Recurrent is a multi-layer recurrent layer of RNN, LSTM or GRU cells
// (PyTorch's nn.RNN, nn.LSTM and nn.GRU, with their parameter names:
// weight_ih_l0 [gates·hidden, input], weight_hh_l0, bias_ih_l0,
// bias_hh_l0, and _reverse for the backward direction), so that a PyTorch
// state_dict saved as safetensors loads by name.
//
// A whole sequence is recorded as device ops without any read-back; the
// input projections of all time steps of a layer are one GEMM.
type Recurrent struct {
	Mode RNNMode
	Cfg  RNNConfig
	// Weights per layer and direction: [layer*dirs + dir].
	WIH, WHH, BIH, BHH []*tensor.Tensor
	dropout            []*Dropout
	training           bool
}

// NewRNN returns an Elman RNN (tanh, or relu with mode RNNReLU).
func NewRNN(dev device.Device, mode RNNMode, cfg RNNConfig, opts ...Option) *Recurrent {
	if mode != RNNTanh && mode != RNNReLU {
		panic(fmt.Sprintf("nn: NewRNN: mode %v (want RNNTanh or RNNReLU)", mode))
	}
	return newRecurrent(dev, mode, cfg, opts)
}

// NewLSTM returns an LSTM.
func NewLSTM(dev device.Device, cfg RNNConfig, opts ...Option) *Recurrent {
	return newRecurrent(dev, LSTM, cfg, opts)
}

// NewGRU returns a GRU.
func NewGRU(dev device.Device, cfg RNNConfig, opts ...Option) *Recurrent {
	return newRecurrent(dev, GRU, cfg, opts)
}

func newRecurrent(dev device.Device, mode RNNMode, cfg RNNConfig, opts []Option) *Recurrent {
	if cfg.NumLayers == 0 {
		cfg.NumLayers = 1
	}
	if cfg.InputSize < 1 || cfg.HiddenSize < 1 || cfg.NumLayers < 1 || cfg.Dropout < 0 || cfg.Dropout >= 1 {
		panic(fmt.Sprintf("nn: new %v: input %d, hidden %d, layers %d, dropout %v", mode, cfg.InputSize, cfg.HiddenSize, cfg.NumLayers, cfg.Dropout))
	}
	o := collect(opts)
	r := &Recurrent{Mode: mode, Cfg: cfg, training: true}
	g := mode.gates() * cfg.HiddenSize
	seed := o.seed
	draw := recurrentInit(dev, cfg.HiddenSize, &seed)
	build(func() {
		for l := 0; l < cfg.NumLayers; l++ {
			in := cfg.InputSize
			if l > 0 {
				in = cfg.HiddenSize * r.dirs()
			}
			for range r.dirs() {
				r.WIH = append(r.WIH, draw(g, in))
				r.WHH = append(r.WHH, draw(g, cfg.HiddenSize))
				if !cfg.NoBias {
					r.BIH = append(r.BIH, draw(g))
					r.BHH = append(r.BHH, draw(g))
				}
			}
		}
	})
	for l := 0; l < cfg.NumLayers-1 && cfg.Dropout > 0; l++ {
		r.dropout = append(r.dropout, NewDropout(cfg.Dropout, WithSeed(seed+uint64(1000+l))))
	}
	return r
}

// recurrentInit returns PyTorch's initialization of recurrent layers and
// cells: each call draws a parameter from U(-1/sqrt(hidden),
// 1/sqrt(hidden)) with the seed after *seed.
func recurrentInit(dev device.Device, hidden int, seed *uint64) func(shape ...int) *tensor.Tensor {
	a := float32(1 / math.Sqrt(float64(hidden)))
	return func(shape ...int) *tensor.Tensor {
		*seed++
		return param(tensor.RandUniform(dev, *seed, -a, a, shape...))
	}
}

func (r *Recurrent) dirs() int {
	if r.Cfg.Bidirectional {
		return 2
	}
	return 1
}

// Forward runs the layer from zero initial states and returns the output:
// [seq, batch, dirs·hidden] (or [batch, seq, ...] with BatchFirst).
func (r *Recurrent) Forward(x *tensor.Tensor) *tensor.Tensor {
	out, _, _ := r.ForwardState(x, nil, nil)
	return out
}

// ForwardState runs the layer from the initial hidden state h0 (and, for
// an LSTM, cell state c0), each [layers·dirs, batch, hidden] or nil for
// zeros, and returns the output and the final states in the same layout
// (cn is nil but for an LSTM), as PyTorch's forward returns (output, h_n)
// or (output, (h_n, c_n)).
func (r *Recurrent) ForwardState(x, h0, c0 *tensor.Tensor) (out, hn, cn *tensor.Tensor) {
	return r.forward(x, nil, h0, c0)
}

// ForwardPadded runs the layer over a padded batch: sequence b of x holds
// lengths[b] steps (1 to the padded length), the rest padding. It computes
// what PyTorch's pack_padded_sequence(x, lengths, enforce_sorted=False),
// the layer, then pad_packed_sequence give: the output is zero at padded
// steps, the final states are those after each sequence's last step, and a
// backward direction starts at each sequence's last step. The lengths stay
// on the host, as PyTorch's do; the masks built from them are uploaded
// once.
func (r *Recurrent) ForwardPadded(x *tensor.Tensor, lengths []int, h0, c0 *tensor.Tensor) (out, hn, cn *tensor.Tensor) {
	if lengths == nil {
		panic(fmt.Sprintf("nn: %v: ForwardPadded without lengths (use ForwardState)", r.Mode))
	}
	return r.forward(x, lengths, h0, c0)
}

// SequenceMask returns [len(lengths), maxLen] with 1 at the steps within
// each sequence and 0 at its padding, for masking a loss over a padded
// batch (transpose it for [seq, batch] layouts).
func SequenceMask(dev device.Device, lengths []int, maxLen int) *tensor.Tensor {
	m := make([]float32, len(lengths)*maxLen)
	for b, n := range lengths {
		if n < 0 || n > maxLen {
			panic(fmt.Sprintf("nn: SequenceMask: length %d of sequence %d for %d steps", n, b, maxLen))
		}
		for t := range n {
			m[b*maxLen+t] = 1
		}
	}
	return tensor.FromSlice(dev, m, len(lengths), maxLen)
}

func (r *Recurrent) forward(x *tensor.Tensor, lengths []int, h0, c0 *tensor.Tensor) (out, hn, cn *tensor.Tensor) {
	if x.Dims() != 3 || x.Dim(2) != r.Cfg.InputSize {
		panic(fmt.Sprintf("nn: %v: input %v (want [seq, batch, %d], or [batch, seq, %d] with BatchFirst)", r.Mode, x.Shape(), r.Cfg.InputSize, r.Cfg.InputSize))
	}
	if r.Cfg.BatchFirst {
		x = x.Transpose(0, 1)
	}
	batch, hid := x.Dim(1), r.Cfg.HiddenSize
	dev := x.Device()
	want := []int{r.Cfg.NumLayers * r.dirs(), batch, hid}
	state := func(s *tensor.Tensor, name string) []*tensor.Tensor {
		if s == nil {
			z := tensor.Zeros(dev, batch, hid)
			out := make([]*tensor.Tensor, want[0])
			for i := range out {
				out[i] = z
			}
			return out
		}
		if fmt.Sprint(s.Shape()) != fmt.Sprint(want) {
			panic(fmt.Sprintf("nn: %v: %s of shape %v, want %v", r.Mode, name, s.Shape(), want))
		}
		out := make([]*tensor.Tensor, want[0])
		for i := range out {
			out[i] = s.Narrow(0, i, 1).Reshape(batch, hid)
		}
		return out
	}
	hs := state(h0, "h0")
	var cs []*tensor.Tensor
	if r.Mode == LSTM {
		cs = state(c0, "c0")
	} else if c0 != nil {
		panic(fmt.Sprintf("nn: %v: a cell state is only an LSTM's", r.Mode))
	}
	var valid []*tensor.Tensor
	if lengths != nil {
		steps := x.Dim(0)
		if len(lengths) != batch {
			panic(fmt.Sprintf("nn: %v: %d lengths for a batch of %d", r.Mode, len(lengths), batch))
		}
		for b, n := range lengths {
			if n < 1 || n > steps {
				panic(fmt.Sprintf("nn: %v: length %d of sequence %d (want 1 to %d, the padded length)", r.Mode, n, b, steps))
			}
		}
		mask := SequenceMask(dev, lengths, steps).T().Unsqueeze(2) // [seq, batch, 1]
		valid = mask.Split(0, slices.Repeat([]int{1}, steps)...)
		for t := range valid {
			valid[t] = valid[t].Reshape(batch, 1)
		}
	}
	finalH := make([]*tensor.Tensor, want[0])
	finalC := make([]*tensor.Tensor, want[0])
	layerIn := x
	for l := 0; l < r.Cfg.NumLayers; l++ {
		var outs []*tensor.Tensor
		for d := range r.dirs() {
			k := l*r.dirs() + d
			var c *tensor.Tensor
			if cs != nil {
				c = cs[k]
			}
			o, h, cc := r.direction(k, d == 1, layerIn, hs[k], c, valid)
			outs = append(outs, o)
			finalH[k], finalC[k] = h, cc
		}
		layerIn = outs[0]
		if len(outs) == 2 {
			layerIn = tensor.Concat(2, outs[0], outs[1])
		}
		if l < r.Cfg.NumLayers-1 && len(r.dropout) > 0 && r.training {
			layerIn = r.dropout[l].Forward(layerIn)
		}
	}
	out = layerIn
	if r.Cfg.BatchFirst {
		out = out.Transpose(0, 1)
	}
	hn = tensor.Stack(0, finalH...)
	if r.Mode == LSTM {
		cn = tensor.Stack(0, finalC...)
	}
	return out, hn, cn
}

// direction runs one layer in one direction over x [seq, batch, in] from
// h (and c), returning the outputs [seq, batch, hidden] in time order and
// the final states.
//
// With valid (masks for padded batches: valid[t] is [batch, 1], 1 where
// step t is within the sequence), a padded step keeps the state as it is
// and outputs zero: forwards, the state stops at each sequence's last
// step; backwards, it starts there from h.
func (r *Recurrent) direction(k int, reverse bool, x, h, c *tensor.Tensor, valid []*tensor.Tensor) (out, hT, cT *tensor.Tensor) {
	steps, batch, in := x.Dim(0), x.Dim(1), x.Dim(2)
	hid := r.Cfg.HiddenSize
	var bih, bhh *tensor.Tensor
	if !r.Cfg.NoBias {
		bih, bhh = r.BIH[k], r.BHH[k]
	}
	// The input projection of every time step: one GEMM.
	gx := tensor.Linear(x.Reshape(steps*batch, in), r.WIH[k], bih, device.UnaryIdentity, 0).Reshape(steps, batch, r.Mode.gates()*hid)
	hsOut := make([]*tensor.Tensor, steps)
	var zero *tensor.Tensor
	if valid != nil {
		zero = tensor.Zeros(x.Device())
	}
	for i := range steps {
		t := i
		if reverse {
			t = steps - 1 - i
		}
		gi := gx.Narrow(0, t, 1).Reshape(batch, r.Mode.gates()*hid)
		gh := tensor.Linear(h, r.WHH[k], bhh, device.UnaryIdentity, 0)
		h2, c2 := r.Mode.step(gi, gh, h, c)
		if valid == nil {
			h, c = h2, c2
			hsOut[t] = h
			continue
		}
		hsOut[t] = tensor.Where(valid[t], h2, zero)
		h = tensor.Where(valid[t], h2, h)
		if c != nil {
			c = tensor.Where(valid[t], c2, c)
		}
	}
	return tensor.Stack(0, hsOut...), h, c
}

// step is one time step of the cell from the input's projection gi =
// W_ih x + b_ih and the hidden state's gh = W_hh h + b_hh, both [batch,
// gates·hidden]: the new hidden state (and cell state c for an LSTM).
func (m RNNMode) step(gi, gh, h, c *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	switch m {
	case RNNTanh:
		return gi.Add(gh).Tanh(), nil
	case RNNReLU:
		return gi.Add(gh).ReLU(), nil
	case LSTM:
		return tensor.LSTMCell(gi, gh, c) // the gates in one fused op
	case GRU:
		a, b := gi.Chunk(3, 1), gh.Chunk(3, 1)
		rg := a[0].Add(b[0]).Sigmoid()
		zg := a[1].Add(b[1]).Sigmoid()
		ng := a[2].Add(rg.Mul(b[2])).Tanh()
		return zg.RSubScalar(1).Mul(ng).Add(zg.Mul(h)), nil
	}
	panic(fmt.Sprintf("nn: unknown recurrent mode %d", int(m)))
}

// Params returns PyTorch's names: weight_ih_l0, weight_hh_l0, bias_ih_l0,
// bias_hh_l0, then the _reverse ones, layer by layer.
func (r *Recurrent) Params() []Param {
	var ps []Param
	for l := 0; l < r.Cfg.NumLayers; l++ {
		for d := range r.dirs() {
			k := l*r.dirs() + d
			suffix := fmt.Sprintf("_l%d", l)
			if d == 1 {
				suffix += "_reverse"
			}
			ps = append(ps, Param{Name: "weight_ih" + suffix, Tensor: r.WIH[k]}, Param{Name: "weight_hh" + suffix, Tensor: r.WHH[k]})
			if !r.Cfg.NoBias {
				ps = append(ps, Param{Name: "bias_ih" + suffix, Tensor: r.BIH[k]}, Param{Name: "bias_hh" + suffix, Tensor: r.BHH[k]})
			}
		}
	}
	return ps
}

// SetTraining turns the dropout between layers on or off.
func (r *Recurrent) SetTraining(training bool) {
	r.training = training
	for _, d := range r.dropout {
		d.SetTraining(training)
	}
}
