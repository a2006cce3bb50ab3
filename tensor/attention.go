package tensor

import (
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/vkgrad/vkgrad/device"
)

// AttentionOptions are ScaledDotProductAttention's options; the zero value
// is plain attention with PyTorch's default scale.
type AttentionOptions struct {
	// Mask, when not nil, is added to the scaled scores: any shape that
	// broadcasts to q's batch dimensions ++ [L, S] (−Inf masks a key
	// out). It is a constant: no gradient flows to it. A boolean mask of
	// PyTorch's kind becomes one with Where(allowed, 0, −Inf), or
	// AttentionMask.
	Mask *Tensor
	// Causal lets query i see keys j <= i only (PyTorch's is_causal).
	Causal bool
	// Scale multiplies q·kᵀ; 0 means 1/√D.
	Scale float32
	// DropoutP drops each attention weight with this probability (and
	// scales the others by 1/(1 − DropoutP)); the mask is draw (Seed,
	// Offset) of the counter-based generator, as for Dropout, and uses
	// batch·L·S numbers: callers advance Offset by that much per call.
	DropoutP     float32
	Seed, Offset uint64
}

// ScaledDotProductAttention returns softmax(q·kᵀ·scale + mask)·v, PyTorch's
// F.scaled_dot_product_attention: q is [..., L, D], k [..., S, D] and v
// [..., S, DV] with the same batch dimensions (batch, heads, ...); the
// result is [..., L, DV]. Forward and backward are fused device ops that
// never hold more of the L×S score matrix than a tile (an online softmax,
// as flash attention computes it); gradients flow to q, k and v. A query
// that sees no key gives NaN, as in PyTorch, and passes no gradient back.
// Head sizes are at most device.MaxAttentionHeadDim.
func ScaledDotProductAttention(q, k, v *Tensor, o AttentionOptions) *Tensor {
	const op = "ScaledDotProductAttention"
	dev := sameDevice(op, q, k, v)
	r := len(q.shape)
	if r < 2 || len(k.shape) != r || len(v.shape) != r || !slices.Equal(q.shape[:r-2], k.shape[:r-2]) || !slices.Equal(q.shape[:r-2], v.shape[:r-2]) ||
		k.shape[r-2] != v.shape[r-2] || q.shape[r-1] != k.shape[r-1] {
		panic(fmt.Sprintf("tensor: %s: q %v, k %v, v %v (want [..., L, D], [..., S, D], [..., S, DV] with the same batch dimensions)", op, q.shape, k.shape, v.shape))
	}
	batchShape := q.shape[:r-2]
	p := device.AttentionParams{
		Batch: device.NumElements(batchShape), L: q.shape[r-2], S: k.shape[r-2], D: q.shape[r-1], DV: v.shape[r-1],
		Scale: o.Scale, Causal: o.Causal, DropoutP: o.DropoutP, Seed: o.Seed, Offset: o.Offset,
	}
	if p.Scale == 0 {
		p.Scale = float32(1 / math.Sqrt(float64(p.D)))
	}
	p.Check("tensor: " + op)
	var maskTemp *Tensor
	if o.Mask != nil {
		sameDevice(op, q, o.Mask)
		full := append(cloneInts(batchShape), p.L, p.S)
		if _, ok := BroadcastShapes(o.Mask.shape, full); !ok || len(o.Mask.shape) > len(full) {
			panic(fmt.Sprintf("tensor: %s: mask %v does not broadcast to %v", op, o.Mask.shape, full))
		}
		strides := broadcastStrides(o.Mask.shape, o.Mask.strides, full)
		if bs, ok := collapseBatch(batchShape, strides[:r-2]); ok {
			p.Mask = device.Strided{Buf: o.Mask.buf(op), Offset: o.Mask.offset, Strides: []int{bs, strides[r-2], strides[r-1]}}
		} else {
			maskTemp = o.Mask.viewOf(full, strides, o.Mask.offset).contiguousCopy()
			p.Mask = device.Strided{Buf: maskTemp.buf(op), Strides: []int{p.L * p.S, p.S, 1}}
		}
	}
	qc, kc, vc := q.contig(), k.contig(), v.contig()
	out := empty(dev, append(cloneInts(batchShape), p.L, p.DV))
	lse := empty(dev, []int{p.Batch, p.L})
	dev.Attention(p, out.buf(op), lse.buf(op), qc.buf(op), kc.buf(op), vc.buf(op))
	if !GradEnabled() || !(q.requiresGrad || k.requiresGrad || v.requiresGrad) {
		releaseTemp(qc, q)
		releaseTemp(kc, k)
		releaseTemp(vc, v)
		if maskTemp != nil {
			maskTemp.Release()
		}
		lse.Release()
		return out
	}
	return record(out, op, func(g *Tensor, _ []bool) []*Tensor {
		gc := g.contig()
		dq, dk, dv := empty(dev, q.shape), empty(dev, k.shape), empty(dev, v.shape)
		dev.AttentionBackward(p, dq.buf(op), dk.buf(op), dv.buf(op), gc.buf(op), out.buf(op), lse.buf(op), qc.buf(op), kc.buf(op), vc.buf(op))
		releaseTemp(gc, g)
		runtime.KeepAlive(o.Mask) // p.Mask holds only its buffer
		runtime.KeepAlive(maskTemp)
		return []*Tensor{dq, dk, dv}
	}, q, k, v)
}

// AttentionMask turns a boolean mask (1 where a key may be seen, 0 where
// not, PyTorch's scaled_dot_product_attention convention) into the
// additive one AttentionOptions.Mask takes: 0 and −Inf.
func AttentionMask(allowed *Tensor) *Tensor {
	dev := allowed.st.dev
	return Where(allowed, Zeros(dev), Full(dev, float32(math.Inf(-1))))
}

// CausalMask returns the additive [l, s] mask of causal attention: 0 where
// key j <= query i, −Inf above the diagonal.
func CausalMask(dev device.Device, l, s int) *Tensor {
	data := make([]float32, l*s)
	for i := range l {
		for j := i + 1; j < s; j++ {
			data[i*s+j] = float32(math.Inf(-1))
		}
	}
	return FromSlice(dev, data, l, s)
}

// MaskedSoftmax is the softmax over the last axis of x + mask, with the
// positions after the diagonal masked out too when causal (x's last two
// axes [L, S]): the attention weights ScaledDotProductAttention uses,
// when they are wanted themselves. mask is additive and broadcasts to x
// (nil for none; AttentionMask turns a boolean one into it); a row that
// keeps no position is NaN, as in PyTorch. Gradients flow to x.
func MaskedSoftmax(x, mask *Tensor, causal bool) *Tensor {
	if mask != nil {
		x = x.Add(mask)
	}
	if causal {
		r := len(x.shape)
		if r < 2 {
			panic(fmt.Sprintf("tensor: MaskedSoftmax: a causal mask needs [..., L, S], got %v", x.shape))
		}
		x = x.Add(CausalMask(x.st.dev, x.shape[r-2], x.shape[r-1]))
	}
	return x.Softmax(-1)
}
