package nn_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"

	"github.com/vkgrad/vkgrad/device/devicetest"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

func TestLossesByHand(t *testing.T) {
	pred, target := from([]float32{1, 2, 4}, 3), from([]float32{1, 0, 1}, 3)
	near(t, "MSE", vals(t, nn.MSE(pred, target)), []float64{(0 + 4 + 9) / 3.0}, 1e-6)
	bce := 0.0
	for i, x := range []float64{1, 2, 4} {
		y := []float64{1, 0, 1}[i]
		p := 1 / (1 + math.Exp(-x))
		bce += -(y*math.Log(p) + (1-y)*math.Log(1-p))
	}
	near(t, "BCEWithLogits", vals(t, nn.BCEWithLogits(pred, target)), []float64{bce / 3}, 1e-6)
	// Large logits stay finite.
	near(t, "BCEWithLogits large", vals(t, nn.BCEWithLogits(from([]float32{100, -100}, 2), from([]float32{0, 1}, 2))), []float64{100}, 1e-3)

	scores := from([]float32{3, 1, 2.5, 0, 5, 1}, 2, 3)
	labels := from([]float32{0, 2}, 2)
	// Row 0: max(0, 1-3+1) + max(0, 2.5-3+1) = 0 + 0.5; row 1: max(0, 0-1+1) + max(0, 5-1+1) = 0 + 5;
	// PyTorch divides each row by the 3 classes: F.multi_margin_loss gives 0.9167, 4.2083 (p=2), 0.75 (margin 0.5).
	near(t, "MultiMarginLoss", vals(t, nn.MultiMarginLoss(scores, labels, 1, 1)), []float64{(0.5 + 5) / 2 / 3}, 1e-6)
	near(t, "MultiMarginLoss p=2", vals(t, nn.MultiMarginLoss(scores, labels, 2, 1)), []float64{(0.25 + 25) / 2 / 3}, 1e-6)
	near(t, "MultiMarginLoss margin", vals(t, nn.MultiMarginLoss(scores, labels, 1, 0.5)), []float64{0.75}, 1e-6)
	near(t, "OneHot", vals(t, nn.OneHot(labels, 3)), []float64{1, 0, 0, 0, 0, 1}, 0)
	near(t, "Accuracy", vals(t, nn.Accuracy(scores, from([]float32{0, 0}, 2))), []float64{0.5}, 0)
	logits := from([]float32{1, 2, 3}, 1, 3)
	ce := math.Log(math.Exp(1)+math.Exp(2)+math.Exp(3)) - 1
	near(t, "CrossEntropy", vals(t, nn.CrossEntropy(logits, from([]float32{0}, 1))), []float64{ce}, 1e-6)
}

func TestLossGradients(t *testing.T) {
	cases := []devicetest.GradCase{
		{Name: "MSE", Shapes: [][]int{{3, 2}, {3, 2}}, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.MSE(xs[0], xs[1]) }},
		{Name: "BCEWithLogits", Shapes: [][]int{{4}}, Gen: devicetest.GradAwayFromZero, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return nn.BCEWithLogits(xs[0], from([]float32{0, 1, 1, 0}, 4))
		}},
		{Name: "MultiMarginLoss", Shapes: [][]int{{3, 4}}, Gen: devicetest.GradDistinct, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return nn.MultiMarginLoss(xs[0], from([]float32{1, 3, 0}, 3), 2, 1)
		}},
		{Name: "CrossEntropy", Shapes: [][]int{{3, 4}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return nn.CrossEntropy(xs[0], from([]float32{1, 3, 0}, 3))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) { devicetest.CheckGradient(t, dev, tc) })
	}
}

