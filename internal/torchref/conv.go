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

//go:embed conv_reference.json
var convJSON []byte

type convTransposeCase struct {
	Name                      string
	XShape                    []int `json:"x_shape"`
	WShape                    []int `json:"w_shape"`
	Stride, Padding, Dilation []int
	OutputPadding             []int `json:"output_padding"`
	Groups                    int
	X, W, B, G                []float32
	Out                       []float64
	OutShape                  []int     `json:"out_shape"`
	GradX                     []float64 `json:"grad_x"`
	GradW                     []float64 `json:"grad_w"`
	GradB                     []float64 `json:"grad_b"`
}

// CheckConvTranspose replays conv_reference.py on dev:
// tensor.ConvTranspose2d forward and backward at several strides,
// paddings, output paddings, dilations and groups against PyTorch's
// F.conv_transpose2d, and nn.ConvTranspose2d with the same weights.
func CheckConvTranspose(t *testing.T, dev device.Device) {
	var ref struct {
		ConvTranspose2d []convTransposeCase `json:"conv_transpose2d"`
	}
	if err := json.Unmarshal(convJSON, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.ConvTranspose2d) == 0 {
		t.Fatal("conv_reference.json holds no cases")
	}
	for _, c := range ref.ConvTranspose2d {
		t.Run(c.Name, func(t *testing.T) {
			tensor.Tidy(func() {
				o := tensor.ConvTranspose2dOptions{Stride: [2]int(c.Stride), Padding: [2]int(c.Padding), OutputPadding: [2]int(c.OutputPadding), Dilation: [2]int(c.Dilation), Groups: c.Groups}
				x := tensor.FromSlice(dev, c.X, c.XShape...).SetRequiresGrad(true)
				w := tensor.FromSlice(dev, c.W, c.WShape...).SetRequiresGrad(true)
				var b *tensor.Tensor
				if c.B != nil {
					b = tensor.FromSlice(dev, c.B, len(c.B)).SetRequiresGrad(true)
				}
				out := tensor.ConvTranspose2d(x, w, b, o)
				if fmt.Sprint(out.Shape()) != fmt.Sprint(c.OutShape) {
					t.Fatalf("output %v, PyTorch %v", out.Shape(), c.OutShape)
				}
				compare(t, "output", out, c.Out)
				out.BackwardWithGrad(tensor.FromSlice(dev, c.G, c.OutShape...))
				compare(t, "grad x", x.Grad(), c.GradX)
				compare(t, "grad weight", w.Grad(), c.GradW)
				if b != nil {
					compare(t, "grad bias", b.Grad(), c.GradB)
				}
				// The layer, with PyTorch's parameter names, where its
				// options (the same on both axes) can say it.
				square := c.WShape[2] == c.WShape[3]
				for _, v := range [][]int{c.Stride, c.Padding, c.OutputPadding, c.Dilation} {
					square = square && v[0] == v[1]
				}
				if !square {
					return
				}
				opts := []nn.Option{nn.Stride(c.Stride[0]), nn.Padding(c.Padding[0]), nn.OutputPadding(c.OutputPadding[0]), nn.Dilation(c.Dilation[0]), nn.Groups(c.Groups)}
				if c.B == nil {
					opts = append(opts, nn.WithoutBias())
				}
				l := nn.NewConvTranspose2d(dev, c.WShape[0], c.WShape[1]*c.Groups, c.WShape[2], opts...)
				weights := map[string][]float32{"weight": c.W}
				if c.B != nil {
					weights["bias"] = c.B
				}
				loadWeights(t, l.Params(), weights, nil)
				compare(t, "nn.ConvTranspose2d output", l.Forward(x), c.Out)
			})
		})
	}
}
