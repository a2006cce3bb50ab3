package tensor

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/device"
)

// viewOf returns a tensor sharing t's storage with the given layout.
func (t *Tensor) viewOf(shape, strides []int, offset int) *Tensor {
	t.buf("view")
	if _, ok := device.CheckedNumElements(shape); !ok {
		panic(fmt.Sprintf("tensor: view of shape %v: more elements than an int can count", shape))
	}
	return &Tensor{st: t.st, shape: shape, strides: strides, offset: offset}
}

// Reshape returns a tensor of the same elements, in row-major order, with a
// new shape; one size may be -1 and is then inferred. It is a view sharing
// t's storage when t is contiguous, and a copy otherwise.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = cloneInts(shape)
	probe := slices.Clone(shape)
	for i, s := range probe {
		if s == -1 {
			probe[i] = 1
		}
	}
	if _, ok := device.CheckedNumElements(probe); !ok && !slices.Contains(probe, 0) {
		panic(fmt.Sprintf("tensor: Reshape: shape %v has more elements than an int can count (tensor of shape %v)", shape, t.shape))
	}
	infer, known := -1, 1
	for i, s := range shape {
		switch {
		case s == -1 && infer < 0:
			infer = i
		case s < 0:
			panic(fmt.Sprintf("tensor: Reshape: bad shape %v for a tensor of shape %v", shape, t.shape))
		default:
			known *= s
		}
	}
	if infer >= 0 {
		if known == 0 || t.Size()%known != 0 {
			panic(fmt.Sprintf("tensor: Reshape: cannot infer -1 in %v for a tensor of shape %v (%d elements)", shape, t.shape, t.Size()))
		}
		shape[infer] = t.Size() / known
	}
	if device.NumElements(shape) != t.Size() {
		panic(fmt.Sprintf("tensor: Reshape: shape %v (%d elements) for a tensor of shape %v (%d elements)", shape, device.NumElements(shape), t.shape, t.Size()))
	}
	src := t
	if !t.IsContiguous() {
		src = t.Contiguous()
	}
	out := src.viewOf(shape, device.ContiguousStrides(shape), src.offset)
	orig := t.shape
	return record(out, "Reshape", func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{g.Reshape(orig...)}
	}, src)
}

// Flatten reshapes axes start..end (inclusive, negative counting from the
// end) into one.
func (t *Tensor) Flatten(start, end int) *Tensor {
	start, end = t.axis("Flatten", start), t.axis("Flatten", end)
	if start > end {
		panic(fmt.Sprintf("tensor: Flatten: start axis %d after end axis %d for shape %v", start, end, t.shape))
	}
	shape := append(cloneInts(t.shape[:start]), device.NumElements(t.shape[start:end+1]))
	return t.Reshape(append(shape, t.shape[end+1:]...)...)
}

// Transpose swaps axes a and b (a view).
func (t *Tensor) Transpose(a, b int) *Tensor {
	a, b = t.axis("Transpose", a), t.axis("Transpose", b)
	shape, strides := cloneInts(t.shape), cloneInts(t.strides)
	shape[a], shape[b] = shape[b], shape[a]
	strides[a], strides[b] = strides[b], strides[a]
	out := t.viewOf(shape, strides, t.offset)
	return record(out, "Transpose", func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{g.Transpose(a, b)}
	}, t)
}

// T transposes a 2-D tensor (a view).
func (t *Tensor) T() *Tensor {
	if len(t.shape) != 2 {
		panic(fmt.Sprintf("tensor: T: tensor of shape %v is not 2-D", t.shape))
	}
	return t.Transpose(0, 1)
}

// Permute reorders the axes: axis i of the result is axis axes[i] of t (a
// view).
func (t *Tensor) Permute(axes ...int) *Tensor {
	if len(axes) != len(t.shape) {
		panic(fmt.Sprintf("tensor: Permute: %d axes %v for shape %v", len(axes), axes, t.shape))
	}
	shape, strides := make([]int, len(axes)), make([]int, len(axes))
	inv := make([]int, len(axes))
	seen := make([]bool, len(axes))
	for i, a := range axes {
		a = t.axis("Permute", a)
		if seen[a] {
			panic(fmt.Sprintf("tensor: Permute: axes %v repeat an axis", axes))
		}
		seen[a] = true
		shape[i], strides[i], inv[a] = t.shape[a], t.strides[a], i
	}
	out := t.viewOf(shape, strides, t.offset)
	return record(out, "Permute", func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{g.Permute(inv...)}
	}, t)
}

