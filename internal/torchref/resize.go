package torchref

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed resize_reference.json
var resizeJSON []byte

type resizeCase struct {
	Name   string
	Op     string
	Shape  []int
	Params struct {
		Out                     []int
		Kernel, Stride, Padding int
		Ceil                    bool
		IncludePad              bool `json:"include_pad"`
		Align                   bool
		Pads                    []int
		Value                   float32
	}
	X, G     []float32
	Out      []float64
	OutShape []int     `json:"out_shape"`
	GradX    []float64 `json:"grad_x"`
}

// CheckResize replays resize_reference.py on dev: AdaptiveAvgPool2d,
// MaxPool2d and AvgPool2d in ceil mode, Upsample (nearest, bilinear) and
// Pad (constant, reflect), forward and backward, against PyTorch; the
// nearest and bilinear cases also through nn.Upsample and the adaptive
// ones through nn.AdaptiveAvgPool2d.
func CheckResize(t *testing.T, dev device.Device) {
	var ref struct{ Cases []resizeCase }
	if err := json.Unmarshal(resizeJSON, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("resize_reference.json holds no cases")
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tensor.Tidy(func() {
				x := tensor.FromSlice(dev, c.X, c.Shape...).SetRequiresGrad(true)
				p := c.Params
				pool := tensor.Pool2dOptions{Kernel: [2]int{p.Kernel, p.Kernel}, Stride: [2]int{p.Stride, p.Stride}, Padding: [2]int{p.Padding, p.Padding}, CeilMode: p.Ceil, CountIncludePad: p.IncludePad}
				var out, layer *tensor.Tensor
				switch c.Op {
				case "adaptive_avg":
					out = tensor.AdaptiveAvgPool2d(x, p.Out[0], p.Out[1])
					layer = nn.NewAdaptiveAvgPool2d(p.Out[0], p.Out[1]).Forward(x)
				case "max_pool":
					out = tensor.MaxPool2d(x, pool)
				case "avg_pool":
					out = tensor.AvgPool2d(x, pool)
				case "nearest", "bilinear":
					mode := map[string]tensor.UpsampleMode{"nearest": tensor.UpsampleNearest, "bilinear": tensor.UpsampleBilinear}[c.Op]
					out = tensor.Upsample(x, p.Out[0], p.Out[1], mode, p.Align)
					u := &nn.Upsample{Size: [2]int{p.Out[0], p.Out[1]}, Mode: mode, AlignCorners: p.Align}
					layer = u.Forward(x)
				case "pad_constant":
					out = tensor.Pad(x, p.Pads, tensor.PadConstant, p.Value)
				case "pad_reflect":
					out = tensor.Pad(x, p.Pads, tensor.PadReflect, 0)
				default:
					t.Fatalf("unknown op %q", c.Op)
				}
				if fmt.Sprint(out.Shape()) != fmt.Sprint(c.OutShape) {
					t.Fatalf("output %v, PyTorch %v", out.Shape(), c.OutShape)
				}
				compare(t, "output", out, c.Out)
				if layer != nil {
					compare(t, "layer output", layer, c.Out)
				}
				out.BackwardWithGrad(tensor.FromSlice(dev, c.G, c.OutShape...))
				compare(t, "grad x", x.Grad(), c.GradX)
			})
		})
	}
}
