package torchref

import (
	_ "embed"
	"encoding/json"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed batchnorm_reference.safetensors
var batchNormFile []byte

//go:embed batchnorm_reference.json
var batchNormJSON []byte

// CheckBatchNormFile loads the safetensors file batchnorm_reference.py
// wrote from a PyTorch state_dict (Linear then BatchNorm1d, trained three
// steps; num_batches_tracked an I64 scalar) into the same vkgrad layers on
// dev, and compares the output in evaluation mode and the counter with
// PyTorch's.
func CheckBatchNormFile(t *testing.T, dev device.Device) {
	var ref struct {
		X                 []float32
		XShape            []int `json:"x_shape"`
		Out               []float64
		NumBatchesTracked float64 `json:"num_batches_tracked"`
	}
	if err := json.Unmarshal(batchNormJSON, &ref); err != nil {
		t.Fatal(err)
	}
	tensor.Tidy(func() {
		bn := nn.NewBatchNorm1d(dev, 4)
		m := nn.NewSequential(nn.NewLinear(dev, 3, 4), bn)
		if err := nn.LoadSafetensors(batchNormFile, m.Params()); err != nil {
			t.Fatalf("loading PyTorch's file: %v", err)
		}
		m.SetTraining(false)
		x := tensor.FromSlice(dev, ref.X, ref.XShape...)
		compare(t, "output in evaluation mode", m.Forward(x), ref.Out)
		compare(t, "num_batches_tracked", bn.NumBatchesTracked, []float64{ref.NumBatchesTracked})
		if ref.NumBatchesTracked != 3 {
			t.Fatalf("the reference counted %v batches, want 3", ref.NumBatchesTracked)
		}
	})
}