// Narrow returns elements start..start+length-1 along axis (a view).
func (t *Tensor) Narrow(axis, start, length int) *Tensor {
	axis = t.axis("Narrow", axis)
	if start < 0 || length < 0 || start+length > t.shape[axis] {
		panic(fmt.Sprintf("tensor: Narrow: [%d, %d) out of range for axis %d of shape %v", start, start+length, axis, t.shape))
	}
	shape := cloneInts(t.shape)
	shape[axis] = length
	out := t.viewOf(shape, cloneInts(t.strides), t.offset+start*t.strides[axis])
	orig := t.shape
	return record(out, "Narrow", func(g *Tensor, _ []bool) []*Tensor {
		// The gradient is g in the narrowed region and zero elsewhere: the
		// tape adds it into the input's gradient there, so T narrows of one
		// tensor (the time steps of a sequence) cost O(T·slice), not
		// O(T·whole).
		return []*Tensor{{st: g.st, shape: g.shape, strides: g.strides, offset: g.offset, part: &gradPart{shape: orig, axis: axis, start: start}}}
	}, t)
}

// Slice returns elements start..end-1 along axis (a view); negative start
// and end count from the end, as in Python.
func (t *Tensor) Slice(axis, start, end int) *Tensor {
	axis = t.axis("Slice", axis)
	n := t.shape[axis]
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 || end > n || start > end {
		panic(fmt.Sprintf("tensor: Slice: [%d, %d) out of range for axis %d of shape %v", start, end, axis, t.shape))
	}
	return t.Narrow(axis, start, end-start)
}

// Squeeze removes the given axes, which must have size 1; with no axes, it
// removes every axis of size 1 (a view).
func (t *Tensor) Squeeze(axes ...int) *Tensor {
	drop := make([]bool, len(t.shape))
	if len(axes) == 0 {
		for i, s := range t.shape {
			drop[i] = s == 1
		}
	}
	for _, a := range axes {
		a = t.axis("Squeeze", a)
		if t.shape[a] != 1 {
			panic(fmt.Sprintf("tensor: Squeeze: axis %d of shape %v has size %d, not 1", a, t.shape, t.shape[a]))
		}
		drop[a] = true
	}
	var shape, strides []int
	for i := range t.shape {
		if !drop[i] {
			shape = append(shape, t.shape[i])
			strides = append(strides, t.strides[i])
		}
	}
	return t.reshapeView("Squeeze", shape, strides)
}

// Unsqueeze inserts an axis of size 1 at position axis, which may be
// t.Dims() (a view).
func (t *Tensor) Unsqueeze(axis int) *Tensor {
	r := len(t.shape)
	if axis < -r-1 || axis > r {
		panic(fmt.Sprintf("tensor: Unsqueeze: axis %d out of range for shape %v", axis, t.shape))
	}
	if axis < 0 {
		axis += r + 1
	}
	stride := 1
	if axis < r {
		stride = t.strides[axis] * t.shape[axis]
	}
	shape := slices.Insert(cloneInts(t.shape), axis, 1)
	strides := slices.Insert(cloneInts(t.strides), axis, stride)
	return t.reshapeView("Unsqueeze", shape, strides)
}

// reshapeView is a view whose backward reshapes the gradient back.
func (t *Tensor) reshapeView(op string, shape, strides []int) *Tensor {
	out := t.viewOf(shape, strides, t.offset)
	orig := t.shape
	return record(out, op, func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{g.Reshape(orig...)}
	}, t)
}

// Expand broadcasts t to shape (NumPy's rules: new axes in front, axes of
// size 1 repeated; -1 keeps a size) without copying: repeated axes have
// stride 0.
func (t *Tensor) Expand(shape ...int) *Tensor {
	shape = cloneInts(shape)
	if len(shape) < len(t.shape) {
		panic(fmt.Sprintf("tensor: Expand: shape %v has fewer axes than %v", shape, t.shape))
	}
	lead := len(shape) - len(t.shape)
	for i := range t.shape {
		if shape[lead+i] == -1 {
			shape[lead+i] = t.shape[i]
		}
	}
	if _, ok := BroadcastShapes(t.shape, shape); !ok || !slices.Equal(mustBroadcast(t.shape, shape), shape) {
		panic(fmt.Sprintf("tensor: Expand: shape %v cannot be expanded to %v", t.shape, shape))
	}
	out := t.viewOf(shape, broadcastStrides(t.shape, t.strides, shape), t.offset)
	orig := t.shape
	return record(out, "Expand", func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{sumTo(g, orig)}
	}, t)
}

