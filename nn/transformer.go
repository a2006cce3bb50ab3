package nn

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// TransformerEncoderLayer is PyTorch's nn.TransformerEncoderLayer:
// self-attention and a feed-forward block (linear1, the activation,
// dropout, linear2), each with dropout and a residual connection, and a
// layer norm after each (post-norm, PyTorch's default) or before each
// (NormFirst). Its parameters carry PyTorch's names (self_attn.*,
// linear1.*, linear2.*, norm1.*, norm2.*), so a PyTorch state_dict loads
// by name.
type TransformerEncoderLayer struct {
	SelfAttn         *MultiheadAttention
	Linear1, Linear2 *Linear
	Norm1, Norm2     *LayerNorm
	// Dropout, Dropout1 and Dropout2 are PyTorch's dropout (inside the
	// feed-forward block), dropout1 (after attention) and dropout2 (after
	// the feed-forward block).
	Dropout, Dropout1, Dropout2 *Dropout
	Cfg                         TransformerConfig
}

// TransformerConfig holds nn.TransformerEncoderLayer's arguments.
type TransformerConfig struct {
	// DModel is the model size and NHead the number of attention heads.
	DModel, NHead int
	// DimFeedforward is the feed-forward block's hidden size; 0 means
	// 2048, PyTorch's default.
	DimFeedforward int
	// Dropout is the probability of every dropout in the layer. PyTorch's
	// default is 0.1; here the zero value means none.
	Dropout float32
	// Activation is "relu" (the default, also for "") or "gelu" (exact).
	Activation string
	// LayerNormEps is the layer norms' eps; 0 means 1e-5.
	LayerNormEps float32
	// BatchFirst takes [N, L, E] rather than [L, N, E]; NormFirst puts the
	// layer norms before attention and the feed-forward block.
	BatchFirst, NormFirst bool
}

// NewTransformerEncoderLayer returns an encoder layer in training mode.
// Linear layers start as PyTorch's do (TorchDefault weights, zero biases).
func NewTransformerEncoderLayer(dev device.Device, cfg TransformerConfig, opts ...Option) *TransformerEncoderLayer {
	if cfg.DimFeedforward == 0 {
		cfg.DimFeedforward = 2048
	}
	if cfg.LayerNormEps == 0 {
		cfg.LayerNormEps = 1e-5
	}
	act := device.UnaryReLU
	switch cfg.Activation {
	case "", "relu":
		cfg.Activation = "relu"
	case "gelu":
		act = device.UnaryGELU
	default:
		panic(fmt.Sprintf("nn: TransformerEncoderLayer: activation %q (want relu or gelu)", cfg.Activation))
	}
	if cfg.DimFeedforward < 1 {
		panic(fmt.Sprintf("nn: TransformerEncoderLayer: feed-forward size %d", cfg.DimFeedforward))
	}
	seed := collect(opts).seed
	next := func() Option { seed += 2; return WithSeed(seed) }
	t := &TransformerEncoderLayer{Cfg: cfg}
	t.SelfAttn = NewMultiheadAttention(dev, MultiheadAttentionConfig{EmbedDim: cfg.DModel, NumHeads: cfg.NHead, Dropout: cfg.Dropout, BatchFirst: true}, next())
	t.Linear1 = NewLinear(dev, cfg.DModel, cfg.DimFeedforward, next(), WithInit(TorchDefault), WithActivation(act, 0))
	t.Linear2 = NewLinear(dev, cfg.DimFeedforward, cfg.DModel, next(), WithInit(TorchDefault))
	ln := LayerNormConfig{Eps: cfg.LayerNormEps}
	t.Norm1, t.Norm2 = NewLayerNorm(dev, []int{cfg.DModel}, ln), NewLayerNorm(dev, []int{cfg.DModel}, ln)
	t.Dropout, t.Dropout1, t.Dropout2 = NewDropout(cfg.Dropout, next()), NewDropout(cfg.Dropout, next()), NewDropout(cfg.Dropout, next())
	return t
}

