package tensor

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// Sort sorts t along axis, ascending or descending, and returns the sorted
// values and their positions along axis (float32 integers), both of t's
// shape (PyTorch's torch.sort with stable=True). Equal elements keep their
// order, -0 equals +0, and NaN ranks above every number (last ascending,
// first descending), on every device. Gradients flow to t through the
// values. The axis may be at most 2^24 long.
func (t *Tensor) Sort(axis int, descending bool) (values, indices *Tensor) {
	axis = t.axis("Sort", axis)
	return t.sortK("Sort", axis, t.shape[axis], descending)
}

// ArgSort returns the positions that sort t along axis (float32 integers,
// of t's shape): Sort's indices.
func (t *Tensor) ArgSort(axis int, descending bool) *Tensor {
	defer enterNoGrad()()
	values, idx := t.Sort(axis, descending)
	values.Release()
	return idx
}

// TopK returns the k largest elements of t along axis (the k smallest
// when largest is false), in order, and their positions (PyTorch's
// torch.topk with sorted=True): the results have t's shape with that axis
// of k. Ties go to the earlier position, on every device (PyTorch leaves
// that order undefined); NaN counts as the largest. Gradients flow to t
// through the values.
func (t *Tensor) TopK(k, axis int, largest bool) (values, indices *Tensor) {
	axis = t.axis("TopK", axis)
	if k < 0 || k > t.shape[axis] {
		panic(fmt.Sprintf("tensor: TopK: k = %d for axis %d of shape %v", k, axis, t.shape))
	}
	return t.sortK("TopK", axis, k, largest)
}

func (t *Tensor) sortK(op string, axis, k int, descending bool) (*Tensor, *Tensor) {
	if t.shape[axis] > device.MaxSortLen {
		panic(fmt.Sprintf("tensor: %s: axis %d of shape %v is longer than %d", op, axis, t.shape, device.MaxSortLen))
	}
	dev := t.st.dev
	outer, n, inner := split3(t.shape, axis)
	shape := cloneInts(t.shape)
	shape[axis] = k
	values, indices := empty(dev, shape), empty(dev, shape)
	x := t.contig()
	dev.Sort(outer, n, inner, k, descending, values.buf(op), indices.buf(op), x.buf(op))
	releaseTemp(x, t)
	values = record(values, op, func(g *Tensor, _ []bool) []*Tensor {
		gc := g.contig()
		dx := Zeros(dev, t.shape...)
		dev.Scatter(outer, n, inner, k, true, dx.buf(op), gc.buf(op), indices.buf(op))
		releaseTemp(gc, g)
		return []*Tensor{dx}
	}, t)
	return values, indices
}
