package device

import "fmt"

// Attention is the family of fused attention ops: scaled dot-product
// attention computed tile by tile with an online softmax (as flash
// attention does), so no more of the L×S score matrix than a tile exists
// at a time, forward or backward.
type Attention interface {
	// Attention computes, for each of p.Batch problems, out = softmax(q·kᵀ
	// ·Scale + mask) · v with q [L, D], k [S, D], v [S, DV] and out [L,
	// DV] (all contiguous, problem after problem), and lse [Batch, L], each
	// row's log-sum-exp of the masked, scaled scores, for the backward
	// pass. With p.Causal query i sees keys j <= i only (PyTorch's
	// is_causal: the upper triangle of an L×S matrix is masked). A row
	// that sees no key (all masked) gives NaN, as PyTorch's softmax does.
	// With p.DropoutP > 0 each probability is zeroed with that
	// probability and the others scaled by 1/(1 − DropoutP), the mask
	// drawn from the counter-based generator at (p.Seed, p.Offset +
	// (b·L + i)·S + j) for problem b, query i and key j.
	Attention(p AttentionParams, out, lse, q, k, v Buffer)
	// AttentionBackward computes dq, dk and dv from dout, the forward
	// pass's out and lse, and its inputs, recomputing the probabilities
	// (and the dropout mask) tile by tile; each gradient row is summed by
	// one invocation in a fixed order (the same bits every run).
	AttentionBackward(p AttentionParams, dq, dk, dv, dout, out, lse, q, k, v Buffer)
}

// MaxAttentionHeadDim is the largest head size (D and DV) the attention
// kernels take.
const MaxAttentionHeadDim = 256

// AttentionParams describes a batch of scaled dot-product attention
// problems.
type AttentionParams struct {
	// Batch is the number of independent problems (batch × heads); L and S
	// the query and key lengths; D the size of a query and a key, DV of a
	// value.
	Batch, L, S, D, DV int
	// Scale multiplies the scores (1/√D is PyTorch's default).
	Scale float32
	// Causal masks key j for query i when j > i.
	Causal bool
	// Mask, when Mask.Buf is not nil, is added to the scaled scores: a
	// view of shape [Batch, L, S] (a stride of 0 broadcasts; −Inf masks
	// a key out).
	Mask Strided
	// DropoutP is the probability of dropping an attention weight; Seed
	// and Offset where its mask is drawn.
	DropoutP     float32
	Seed, Offset uint64
}

// Check panics, naming op, when the sizes are negative or a head size is
// outside [1, MaxAttentionHeadDim], or the dropout probability is outside
// [0, 1).
func (p AttentionParams) Check(op string) {
	if p.Batch < 0 || p.L < 0 || p.S < 0 {
		panic(fmt.Sprintf("%s: negative size (batch %d, L %d, S %d)", op, p.Batch, p.L, p.S))
	}
	if p.D < 1 || p.D > MaxAttentionHeadDim || p.DV < 1 || p.DV > MaxAttentionHeadDim {
		panic(fmt.Sprintf("%s: head sizes D %d and DV %d (want 1 to %d)", op, p.D, p.DV, MaxAttentionHeadDim))
	}
	if p.DropoutP < 0 || p.DropoutP >= 1 {
		panic(fmt.Sprintf("%s: dropout probability %v outside [0, 1)", op, p.DropoutP))
	}
	if p.Mask.Buf != nil {
		CheckView(op+" mask", []int{p.Batch, p.L, p.S}, p.Mask)
	}
}
