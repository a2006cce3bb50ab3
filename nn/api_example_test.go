package nn_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// A model is a Sequential of layers; its parameters carry PyTorch's names.
func ExampleNewSequential() {
	dev := cpu.New()
	nn.ManualSeed(1)
	model := nn.NewSequential(
		nn.NewLinear(dev, 784, 512, nn.WithActivation(device.UnaryReLU, 0)), // Keras' Dense(512, activation="relu")
		nn.NewLinear(dev, 512, 10),
	)
	for _, p := range model.Params() {
		fmt.Println(p.Name, p.Tensor.Shape())
	}
	fmt.Println(nn.NumParams(model), "parameters")
	fmt.Println(model.Forward(tensor.Zeros(dev, 32, 784)).Shape())
	// Output:
	// 0.weight [512 784]
	// 0.bias [512]
	// 1.weight [10 512]
	// 1.bias [10]
	// 407050 parameters
	// [32 10]
}

// Save writes a model's parameters as safetensors; Load reads them into a
// model of the same architecture.
func ExampleSave() {
	dev := cpu.New()
	newModel := func(seed uint64) nn.Module {
		nn.ManualSeed(seed)
		return nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.Tanh(), nn.NewLinear(dev, 4, 2))
	}
	dir, err := os.MkdirTemp("", "vkgrad-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	trained := newModel(1)
	if err := nn.Save(path, trained); err != nil {
		log.Fatal(err)
	}
	restored := newModel(2) // other weights, until Load
	if err := nn.Load(path, restored); err != nil {
		log.Fatal(err)
	}
	x := tensor.FromSlice(dev, []float32{0.5, -1, 2}, 1, 3)
	a, _ := trained.Forward(x).Data()
	b, _ := restored.Forward(x).Data()
	fmt.Println("same outputs:", fmt.Sprint(a) == fmt.Sprint(b))

	// A file for another architecture is refused, and nothing is changed.
	other := nn.NewSequential(nn.NewLinear(dev, 3, 5))
	fmt.Println(nn.Load(path, other) != nil)
	// Output:
	// same outputs: true
	// true
}

// A Loader cuts host data into device batches, shuffled per epoch.
func ExampleNewLoader() {
	dev := cpu.New()
	// Ten samples of shape [2], with labels 0..9.
	x := make([]float32, 20)
	y := make([]float32, 10)
	for i := range y {
		x[2*i], x[2*i+1], y[i] = float32(i), float32(-i), float32(i)
	}
	loader := nn.NewLoader(dev, x, []int{2}, y, 4, false, 0)
	fmt.Println(loader.Len(), "batches")
	for xb, yb := range loader.Epoch(0) {
		fmt.Println(xb.Shape(), yb)
	}
	// Output:
	// 3 batches
	// [4 2] [0 1 2 3]
	// [4 2] [4 5 6 7]
	// [2 2] [8 9]
}

// An optimizer updates every trainable parameter with the device's fused
// kernel; a schedule sets its rate per epoch.
func ExampleNewAdam() {
	dev := cpu.New()
	nn.ManualSeed(3)
	lin := nn.NewLinear(dev, 1, 1)
	x := tensor.FromSlice(dev, []float32{1, 2, 3, 4}, 4, 1)
	y := tensor.FromSlice(dev, []float32{3, 5, 7, 9}, 4, 1) // y = 2x + 1
	opt := nn.NewAdam(lin.Params(), nn.AdamConfig{LR: 0.1})
	defer opt.Release()
	sched := nn.CosineLR{Base: 0.1, Min: 0.001, Epochs: 20}
	for epoch := range 20 {
		opt.SetLR(sched.LR(epoch))
		for range 50 {
			tensor.Tidy(func() {
				nn.MSE(lin.Forward(x), y).Backward()
				opt.Step()
				opt.ZeroGrad()
			})
		}
	}
	w, _ := lin.Weight.Item()
	b, _ := lin.Bias.Item()
	fmt.Printf("w %.2f, b %.2f\n", w, b)
	// Output: w 2.00, b 1.00
}

// A plain RNN reads a sequence and a linear layer classifies its last
// hidden state (the README's example).
func ExampleNewRNN() {
	dev := cpu.New()
	nn.ManualSeed(1)
	rnn := nn.NewRNN(dev, nn.RNNTanh, nn.RNNConfig{InputSize: 28, HiddenSize: 128, BatchFirst: true})
	head := nn.NewLinear(dev, 128, 10)
	x := tensor.RandUniform(dev, 2, 0, 1, 32, 28, 28) // 32 images read row by row: 28 steps of 28 pixels
	labels := tensor.Zeros(dev, 32)
	out, hn, _ := rnn.ForwardState(x, nil, nil)
	logits := head.Forward(hn.Reshape(-1, 128))
	loss := nn.CrossEntropy(logits, labels)
	loss.Backward()
	for _, p := range rnn.Params() {
		fmt.Println(p.Name, p.Tensor.Shape())
	}
	fmt.Println(out.Shape(), hn.Shape(), logits.Shape())
	// Output:
	// weight_ih_l0 [128 28]
	// weight_hh_l0 [128 128]
	// bias_ih_l0 [128]
	// bias_hh_l0 [128]
	// [32 28 128] [1 32 128] [32 10]
}

// A cell steps one time step at a time, for loops the program writes
// itself, here a greedy decoder that feeds each output back in.
func ExampleNewLSTMCell() {
	dev := cpu.New()
	nn.ManualSeed(1)
	cell := nn.NewLSTMCell(dev, nn.CellConfig{InputSize: 8, HiddenSize: 16})
	head := nn.NewLinear(dev, 16, 8)
	x := tensor.Zeros(dev, 4, 8) // a batch of 4 start tokens
	var h, c *tensor.Tensor      // nil: zero states
	for range 5 {
		h, c = cell.Step(x, h, c)
		x = nn.OneHot(head.Forward(h).ArgMax(1), 8)
	}
	for _, p := range cell.Params() {
		fmt.Println(p.Name, p.Tensor.Shape())
	}
	fmt.Println(h.Shape(), c.Shape(), x.Shape())
	// Output:
	// weight_ih [64 8]
	// weight_hh [64 16]
	// bias_ih [64]
	// bias_hh [64]
	// [4 16] [4 16] [4 8]
}