// Forward runs the layer on x with no masks.
func (t *TransformerEncoderLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	return t.ForwardMasked(x, AttendOptions{})
}

// ForwardMasked runs the layer on x [L, N, E] (or [N, L, E] with
// BatchFirst) with the self-attention's masks (PyTorch's src_mask,
// src_key_padding_mask and is_causal).
func (t *TransformerEncoderLayer) ForwardMasked(x *tensor.Tensor, o AttendOptions) *tensor.Tensor {
	if !t.Cfg.BatchFirst {
		x = x.Transpose(0, 1)
	}
	sa := func(x *tensor.Tensor) *tensor.Tensor { return t.Dropout1.Forward(t.SelfAttn.Attend(x, x, x, o)) }
	ff := func(x *tensor.Tensor) *tensor.Tensor {
		return t.Dropout2.Forward(t.Linear2.Forward(t.Dropout.Forward(t.Linear1.Forward(x))))
	}
	if t.Cfg.NormFirst {
		x = x.Add(sa(t.Norm1.Forward(x)))
		x = x.Add(ff(t.Norm2.Forward(x)))
	} else {
		x = t.Norm1.Forward(x.Add(sa(x)))
		x = t.Norm2.Forward(x.Add(ff(x)))
	}
	if !t.Cfg.BatchFirst {
		x = x.Transpose(0, 1)
	}
	return x
}

// Params returns PyTorch's names: self_attn.in_proj_weight, ...,
// linear1.weight, linear1.bias, linear2.*, norm1.*, norm2.*.
func (t *TransformerEncoderLayer) Params() []Param {
	var ps []Param
	for _, c := range []struct {
		name string
		m    Module
	}{{"self_attn", t.SelfAttn}, {"linear1", t.Linear1}, {"linear2", t.Linear2}, {"norm1", t.Norm1}, {"norm2", t.Norm2}} {
		ps = append(ps, Prefixed(c.name, c.m)...)
	}
	return ps
}

// SetTraining turns the layer's dropouts on or off.
func (t *TransformerEncoderLayer) SetTraining(training bool) {
	t.SelfAttn.SetTraining(training)
	for _, d := range []*Dropout{t.Dropout, t.Dropout1, t.Dropout2} {
		d.SetTraining(training)
	}
}

// TransformerEncoder is PyTorch's nn.TransformerEncoder: a stack of
// encoder layers (layers.0.*, layers.1.*, ...) and an optional final layer
// norm (norm.*). PyTorch copies one layer, so its layers start with equal
// weights; NewTransformerEncoder initialises each layer on its own.
type TransformerEncoder struct {
	Layers []*TransformerEncoderLayer
	// Norm is applied after the last layer, or nil.
	Norm *LayerNorm
}

// NewTransformerEncoder returns numLayers encoder layers of cfg and, with
// finalNorm, a layer norm after them (as PyTorch's norm argument).
func NewTransformerEncoder(dev device.Device, cfg TransformerConfig, numLayers int, finalNorm bool, opts ...Option) *TransformerEncoder {
	if numLayers < 1 {
		panic(fmt.Sprintf("nn: TransformerEncoder: %d layers", numLayers))
	}
	seed := collect(opts).seed
	e := &TransformerEncoder{}
	for i := range numLayers {
		e.Layers = append(e.Layers, NewTransformerEncoderLayer(dev, cfg, WithSeed(seed+uint64(i)*100)))
	}
	if finalNorm {
		eps := cfg.LayerNormEps
		e.Norm = NewLayerNorm(dev, []int{cfg.DModel}, LayerNormConfig{Eps: eps})
	}
	return e
}

// Forward runs the layers on x with no masks.
func (e *TransformerEncoder) Forward(x *tensor.Tensor) *tensor.Tensor {
	return e.ForwardMasked(x, AttendOptions{})
}

