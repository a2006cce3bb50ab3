// Package torchref checks vkgrad against PyTorch itself: it replays
// trajectories that PyTorch recorded (torch_trajectory.json, written by
// torch_trajectory.py) on any device and compares every loss and the final
// weights, and it runs PyTorch's RNN, LSTM and GRU with PyTorch's weights
// (rnn_reference.json, from rnn_reference.py) and compares outputs, final
// states and gradients. The nn tests run it on the CPU backend and the
// kernels tests on every Vulkan device.
package torchref

import (
	_ "embed"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed torch_trajectory.json
var trajectoryJSON []byte

type run struct {
	Losses []float64
	Final  map[string][]float32
}

type trajectories struct {
	X          []float32
	Y          []int
	N, D, H, C int
	Batch      int
	Init       map[string][]float32
	Runs       map[string]run
}

// Optimizers builds, by the names torch_trajectory.py uses, the same
// optimizer configurations in vkgrad.
var Optimizers = map[string]func([]nn.Param) nn.Optimizer{
	"SGD": func(ps []nn.Param) nn.Optimizer { return nn.NewSGD(ps, nn.SGDConfig{LR: 0.1}) },
	"SGD momentum nesterov wd": func(ps []nn.Param) nn.Optimizer {
		return nn.NewSGD(ps, nn.SGDConfig{LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-2})
	},
	"Adam":    func(ps []nn.Param) nn.Optimizer { return nn.NewAdam(ps, nn.AdamConfig{LR: 0.01}) },
	"Adam wd": func(ps []nn.Param) nn.Optimizer { return nn.NewAdam(ps, nn.AdamConfig{LR: 0.01, WeightDecay: 1e-2}) },
	"AdamW":   func(ps []nn.Param) nn.Optimizer { return nn.NewAdamW(ps, nn.AdamConfig{LR: 0.01, WeightDecay: 0.1}) },
	"RMSprop keras": func(ps []nn.Param) nn.Optimizer {
		return nn.NewRMSprop(ps, nn.RMSpropConfig{LR: 1e-3, Rho: 0.9, Eps: 1e-7})
	},
	"RMSprop centered momentum": func(ps []nn.Param) nn.Optimizer {
		return nn.NewRMSprop(ps, nn.RMSpropConfig{LR: 1e-2, Rho: 0.9, Eps: 1e-7, Centered: true, Momentum: 0.5})
	},
	"AdaGrad": func(ps []nn.Param) nn.Optimizer {
		return nn.NewAdaGrad(ps, nn.AdaGradConfig{LR: 0.1, InitialAccumulator: 0.1, Eps: 1e-10})
	},
}

// Tolerances: float32 arithmetic in a different order than PyTorch's, over
// a dozen steps of a small network.
const (
	lossTol   = 2e-5 // relative to max(1, |loss|)
	weightTol = 5e-5 // absolute, weights are O(1)
)

// CheckTrajectories replays every recorded run on dev: the MLP
// 6 → 8 ReLU → 4 from PyTorch's initial weights, cross-entropy from logits,
// the recorded batch order, and the optimizer of the same name. It fails t
// on the first loss or final weight that strays from PyTorch's.
func CheckTrajectories(t *testing.T, dev device.Device) {
	t.Helper()
	var tr trajectories
	if err := json.Unmarshal(trajectoryJSON, &tr); err != nil {
		t.Fatalf("torch_trajectory.json: %v", err)
	}
	names := make([]string, 0, len(tr.Runs))
	for name := range tr.Runs {
		names = append(names, name)
	}
	slices.Sort(names)
	for name := range Optimizers {
		if _, ok := tr.Runs[name]; !ok {
			t.Errorf("optimizer %q has no PyTorch trajectory: regenerate torch_trajectory.json", name)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			newOpt, ok := Optimizers[name]
			if !ok {
				t.Fatalf("PyTorch trajectory %q has no vkgrad optimizer in torchref.Optimizers", name)
			}
			replay(t, dev, &tr, tr.Runs[name], newOpt)
		})
	}
}

func replay(t *testing.T, dev device.Device, tr *trajectories, want run, newOpt func([]nn.Param) nn.Optimizer) {
	model := nn.NewSequential(nn.NewLinear(dev, tr.D, tr.H), nn.ReLU(), nn.NewLinear(dev, tr.H, tr.C))
	for _, p := range model.Params() {
		init, ok := tr.Init[p.Name]
		if !ok || len(init) != p.Tensor.Size() {
			t.Fatalf("no initial values of size %d for %s", p.Tensor.Size(), p.Name)
		}
		tensor.Upload(p.Tensor, init)
	}
	opt := newOpt(model.Params())
	defer opt.Release()
	for step, wantLoss := range want.Losses {
		i := (step * tr.Batch) % tr.N
		labels := make([]float32, tr.Batch)
		for j := range labels {
			labels[j] = float32(tr.Y[i+j])
		}
		var loss float32
		var err error
		tensor.Tidy(func() {
			x := tensor.FromSlice(dev, tr.X[i*tr.D:(i+tr.Batch)*tr.D], tr.Batch, tr.D)
			y := tensor.FromSlice(dev, labels, tr.Batch)
			l := nn.CrossEntropy(model.Forward(x), y)
			l.Backward()
			opt.Step()
			opt.ZeroGrad()
			loss, err = l.Item()
		})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if d := math.Abs(float64(loss) - wantLoss); d > lossTol*math.Max(1, math.Abs(wantLoss)) {
			t.Fatalf("step %d: loss %.7f, PyTorch %.7f (off by %.2g)", step, loss, wantLoss, d)
		}
	}
	for _, p := range model.Params() {
		got, err := p.Tensor.Data()
		if err != nil {
			t.Fatal(err)
		}
		w := want.Final[p.Name]
		if len(w) != len(got) {
			t.Fatalf("%s: %d values, PyTorch has %d", p.Name, len(got), len(w))
		}
		for k := range got {
			if d := math.Abs(float64(got[k] - w[k])); d > weightTol {
				t.Fatalf("%s[%d] after %d steps: %.7f, PyTorch %.7f (off by %.2g)", p.Name, k, len(want.Losses), got[k], w[k], d)
			}
		}
	}
}

// loadWeights sets params from PyTorch's by name (uploading in place):
// the names on both sides must be the same, and with shapes (PyTorch's,
// by name) so must the shapes.
func loadWeights(t *testing.T, params []nn.Param, weights map[string][]float32, shapes map[string][]int) {
	t.Helper()
	if len(params) != len(weights) {
		var names []string
		for _, p := range params {
			names = append(names, p.Name)
		}
		t.Fatalf("%d params %v, PyTorch has %d", len(params), names, len(weights))
	}
	for _, p := range params {
		w, ok := weights[p.Name]
		if !ok || len(w) != p.Tensor.Size() || shapes != nil && !slices.Equal(p.Tensor.Shape(), shapes[p.Name]) {
			t.Fatalf("param %s of shape %v: PyTorch has %v (%d values)", p.Name, p.Tensor.Shape(), shapes[p.Name], len(w))
		}
		tensor.Upload(p.Tensor, w)
	}
}

// compareGrads checks every param's gradient against PyTorch's, by name.
func compareGrads(t *testing.T, params []nn.Param, grads map[string][]float64) {
	t.Helper()
	for _, p := range params {
		compare(t, "grad of "+p.Name, p.Tensor.Grad(), grads[p.Name])
	}
}
