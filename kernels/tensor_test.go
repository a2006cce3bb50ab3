//go:build cgo

package kernels

import (
	"math"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/devicetest"
	"github.com/vkgrad/vkgrad/internal/torchref"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// program is a small tensor program: create, matmul, add, sum, backward.
// It returns the loss and the gradients, read back at the end.
func program(t *testing.T, dev device.Device) (loss float32, grads [][]float32) {
	t.Helper()
	x := tensor.RandNormal(dev, 1, 0, 1, 33, 17)
	w := tensor.RandNormal(dev, 2, 0, 1, 17, 9).SetRequiresGrad(true)
	b := tensor.RandNormal(dev, 3, 0, 1, 9).SetRequiresGrad(true)
	y := x.MatMul(w).Add(b).Tanh().Sum()
	y.Backward()
	l, err := y.Item()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*tensor.Tensor{w, b} {
		g, err := p.Grad().Data()
		if err != nil {
			t.Fatal(err)
		}
		grads = append(grads, g)
	}
	return l, grads
}

// TestProgramSameOnCPUAndVulkan runs one tensor program unchanged on the
// CPU and on every Vulkan device and compares the numbers.
func TestProgramSameOnCPUAndVulkan(t *testing.T) {
	wantLoss, wantGrads := program(t, cpu.New())
	for _, nd := range testDevices(t) {
		loss, grads := program(t, nd.d)
		if math.Abs(float64(loss-wantLoss)) > 1e-4*math.Abs(float64(wantLoss))+1e-4 {
			t.Errorf("%s: loss %v, cpu %v", nd.name, loss, wantLoss)
		}
		for i := range grads {
			for j := range grads[i] {
				if math.Abs(float64(grads[i][j]-wantGrads[i][j])) > 1e-4 {
					t.Fatalf("%s: grad %d[%d] = %v, cpu %v", nd.name, i, j, grads[i][j], wantGrads[i][j])
				}
			}
		}
	}
}

// TestReadBackOnlyOnData checks residency: after the inputs are uploaded,
// a forward and backward pass submits and downloads nothing until Data.
func TestReadBackOnlyOnData(t *testing.T) {
	for _, nd := range testDevices(t) {
		d := nd.d
		if err := d.Sync(); err != nil {
			t.Fatal(err)
		}
		x := tensor.FromSlice(d, make([]float32, 64*32), 64, 32)
		w := tensor.FromSlice(d, make([]float32, 32*16), 32, 16).SetRequiresGrad(true)
		before := d.Stats()
		loss := x.MatMul(w).ReLU().Mean()
		loss.Backward()
		mid := d.Stats()
		if mid.Uploads != before.Uploads || mid.Downloads != before.Downloads || mid.Submits != before.Submits {
			t.Fatalf("%s: forward+backward moved data or submitted: before %+v, after %+v", nd.name, before, mid)
		}
		if mid.Ops <= before.Ops {
			t.Fatalf("%s: no ops were recorded", nd.name)
		}
		if _, err := loss.Item(); err != nil {
			t.Fatal(err)
		}
		after := d.Stats()
		if after.Downloads != mid.Downloads+1 || after.Submits < mid.Submits+1 || after.Submits > mid.Submits+2 {
			t.Fatalf("%s: reading the loss: %d downloads and %d submits, want 1 and 1 or 2", nd.name, after.Downloads-mid.Downloads, after.Submits-mid.Submits)
		}
	}
}

// TestGradientsOnVulkan runs the finite-difference gradient checks of every
// differentiable op on the first Vulkan device.
func TestGradientsOnVulkan(t *testing.T) {
	d := testDevices(t)[0].d
	for _, tc := range devicetest.GradCases(d) {
		t.Run(tc.Name, func(t *testing.T) {
			devicetest.CheckGradient(t, d, tc)
			if err := d.Sync(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestTorch replays every PyTorch reference of internal/torchref on every
// Vulkan device.
func TestTorch(t *testing.T) {
	for _, nd := range testDevices(t) {
		t.Run(nd.name, func(t *testing.T) { torchref.RunReplays(t, nd.d) })
	}
}

// TestRecurrentStaysOnDevice: an LSTM's forward and backward over 32 time
// steps read nothing back; the GPU is handed work in a few batches.
func TestRecurrentStaysOnDevice(t *testing.T) {
	d := testDevices(t)[0].d
	m := nn.NewLSTM(d, nn.RNNConfig{InputSize: 8, HiddenSize: 16, NumLayers: 2})
	defer func() {
		for _, p := range m.Params() {
			p.Tensor.Release()
		}
	}()
	tensor.Tidy(func() {
		x := tensor.RandNormal(d, 3, 0, 1, 32, 4, 8)
		if err := d.Sync(); err != nil {
			t.Fatal(err)
		}
		before := d.Stats()
		m.Forward(x).Sum().Backward()
		s := d.Stats()
		if n := s.Downloads - before.Downloads; n != 0 {
			t.Errorf("%d read-backs during an LSTM's forward and backward", n)
		}
		if n := s.Submits - before.Submits; n > 12 {
			t.Errorf("%d submits for %d ops", n, s.Ops-before.Ops)
		}
		t.Logf("2-layer LSTM over 32 steps: %d ops in %d submits", s.Ops-before.Ops, s.Submits-before.Submits)
	})
}
