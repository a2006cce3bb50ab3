package torchref

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed rnn_reference.json
var rnnJSON []byte

type rnnCase struct {
	Mode          string
	Layers        int
	Bidirectional bool
	BatchFirst    bool `json:"batch_first"`
	States        bool
	Lengths       []int
	X             []float32
	XShape        []int `json:"x_shape"`
	Weights       map[string][]float32
	Shapes        map[string][]int
	G, GH, GC     []float32
	Out, HN, CN   []float64
	GradX         []float64 `json:"grad_x"`
	Grads         map[string][]float64
	H0, C0        []float32
	GradH0        []float64 `json:"grad_h0"`
	GradC0        []float64 `json:"grad_c0"`
}

// rnnTol is the relative tolerance of the replays: float32 against
// PyTorch's float64, through a few dozen steps of recurrence.
const rnnTol = 1e-5

// CheckRecurrent builds nn.RNN, nn.LSTM and nn.GRU layers as
// rnn_reference.py did, loads PyTorch's weights into them by name, runs
// forward and backward on dev and compares the outputs, the final states
// and the gradients of the input, the initial states and every weight
// with PyTorch's; then the same for padded batches (ForwardPadded against
// pack_padded_sequence and pad_packed_sequence) and for nn.RNNCell,
// nn.LSTMCell and nn.GRUCell stepped over a sequence.
func CheckRecurrent(t *testing.T, dev device.Device) {
	var ref struct {
		T, B, I, H int
		Cases      []rnnCase
		Cells      []cellCase
		Padded     []rnnCase
	}
	if err := json.Unmarshal(rnnJSON, &ref); err != nil {
		t.Fatal(err)
	}
	for _, c := range ref.Cases {
		name := fmt.Sprintf("%s/layers=%d/bi=%v/batch_first=%v/states=%v", c.Mode, c.Layers, c.Bidirectional, c.BatchFirst, c.States)
		t.Run(name, func(t *testing.T) {
			tensor.Tidy(func() { checkRecurrentCase(t, dev, ref.I, ref.H, c) })
		})
	}
	for _, c := range ref.Padded {
		name := fmt.Sprintf("padded/%s/lengths=%v/layers=%d/bi=%v/batch_first=%v/states=%v", c.Mode, c.Lengths, c.Layers, c.Bidirectional, c.BatchFirst, c.States)
		t.Run(name, func(t *testing.T) {
			tensor.Tidy(func() { checkRecurrentCase(t, dev, ref.I, ref.H, c) })
		})
	}
	if len(ref.Cells) == 0 || len(ref.Padded) == 0 {
		t.Fatal("rnn_reference.json holds no cells or padded batches")
	}
	for _, c := range ref.Cells {
		name := fmt.Sprintf("cell/%s/unbatched=%v/states=%v", c.Mode, c.Unbatched, c.States)
		t.Run(name, func(t *testing.T) {
			tensor.Tidy(func() { checkCellCase(t, dev, ref.I, ref.H, c) })
		})
	}
}

type cellCase struct {
	Mode              string
	Unbatched, States bool
	X                 []float32
	XShape            []int `json:"x_shape"`
	Weights           map[string][]float32
	Shapes            map[string][]int
	G, GC, H0, C0     []float32
	HS, CN            []float64
	GradX             []float64 `json:"grad_x"`
	GradH0            []float64 `json:"grad_h0"`
	GradC0            []float64 `json:"grad_c0"`
	Grads             map[string][]float64
}

