package nn_test

import (
	"math"
	"slices"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/devicetest"
	"github.com/vkgrad/vkgrad/internal/testutil"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

var dev = cpu.New()

func vals(t *testing.T, x *tensor.Tensor) []float32 {
	t.Helper()
	d, err := x.Data()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func near(t *testing.T, name string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values %v, want %d %v", name, len(got), got, len(want), want)
	}
	for i := range got {
		if math.Abs(float64(got[i])-want[i]) > tol {
			t.Fatalf("%s: got %v, want %v", name, got, want)
		}
	}
}

func from(data []float32, shape ...int) *tensor.Tensor { return tensor.FromSlice(dev, data, shape...) }

// Each layer's forward on a case small enough to compute by hand.
func TestLayersForwardByHand(t *testing.T) {
	lin := nn.NewLinear(dev, 2, 2)
	tensor.Assign(lin.Weight, from([]float32{1, 2, -1, 0.5}, 2, 2))
	tensor.Assign(lin.Bias, from([]float32{0.5, -1}, 2))
	// [1, 3]·Wᵀ + b = [1+6+0.5, -1+1.5-1]
	near(t, "Linear", vals(t, lin.Forward(from([]float32{1, 3}, 1, 2))), []float64{7.5, -0.5}, 1e-6)
	lin.Act = device.UnaryReLU
	near(t, "Linear+ReLU", vals(t, lin.Forward(from([]float32{1, 3}, 1, 2))), []float64{7.5, 0}, 1e-6)

	conv := nn.NewConv2d(dev, 1, 1, 2)
	tensor.Assign(conv.Weight, from([]float32{1, 0, 0, -1}, 1, 1, 2, 2))
	tensor.Assign(conv.Bias, from([]float32{10}, 1))
	x := from([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	// Each output is x[i][j] - x[i+1][j+1] + 10 = 6.
	near(t, "Conv2d", vals(t, conv.Forward(x)), []float64{6, 6, 6, 6}, 1e-6)
	padded := nn.NewConv2d(dev, 1, 1, 3, nn.Padding(1), nn.Stride(2), nn.WithoutBias())
	tensor.Assign(padded.Weight, tensor.Ones(dev, 1, 1, 3, 3))
	// Window sums around (0,0), (0,2), (2,0), (2,2).
	near(t, "Conv2d pad/stride", vals(t, padded.Forward(x)), []float64{12, 16, 24, 28}, 1e-6)

	near(t, "MaxPool2d", vals(t, nn.NewMaxPool2d(2, 1, 0).Forward(x)), []float64{5, 6, 8, 9}, 0)
	near(t, "AvgPool2d", vals(t, nn.NewAvgPool2d(2, 1, 0).Forward(x)), []float64{3, 4, 6, 7}, 1e-6)
	near(t, "AvgPool2d pad", vals(t, nn.NewAvgPool2d(3, 3, 1).Forward(x)), []float64{12.0 / 9}, 1e-6)
	if got := nn.NewFlatten().Forward(tensor.Zeros(dev, 2, 3, 4)).Shape(); !slices.Equal(got, []int{2, 12}) {
		t.Fatalf("Flatten shape %v", got)
	}

	a := from([]float32{-2, 0, 3}, 3)
	near(t, "ReLU", vals(t, nn.ReLU().Forward(a)), []float64{0, 0, 3}, 0)
	near(t, "LeakyReLU", vals(t, nn.LeakyReLU(0.1).Forward(a)), []float64{-0.2, 0, 3}, 1e-6)
	near(t, "Sigmoid", vals(t, nn.Sigmoid().Forward(a)), []float64{1 / (1 + math.Exp(2)), 0.5, 1 / (1 + math.Exp(-3))}, 1e-6)
	near(t, "Tanh", vals(t, nn.Tanh().Forward(a)), []float64{math.Tanh(-2), 0, math.Tanh(3)}, 1e-6)
	near(t, "GELU", vals(t, nn.GELU().Forward(a)), []float64{-2 * 0.5 * math.Erfc(2/math.Sqrt2), 0, 3 * 0.5 * (1 + math.Erf(3/math.Sqrt2))}, 1e-6)
	s := math.Exp(-2) + 1 + math.Exp(3)
	near(t, "Softmax", vals(t, nn.NewSoftmax(-1).Forward(a)), []float64{math.Exp(-2) / s, 1 / s, math.Exp(3) / s}, 1e-6)
}

func TestSequentialNamesAndModes(t *testing.T) {
	m := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.ReLU(), nn.NewDropout(0.5), nn.NewBatchNorm1d(dev, 4), nn.NewLinear(dev, 4, 2, nn.WithoutBias()))
	var names []string
	for _, p := range m.Params() {
		names = append(names, p.Name)
	}
	want := []string{"0.weight", "0.bias", "3.weight", "3.bias", "3.running_mean", "3.running_var", "3.num_batches_tracked", "4.weight"}
	if !slices.Equal(names, want) {
		t.Fatalf("param names %v, want %v", names, want)
	}
	if n := nn.NumParams(m); n != 3*4+4+4+4+4*2 {
		t.Fatalf("NumParams = %d", n)
	}
	if len(nn.Trainable(m.Params())) != 5 {
		t.Fatal("Trainable kept buffers")
	}
	x := tensor.RandNormal(dev, 1, 0, 1, 8, 3)
	m.SetTraining(false)
	y1, y2 := vals(t, m.Forward(x)), vals(t, m.Forward(x))
	if !slices.Equal(y1, y2) {
		t.Fatal("evaluation mode is not deterministic")
	}
}

func TestDropoutModes(t *testing.T) {
	d := nn.NewDropout(0.5, nn.WithSeed(3))
	x := tensor.Ones(dev, 1000)
	a, b := vals(t, d.Forward(x)), vals(t, d.Forward(x))
	if slices.Equal(a, b) {
		t.Fatal("two training calls drew the same mask")
	}
	zeros := 0
	for _, v := range a {
		if v == 0 {
			zeros++
		} else if v != 2 {
			t.Fatalf("kept value %v, want 2", v)
		}
	}
	if zeros < 430 || zeros > 570 {
		t.Fatalf("dropped %d of 1000 at p=0.5", zeros)
	}
	d.SetTraining(false)
	if !slices.Equal(vals(t, d.Forward(x)), vals(t, x)) {
		t.Fatal("dropout changed its input in evaluation mode")
	}
	testutil.MustPanic(t, "nn: NewDropout: probability 1 outside [0, 1)", func() { nn.NewDropout(1) })
}

func TestBatchNorm(t *testing.T) {
	bn := nn.NewBatchNorm1d(dev, 2)
	x := from([]float32{1, 10, 3, 20, 5, 30}, 3, 2)
	// Channel 0: mean 3, biased var 8/3; channel 1: mean 20, var 200/3.
	y := vals(t, bn.Forward(x))
	s0, s1 := math.Sqrt(8.0/3+1e-5), math.Sqrt(200.0/3+1e-5)
	near(t, "train", y, []float64{-2 / s0, -10 / s1, 0, 0, 2 / s0, 10 / s1}, 1e-5)
	// Running stats: 0.9*0 + 0.1*mean; 0.9*1 + 0.1*unbiased var.
	near(t, "running mean", vals(t, bn.RunningMean), []float64{0.3, 2}, 1e-5)
	near(t, "running var", vals(t, bn.RunningVar), []float64{0.9 + 0.1*4, 0.9 + 0.1*100}, 1e-4)
	bn.SetTraining(false)
	ye := vals(t, bn.Forward(x))
	near(t, "eval", ye[:2], []float64{(1 - 0.3) / math.Sqrt(1.3+1e-5), (10 - 2) / math.Sqrt(10.9+1e-5)}, 1e-5)

	bn2 := nn.NewBatchNorm2d(dev, 3)
	out := vals(t, bn2.Forward(tensor.RandNormal(dev, 4, 0, 1, 2, 3, 4, 5).MulScalar(3).AddScalar(7)))
	// Each channel of the output has mean 0 and variance 1.
	for c := 0; c < 3; c++ {
		var s, s2 float64
		for n := 0; n < 2; n++ {
			for i := 0; i < 20; i++ {
				v := float64(out[(n*3+c)*20+i])
				s += v
				s2 += v * v
			}
		}
		if math.Abs(s/40) > 1e-4 || math.Abs(s2/40-1) > 1e-3 {
			t.Fatalf("channel %d: mean %v, variance %v", c, s/40, s2/40)
		}
	}
	testutil.MustPanic(t, "nn: BatchNorm: input [2 4] for 3 channels", func() { bn2.Forward(tensor.Zeros(dev, 2, 4)) })
}

// A BasicBlock in evaluation mode with fresh running statistics (mean 0,
// variance 1): conv1 sums each padded 3×3 window, conv2 passes its input
// through, so out = relu(relu(box(x)/s)/s + x) with s = sqrt(1 + eps).
func TestBasicBlockByHand(t *testing.T) {
	b := nn.NewBasicBlock(dev, 1, 1, 1)
	b.SetTraining(false)
	tensor.Assign(b.Conv1.Weight, tensor.Ones(dev, 1, 1, 3, 3))
	tensor.Assign(b.Conv2.Weight, from([]float32{0, 0, 0, 0, 1, 0, 0, 0, 0}, 1, 1, 3, 3))
	in := []float64{1, -2, 3, -4, 5, -6, 7, -8, 0.5}
	x := make([]float32, len(in))
	for i, v := range in {
		x[i] = float32(v)
	}
	s := math.Sqrt(1 + 1e-5)
	want := make([]float64, 9)
	for i := range 3 {
		for j := range 3 {
			box := 0.0
			for di := -1; di <= 1; di++ {
				for dj := -1; dj <= 1; dj++ {
					if r, c := i+di, j+dj; r >= 0 && r < 3 && c >= 0 && c < 3 {
						box += in[r*3+c]
					}
				}
			}
			want[i*3+j] = math.Max(0, math.Max(0, box/s)/s+in[i*3+j])
		}
	}
	near(t, "BasicBlock", vals(t, b.Forward(from(x, 1, 1, 3, 3))), want, 1e-5)
}

func TestBasicBlockShapes(t *testing.T) {
	same := nn.NewBasicBlock(dev, 4, 4, 1)
	down := nn.NewBasicBlock(dev, 4, 8, 2)
	x := tensor.RandNormal(dev, 1, 0, 1, 2, 4, 6, 6)
	if got := same.Forward(x).Shape(); !slices.Equal(got, []int{2, 4, 6, 6}) {
		t.Fatalf("same-shape block gives %v", got)
	}
	if got := down.Forward(x).Shape(); !slices.Equal(got, []int{2, 8, 3, 3}) {
		t.Fatalf("downsampling block gives %v", got)
	}
	if same.Downsample != nil || down.Downsample == nil {
		t.Fatal("shortcut choice")
	}
	var names []string
	for _, p := range down.Params() {
		names = append(names, p.Name)
	}
	if !slices.Contains(names, "downsample.0.weight") || !slices.Contains(names, "bn2.running_var") {
		t.Fatalf("names %v", names)
	}
}

// The layers' backward passes, with respect to the input and the weights.
func TestLayerGradients(t *testing.T) {
	cases := []devicetest.GradCase{
		{Name: "Linear", Shapes: [][]int{{3, 4}, {2, 4}, {2}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return (&nn.Linear{Weight: xs[1], Bias: xs[2]}).Forward(xs[0])
		}},
		{Name: "LinearReLU", Shapes: [][]int{{3, 4}, {2, 4}, {2}}, Gen: devicetest.GradAwayFromZero, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return (&nn.Linear{Weight: xs[1], Bias: xs[2], Act: device.UnaryReLU}).Forward(xs[0])
		}},
		{Name: "Conv2d", Shapes: [][]int{{2, 2, 5, 5}, {3, 2, 3, 3}, {3}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return (&nn.Conv2d{Weight: xs[1], Bias: xs[2], Opts: tensor.Conv2dOptions{Padding: [2]int{1, 1}, Stride: [2]int{2, 2}}}).Forward(xs[0])
		}},
		{Name: "MaxPool2d", Shapes: [][]int{{1, 2, 4, 4}}, Gen: devicetest.GradDistinct, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return nn.NewMaxPool2d(2, 2, 0).Forward(xs[0])
		}},
		{Name: "AvgPool2d", Shapes: [][]int{{1, 2, 5, 5}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return nn.NewAvgPool2d(3, 2, 1).Forward(xs[0])
		}},
		{Name: "Flatten", Shapes: [][]int{{2, 2, 3}}, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.NewFlatten().Forward(xs[0]).Square() }},
		{Name: "Dropout", Shapes: [][]int{{4, 5}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			return nn.NewDropout(0.4, nn.WithSeed(1)).Forward(xs[0])
		}},
		{Name: "BatchNorm1d", Shapes: [][]int{{4, 3}, {3}, {3}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			bn := nn.NewBatchNorm1d(dev, 3)
			bn.Weight, bn.Bias = xs[1], xs[2]
			return bn.Forward(xs[0])
		}},
		{Name: "BatchNorm2d", Shapes: [][]int{{2, 2, 3, 3}, {2}, {2}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			bn := nn.NewBatchNorm2d(dev, 2)
			bn.Weight, bn.Bias = xs[1], xs[2]
			return bn.Forward(xs[0])
		}},
		{Name: "BatchNormEval", Shapes: [][]int{{3, 2, 2, 2}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			bn := nn.NewBatchNorm2d(dev, 2)
			bn.SetTraining(false)
			return bn.Forward(xs[0])
		}},
		{Name: "Softmax", Shapes: [][]int{{2, 5}}, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.NewSoftmax(-1).Forward(xs[0]) }},
		{Name: "ReLU", Shapes: [][]int{{2, 5}}, Gen: devicetest.GradAwayFromZero, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.ReLU().Forward(xs[0]) }},
		{Name: "LeakyReLU", Shapes: [][]int{{2, 5}}, Gen: devicetest.GradAwayFromZero, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.LeakyReLU(0.1).Forward(xs[0]) }},
		{Name: "Sigmoid", Shapes: [][]int{{2, 5}}, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.Sigmoid().Forward(xs[0]) }},
		{Name: "Tanh", Shapes: [][]int{{2, 5}}, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.Tanh().Forward(xs[0]) }},
		{Name: "GELU", Shapes: [][]int{{2, 5}}, F: func(xs []*tensor.Tensor) *tensor.Tensor { return nn.GELU().Forward(xs[0]) }},
		{Name: "Sequential", Shapes: [][]int{{3, 4}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			nn.ManualSeed(5)
			return nn.NewSequential(nn.NewLinear(dev, 4, 5), nn.Tanh(), nn.NewLinear(dev, 5, 2), nn.Sigmoid()).Forward(xs[0])
		}},
		{Name: "BasicBlock", Shapes: [][]int{{2, 2, 4, 4}}, F: func(xs []*tensor.Tensor) *tensor.Tensor {
			nn.ManualSeed(9)
			b := nn.NewBasicBlock(dev, 2, 3, 2)
			// Evaluation mode keeps the batch norms smooth functions of
			// single elements; the ReLUs' kinks are rarely crossed.
			b.SetTraining(false)
			return b.Forward(xs[0]).Tanh()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) { devicetest.CheckGradient(t, dev, tc) })
	}
}

