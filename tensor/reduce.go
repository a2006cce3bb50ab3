package tensor

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/device"
)

// reducedShape is shape without the (sorted) axes.
func reducedShape(shape, axes []int) []int {
	out := []int{}
	for i, s := range shape {
		if !slices.Contains(axes, i) {
			out = append(out, s)
		}
	}
	return out
}

// keptShape is shape with the axes set to 1.
func keptShape(shape, axes []int) []int {
	out := cloneInts(shape)
	for _, a := range axes {
		out[a] = 1
	}
	return out
}

// normAxes normalises, sorts and deduplicates axes; none means all.
func (t *Tensor) normAxes(op string, axes []int) []int {
	if len(axes) == 0 {
		all := make([]int, len(t.shape))
		for i := range all {
			all[i] = i
		}
		return all
	}
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = t.axis(op, a)
	}
	slices.Sort(out)
	if len(slices.Compact(slices.Clone(out))) != len(out) {
		panic(fmt.Sprintf("tensor: %s: repeated axis in %v", op, axes))
	}
	return out
}

// reduce applies a reduction over axes (all when none), keeping the reduced
// axes with size 1 when keep is set.
func (t *Tensor) reduce(op device.ReduceOp, keep bool, axes []int) *Tensor {
	name := op.String()
	axes = t.normAxes(name, axes)
	dev := t.st.dev
	out := empty(dev, reducedShape(t.shape, axes))
	dev.Reduce(op, t.shape, axes, out.buf(name), t.view(name))
	ks := keptShape(t.shape, axes)
	if keep {
		out.shape, out.strides = ks, device.ContiguousStrides(ks)
	}
	n := float32(device.NumElements(t.shape) / max(1, out.Size()))
	return record(out, name, func(g *Tensor, _ []bool) []*Tensor {
		gk := g.Reshape(ks...)
		switch op {
		case device.ReduceSum:
			return []*Tensor{gk.Expand(t.shape...)}
		case device.ReduceMean:
			return []*Tensor{gk.DivScalar(n).Expand(t.shape...)}
		}
		// Max and min: the gradient goes to the elements equal to the
		// result, split evenly among ties.
		mask := t.Eq(out.Reshape(ks...))
		count := mask.reduce(device.ReduceSum, true, axes)
		return []*Tensor{mask.Mul(gk.Div(count))}
	}, t)
}

// Sum sums over axes (all when none), removing them.
func (t *Tensor) Sum(axes ...int) *Tensor { return t.reduce(device.ReduceSum, false, axes) }

// SumKeep sums over axes, keeping them with size 1.
func (t *Tensor) SumKeep(axes ...int) *Tensor { return t.reduce(device.ReduceSum, true, axes) }

// Mean averages over axes (all when none), removing them.
func (t *Tensor) Mean(axes ...int) *Tensor { return t.reduce(device.ReduceMean, false, axes) }

// MeanKeep averages over axes, keeping them with size 1.
func (t *Tensor) MeanKeep(axes ...int) *Tensor { return t.reduce(device.ReduceMean, true, axes) }

// Max takes the maximum over axes (all when none), removing them; NaN
// propagates.
func (t *Tensor) Max(axes ...int) *Tensor { return t.reduce(device.ReduceMax, false, axes) }

// MaxKeep takes the maximum over axes, keeping them with size 1.
func (t *Tensor) MaxKeep(axes ...int) *Tensor { return t.reduce(device.ReduceMax, true, axes) }

// Min takes the minimum over axes (all when none), removing them.
func (t *Tensor) Min(axes ...int) *Tensor { return t.reduce(device.ReduceMin, false, axes) }

// MinKeep takes the minimum over axes, keeping them with size 1.
func (t *Tensor) MinKeep(axes ...int) *Tensor { return t.reduce(device.ReduceMin, true, axes) }

func (t *Tensor) argReduce(op device.ArgOp, axis int) *Tensor {
	name := op.String()
	axis = t.axis(name, axis)
	if t.shape[axis] == 0 {
		panic(fmt.Sprintf("tensor: %s: empty axis %d of shape %v", name, axis, t.shape))
	}
	out := empty(t.st.dev, reducedShape(t.shape, []int{axis}))
	t.st.dev.ArgReduce(op, t.shape, axis, out.buf(name), t.view(name))
	return out
}

// ArgMax returns the indices (as float32) of the largest elements along
// axis, the first on ties; the axis is removed.
func (t *Tensor) ArgMax(axis int) *Tensor { return t.argReduce(device.ArgMax, axis) }

// ArgMin returns the indices of the smallest elements along axis.
func (t *Tensor) ArgMin(axis int) *Tensor { return t.argReduce(device.ArgMin, axis) }

// Var returns the variance over axes (all when none): the sum of squared
// deviations from the mean divided by N − correction, N the number of
// elements reduced. correction 1 is the unbiased estimate, PyTorch's
// torch.var default; 0 the population variance.
func (t *Tensor) Var(correction int, axes ...int) *Tensor {
	return t.variance("Var", correction, false, axes)
}

// VarKeep is Var keeping the reduced axes with size 1.
func (t *Tensor) VarKeep(correction int, axes ...int) *Tensor {
	return t.variance("VarKeep", correction, true, axes)
}

// Std returns the standard deviation, the square root of Var.
func (t *Tensor) Std(correction int, axes ...int) *Tensor {
	return t.variance("Std", correction, false, axes).Sqrt()
}

func (t *Tensor) variance(op string, correction int, keep bool, axes []int) *Tensor {
	axes = t.normAxes(op, axes)
	n := 1
	for _, a := range axes {
		n *= t.shape[a]
	}
	if correction < 0 || n-correction <= 0 {
		panic(fmt.Sprintf("tensor: %s: correction %d for %d elements per reduction (shape %v)", op, correction, n, t.shape))
	}
	mean := t.SumKeep(axes...).DivScalar(float32(n))
	sq := t.Sub(mean).Square()
	if keep {
		return sq.SumKeep(axes...).DivScalar(float32(n - correction))
	}
	return sq.Sum(axes...).DivScalar(float32(n - correction))
}

// CumSum returns the running sums of t along axis (PyTorch's
// torch.cumsum): element j is the sum of elements 0..j. Each sum runs in
// order along the axis, in float32, on every device.
func (t *Tensor) CumSum(axis int) *Tensor {
	a := t.axis("CumSum", axis)
	dev := t.st.dev
	outer, n, inner := split3(t.shape, a)
	out := empty(dev, t.shape)
	tc := t.contig()
	dev.CumSum(outer, n, inner, false, out.buf("CumSum"), tc.buf("CumSum"))
	releaseTemp(tc, t)
	return record(out, "CumSum", func(g *Tensor, _ []bool) []*Tensor {
		gc := g.contig()
		dx := empty(dev, t.shape)
		dev.CumSum(outer, n, inner, true, dx.buf("CumSum"), gc.buf("CumSum"))
		releaseTemp(gc, g)
		return []*Tensor{dx}
	}, t)
}