// Every optimizer drives a least-squares problem to its solution, with its
// state created once and kept on the device.
func TestOptimizersConverge(t *testing.T) {
	mk := map[string]func(ps []nn.Param) nn.Optimizer{
		"SGD": func(ps []nn.Param) nn.Optimizer { return nn.NewSGD(ps, nn.SGDConfig{LR: 0.1}) },
		"SGD momentum": func(ps []nn.Param) nn.Optimizer {
			return nn.NewSGD(ps, nn.SGDConfig{LR: 0.05, Momentum: 0.9, Nesterov: true})
		},
		"Adam":    func(ps []nn.Param) nn.Optimizer { return nn.NewAdam(ps, nn.AdamConfig{LR: 0.05}) },
		"AdamW":   func(ps []nn.Param) nn.Optimizer { return nn.NewAdamW(ps, nn.AdamConfig{LR: 0.05, WeightDecay: 1e-4}) },
		"RMSprop": func(ps []nn.Param) nn.Optimizer { return nn.NewRMSprop(ps, nn.RMSpropConfig{LR: 0.01}) },
		"RMSprop centered momentum": func(ps []nn.Param) nn.Optimizer {
			return nn.NewRMSprop(ps, nn.RMSpropConfig{LR: 0.01, Centered: true, Momentum: 0.5})
		},
		"AdaGrad": func(ps []nn.Param) nn.Optimizer {
			return nn.NewAdaGrad(ps, nn.AdaGradConfig{LR: 0.5, InitialAccumulator: 0.1})
		},
	}
	for name, newOpt := range mk {
		t.Run(name, func(t *testing.T) {
			dev := cpu.New() // a device of its own, so its counters are this test's
			x := tensor.Keep(tensor.FromSlice(dev, []float32{1, 0, 0, 1, 1, 1, 2, -1}, 4, 2))
			y := tensor.Keep(tensor.FromSlice(dev, []float32{1, 2, 3, 0}, 4, 1)) // y = x·[1 2]ᵀ
			lin := nn.NewLinear(dev, 2, 1, nn.WithoutBias(), nn.WithSeed(1))
			opt := newOpt(lin.Params())
			var live int64
			for step := 0; step < 600; step++ {
				tensor.Tidy(func() {
					nn.MSE(lin.Forward(x), y).Backward()
					opt.Step()
					opt.ZeroGrad()
				})
				if step == 1 {
					live = dev.Stats().LiveBuffers
				} else if step > 1 && dev.Stats().LiveBuffers != live {
					t.Fatalf("step %d: %d live buffers, %d after the first steps", step, dev.Stats().LiveBuffers, live)
				}
			}
			near(t, name, vals(t, lin.Weight), []float64{1, 2}, 0.05)
		})
	}
}

func TestSchedules(t *testing.T) {
	s := nn.StepLR{Base: 0.1, StepSize: 2, Gamma: 0.5}
	for epoch, want := range []float32{0.1, 0.1, 0.05, 0.05, 0.025} {
		if got := s.LR(epoch); math.Abs(float64(got-want)) > 1e-7 {
			t.Errorf("StepLR epoch %d = %v, want %v", epoch, got, want)
		}
	}
	c := nn.CosineLR{Base: 1, Min: 0, Epochs: 4}
	for epoch, want := range []float32{1, 0.8535534, 0.5, 0.1464466, 0, 0} {
		if got := c.LR(epoch); math.Abs(float64(got-want)) > 1e-6 {
			t.Errorf("CosineLR epoch %d = %v, want %v", epoch, got, want)
		}
	}
}

