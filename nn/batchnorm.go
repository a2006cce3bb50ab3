package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// BatchNorm normalises each channel (axis 1) over the batch and the spatial
// axes, then scales and shifts it: PyTorch's BatchNorm1d ([N, C] or
// [N, C, L]) and BatchNorm2d ([N, C, H, W]). In training mode it uses the
// batch's statistics (the biased variance) and updates the running ones
// (the unbiased variance, as PyTorch); in evaluation mode it uses the
// running ones. NumBatchesTracked counts the training batches, as
// PyTorch's num_batches_tracked does, and is saved as PyTorch saves it (an
// I64 scalar); vkgrad does not use it, since Momentum is always set
// (PyTorch's momentum=None, a cumulative average, is not offered).
type BatchNorm struct {
	Weight, Bias            *tensor.Tensor
	RunningMean, RunningVar *tensor.Tensor
	// NumBatchesTracked is a scalar tensor (float32, exact to 2^24).
	NumBatchesTracked *tensor.Tensor
	// Eps is added to the variance; Momentum weighs each batch in the
	// running statistics (PyTorch's defaults: 1e-5 and 0.1).
	Eps, Momentum float32
	dims          int // the input's rank: 2 or 3 for 1d, 4 for 2d
	training      bool
}

// NewBatchNorm1d returns a batch norm for [N, C] or [N, C, L] inputs.
func NewBatchNorm1d(dev device.Device, channels int) *BatchNorm {
	return newBatchNorm(dev, channels, 2)
}

// NewBatchNorm2d returns a batch norm for [N, C, H, W] inputs.
func NewBatchNorm2d(dev device.Device, channels int) *BatchNorm {
	return newBatchNorm(dev, channels, 4)
}

func newBatchNorm(dev device.Device, c, dims int) *BatchNorm {
	b := &BatchNorm{Eps: 1e-5, Momentum: 0.1, dims: dims, training: true}
	build(func() {
		b.Weight = param(tensor.Ones(dev, c))
		b.Bias = param(tensor.Zeros(dev, c))
		b.RunningMean = tensor.Keep(tensor.Zeros(dev, c))
		b.RunningVar = tensor.Keep(tensor.Ones(dev, c))
		b.NumBatchesTracked = tensor.Keep(tensor.Zeros(dev))
	})
	return b
}

// Forward normalises x.
func (b *BatchNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	c := b.Weight.Size()
	ok := x.Dims() >= 2 && x.Dim(1) == c
	if b.dims == 4 {
		ok = ok && x.Dims() == 4
	} else {
		ok = ok && x.Dims() <= 3
	}
	if !ok {
		panic(fmt.Sprintf("nn: BatchNorm: input %v for %d channels (want [N, %d%s])", x.Shape(), c, c, map[bool]string{true: ", H, W", false: "] or [N, C, L"}[b.dims == 4]))
	}
	axes := []int{0}
	for a := 2; a < x.Dims(); a++ {
		axes = append(axes, a)
	}
	bshape := make([]int, x.Dims())
	for i := range bshape {
		bshape[i] = 1
	}
	bshape[1] = c
	var mean, variance *tensor.Tensor
	if b.training {
		n := x.Size() / c
		if n < 2 {
			panic(fmt.Sprintf("nn: BatchNorm: training needs more than one value per channel, got input %v", x.Shape()))
		}
		mean = x.MeanKeep(axes...)
		variance = x.Sub(mean).Square().MeanKeep(axes...)
		tensor.NoGrad(func() {
			m := b.Momentum
			rm := b.RunningMean.MulScalar(1 - m).Add(mean.Reshape(c).MulScalar(m))
			rv := b.RunningVar.MulScalar(1 - m).Add(variance.Reshape(c).MulScalar(m * float32(n) / float32(n-1)))
			count := b.NumBatchesTracked.AddScalar(1)
			tensor.Assign(b.RunningMean, rm)
			tensor.Assign(b.RunningVar, rv)
			tensor.Assign(b.NumBatchesTracked, count)
			rm.Release()
			rv.Release()
			count.Release()
		})
	} else {
		mean = b.RunningMean.Reshape(bshape...)
		variance = b.RunningVar.Reshape(bshape...)
	}
	norm := x.Sub(mean).Div(variance.AddScalar(b.Eps).Sqrt())
	return norm.Mul(b.Weight.Reshape(bshape...)).Add(b.Bias.Reshape(bshape...))
}

// Params returns "weight", "bias" and the buffers "running_mean",
// "running_var" and "num_batches_tracked" (Int64), PyTorch's names.
func (b *BatchNorm) Params() []Param {
	return []Param{
		{Name: "weight", Tensor: b.Weight},
		{Name: "bias", Tensor: b.Bias},
		{Name: "running_mean", Tensor: b.RunningMean, Buffer: true},
		{Name: "running_var", Tensor: b.RunningVar, Buffer: true},
		{Name: "num_batches_tracked", Tensor: b.NumBatchesTracked, Buffer: true, Int64: true},
	}
}

// SetTraining chooses batch (training) or running (evaluation) statistics.
func (b *BatchNorm) SetTraining(training bool) { b.training = training }

// BasicBlock is the ResNet basic block: two 3×3 convolutions with batch
// norm, added to a shortcut (a 1×1 convolution with batch norm where the
// shape changes), then ReLU.
type BasicBlock struct {
	Conv1, Conv2 *Conv2d
	BN1, BN2     *BatchNorm
	// Downsample is nil when the block keeps its input's shape.
	Downsample *Sequential
}

// NewBasicBlock returns a block from in to out channels; stride 2 halves
// the spatial size.
func NewBasicBlock(dev device.Device, in, out, stride int, opts ...Option) *BasicBlock {
	conv := func(i, o, k, s, p int) *Conv2d {
		return NewConv2d(dev, i, o, k, append([]Option{Stride(s), Padding(p), WithoutBias(), WithInit(HeNormal)}, opts...)...)
	}
	b := &BasicBlock{
		Conv1: conv(in, out, 3, stride, 1), BN1: NewBatchNorm2d(dev, out),
		Conv2: conv(out, out, 3, 1, 1), BN2: NewBatchNorm2d(dev, out),
	}
	if stride != 1 || in != out {
		b.Downsample = NewSequential(conv(in, out, 1, stride, 0), NewBatchNorm2d(dev, out))
	}
	return b
}

// Forward computes relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).
func (b *BasicBlock) Forward(x *tensor.Tensor) *tensor.Tensor {
	y := b.BN1.Forward(b.Conv1.Forward(x)).ReLU()
	y = b.BN2.Forward(b.Conv2.Forward(y))
	short := x
	if b.Downsample != nil {
		short = b.Downsample.Forward(x)
	}
	return y.Add(short).ReLU()
}

// Params names the block's params as torchvision does.
func (b *BasicBlock) Params() []Param {
	ps := append(Prefixed("conv1", b.Conv1), Prefixed("bn1", b.BN1)...)
	ps = append(ps, Prefixed("conv2", b.Conv2)...)
	ps = append(ps, Prefixed("bn2", b.BN2)...)
	if b.Downsample != nil {
		ps = append(ps, Prefixed("downsample", b.Downsample)...)
	}
	return ps
}

// SetTraining sets the batch norms' mode.
func (b *BasicBlock) SetTraining(training bool) {
	b.BN1.SetTraining(training)
	b.BN2.SetTraining(training)
	if b.Downsample != nil {
		b.Downsample.SetTraining(training)
	}
}
