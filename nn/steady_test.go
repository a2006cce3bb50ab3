package nn_test

import (
	"iter"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// maxStepAllocs bounds the Go heap allocations of one MNIST MLP training
// step beyond the GEMM engine's own (the tape's nodes, shapes and
// closures: 345 today, about 19 KB); tensor data never goes through the
// Go heap in the steady state.
const maxStepAllocs = 400

// TestTrainingStepSteadyState trains the MNIST MLP recipe (Linear 784→512
// with ReLU, Linear 512→10, cross-entropy, RMSprop, shuffled batches from a
// Loader) and checks that after the first steps a step takes no fresh
// device memory (every buffer comes from the pool), leaks no buffer, and
// allocates on the Go heap only bookkeeping: a bounded number of small
// objects, far less than one batch of data.
func TestTrainingStepSteadyState(t *testing.T) {
	d := cpu.New()
	const batch, in, hidden, classes, samples = 128, 784, 512, 10, 128 * 40
	r := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float32, samples*in), make([]float32, samples)
	for i := range x {
		x[i] = r.Float32()
	}
	for i := range y {
		y[i] = float32(r.IntN(classes))
	}
	nn.ManualSeed(1)
	model := nn.NewSequential(nn.NewLinear(d, in, hidden, nn.WithActivation(device.UnaryReLU, 0)), nn.NewLinear(d, hidden, classes))
	opt := nn.NewRMSprop(model.Params(), nn.RMSpropConfig{LR: 1e-3})
	next, stop := iter.Pull2(nn.NewLoader(d, x, []int{in}, y, batch, true, 1).Epoch(0))
	defer stop()
	step := func() {
		xb, yb, ok := next()
		if !ok {
			t.Fatal("the epoch ended early")
		}
		tensor.Tidy(func() {
			nn.CrossEntropy(model.Forward(xb), yb).Backward()
			opt.Step()
			opt.ZeroGrad()
		})
	}
	for range 3 { // the optimizer's state and the pool's buffers appear
		step()
	}
	before := d.Stats()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	const steps = 20
	for range steps {
		step()
	}
	runtime.ReadMemStats(&m1)
	after := d.Stats()
	perStep := (m1.TotalAlloc - m0.TotalAlloc) / steps
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	if fresh := after.FreshBytes - before.FreshBytes; fresh != 0 {
		t.Errorf("%d steps took %s of fresh device memory; the pool should hold every buffer", steps, device.FormatBytes(fresh))
	}
	if after.LiveBuffers != before.LiveBuffers {
		t.Errorf("live buffers went from %d to %d over %d steps", before.LiveBuffers, after.LiveBuffers, steps)
	}
	// The GEMM engine's own allocations are its business (gonum's pure-Go
	// Sgemm starts goroutines for every product; OpenBLAS makes none):
	// the bounds add what the step's five products make on their own.
	products := mlpProducts(batch, in, hidden, classes)
	gemm := testing.AllocsPerRun(10, products)
	runtime.ReadMemStats(&m0)
	for range steps {
		products()
	}
	runtime.ReadMemStats(&m1)
	gemmBytes := (m1.TotalAlloc - m0.TotalAlloc) / steps
	if oneBatch := uint64(batch * in * 4); perStep > oneBatch/8+gemmBytes {
		t.Errorf("a step allocates %d bytes on the Go heap (one batch is %d; the GEMM engine's products %d): tensor data goes through the heap", perStep, oneBatch, gemmBytes)
	}
	if n := testing.AllocsPerRun(10, step); n > maxStepAllocs+gemm {
		t.Errorf("a step makes %.0f Go heap allocations, more than the %d bookkeeping allows (+%.0f the GEMM engine makes)", n, maxStepAllocs, gemm)
	} else {
		t.Logf("a step: %.0f Go heap allocations (%.0f of them the GEMM engine's), %d bytes", n, gemm, perStep)
	}
}

// mlpProducts returns a function that runs the five matrix products of an
// MLP training step (batch×in → hidden → classes: two forward, two weight
// gradients, one input gradient) straight through blas32, the engine the
// CPU backend uses, on matrices made once.
func mlpProducts(batch, in, hidden, classes int) func() {
	g := func(r, c int) blas32.General {
		return blas32.General{Rows: r, Cols: c, Stride: c, Data: make([]float32, r*c)}
	}
	x, w1, h, w2, dz := g(batch, in), g(hidden, in), g(batch, hidden), g(classes, hidden), g(batch, classes)
	return func() {
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, x, w1, 0, h)
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, h, w2, 0, dz)
		blas32.Gemm(blas.Trans, blas.NoTrans, 1, dz, h, 0, w2)
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, dz, w2, 0, h)
		blas32.Gemm(blas.Trans, blas.NoTrans, 1, h, x, 0, w1)
	}
}