func TestInitializers(t *testing.T) {
	const fanIn, fanOut = 300, 100
	tests := []struct {
		name    string
		init    nn.Initializer
		wantStd float64
	}{
		{"GlorotUniform", nn.GlorotUniform, math.Sqrt(2.0 / (fanIn + fanOut))},
		{"HeUniform", nn.HeUniform, math.Sqrt(2.0 / fanIn)},
		{"HeNormal", nn.HeNormal, math.Sqrt(2.0 / fanIn)},
		{"TorchDefault", nn.TorchDefault, math.Sqrt(1.0 / (3 * fanIn))},
	}
	for _, tc := range tests {
		w := vals(t, tc.init(dev, 7, fanIn, fanOut, fanOut, fanIn))
		var s, s2 float64
		for _, v := range w {
			s += float64(v)
			s2 += float64(v) * float64(v)
		}
		n := float64(len(w))
		std := math.Sqrt(s2/n - (s/n)*(s/n))
		if math.Abs(std-tc.wantStd) > 0.03*tc.wantStd || math.Abs(s/n) > 0.05*tc.wantStd {
			t.Errorf("%s: mean %v, std %v, want 0 and %v", tc.name, s/n, std, tc.wantStd)
		}
	}
	nn.ManualSeed(4)
	a := vals(t, nn.NewLinear(dev, 5, 5).Weight)
	b := vals(t, nn.NewLinear(dev, 5, 5).Weight)
	nn.ManualSeed(4)
	c := vals(t, nn.NewLinear(dev, 5, 5).Weight)
	if slices.Equal(a, b) || !slices.Equal(a, c) {
		t.Fatal("ManualSeed does not make initialisation reproducible, or two layers drew the same weights")
	}
}

func TestEmbeddingLayer(t *testing.T) {
	nn.ManualSeed(5)
	e := nn.NewEmbedding(dev, 6, 4, 3)
	w := vals(t, e.Weight)
	for i := 12; i < 16; i++ {
		if w[i] != 0 {
			t.Fatalf("padding row 3 starts at %v, want zeros", w[12:16])
		}
	}
	if ps := e.Params(); len(ps) != 1 || ps[0].Name != "weight" || !slices.Equal(ps[0].Tensor.Shape(), []int{6, 4}) {
		t.Fatalf("params %+v", ps)
	}
	out := e.Forward(from([]float32{5, 3, 0}, 3))
	got := vals(t, out)
	if !slices.Equal(out.Shape(), []int{3, 4}) || !slices.Equal(got[:4], w[20:24]) || !slices.Equal(got[8:], w[:4]) {
		t.Fatalf("lookup %v of shape %v", got, out.Shape())
	}
	testutil.MustPanic(t, "padding index in [-1, num)", func() { nn.NewEmbedding(dev, 3, 2, 3) })
}
