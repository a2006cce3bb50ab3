package tensor

import "fmt"

// IndexSelect returns the slices of t along axis at the positions in idx,
// a 1-D tensor of indices stored as float32 integers (exact to 2^24): the
// result has t's shape with that axis of len(idx) (PyTorch's
// torch.index_select). Indices may repeat; the gradient adds up. An index
// that is not an integer in [0, size) gives NaN slices and a
// *device.IndexError from the next Data, Item or Sync (once; the device
// goes on working).
func IndexSelect(t *Tensor, axis int, idx *Tensor) *Tensor {
	return indexSelect("IndexSelect", t, t.axis("IndexSelect", axis), idx, -1)
}

// Embedding looks up the rows of weight [V, D] named by idx, a tensor of
// indices of any shape: the result has idx's shape and then D (PyTorch's
// F.embedding). The row paddingIdx gets no gradient (-1: none).
func Embedding(idx, weight *Tensor, paddingIdx int) *Tensor {
	if len(weight.shape) != 2 {
		panic(fmt.Sprintf("tensor: Embedding: weight of shape %v (want [num_embeddings, embedding_dim])", weight.shape))
	}
	if paddingIdx < -1 || paddingIdx >= weight.shape[0] {
		panic(fmt.Sprintf("tensor: Embedding: padding index %d for %d embeddings", paddingIdx, weight.shape[0]))
	}
	flat := idx.Reshape(-1)
	out := indexSelect("Embedding", weight, 0, flat, paddingIdx)
	return out.Reshape(append(idx.Shape(), weight.shape[1])...)
}

func indexSelect(op string, t *Tensor, axis int, idx *Tensor, skip int) *Tensor {
	dev := sameDevice(op, t, idx)
	if len(idx.shape) != 1 {
		panic(fmt.Sprintf("tensor: %s: indices of shape %v (want 1-D)", op, idx.shape))
	}
	outer, n, inner := split3(t.shape, axis)
	m := idx.shape[0]
	shape := cloneInts(t.shape)
	shape[axis] = m
	out := empty(dev, shape)
	tc, ic := t.contig(), idx.contig()
	dev.IndexSelect(outer, n, inner, m, out.buf(op), tc.buf(op), ic.buf(op))
	releaseTemp(tc, t)
	// The indices stay for the backward pass (a contiguous copy of them
	// is released with the graph's other temporaries).
	return record(out, op, func(g *Tensor, _ []bool) []*Tensor {
		gc := g.contig()
		dx := empty(dev, t.shape)
		dev.IndexAdd(outer, n, inner, m, skip, dx.buf(op), gc.buf(op), ic.buf(op))
		releaseTemp(gc, g)
		return []*Tensor{dx}
	}, t)
}
