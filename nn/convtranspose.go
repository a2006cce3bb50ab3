package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// ConvTranspose2d is PyTorch's nn.ConvTranspose2d: a transposed
// convolution from in to out channels, Weight [in, out/groups, k, k]
// (PyTorch's layout) and Bias [out]. It upsamples: stride 2, kernel 4 and
// padding 1 double the height and width, as in DCGAN's generator.
type ConvTranspose2d struct {
	stateless
	Weight, Bias *tensor.Tensor
	Opts         tensor.ConvTranspose2dOptions
}

// NewConvTranspose2d returns a transposed convolution with a square
// kernel; the Stride, Padding, OutputPadding, Dilation and Groups options
// set the rest. As NewConv2d, its weight is GlorotUniform unless WithInit
// (PyTorch: TorchDefault, whose fan-in is out/groups·k·k for this layout)
// and its bias zero (PyTorch: uniform).
func NewConvTranspose2d(dev device.Device, in, out, kernel int, opts ...Option) *ConvTranspose2d {
	o := collect(opts)
	g := max(o.groups, 1)
	if in%g != 0 || out%g != 0 || kernel < 1 {
		panic(fmt.Sprintf("nn: NewConvTranspose2d: %d input and %d output channels, %d groups, kernel %d", in, out, g, kernel))
	}
	c := &ConvTranspose2d{Opts: tensor.ConvTranspose2dOptions{Stride: o.stride, Padding: o.padding, OutputPadding: o.outputPadding, Dilation: o.dilation, Groups: g}}
	fanIn, fanOut := out/g*kernel*kernel, in/g*kernel*kernel
	build(func() {
		c.Weight = param(o.init(dev, o.seed, fanIn, fanOut, in, out/g, kernel, kernel))
		if !o.noBias {
			c.Bias = param(tensor.Zeros(dev, out))
		}
	})
	return c
}

// Forward applies the transposed convolution to x [N, in, H, W].
func (c *ConvTranspose2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return tensor.ConvTranspose2d(x, c.Weight, c.Bias, c.Opts)
}

// Params returns "weight" and "bias".
func (c *ConvTranspose2d) Params() []Param {
	return weightBias(c.Weight, c.Bias)
}
