package nn

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// MultiheadAttention is PyTorch's nn.MultiheadAttention with equal query,
// key and value sizes: the query, key and value projections stacked in
// InProjWeight [3·E, E] and InProjBias [3·E] (in_proj_weight,
// in_proj_bias), NumHeads heads of E/NumHeads, scaled dot-product
// attention (the fused device op), then OutProj (out_proj.weight,
// out_proj.bias). Inputs are [L, N, E] (sequence first, PyTorch's
// default) or [N, L, E] with BatchFirst. In training mode the attention
// weights are dropped with probability Dropout.
//
// Differences from PyTorch: kdim and vdim other than E, add_bias_kv and
// add_zero_attn are not offered; the attention weights are a separate
// call (AttentionWeights), not a second result; initial weights come from
// vkgrad's generator (the same distributions: Xavier-uniform in_proj,
// zero biases, PyTorch's Linear default for out_proj).
type MultiheadAttention struct {
	EmbedDim, NumHeads int
	Dropout            float32
	BatchFirst         bool
	InProjWeight       *tensor.Tensor
	InProjBias         *tensor.Tensor
	OutProj            *Linear
	// Seed and the call count place the dropout masks in the generator's
	// stream.
	Seed     uint64
	counter  uint64
	training bool
}

// MultiheadAttentionConfig holds nn.MultiheadAttention's arguments.
type MultiheadAttentionConfig struct {
	// EmbedDim is E, the model size; NumHeads must divide it.
	EmbedDim, NumHeads int
	// Dropout is the probability of dropping an attention weight in
	// training mode.
	Dropout float32
	// NoBias leaves out in_proj_bias and out_proj.bias (bias=False).
	NoBias bool
	// BatchFirst takes and returns [N, L, E] rather than [L, N, E].
	BatchFirst bool
}

// AttendOptions are the masks of one attention call, in PyTorch's terms.
type AttendOptions struct {
	// KeyPaddingMask [N, S] is 1 where a key is padding and must not be
	// attended to (PyTorch's True), 0 elsewhere.
	KeyPaddingMask *tensor.Tensor
	// AttnMask is added to the scores: [L, S], or [N·NumHeads, L, S]
	// (PyTorch's float attn_mask; a boolean one of PyTorch's, True where
	// not allowed, becomes tensor.AttentionMask(1 − mask)).
	AttnMask *tensor.Tensor
	// IsCausal masks the keys after each query (with or without AttnMask).
	IsCausal bool
}

// NewMultiheadAttention returns a multi-head attention layer in training
// mode.
func NewMultiheadAttention(dev device.Device, cfg MultiheadAttentionConfig, opts ...Option) *MultiheadAttention {
	e, h := cfg.EmbedDim, cfg.NumHeads
	if e < 1 || h < 1 || e%h != 0 {
		panic(fmt.Sprintf("nn: MultiheadAttention: embed dim %d and %d heads (the heads must divide it)", e, h))
	}
	if cfg.Dropout < 0 || cfg.Dropout >= 1 {
		panic(fmt.Sprintf("nn: MultiheadAttention: dropout %v outside [0, 1)", cfg.Dropout))
	}
	o := collect(opts)
	m := &MultiheadAttention{EmbedDim: e, NumHeads: h, Dropout: cfg.Dropout, BatchFirst: cfg.BatchFirst, Seed: o.seed, training: true}
	build(func() {
		m.InProjWeight = param(GlorotUniform(dev, o.seed, e, 3*e, 3*e, e))
		if !cfg.NoBias {
			m.InProjBias = param(tensor.Zeros(dev, 3*e))
		}
	})
	outOpts := []Option{WithSeed(o.seed + 1), WithInit(TorchDefault)}
	if cfg.NoBias {
		outOpts = append(outOpts, WithoutBias())
	}
	m.OutProj = NewLinear(dev, e, e, outOpts...)
	return m
}

// Forward is self-attention of x with no masks.
func (m *MultiheadAttention) Forward(x *tensor.Tensor) *tensor.Tensor {
	return m.Attend(x, x, x, AttendOptions{})
}

// Attend computes attention of query [L, N, E] over key and value [S, N,
// E] ([N, L, E] and [N, S, E] with BatchFirst), as PyTorch's forward with
// need_weights=False, and returns [L, N, E] (or [N, L, E]).
func (m *MultiheadAttention) Attend(query, key, value *tensor.Tensor, o AttendOptions) *tensor.Tensor {
	q, k, v := m.project(query, key, value)
	n, l, s := q.Dim(0), q.Dim(2), k.Dim(2)
	opts := tensor.AttentionOptions{Mask: m.mask(o, n, l, s), Causal: o.IsCausal}
	if m.training && m.Dropout > 0 {
		opts.DropoutP, opts.Seed, opts.Offset = m.Dropout, m.Seed, m.counter
		m.counter += uint64(n * m.NumHeads * l * s)
	}
	a := tensor.ScaledDotProductAttention(q, k, v, opts)                      // [N, H, L, hd]
	out := m.OutProj.Forward(a.Permute(0, 2, 1, 3).Reshape(n, l, m.EmbedDim)) // [N, L, E]
	if !m.BatchFirst {
		out = out.Transpose(0, 1)
	}
	return out
}