// ForwardMasked runs every layer with the same masks, then the norm.
func (e *TransformerEncoder) ForwardMasked(x *tensor.Tensor, o AttendOptions) *tensor.Tensor {
	for _, l := range e.Layers {
		x = l.ForwardMasked(x, o)
	}
	if e.Norm != nil {
		x = e.Norm.Forward(x)
	}
	return x
}

// Params returns layers.N.* and norm.*, PyTorch's names.
func (e *TransformerEncoder) Params() []Param {
	var ps []Param
	for i, l := range e.Layers {
		ps = append(ps, Prefixed(fmt.Sprintf("layers.%d", i), l)...)
	}
	if e.Norm != nil {
		ps = append(ps, Prefixed("norm", e.Norm)...)
	}
	return ps
}

// SetTraining switches every layer.
func (e *TransformerEncoder) SetTraining(training bool) {
	for _, l := range e.Layers {
		l.SetTraining(training)
	}
}

// SinusoidalEncoding returns the [maxLen, dim] positional encoding of
// "Attention Is All You Need" (and PyTorch's tutorial): sin(pos/10000^(2i/
// dim)) in even columns, cos in odd ones.
func SinusoidalEncoding(dev device.Device, maxLen, dim int) *tensor.Tensor {
	data := make([]float32, maxLen*dim)
	for p := range maxLen {
		for i := 0; i < dim; i += 2 {
			a := float64(p) / math.Pow(10000, float64(i)/float64(dim))
			data[p*dim+i] = float32(math.Sin(a))
			if i+1 < dim {
				data[p*dim+i+1] = float32(math.Cos(a))
			}
		}
	}
	return tensor.FromSlice(dev, data, maxLen, dim)
}

// PositionalEncoding adds a position's vector to each step of a batch-first
// [N, L, E] input: fixed sinusoids (NewSinusoidalPositionalEncoding), or
// learned vectors (NewLearnedPositionalEncoding, parameter "weight", as an
// nn.Embedding of positions).
type PositionalEncoding struct {
	// Table is [maxLen, E]; learned tables require grad.
	Table   *tensor.Tensor
	learned bool
}

// NewSinusoidalPositionalEncoding returns fixed sinusoidal encodings for
// sequences of up to maxLen steps.
func NewSinusoidalPositionalEncoding(dev device.Device, maxLen, dim int) *PositionalEncoding {
	var t *tensor.Tensor
	build(func() { t = tensor.Keep(SinusoidalEncoding(dev, maxLen, dim)) })
	return &PositionalEncoding{Table: t}
}

// NewLearnedPositionalEncoding returns learned encodings for up to maxLen
// steps, drawn from N(0, 1) as nn.Embedding's weights are.
func NewLearnedPositionalEncoding(dev device.Device, maxLen, dim int, opts ...Option) *PositionalEncoding {
	seed := collect(opts).seed
	var t *tensor.Tensor
	build(func() { t = param(tensor.RandNormal(dev, seed, 0, 1, maxLen, dim)) })
	return &PositionalEncoding{Table: t, learned: true}
}

// Forward returns x + Table[:L].
func (p *PositionalEncoding) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dims() != 3 || x.Dim(1) > p.Table.Dim(0) || x.Dim(2) != p.Table.Dim(1) {
		panic(fmt.Sprintf("nn: PositionalEncoding: input %v (want [batch, at most %d steps, %d])", x.Shape(), p.Table.Dim(0), p.Table.Dim(1)))
	}
	return x.Add(p.Table.Narrow(0, 0, x.Dim(1)))
}

// Params returns "weight" for learned encodings, nothing for fixed ones.
func (p *PositionalEncoding) Params() []Param {
	if !p.learned {
		return nil
	}
	return []Param{{Name: "weight", Tensor: p.Table}}
}

// SetTraining does nothing.
func (p *PositionalEncoding) SetTraining(bool) {}
