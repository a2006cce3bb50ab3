package nn

import (
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// ManualSeed restarts tensor.DefaultGenerator, the stream of seeds that
// layers built without WithSeed and tensor.Rand and tensor.Randn draw
// from, as torch.manual_seed does: a program that builds the same layers
// and makes the same draws in the same order after ManualSeed(s) gets the
// same numbers on every device. It is tensor.ManualSeed.
func ManualSeed(seed uint64) { tensor.ManualSeed(seed) }

func nextSeed() uint64 { return tensor.DefaultGenerator.Seed() }

// Initializer fills a new weight tensor of the given shape; fanIn and fanOut
// are the numbers of inputs and outputs each weight connects.
type Initializer func(dev device.Device, seed uint64, fanIn, fanOut int, shape ...int) *tensor.Tensor

// GlorotUniform draws from U(-a, a) with a = sqrt(6/(fanIn+fanOut)): Keras'
// default for Dense and Conv2D (Xavier uniform in PyTorch).
func GlorotUniform(dev device.Device, seed uint64, fanIn, fanOut int, shape ...int) *tensor.Tensor {
	a := float32(math.Sqrt(6 / float64(fanIn+fanOut)))
	return tensor.RandUniform(dev, seed, -a, a, shape...)
}

// HeUniform draws from U(-a, a) with a = sqrt(6/fanIn): Kaiming uniform
// for ReLU networks (PyTorch's kaiming_uniform_ with its ReLU gain).
func HeUniform(dev device.Device, seed uint64, fanIn, _ int, shape ...int) *tensor.Tensor {
	a := float32(math.Sqrt(6 / float64(fanIn)))
	return tensor.RandUniform(dev, seed, -a, a, shape...)
}

// HeNormal draws from N(0, 2/fanIn): Kaiming normal.
func HeNormal(dev device.Device, seed uint64, fanIn, _ int, shape ...int) *tensor.Tensor {
	return tensor.RandNormal(dev, seed, 0, float32(math.Sqrt(2/float64(fanIn))), shape...)
}

// TorchDefault draws from U(-1/sqrt(fanIn), 1/sqrt(fanIn)): what PyTorch's
// nn.Linear and nn.Conv2d use for their weights (kaiming_uniform_ with
// a = sqrt(5)). It initializes the weight only: vkgrad's layers start their
// biases at zero, where PyTorch draws them from the same uniform.
func TorchDefault(dev device.Device, seed uint64, fanIn, _ int, shape ...int) *tensor.Tensor {
	a := float32(1 / math.Sqrt(float64(fanIn)))
	return tensor.RandUniform(dev, seed, -a, a, shape...)
}

// Option configures a layer.
type Option func(*options)

type options struct {
	seed     uint64
	seeded   bool
	init     Initializer
	noBias   bool
	act      device.UnaryOp
	actAlpha float32
	stride   [2]int
	padding  [2]int
	dilation [2]int
	// outputPadding is a transposed convolution's.
	outputPadding [2]int
	groups        int
}

func collect(opts []Option) options {
	o := options{init: GlorotUniform, act: device.UnaryIdentity}
	for _, f := range opts {
		f(&o)
	}
	if !o.seeded {
		o.seed = nextSeed()
	}
	return o
}

// WithSeed makes the layer's initial weights draw (seed) of the generator.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed, o.seeded = seed, true } }

// WithInit chooses the weight initializer (GlorotUniform by default).
func WithInit(init Initializer) Option { return func(o *options) { o.init = init } }

// WithoutBias leaves out the layer's bias.
func WithoutBias() Option { return func(o *options) { o.noBias = true } }

// WithActivation fuses an activation into a Linear layer's GEMM, like
// Keras' Dense(units, activation=...); alpha is LeakyReLU's slope.
func WithActivation(act device.UnaryOp, alpha float32) Option {
	return func(o *options) { o.act, o.actAlpha = act, alpha }
}

// Stride sets a convolution's stride (both axes).
func Stride(s int) Option { return func(o *options) { o.stride = [2]int{s, s} } }

// Padding sets a convolution's zero padding (both axes).
func Padding(p int) Option { return func(o *options) { o.padding = [2]int{p, p} } }

// OutputPadding adds rows and columns to one side of a transposed
// convolution's output (both axes; smaller than the stride or the
// dilation), PyTorch's output_padding.
func OutputPadding(p int) Option { return func(o *options) { o.outputPadding = [2]int{p, p} } }

// Dilation sets a convolution's dilation (both axes).
func Dilation(d int) Option { return func(o *options) { o.dilation = [2]int{d, d} } }

// Groups splits a convolution's channels into groups.
func Groups(g int) Option { return func(o *options) { o.groups = g } }

// param makes t a kept, trainable leaf.
func param(t *tensor.Tensor) *tensor.Tensor {
	return tensor.Keep(t).SetRequiresGrad(true)
}

// build runs fn in a Tidy scope so that the temporaries of initialisation
// are released at once; fn must Keep what it returns.
func build(fn func()) { tensor.Tidy(fn) }
