package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// Linear is the fully connected layer (Keras' Dense): y = act(x·Wᵀ + b) with
// W of shape [out, in] (PyTorch's layout) and b of shape [out].
type Linear struct {
	stateless
	Weight, Bias *tensor.Tensor
	Act          device.UnaryOp
	ActAlpha     float32
}

// NewLinear returns a Linear layer from in to out features, its weight drawn
// by the initializer (GlorotUniform unless WithInit: Keras' default, where
// PyTorch's nn.Linear uses TorchDefault) and its bias zero (PyTorch draws
// it from U(±1/sqrt(in))).
func NewLinear(dev device.Device, in, out int, opts ...Option) *Linear {
	o := collect(opts)
	l := &Linear{Act: o.act, ActAlpha: o.actAlpha}
	build(func() {
		l.Weight = param(o.init(dev, o.seed, in, out, out, in))
		if !o.noBias {
			l.Bias = param(tensor.Zeros(dev, out))
		}
	})
	return l
}

// Forward computes act(x·Wᵀ + b) as one fused GEMM.
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor {
	return tensor.Linear(x, l.Weight, l.Bias, l.Act, l.ActAlpha)
}

// Params returns "weight" and "bias".
func (l *Linear) Params() []Param {
	return weightBias(l.Weight, l.Bias)
}

// Conv2d is the 2-D convolution layer on [N, C, H, W] batches.
type Conv2d struct {
	stateless
	Weight, Bias *tensor.Tensor
	Opts         tensor.Conv2dOptions
}

// NewConv2d returns a convolution from in to out channels with a square
// kernel; Stride, Padding, Dilation and Groups options set the rest. As
// NewLinear, its weight is GlorotUniform unless WithInit (PyTorch:
// TorchDefault) and its bias zero (PyTorch: uniform).
func NewConv2d(dev device.Device, in, out, kernel int, opts ...Option) *Conv2d {
	o := collect(opts)
	g := max(o.groups, 1)
	if in%g != 0 || out%g != 0 {
		panic(fmt.Sprintf("nn: NewConv2d: %d input and %d output channels are not divisible by %d groups", in, out, g))
	}
	c := &Conv2d{Opts: tensor.Conv2dOptions{Stride: o.stride, Padding: o.padding, Dilation: o.dilation, Groups: g}}
	fanIn, fanOut := in/g*kernel*kernel, out/g*kernel*kernel
	build(func() {
		c.Weight = param(o.init(dev, o.seed, fanIn, fanOut, out, in/g, kernel, kernel))
		if !o.noBias {
			c.Bias = param(tensor.Zeros(dev, out))
		}
	})
	return c
}

// Forward convolves x.
func (c *Conv2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return tensor.Conv2d(x, c.Weight, c.Bias, c.Opts)
}

// Params returns "weight" and "bias".
func (c *Conv2d) Params() []Param {
	return weightBias(c.Weight, c.Bias)
}

// MaxPool2d is max pooling over square windows.
type MaxPool2d struct {
	stateless
	Opts tensor.Pool2dOptions
}

// NewMaxPool2d pools kernel×kernel windows with the given stride (0: the
// kernel size) and padding.
func NewMaxPool2d(kernel, stride, padding int) *MaxPool2d {
	return &MaxPool2d{Opts: tensor.Pool2dOptions{Kernel: [2]int{kernel, kernel}, Stride: [2]int{stride, stride}, Padding: [2]int{padding, padding}}}
}

// Forward pools x.
func (m *MaxPool2d) Forward(x *tensor.Tensor) *tensor.Tensor { return tensor.MaxPool2d(x, m.Opts) }

// AvgPool2d is average pooling over square windows; padded zeros count in
// the divisor, as in PyTorch's default.
type AvgPool2d struct {
	stateless
	Opts tensor.Pool2dOptions
}

// NewAvgPool2d pools kernel×kernel windows with the given stride (0: the
// kernel size) and padding.
func NewAvgPool2d(kernel, stride, padding int) *AvgPool2d {
	return &AvgPool2d{Opts: tensor.Pool2dOptions{Kernel: [2]int{kernel, kernel}, Stride: [2]int{stride, stride}, Padding: [2]int{padding, padding}, CountIncludePad: true}}
}

// Forward pools x.
func (m *AvgPool2d) Forward(x *tensor.Tensor) *tensor.Tensor { return tensor.AvgPool2d(x, m.Opts) }

// Flatten reshapes [N, ...] to [N, product of the rest].
type Flatten struct{ stateless }

// NewFlatten returns a Flatten layer.
func NewFlatten() Flatten { return Flatten{} }

// Forward flattens all axes after the first.
func (Flatten) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dims() < 2 {
		return x
	}
	return x.Flatten(1, -1)
}

// Activation applies an elementwise activation.
type Activation struct {
	stateless
	Op    device.UnaryOp
	Alpha float32
}

// ReLU returns the max(x, 0) layer.
func ReLU() Activation { return Activation{Op: device.UnaryReLU} }

// LeakyReLU returns the layer x > 0 ? x : slope·x.
func LeakyReLU(slope float32) Activation {
	return Activation{Op: device.UnaryLeakyReLU, Alpha: slope}
}

// Sigmoid returns the logistic layer.
func Sigmoid() Activation { return Activation{Op: device.UnarySigmoid} }

// Tanh returns the tanh layer.
func Tanh() Activation { return Activation{Op: device.UnaryTanh} }

// GELU returns the exact GELU layer.
func GELU() Activation { return Activation{Op: device.UnaryGELU} }

// SiLU returns the x·σ(x) layer (PyTorch's nn.SiLU).
func SiLU() Activation { return Activation{Op: device.UnarySiLU} }

// Softplus returns the log(1 + e^x) layer (PyTorch's nn.Softplus with
// beta 1 and threshold 20).
func Softplus() Activation { return Activation{Op: device.UnarySoftplus} }

// ELU returns the x > 0 ? x : alpha·(e^x − 1) layer (PyTorch's nn.ELU;
// its default alpha is 1).
func ELU(alpha float32) Activation { return Activation{Op: device.UnaryELU, Alpha: alpha} }

// Forward applies the activation.
func (a Activation) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Activate(a.Op, a.Alpha) }

// Softmax normalises along an axis.
type Softmax struct {
	stateless
	Axis int
}

// NewSoftmax returns a softmax layer over axis (-1: the last).
func NewSoftmax(axis int) Softmax { return Softmax{Axis: axis} }

// Forward applies the softmax.
func (s Softmax) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Softmax(s.Axis) }

// Dropout zeroes elements with probability P in training mode and scales the
// rest by 1/(1-P); in evaluation mode it passes x through. Its masks come
// from the counter-based generator: the same seed gives the same masks on
// every device.
type Dropout struct {
	P        float32
	Seed     uint64
	counter  uint64
	training bool
}

// NewDropout returns a Dropout layer, in training mode.
func NewDropout(p float32, opts ...Option) *Dropout {
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("nn: NewDropout: probability %v outside [0, 1)", p))
	}
	return &Dropout{P: p, Seed: collect(opts).seed, training: true}
}

// Forward drops elements in training mode.
func (d *Dropout) Forward(x *tensor.Tensor) *tensor.Tensor {
	if !d.training || d.P == 0 {
		return x
	}
	y := tensor.Dropout(x, d.P, d.Seed, d.counter)
	d.counter += uint64(x.Size())
	return y
}

// Params returns nil.
func (d *Dropout) Params() []Param { return nil }

// SetTraining turns dropout on or off.
func (d *Dropout) SetTraining(training bool) { d.training = training }
