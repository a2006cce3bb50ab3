package torchref

import (
	_ "embed"
	"encoding/json"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed norm_reference.json
var normJSON []byte

type groupNormCase struct {
	Name       string
	Shape      []int
	Groups     int
	Eps        float32
	X, W, B, G []float32
	Out        []float64
	GradX      []float64 `json:"grad_x"`
	GradW      []float64 `json:"grad_w"`
	GradB      []float64 `json:"grad_b"`
}

type layerNormCase struct {
	Name              string
	Shape, Normalized []int
	Eps               float32
	X, W, B, G        []float32
	Out               []float64
	GradX             []float64 `json:"grad_x"`
	GradW             []float64 `json:"grad_w"`
	GradB             []float64 `json:"grad_b"`
}

// CheckNorms replays norm_reference.py on dev: tensor.LayerNorm forward
// and backward (one and two trailing dimensions, with and without weight
// and bias) against PyTorch's F.layer_norm, nn.GroupNorm against
// F.group_norm, and nn.LayerNorm's parameter names.
func CheckNorms(t *testing.T, dev device.Device) {
	var ref struct {
		LayerNorm []layerNormCase `json:"layer_norm"`
		GroupNorm []groupNormCase `json:"group_norm"`
	}
	if err := json.Unmarshal(normJSON, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.LayerNorm) == 0 || len(ref.GroupNorm) == 0 {
		t.Fatal("norm_reference.json holds no cases")
	}
	for _, c := range ref.LayerNorm {
		t.Run(c.Name, func(t *testing.T) {
			tensor.Tidy(func() {
				x := tensor.FromSlice(dev, c.X, c.Shape...).SetRequiresGrad(true)
				var w, b *tensor.Tensor
				if c.W != nil {
					w = tensor.FromSlice(dev, c.W, c.Normalized...).SetRequiresGrad(true)
				}
				if c.B != nil {
					b = tensor.FromSlice(dev, c.B, c.Normalized...).SetRequiresGrad(true)
				}
				out := tensor.LayerNorm(x, c.Normalized, w, b, c.Eps)
				compare(t, "output", out, c.Out)
				out.BackwardWithGrad(tensor.FromSlice(dev, c.G, c.Shape...))
				compare(t, "grad x", x.Grad(), c.GradX)
				if w != nil {
					compare(t, "grad weight", w.Grad(), c.GradW)
				}
				if b != nil {
					compare(t, "grad bias", b.Grad(), c.GradB)
				}
			})
		})
	}
	for _, c := range ref.GroupNorm {
		t.Run(c.Name, func(t *testing.T) {
			tensor.Tidy(func() {
				x := tensor.FromSlice(dev, c.X, c.Shape...).SetRequiresGrad(true)
				g := nn.NewGroupNorm(dev, c.Groups, c.Shape[1], nn.LayerNormConfig{Eps: c.Eps, NoAffine: c.W == nil})
				if c.W != nil {
					loadWeights(t, g.Params(), map[string][]float32{"weight": c.W, "bias": c.B}, nil)
				}
				out := g.Forward(x)
				compare(t, "output", out, c.Out)
				out.BackwardWithGrad(tensor.FromSlice(dev, c.G, c.Shape...))
				compare(t, "grad x", x.Grad(), c.GradX)
				if c.W != nil {
					compare(t, "grad weight", g.Weight.Grad(), c.GradW)
					compare(t, "grad bias", g.Bias.Grad(), c.GradB)
				}
			})
		})
	}
	t.Run("nn.LayerNorm", func(t *testing.T) {
		l := nn.NewLayerNorm(dev, []int{4, 5}, nn.LayerNormConfig{})
		ps := l.Params()
		if len(ps) != 2 || ps[0].Name != "weight" || ps[1].Name != "bias" {
			t.Fatalf("params %v, want weight and bias", ps)
		}
		if got := nn.NewLayerNorm(dev, []int{3}, nn.LayerNormConfig{NoAffine: true}).Params(); len(got) != 0 {
			t.Fatalf("without affine: params %v", got)
		}
		if got := nn.NewLayerNorm(dev, []int{3}, nn.LayerNormConfig{NoBias: true}).Params(); len(got) != 1 {
			t.Fatalf("without bias: params %v", got)
		}
	})
}