func mustBroadcast(a, b []int) []int {
	s, _ := BroadcastShapes(a, b)
	return s
}

// Contiguous returns t when it is contiguous and a row-major copy of it
// otherwise.
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	out := t.contiguousCopy()
	return record(out, "Contiguous", func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{g}
	}, t)
}

// Clone returns a contiguous copy of t that shares nothing with it;
// gradients flow through it.
func (t *Tensor) Clone() *Tensor {
	out := t.contiguousCopy()
	return record(out, "Clone", func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{g}
	}, t)
}

// contiguousCopy copies t into a new contiguous tensor, unrecorded.
func (t *Tensor) contiguousCopy() *Tensor {
	out := empty(t.st.dev, t.shape)
	if out.Size() > 0 {
		t.st.dev.CopyStrided(t.shape, out.view("Contiguous"), t.view("Contiguous"))
	}
	return out
}

// Concat joins tensors along axis; all other sizes must match.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("tensor: Concat: no tensors")
	}
	dev := sameDevice("Concat", ts...)
	first := ts[0]
	axis = first.axis("Concat", axis)
	shape := cloneInts(first.shape)
	shape[axis] = 0
	for _, t := range ts {
		if len(t.shape) != len(first.shape) {
			panic(fmt.Sprintf("tensor: Concat: shapes %v and %v differ in rank", first.shape, t.shape))
		}
		for i := range t.shape {
			if i != axis && t.shape[i] != first.shape[i] {
				panic(fmt.Sprintf("tensor: Concat: shapes %v and %v differ outside axis %d", first.shape, t.shape, axis))
			}
		}
		shape[axis] += t.shape[axis]
	}
	out := empty(dev, shape)
	starts := make([]int, len(ts))
	off := 0
	for i, t := range ts {
		starts[i] = off
		if t.Size() > 0 {
			region := out.viewOf(t.shape, out.strides, out.offset+off*out.strides[axis])
			dev.CopyStrided(t.shape, region.view("Concat"), t.view("Concat"))
		}
		off += t.shape[axis]
	}
	return record(out, "Concat", func(g *Tensor, needs []bool) []*Tensor {
		gs := make([]*Tensor, len(ts))
		for i, t := range ts {
			if needs[i] {
				gs[i] = g.Narrow(axis, starts[i], t.shape[axis])
			}
		}
		return gs
	}, ts...)
}

// Stack joins tensors of one shape along a new axis.
func Stack(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("tensor: Stack: no tensors")
	}
	us := make([]*Tensor, len(ts))
	for i, t := range ts {
		if !slices.Equal(t.shape, ts[0].shape) {
			panic(fmt.Sprintf("tensor: Stack: shapes %v and %v differ", ts[0].shape, t.shape))
		}
		us[i] = t.Unsqueeze(axis)
	}
	return Concat(axis, us...)
}

// Split cuts t along axis into consecutive views of the given sizes, which
// must add up to the axis's length (PyTorch's torch.split with a list of
// sections). The views share t's storage; gradients flow back through each.
func (t *Tensor) Split(axis int, sizes ...int) []*Tensor {
	a := t.axis("Split", axis)
	total := 0
	for _, s := range sizes {
		if s < 0 {
			panic(fmt.Sprintf("tensor: Split: negative size in %v", sizes))
		}
		total += s
	}
	if total != t.shape[a] {
		panic(fmt.Sprintf("tensor: Split: sizes %v add up to %d, axis %d of shape %v has %d", sizes, total, axis, t.shape, t.shape[a]))
	}
	out := make([]*Tensor, len(sizes))
	start := 0
	for i, s := range sizes {
		out[i] = t.Narrow(a, start, s)
		start += s
	}
	return out
}

// Chunk cuts t along axis into chunks views of equal size, the last one
// smaller when the length does not divide (PyTorch's torch.chunk: every
// chunk holds ceil(length/chunks) elements, so there may be fewer than
// chunks of them).
func (t *Tensor) Chunk(chunks, axis int) []*Tensor {
	a := t.axis("Chunk", axis)
	if chunks < 1 {
		panic(fmt.Sprintf("tensor: Chunk: %d chunks", chunks))
	}
	n := t.shape[a]
	size := max(1, (n+chunks-1)/chunks)
	var sizes []int
	for left := n; left > 0; left -= size {
		sizes = append(sizes, min(size, left))
	}
	if len(sizes) == 0 {
		sizes = []int{0}
	}
	return t.Split(a, sizes...)
}