// checkCellCase steps nn.RNNCell, nn.LSTMCell or nn.GRUCell over the
// sequence as rnn_reference.py did and compares every step's hidden
// state, the final cell state and all gradients with PyTorch's.
func checkCellCase(t *testing.T, dev device.Device, in, hid int, c cellCase) {
	cfg := nn.CellConfig{InputSize: in, HiddenSize: hid}
	var m *nn.Cell
	switch c.Mode {
	case "LSTM":
		m = nn.NewLSTMCell(dev, cfg)
	case "GRU":
		m = nn.NewGRUCell(dev, cfg)
	case "RNN_TANH":
		m = nn.NewRNNCell(dev, nn.RNNTanh, cfg)
	case "RNN_RELU":
		m = nn.NewRNNCell(dev, nn.RNNReLU, cfg)
	}
	params := m.Params()
	loadWeights(t, params, c.Weights, c.Shapes)
	x := tensor.FromSlice(dev, c.X, c.XShape...).SetRequiresGrad(true)
	stateShape := append([]int{}, c.XShape[1:len(c.XShape)-1]...)
	stateShape = append(stateShape, hid)
	var h, cs, h0, c0 *tensor.Tensor
	if c.H0 != nil {
		h0 = tensor.FromSlice(dev, c.H0, stateShape...).SetRequiresGrad(true)
		h = h0
	}
	if c.C0 != nil {
		c0 = tensor.FromSlice(dev, c.C0, stateShape...).SetRequiresGrad(true)
		cs = c0
	}
	hs := make([]*tensor.Tensor, c.XShape[0])
	for i := range hs {
		xi := x.Narrow(0, i, 1).Reshape(c.XShape[1:]...)
		h, cs = m.Step(xi, h, cs)
		hs[i] = h
	}
	out := tensor.Stack(0, hs...)
	loss := out.Mul(tensor.FromSlice(dev, c.G, out.Shape()...)).Sum()
	if c.Mode == "LSTM" {
		loss = loss.Add(cs.Mul(tensor.FromSlice(dev, c.GC, cs.Shape()...)).Sum())
	}
	loss.Backward()
	compare(t, "hidden states", out, c.HS)
	if c.Mode == "LSTM" {
		compare(t, "final cell state", cs, c.CN)
	}
	compare(t, "grad of the input", x.Grad(), c.GradX)
	if h0 != nil {
		compare(t, "grad of h0", h0.Grad(), c.GradH0)
	}
	if c0 != nil {
		compare(t, "grad of c0", c0.Grad(), c.GradC0)
	}
	compareGrads(t, params, c.Grads)
	for _, p := range params {
		p.Tensor.Release()
	}
}

func checkRecurrentCase(t *testing.T, dev device.Device, in, hid int, c rnnCase) {
	cfg := nn.RNNConfig{InputSize: in, HiddenSize: hid, NumLayers: c.Layers, BatchFirst: c.BatchFirst, Bidirectional: c.Bidirectional}
	var m *nn.Recurrent
	switch c.Mode {
	case "LSTM":
		m = nn.NewLSTM(dev, cfg)
	case "GRU":
		m = nn.NewGRU(dev, cfg)
	case "RNN_TANH":
		m = nn.NewRNN(dev, nn.RNNTanh, cfg)
	case "RNN_RELU":
		m = nn.NewRNN(dev, nn.RNNReLU, cfg)
	}
	params := m.Params()
	loadWeights(t, params, c.Weights, c.Shapes)
	x := tensor.FromSlice(dev, c.X, c.XShape...).SetRequiresGrad(true)
	dirs := 1
	if c.Bidirectional {
		dirs = 2
	}
	stateShape := []int{c.Layers * dirs, len(c.GH) / (c.Layers * dirs * hid), hid}
	var h0, c0 *tensor.Tensor
	if c.States {
		h0 = tensor.FromSlice(dev, c.H0, stateShape...).SetRequiresGrad(true)
		if c.C0 != nil {
			c0 = tensor.FromSlice(dev, c.C0, stateShape...).SetRequiresGrad(true)
		}
	}
	var out, hn, cn *tensor.Tensor
	if c.Lengths != nil {
		out, hn, cn = m.ForwardPadded(x, c.Lengths, h0, c0)
	} else {
		out, hn, cn = m.ForwardState(x, h0, c0)
	}
	loss := out.Mul(tensor.FromSlice(dev, c.G, out.Shape()...)).Sum().Add(hn.Mul(tensor.FromSlice(dev, c.GH, hn.Shape()...)).Sum())
	if cn != nil {
		loss = loss.Add(cn.Mul(tensor.FromSlice(dev, c.GC, cn.Shape()...)).Sum())
	}
	loss.Backward()
	compare(t, "output", out, c.Out)
	compare(t, "h_n", hn, c.HN)
	if cn != nil {
		compare(t, "c_n", cn, c.CN)
	}
	compare(t, "grad of the input", x.Grad(), c.GradX)
	if h0 != nil {
		compare(t, "grad of h0", h0.Grad(), c.GradH0)
	}
	if c0 != nil {
		compare(t, "grad of c0", c0.Grad(), c.GradC0)
	}
	compareGrads(t, params, c.Grads)
	for _, p := range params {
		p.Tensor.Release()
	}
}

func compare(t *testing.T, what string, x *tensor.Tensor, want []float64) {
	t.Helper()
	if x == nil {
		t.Fatalf("%s: no tensor", what)
	}
	got, err := x.Data()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, PyTorch has %d", what, len(got), len(want))
	}
	scale := 0.0
	for _, w := range want {
		scale = math.Max(scale, math.Abs(w))
	}
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > rnnTol*math.Max(1, scale) {
			t.Fatalf("%s[%d] = %v, PyTorch %v (off by %.3g, tolerance %.1g relative to %.3g)", what, i, got[i], want[i], d, rnnTol, math.Max(1, scale))
		}
	}
}