// AttentionWeights returns the attention weights Attend uses (without
// dropout), averaged over the heads: [N, L, S], PyTorch's second result
// with need_weights=True. It computes the L×S scores in full.
func (m *MultiheadAttention) AttentionWeights(query, key *tensor.Tensor, o AttendOptions) *tensor.Tensor {
	q, k, _ := m.project(query, key, key)
	n, l, s := q.Dim(0), q.Dim(2), k.Dim(2)
	scores := q.MatMul(k.Transpose(-1, -2)).MulScalar(float32(1 / math.Sqrt(float64(m.EmbedDim/m.NumHeads))))
	if mask := m.mask(o, n, l, s); mask != nil {
		scores = scores.Add(mask)
	}
	if o.IsCausal {
		scores = scores.Add(tensor.CausalMask(query.Device(), l, s))
	}
	return scores.Softmax(-1).Mean(1)
}

// project checks the inputs and returns the heads' queries, keys and
// values, [N, H, len, E/H] each.
func (m *MultiheadAttention) project(query, key, value *tensor.Tensor) (q, k, v *tensor.Tensor) {
	e, h := m.EmbedDim, m.NumHeads
	for _, t := range []*tensor.Tensor{query, key, value} {
		if t.Dims() != 3 || t.Dim(2) != e {
			panic(fmt.Sprintf("nn: MultiheadAttention: inputs %v, %v, %v (want [len, batch, %d], or [batch, len, %d] with BatchFirst)", query.Shape(), key.Shape(), value.Shape(), e, e))
		}
	}
	self := query == key && key == value // one GEMM projects all three
	if !m.BatchFirst {
		query, key, value = query.Transpose(0, 1), key.Transpose(0, 1), value.Transpose(0, 1)
	}
	if query.Dim(0) != key.Dim(0) || key.Dim(0) != value.Dim(0) || key.Dim(1) != value.Dim(1) {
		panic(fmt.Sprintf("nn: MultiheadAttention: query %v, key %v and value %v (batch first) do not match", query.Shape(), key.Shape(), value.Shape()))
	}
	bias := func(i int) *tensor.Tensor {
		if m.InProjBias == nil {
			return nil
		}
		return m.InProjBias.Narrow(0, i*e, e)
	}
	heads := func(x *tensor.Tensor) *tensor.Tensor {
		return x.Reshape(x.Dim(0), x.Dim(1), h, e/h).Permute(0, 2, 1, 3)
	}
	if self {
		qkv := tensor.Linear(query, m.InProjWeight, m.InProjBias, device.UnaryIdentity, 0).Chunk(3, 2)
		return heads(qkv[0]), heads(qkv[1]), heads(qkv[2])
	}
	proj := func(x *tensor.Tensor, i int) *tensor.Tensor {
		return heads(tensor.Linear(x, m.InProjWeight.Narrow(0, i*e, e), bias(i), device.UnaryIdentity, 0))
	}
	return proj(query, 0), proj(key, 1), proj(value, 2)
}

// mask combines the key padding and additive masks into one additive mask
// broadcast to [N, H, L, S], or nil.
func (m *MultiheadAttention) mask(o AttendOptions, n, l, s int) *tensor.Tensor {
	var mask *tensor.Tensor
	if o.AttnMask != nil {
		switch a := o.AttnMask; {
		case a.Dims() == 2 && a.Dim(0) == l && a.Dim(1) == s:
			mask = a
		case a.Dims() == 3 && a.Dim(0) == n*m.NumHeads && a.Dim(1) == l && a.Dim(2) == s:
			mask = a.Reshape(n, m.NumHeads, l, s)
		default:
			panic(fmt.Sprintf("nn: MultiheadAttention: attn_mask %v (want [%d, %d] or [%d, %d, %d])", a.Shape(), l, s, n*m.NumHeads, l, s))
		}
	}
	if kp := o.KeyPaddingMask; kp != nil {
		if kp.Dims() != 2 || kp.Dim(0) != n || kp.Dim(1) != s {
			panic(fmt.Sprintf("nn: MultiheadAttention: key_padding_mask %v (want [%d, %d])", kp.Shape(), n, s))
		}
		pad := tensor.AttentionMask(kp.RSubScalar(1)).Reshape(n, 1, 1, s)
		if mask == nil {
			mask = pad
		} else {
			mask = mask.Add(pad)
		}
	}
	return mask
}

// Params returns in_proj_weight, in_proj_bias, out_proj.weight and
// out_proj.bias (those it has), PyTorch's names.
func (m *MultiheadAttention) Params() []Param {
	ps := []Param{{Name: "in_proj_weight", Tensor: m.InProjWeight}}
	if m.InProjBias != nil {
		ps = append(ps, Param{Name: "in_proj_bias", Tensor: m.InProjBias})
	}
	return append(ps, Prefixed("out_proj", m.OutProj)...)
}

// SetTraining turns the attention dropout on or off.
func (m *MultiheadAttention) SetTraining(training bool) { m.training = training }
