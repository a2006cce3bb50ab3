package tensor

import "fmt"

// Gather picks elements of t along axis at the positions in idx
// (PyTorch's torch.gather): idx has t's rank, the result has idx's shape,
// and for axis 1 of a 3-D tensor out[a][j][c] = t[a][idx[a][j][c]][c].
// Along the other axes idx may be shorter than t, as in PyTorch (the
// leading part of t is used). Indices are float32 integers (exact to
// 2^24). The gradient adds up where indices repeat, the same bits on every
// run. An index that is not an integer in [0, t.Dim(axis)) gives NaN and a
// *device.IndexError from the next Data, Item or Sync.
func Gather(t *Tensor, axis int, idx *Tensor) *Tensor {
	const op = "Gather"
	dev := sameDevice(op, t, idx)
	axis = t.axis(op, axis)
	if idx.Dims() != t.Dims() {
		panic(fmt.Sprintf("tensor: %s: indices of shape %v for a tensor of shape %v (want the same rank)", op, idx.shape, t.shape))
	}
	src := t
	for d, s := range idx.shape {
		if d != axis && s > t.shape[d] {
			panic(fmt.Sprintf("tensor: %s: indices of shape %v exceed shape %v along axis %d", op, idx.shape, t.shape, d))
		}
		if d != axis && s < src.shape[d] {
			src = src.Narrow(d, 0, s)
		}
	}
	outer, m, inner := split3(idx.shape, axis)
	n := src.shape[axis]
	out := empty(dev, idx.shape)
	sc, ic := src.contig(), idx.contig()
	dev.Gather(outer, n, inner, m, out.buf(op), sc.buf(op), ic.buf(op))
	releaseTemp(sc, src)
	return record(out, op, func(g *Tensor, _ []bool) []*Tensor {
		gc := g.contig()
		dx := Zeros(dev, src.shape...)
		dev.Scatter(outer, n, inner, m, true, dx.buf(op), gc.buf(op), ic.buf(op))
		releaseTemp(gc, g)
		return []*Tensor{dx}
	}, src)
}

// Scatter returns a copy of t with the elements of src written along axis
// at the positions in idx (PyTorch's torch.scatter with a src tensor):
// for axis 1 of a 3-D tensor out[a][idx[a][j][c]][c] = src[a][j][c]. idx
// has t's rank and t's sizes on the other axes; src is at least idx's size
// on every axis (its leading part is used). Where several positions name
// one element the last j is kept, on every device (PyTorch leaves that
// undefined). Gradients: t's is the output's with the written elements
// zeroed, src's is Gather of the output's, as in PyTorch. An index that
// is not an integer in [0, t.Dim(axis)) is skipped and reported as a
// *device.IndexError by the next Data, Item or Sync.
func Scatter(t *Tensor, axis int, idx, src *Tensor) *Tensor {
	return scatter("Scatter", false, t, axis, idx, src)
}

// ScatterAdd returns a copy of t with the elements of src added along axis
// at the positions in idx (PyTorch's torch.scatter_add): for axis 1 of a
// 3-D tensor out[a][idx[a][j][c]][c] += src[a][j][c]. Shapes are as for
// Scatter. Repeated positions are summed in increasing j on every device:
// the same bits every run, no float atomics. Gradients: t's is the
// output's, src's is Gather of the output's.
func ScatterAdd(t *Tensor, axis int, idx, src *Tensor) *Tensor {
	return scatter("ScatterAdd", true, t, axis, idx, src)
}

func scatter(op string, accumulate bool, t *Tensor, axis int, idx, src *Tensor) *Tensor {
	dev := sameDevice(op, t, idx, src)
	axis = t.axis(op, axis)
	if idx.Dims() != t.Dims() || src.Dims() != t.Dims() {
		panic(fmt.Sprintf("tensor: %s: tensor %v, indices %v and source %v (want the same rank)", op, t.shape, idx.shape, src.shape))
	}
	for d, s := range idx.shape {
		if d != axis && s != t.shape[d] {
			panic(fmt.Sprintf("tensor: %s: indices of shape %v for a tensor of shape %v (want its sizes on axes other than %d; vkgrad does not scatter into part of them)", op, idx.shape, t.shape, axis))
		}
		if s > src.shape[d] {
			panic(fmt.Sprintf("tensor: %s: indices of shape %v exceed the source's shape %v along axis %d", op, idx.shape, src.shape, d))
		}
		if s < src.shape[d] {
			src = src.Narrow(d, 0, s)
		}
	}
	outer, n, inner := split3(t.shape, axis)
	m := idx.shape[axis]
	out := t.contiguousCopy()
	sc, ic := src.contig(), idx.contig()
	dev.Scatter(outer, n, inner, m, accumulate, out.buf(op), sc.buf(op), ic.buf(op))
	releaseTemp(sc, src)
	return record(out, op, func(g *Tensor, needs []bool) []*Tensor {
		grads := make([]*Tensor, 2)
		gc := g.contig()
		if needs[0] {
			if accumulate {
				grads[0] = g
			} else {
				dt := gc.contiguousCopy()
				zeros := Zeros(dev, idx.shape...)
				dev.Scatter(outer, n, inner, m, false, dt.buf(op), zeros.buf(op), ic.buf(op))
				zeros.Release()
				grads[0] = dt
			}
		}
		if needs[1] {
			ds := empty(dev, idx.shape)
			dev.Gather(outer, n, inner, m, ds.buf(op), gc.buf(op), ic.buf(op))
			grads[1] = ds
		}
		releaseTemp(gc, g)
		return grads
	}, t, src)
}

// OneHot turns indices of any shape (class numbers as float32 integers)
// into one-hot vectors: the result has idx's shape and then classes, zero
// everywhere but a one at each index (PyTorch's F.one_hot, in float32).
// An index that is not an integer in [0, classes) leaves its vector zero
// and is reported as a *device.IndexError (Op "Scatter") by the next Data,
// Item or Sync. The result has no gradient.
func OneHot(idx *Tensor, classes int) *Tensor {
	if classes < 0 {
		panic(fmt.Sprintf("tensor: OneHot: %d classes", classes))
	}
	dev := idx.st.dev
	rows := idx.Size()
	out := Zeros(dev, append(cloneInts(idx.shape), classes)...)
	ones := Ones(dev, rows)
	ic := idx.contig()
	dev.Scatter(rows, classes, 1, 1, false, out.buf("OneHot"), ones.buf("OneHot"), ic.buf("OneHot"))
	releaseTemp(ic, idx)
	ones.Release()
	return out
}
