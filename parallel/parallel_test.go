package parallel_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/parallel"
	"github.com/vkgrad/vkgrad/tensor"
)

func mlpSeeded(dev device.Device, seed uint64) (nn.Module, nn.Optimizer) {
	nn.ManualSeed(seed)
	m := nn.NewSequential(nn.NewLinear(dev, 6, 8, nn.WithActivation(device.UnaryReLU, 0)), nn.NewLinear(dev, 8, 3))
	return m, nn.NewAdam(m.Params(), nn.AdamConfig{LR: 1e-2})
}

func mlp(dev device.Device) (nn.Module, nn.Optimizer) { return mlpSeeded(dev, 3) }

// mlps builds each replica from another seed: only New's broadcast makes
// them start equal (to the first, seed 3).
func mlps() func(device.Device) (nn.Module, nn.Optimizer) {
	seed := uint64(2)
	return func(dev device.Device) (nn.Module, nn.Optimizer) { seed++; return mlpSeeded(dev, seed) }
}

func batch(r *rand.Rand, n int) (x, y []float32) {
	x, y = make([]float32, n*6), make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	for i := range y {
		y[i] = float32(r.IntN(3))
	}
	return x, y
}

func weights(t *testing.T, m nn.Module) [][]float32 {
	t.Helper()
	var out [][]float32
	for _, p := range m.Params() {
		v, err := p.Tensor.Data()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func maxDiff(a, b [][]float32) float64 {
	d := 0.0
	for i := range a {
		for j := range a[i] {
			d = math.Max(d, math.Abs(float64(a[i][j]-b[i][j])))
		}
	}
	return d
}

// Replicas on several devices, each on its share of the batch, end where
// one device ends with the whole batch; replicas on devices of one kind
// hold the same bits.
func TestMatchesOneDevice(t *testing.T) {
	vk, err := vkgrad.Open("vulkan")
	if err == nil {
		defer vk.Close()
	}
	for _, tc := range []struct {
		name  string
		devs  func() []device.Device
		batch int
		tol   float64
		equal bool
	}{
		{"two cpu devices", func() []device.Device { return []device.Device{cpu.New(), cpu.New()} }, 10, 1e-5, true},
		{"three cpu devices, uneven shares", func() []device.Device { return []device.Device{cpu.New(), cpu.New(), cpu.New()} }, 11, 1e-5, true},
		{"cpu and vulkan", func() []device.Device { return []device.Device{cpu.New(), vk} }, 10, 1e-4, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.name, "vulkan") && vk == nil {
				t.Skipf("no Vulkan device: %v", err)
			}
			dp, err := parallel.New(tc.devs(), mlps())
			if err != nil {
				t.Fatal(err)
			}
			defer dp.Release()
			ref := cpu.New()
			model, opt := mlp(ref)
			defer opt.Release()
			r := rand.New(rand.NewPCG(1, 2))
			for step := range 6 {
				x, y := batch(r, tc.batch)
				got, err := dp.Step(x, []int{6}, y, nn.CrossEntropy)
				if err != nil {
					t.Fatal(err)
				}
				var want float32
				tensor.Tidy(func() {
					loss := nn.CrossEntropy(model.Forward(tensor.FromSlice(ref, x, tc.batch, 6)), tensor.FromSlice(ref, y, tc.batch))
					loss.Backward()
					opt.Step()
					opt.ZeroGrad()
					want, _ = loss.Item()
				})
				if math.Abs(got-float64(want)) > tc.tol {
					t.Fatalf("step %d: loss %v, one device %v", step, got, want)
				}
			}
			w := weights(t, model)
			first := weights(t, dp.Replicas[0].Model)
			for i, rep := range dp.Replicas {
				wi := weights(t, rep.Model)
				if d := maxDiff(wi, w); d > tc.tol {
					t.Errorf("replica %d: weights off one device's by %g (tolerance %g)", i, d, tc.tol)
				}
				if tc.equal && !slices.EqualFunc(wi, first, slices.Equal) {
					t.Errorf("replica %d's weights differ from replica 0's", i)
				}
			}
		})
	}
}

// BatchNorm's running statistics are the first replica's on every
// replica after each step.
func TestBuffersBroadcast(t *testing.T) {
	build := func(dev device.Device) (nn.Module, nn.Optimizer) {
		nn.ManualSeed(4)
		m := nn.NewSequential(nn.NewLinear(dev, 6, 4), nn.NewBatchNorm1d(dev, 4), nn.NewLinear(dev, 4, 3))
		return m, nn.NewSGD(m.Params(), nn.SGDConfig{LR: 0.1})
	}
	dp, err := parallel.New([]device.Device{cpu.New(), cpu.New()}, build)
	if err != nil {
		t.Fatal(err)
	}
	defer dp.Release()
	x, y := batch(rand.New(rand.NewPCG(3, 4)), 8)
	if _, err := dp.Step(x, []int{6}, y, nn.CrossEntropy); err != nil {
		t.Fatal(err)
	}
	a, b := dp.Replicas[0].Model.Params(), dp.Replicas[1].Model.Params()
	for k := range a {
		if !a[k].Buffer {
			continue
		}
		va, _ := a[k].Tensor.Data()
		vb, _ := b[k].Tensor.Data()
		if !slices.Equal(va, vb) {
			t.Errorf("%s: replica 1 %v, replica 0 %v", a[k].Name, vb, va)
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := parallel.New(nil, mlp); err == nil || !strings.Contains(err.Error(), "no devices") {
		t.Errorf("no devices: %v", err)
	}
	// Replicas that differ are refused.
	n := 0
	mismatched := func(dev device.Device) (nn.Module, nn.Optimizer) {
		n++
		m := nn.NewLinear(dev, 6, 2+n)
		return m, nn.NewSGD(m.Params(), nn.SGDConfig{LR: 0.1})
	}
	if _, err := parallel.New([]device.Device{cpu.New(), cpu.New()}, mismatched); err == nil || !strings.Contains(err.Error(), "replica 1's param 0 is weight [4 6], replica 0's is weight [3 6]") {
		t.Errorf("mismatched replicas: %v", err)
	}
	dp, err := parallel.New([]device.Device{cpu.New(), cpu.New()}, mlp)
	if err != nil {
		t.Fatal(err)
	}
	defer dp.Release()
	x, y := batch(rand.New(rand.NewPCG(5, 6)), 1)
	if _, err := dp.Step(x, []int{6}, y, nn.CrossEntropy); err == nil || !strings.Contains(err.Error(), "a batch of 1 rows for 2 replicas") {
		t.Errorf("batch smaller than the replicas: %v", err)
	}
	x, y = batch(rand.New(rand.NewPCG(5, 6)), 4)
	if _, err := dp.Step(x[:5], []int{6}, y, nn.CrossEntropy); err == nil || !strings.Contains(err.Error(), "not whole rows") {
		t.Errorf("ragged rows: %v", err)
	}
	if _, err := dp.Step(x, []int{6}, y[:3], nn.CrossEntropy); err == nil || !strings.Contains(err.Error(), "3 targets for a batch of 4") {
		t.Errorf("short targets: %v", err)
	}
	if got := parallel.Shares(11, 3); !slices.Equal(got, [][2]int{{0, 4}, {4, 8}, {8, 11}}) {
		t.Errorf("Shares(11, 3) = %v", got)
	}
}
