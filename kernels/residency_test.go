//go:build cgo

package kernels

import (
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// TestTrainingStaysOnDevice trains a small MLP and a small CNN on the Vulkan
// device and checks, from the device's counters, that a step uploads only
// its batch,
// downloads nothing unless the loss is read, submits a small fixed number
// of times (not once per op), and that device memory is flat from step 10
// to step 100, every buffer from the pools (no fresh memory blocks).
func TestTrainingStaysOnDevice(t *testing.T) {
	d := testDevices(t)[0].d
	nn.ManualSeed(1)
	t.Run("mlp", func(t *testing.T) {
		mlp := nn.NewSequential(
			nn.NewLinear(d, 20, 32, nn.WithActivation(device.UnaryReLU, 0)),
			nn.NewDropout(0.2),
			nn.NewLinear(d, 32, 5),
		)
		trainSteps(t, d, mlp, nn.NewRMSprop(mlp.Params(), nn.RMSpropConfig{LR: 1e-3}), []int{16, 20})
	})
	t.Run("cnn", func(t *testing.T) {
		cnn := nn.NewSequential(
			nn.NewConv2d(d, 1, 4, 3, nn.Padding(1)), nn.ReLU(), nn.NewMaxPool2d(2, 2, 0),
			nn.NewConv2d(d, 4, 6, 3, nn.Padding(1)), nn.ReLU(), nn.NewAvgPool2d(2, 2, 0),
			nn.NewFlatten(), nn.NewLinear(d, 6, 5),
		)
		trainSteps(t, d, cnn, nn.NewAdam(cnn.Params(), nn.AdamConfig{LR: 1e-3}), []int{16, 1, 4, 5})
	})
}

func trainSteps(t *testing.T, d *Device, model nn.Module, opt nn.Optimizer, shape []int) {
	n := device.NumElements(shape)
	xs := make([]float32, n)
	ys := make([]float32, 16)
	for i := range xs {
		xs[i] = float32(i%7) / 7
	}
	for i := range ys {
		ys[i] = float32(i % 5)
	}
	// Free the model at the end: left to the garbage collector, its buffers
	// would disappear in the middle of the next subtest's count.
	defer func() {
		for _, p := range model.Params() {
			p.Tensor.Release()
		}
		opt.Release()
	}()
	var first, bytes10, live10, pooled10, fresh10 int64
	for step := 1; step <= 100; step++ {
		before := d.Stats()
		readLoss := step%10 == 0
		tensor.Tidy(func() {
			x := tensor.FromSlice(d, xs, shape...)
			y := tensor.FromSlice(d, ys, 16)
			loss := nn.CrossEntropy(model.Forward(x), y)
			loss.Backward()
			opt.Step()
			opt.ZeroGrad()
			if readLoss {
				if _, err := loss.Item(); err != nil {
					t.Fatal(err)
				}
			}
		})
		s := d.Stats()
		if step == 1 {
			continue // the optimizer creates its state
		}
		if step == 2 {
			first = s.Ops - before.Ops
		}
		if up := s.Uploads - before.Uploads; up != 2 {
			t.Fatalf("step %d: %d uploads, want the batch's 2", step, up)
		}
		down, subs := s.Downloads-before.Downloads, s.Submits-before.Submits
		if readLoss && (down != 1 || subs < 1 || subs > 2) {
			t.Fatalf("step %d (loss read): %d downloads, %d submits", step, down, subs)
		}
		if !readLoss && (down != 0 || subs > 1) {
			t.Fatalf("step %d: %d downloads, %d submits without reading anything", step, down, subs)
		}
		// The same ops every step; each of the batch's two uploads is a
		// recorded copy instead of a host write when the previous step may
		// still be using the memory it lands in.
		if n := s.Ops - before.Ops; n < first-2 || n > first+2 {
			t.Fatalf("step %d recorded %d ops, step 2 %d", step, n, first)
		}
		// Live memory is the same every step; the pools may hold a few
		// more staging buffers when more batches happen to be in flight
		// (submission follows the GPU's progress), but do not grow.
		if step == 10 {
			bytes10, live10, pooled10, fresh10 = s.LiveBytes, s.LiveBuffers, s.PooledBytes, s.FreshBytes
		}
		if step == 10 && fresh10 == 0 {
			t.Fatal("FreshBytes is 0 after 10 steps: the memory blocks are not counted")
		}
		if step > 10 && s.FreshBytes != fresh10 {
			t.Fatalf("step %d: %d bytes of fresh device memory since step 10; the pools should serve every step", step, s.FreshBytes-fresh10)
		}
		const slack = 64 << 10
		if step > 10 && (s.LiveBytes != bytes10 || s.LiveBuffers != live10 || s.PooledBytes > pooled10+slack) {
			t.Fatalf("step %d: %d bytes in %d buffers and %d pooled; step 10 had %d in %d and %d pooled", step, s.LiveBytes, s.LiveBuffers, s.PooledBytes, bytes10, live10, pooled10)
		}
	}
	t.Logf("a training step records %d ops", first)
}