func TestLoader(t *testing.T) {
	const n = 10
	x := make([]float32, n*2)
	y := make([]float32, n)
	for i := range y {
		x[2*i], x[2*i+1], y[i] = float32(i), float32(100+i), float32(i)
	}
	l := nn.NewLoader(dev, x, []int{2}, y, 4, true, 7)
	if l.Len() != 3 {
		t.Fatalf("Len = %d", l.Len())
	}
	epochOrder := func(epoch int) []float32 {
		var order []float32
		var sizes []int
		for xb, yb := range l.Epoch(epoch) {
			xs, ys := vals(t, xb), vals(t, yb)
			sizes = append(sizes, xb.Dim(0))
			for i, v := range ys {
				if xs[2*i] != v || xs[2*i+1] != 100+v {
					t.Fatalf("sample %v came with inputs %v", v, xs[2*i:2*i+2])
				}
			}
			order = append(order, ys...)
		}
		if !slices.Equal(sizes, []int{4, 4, 2}) {
			t.Fatalf("batch sizes %v", sizes)
		}
		return order
	}
	e0, e0again, e1 := epochOrder(0), epochOrder(0), epochOrder(1)
	sorted := slices.Clone(e0)
	slices.Sort(sorted)
	for i, v := range sorted {
		if v != float32(i) {
			t.Fatalf("epoch does not visit every sample once: %v", e0)
		}
	}
	if !slices.Equal(e0, e0again) || slices.Equal(e0, e1) {
		t.Fatalf("shuffling is not a function of (seed, epoch): %v %v %v", e0, e0again, e1)
	}
	// Stopping early releases the batch and stops the producer.
	live := dev.Stats().LiveBuffers
	for range l.Epoch(2) {
		break
	}
	if got := dev.Stats().LiveBuffers; got != live {
		t.Fatalf("%d live buffers after an early break, %d before", got, live)
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	nn.ManualSeed(1)
	build := func() nn.Module {
		return nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewBatchNorm1d(dev, 4), nn.NewLinear(dev, 4, 2))
	}
	a, b := build(), build()
	a.Forward(tensor.RandNormal(dev, 2, 0, 1, 5, 3)) // moves the running statistics
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := nn.Save(path, a); err != nil {
		t.Fatal(err)
	}
	if err := nn.Load(path, b); err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Params() {
		if !slices.Equal(vals(t, p.Tensor), vals(t, b.Params()[i].Tensor)) {
			t.Fatalf("%s differs after the round trip", p.Name)
		}
	}
	// The file is standard safetensors: header length, JSON, F32 data.
	raw, _ := os.ReadFile(path)
	n := binary.LittleEndian.Uint64(raw)
	var header map[string]json.RawMessage
	if err := json.Unmarshal(raw[8:8+n], &header); err != nil || (8+n)%8 != 0 {
		t.Fatalf("header: %v (length %d)", err, n)
	}
	var e struct {
		DType       string
		Shape       []int
		DataOffsets [2]int `json:"data_offsets"`
	}
	json.Unmarshal(header["0.weight"], &e)
	w := vals(t, a.Params()[0].Tensor)
	if e.DType != "F32" || !slices.Equal(e.Shape, []int{4, 3}) || math.Float32frombits(binary.LittleEndian.Uint32(raw[8+n+uint64(e.DataOffsets[0]):])) != w[0] {
		t.Fatalf("entry %+v", e)
	}
}

func TestSafetensorsErrorsLoadNothing(t *testing.T) {
	nn.ManualSeed(2)
	src := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewLinear(dev, 4, 2))
	var good bytes.Buffer
	if err := nn.WriteSafetensors(&good, src.Params()); err != nil {
		t.Fatal(err)
	}
	other := nn.NewSequential(nn.NewLinear(dev, 3, 5), nn.NewLinear(dev, 5, 2))
	more := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewLinear(dev, 4, 2), nn.NewLinear(dev, 2, 2))
	fewer := nn.NewSequential(nn.NewLinear(dev, 3, 4))
	bad := func(f func(b []byte) []byte) []byte { return f(slices.Clone(good.Bytes())) }
	tests := []struct {
		name string
		file []byte
		dst  nn.Module
		want string
	}{
		{"truncated data", good.Bytes()[:good.Len()-5], nil, "truncated or corrupt"},
		{"truncated header", good.Bytes()[:20], nil, "truncated: the header claims"},
		{"empty", nil, nil, "too short for the header length"},
		{"bad json", bad(func(b []byte) []byte { b[8] = '!'; return b }), nil, "bad header"},
		{"wrong shape", good.Bytes(), other, `tensor "0.weight" has shape [4 3] in the file but [5 3] in the model`},
		{"missing tensor", good.Bytes(), more, `missing tensor "2.weight"`},
		{"unexpected tensor", good.Bytes(), fewer, `unexpected tensor "1.`},
		{"dtype", bad(func(b []byte) []byte { return bytes.Replace(b, []byte(`"F32"`), []byte(`"F16"`), 1) }), nil, "has dtype F16"},
	}
	for _, tc := range tests {
		dst := tc.dst
		if dst == nil {
			dst = nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewLinear(dev, 4, 2))
		}
		before := make([][]float32, len(dst.Params()))
		for i, p := range dst.Params() {
			before[i] = vals(t, p.Tensor)
		}
		err := nn.LoadSafetensors(tc.file, dst.Params())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		for i, p := range dst.Params() {
			if !slices.Equal(before[i], vals(t, p.Tensor)) {
				t.Errorf("%s: %s changed by a failed load", tc.name, p.Name)
			}
		}
	}
	if err := nn.Load(filepath.Join(t.TempDir(), "none"), src); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestOptimizerRelease(t *testing.T) {
	d := cpu.New()
	lin := nn.NewLinear(d, 3, 2)
	opt := nn.NewAdam(lin.Params(), nn.AdamConfig{LR: 0.1})
	tensor.Tidy(func() {
		lin.Forward(tensor.Ones(d, 4, 3)).Sum().Backward()
		opt.Step()
		opt.ZeroGrad()
	})
	before := d.Stats().LiveBuffers
	opt.Release()
	if got := d.Stats().LiveBuffers; got != before-4 {
		t.Fatalf("Release freed %d buffers, want Adam's 4 (2 moments for 2 params)", before-got)
	}
}

