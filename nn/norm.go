package nn

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// LayerNorm is PyTorch's nn.LayerNorm: it normalises each input over its
// last dimensions, which must equal NormalizedShape, by their mean and
// biased variance, then scales by Weight and adds Bias (ones and zeros at
// first; nil without elementwise affine). The forward and backward passes
// are fused device ops.
type LayerNorm struct {
	NormalizedShape []int
	// Eps is added to the variance (PyTorch's default 1e-5).
	Eps          float32
	Weight, Bias *tensor.Tensor
}

// LayerNormConfig holds nn.LayerNorm's options beside the normalized
// shape. The zero value is PyTorch's defaults: eps 1e-5, elementwise
// affine with a bias.
type LayerNormConfig struct {
	// Eps is added to the variance; 0 means 1e-5.
	Eps float32
	// NoAffine leaves out the weight and the bias
	// (elementwise_affine=False); NoBias only the bias (bias=False).
	NoAffine, NoBias bool
}

// NewLayerNorm returns a layer norm over the last dimensions of shape
// normalizedShape (one dimension: []int{d}).
func NewLayerNorm(dev device.Device, normalizedShape []int, cfg LayerNormConfig) *LayerNorm {
	if len(normalizedShape) == 0 || slices.ContainsFunc(normalizedShape, func(d int) bool { return d < 1 }) {
		panic(fmt.Sprintf("nn: LayerNorm: normalized shape %v (want one or more positive sizes)", normalizedShape))
	}
	l := &LayerNorm{NormalizedShape: slices.Clone(normalizedShape), Eps: cfg.Eps}
	if l.Eps == 0 {
		l.Eps = 1e-5
	}
	if !cfg.NoAffine {
		build(func() {
			l.Weight = param(tensor.Ones(dev, normalizedShape...))
			if !cfg.NoBias {
				l.Bias = param(tensor.Zeros(dev, normalizedShape...))
			}
		})
	}
	return l
}

// Forward normalises x [..., NormalizedShape...].
func (l *LayerNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	return tensor.LayerNorm(x, l.NormalizedShape, l.Weight, l.Bias, l.Eps)
}

// Params returns "weight" and "bias" (those it has), PyTorch's names.
func (l *LayerNorm) Params() []Param {
	return weightBias(l.Weight, l.Bias)
}

// SetTraining does nothing: a layer norm acts the same in both modes.
func (l *LayerNorm) SetTraining(bool) {}

// GroupNorm is PyTorch's nn.GroupNorm: it normalises [N, C, ...] inputs
// over groups of C/NumGroups channels, then scales and shifts each channel
// by Weight and Bias (ones and zeros at first; nil without affine).
type GroupNorm struct {
	NumGroups int
	// Eps is added to the variance (PyTorch's default 1e-5).
	Eps          float32
	Weight, Bias *tensor.Tensor
}

// NewGroupNorm returns a group norm of numChannels channels in numGroups
// groups; cfg's Eps (0: 1e-5) and NoAffine (affine=False) are PyTorch's
// (NoBias is ignored: PyTorch's GroupNorm has no such option).
func NewGroupNorm(dev device.Device, numGroups, numChannels int, cfg LayerNormConfig) *GroupNorm {
	if numGroups < 1 || numChannels < 1 || numChannels%numGroups != 0 {
		panic(fmt.Sprintf("nn: GroupNorm: %d channels in %d groups", numChannels, numGroups))
	}
	g := &GroupNorm{NumGroups: numGroups, Eps: cfg.Eps}
	if g.Eps == 0 {
		g.Eps = 1e-5
	}
	if !cfg.NoAffine {
		build(func() {
			g.Weight = param(tensor.Ones(dev, numChannels))
			g.Bias = param(tensor.Zeros(dev, numChannels))
		})
	}
	return g
}

// Forward normalises x [N, C, ...].
func (g *GroupNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	return tensor.GroupNorm(x, g.NumGroups, g.Weight, g.Bias, g.Eps)
}

// Params returns "weight" and "bias" (with affine), PyTorch's names.
func (g *GroupNorm) Params() []Param {
	return weightBias(g.Weight, g.Bias)
}

// SetTraining does nothing: a group norm acts the same in both modes.
func (g *GroupNorm) SetTraining(bool) {}
