package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// The perceptron learns the AND gate with Rosenblatt's rule
// w += rate * (label - output) * x, the bias as a weight on a constant 1.
func Example_perceptron() {
	dev := cpu.New()
	x := tensor.FromSlice(dev, []float32{
		0, 0, 1,
		0, 1, 1,
		1, 0, 1,
		1, 1, 1,
	}, 4, 3)
	labels := []float32{0, 0, 0, 1}
	w := tensor.Zeros(dev, 3)
	const rate = 0.1
	for epoch := 0; epoch < 10; epoch++ {
		for i, label := range labels {
			xi := x.Narrow(0, i, 1).Reshape(3)
			out, _ := xi.Mul(w).Sum().GtScalar(0).Item() // step activation
			tensor.Assign(w, w.Add(xi.MulScalar(rate*(label-out))))
		}
	}
	fmt.Println("outputs:", x.MatMul(w).GtScalar(0))
	// Output: outputs: [0 0 0 1]
}

// A network learns to call three dice "big" (sum >= 11) or "small", from
// all 216 throws.
func Example_dice() {
	dev := cpu.New()
	nn.ManualSeed(1)
	var xs, ys []float32
	for a := 1; a <= 6; a++ {
		for b := 1; b <= 6; b++ {
			for c := 1; c <= 6; c++ {
				xs = append(xs, float32(a)/6, float32(b)/6, float32(c)/6)
				big := float32(0)
				if a+b+c >= 11 {
					big = 1
				}
				ys = append(ys, big)
			}
		}
	}
	model := nn.NewSequential(nn.NewLinear(dev, 3, 16, nn.WithActivation(device.UnaryReLU, 0)), nn.NewLinear(dev, 16, 2))
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: 0.02})
	loader := nn.NewLoader(dev, xs, []int{3}, ys, 32, true, 1)
	for epoch := 0; epoch < 200; epoch++ {
		for xb, yb := range loader.Epoch(epoch) {
			tensor.Tidy(func() {
				nn.CrossEntropy(model.Forward(xb), yb).Backward()
				opt.Step()
				opt.ZeroGrad()
			})
		}
	}
	acc, _ := nn.Accuracy(model.Forward(tensor.FromSlice(dev, xs, 216, 3)), tensor.FromSlice(dev, ys, 216)).Item()
	fmt.Printf("accuracy on all 216 throws: %.0f%%\n", 100*acc)
	// Output: accuracy on all 216 throws: 100%
}

// A small CNN, Conv2d(1, 16, 3, stride 1, padding 1) → ReLU → Linear,
// learns 8 classes from 4 random features seen as a 1×1×4 image.
func Example_cnn() {
	dev := cpu.New()
	nn.ManualSeed(2)
	r := rand.New(rand.NewPCG(3, 4))
	const n = 64
	xs := make([]float32, n*4)
	ys := make([]float32, n)
	for i := range xs {
		xs[i] = float32(r.NormFloat64())
	}
	for i := range ys {
		ys[i] = float32(r.IntN(8))
	}
	model := nn.NewSequential(
		nn.NewConv2d(dev, 1, 16, 3, nn.Stride(1), nn.Padding(1)), nn.ReLU(),
		nn.NewFlatten(), nn.NewLinear(dev, 16*1*4, 8),
	)
	opt := nn.NewAdam(model.Params(), nn.AdamConfig{LR: 0.01})
	x := tensor.FromSlice(dev, xs, n, 1, 1, 4)
	y := tensor.FromSlice(dev, ys, n)
	var first, last float32
	for step := 0; step < 500; step++ {
		tensor.Tidy(func() {
			loss := nn.CrossEntropy(model.Forward(x), y)
			loss.Backward()
			opt.Step()
			opt.ZeroGrad()
			if step == 0 {
				first, _ = loss.Item()
			}
			last, _ = loss.Item()
		})
	}
	acc, _ := nn.Accuracy(model.Forward(x), y).Item()
	fmt.Printf("loss fell over 10x: %v; training accuracy %.0f%%\n", last < first/10, 100*acc)
	// Output: loss fell over 10x: true; training accuracy 100%
}

// An MLP learns XOR.
func Example_xor() {
	dev := cpu.New()
	nn.ManualSeed(3)
	x := tensor.FromSlice(dev, []float32{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2)
	y := tensor.FromSlice(dev, []float32{0, 1, 1, 0}, 4, 1)
	model := nn.NewSequential(nn.NewLinear(dev, 2, 8), nn.Tanh(), nn.NewLinear(dev, 8, 1))
	opt := nn.NewSGD(model.Params(), nn.SGDConfig{LR: 0.5, Momentum: 0.9})
	for step := 0; step < 300; step++ {
		tensor.Tidy(func() {
			nn.BCEWithLogits(model.Forward(x), y).Backward()
			opt.Step()
			opt.ZeroGrad()
		})
	}
	fmt.Println("predictions:", model.Forward(x).Sigmoid().GtScalar(0.5).Reshape(4))
	// Output: predictions: [0 1 1 0]
}