// TestClipGrad checks ClipGradNorm and ClipGradValue against PyTorch
// 1.13's clip_grad_norm_ and clip_grad_value_.
func TestClipGrad(t *testing.T) {
	a := tensor.Zeros(dev, 2).SetRequiresGrad(true)
	b := tensor.Zeros(dev, 2, 2).SetRequiresGrad(true)
	setGrad := func(x *tensor.Tensor, g []float32) {
		x.ZeroGrad()
		x.Mul(tensor.FromSlice(dev, g, x.Shape()...)).Sum().Backward()
	}
	setGrad(a, []float32{3, 4})
	setGrad(b, []float32{1, -2, 0, 2})
	ps := []nn.Param{{Name: "a", Tensor: a}, {Name: "b", Tensor: b}, {Name: "none", Tensor: tensor.Zeros(dev, 3)}}
	norm := nn.ClipGradNorm(ps, 2)
	near(t, "norm", vals(t, norm), []float64{5.830951690673828}, 1e-6)
	near(t, "a", vals(t, a.Grad()), []float64{1.028991460800171, 1.3719885349273682}, 1e-6)
	near(t, "b", vals(t, b.Grad()), []float64{0.34299713373184204, -0.6859942674636841, 0, 0.6859942674636841}, 1e-6)
	// Below the limit nothing changes.
	nn.ClipGradNorm(ps, 100)
	near(t, "a unclipped", vals(t, a.Grad()), []float64{1.028991460800171, 1.3719885349273682}, 1e-6)
	setGrad(a, []float32{3, -4})
	nn.ClipGradValue(ps[:1], 3.5)
	near(t, "clip value", vals(t, a.Grad()), []float64{3, -3.5}, 0)
}

// TestMoreSchedules checks the schedules against PyTorch 1.13's
// ExponentialLR, MultiStepLR and OneCycleLR (cosine and linear) stepped
// with SGD at lr 0.1.
func TestMoreSchedules(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    nn.Schedule
		want []float64
	}{
		{"exponential", nn.ExponentialLR{Base: 0.1, Gamma: 0.9}, []float64{0.1, 0.09, 0.081, 0.0729, 0.06561, 0.059049}},
		{"multistep", nn.MultiStepLR{Base: 0.1, Milestones: []int{2, 5}, Gamma: 0.5}, []float64{0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025}},
		{"onecycle", nn.OneCycleLR{Max: 0.1, TotalSteps: 10}, []float64{0.004, 0.052, 0.1, 0.09504846320134738, 0.0811745653949763, 0.06112620219362893, 0.03887419780637107, 0.0188258346050237, 0.004951936798652629, 4e-07}},
		{"onecycle linear", nn.OneCycleLR{Max: 0.1, TotalSteps: 10, PctStart: 0.4, Linear: true}, []float64{0.004, 0.036, 0.068, 0.1, 0.0833334, 0.0666668, 0.0500002, 0.0333336, 0.016667, 4e-07}},
		{"warmup cosine", nn.WarmupCosineLR{Base: 1, Min: 0.1, Warmup: 2, Total: 6}, []float64{0, 0.5, 1, 0.8681980515339464, 0.55, 0.2318019484660536, 0.1, 0.1}},
	} {
		for i, w := range tc.want {
			if got := float64(tc.s.LR(i)); math.Abs(got-w) > 1e-6*math.Max(1, w) {
				t.Errorf("%s: step %d: %v, want %v", tc.name, i, got, w)
			}
		}
	}
}
