package cpu

import (
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/vkgrad/vkgrad/cpu/internal/vec"
	"github.com/vkgrad/vkgrad/device"
)

// checkAxes panics unless axes are sorted, distinct and in [0, rank).
func checkAxes(op string, shape, axes []int) {
	for i, a := range axes {
		if a < 0 || a >= len(shape) || (i > 0 && a <= axes[i-1]) {
			panic(fmt.Sprintf("cpu: %s: axes %v must be sorted, distinct and within rank %d of shape %v", op, axes, len(shape), shape))
		}
	}
}

// accum is a running reduction: a float64 sum, or a max or min that
// propagates NaN.
type accum struct {
	op device.ReduceOp
	v  float64
}

func newAccum(op device.ReduceOp) accum {
	switch op {
	case device.ReduceMax:
		return accum{op, math.Inf(-1)}
	case device.ReduceMin:
		return accum{op, math.Inf(1)}
	}
	return accum{op, 0}
}

func (a *accum) merge(b accum) {
	switch a.op {
	case device.ReduceMax:
		if b.v > a.v || b.v != b.v {
			a.v = b.v
		}
	case device.ReduceMin:
		if b.v < a.v || b.v != b.v {
			a.v = b.v
		}
	default:
		a.v += b.v
	}
}

// row folds m elements of x, from offset o with stride s, into a.
func (a *accum) row(x []float32, o, s, m int) {
	if a.v != a.v {
		return
	}
	switch a.op {
	case device.ReduceMax:
		for i := 0; i < m; i++ {
			v := float64(x[o+i*s])
			if v > a.v || v != v {
				a.v = v
				if v != v {
					return
				}
			}
		}
	case device.ReduceMin:
		for i := 0; i < m; i++ {
			v := float64(x[o+i*s])
			if v < a.v || v != v {
				a.v = v
				if v != v {
					return
				}
			}
		}
	default:
		a.v += sum64(x, o, s, m)
	}
}

// sum64 is the float64 sum of m elements of x from offset o with stride s,
// in a fixed order (the same bits every run) with independent additions in
// flight rather than one chain of dependent ones: vec.SumF64's for a
// contiguous run, four interleaved partial sums (element i into sum i mod
// 4, added pairwise at the end) for a strided one.
func sum64(x []float32, o, s, m int) float64 {
	if m <= 0 {
		return 0
	}
	if s == 1 {
		return vec.SumF64(x[o : o+m])
	}
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= m; i += 4 {
		j := o + i*s
		s0 += float64(x[j])
		s1 += float64(x[j+s])
		s2 += float64(x[j+2*s])
		s3 += float64(x[j+3*s])
	}
	for ; i < m; i++ {
		s0 += float64(x[o+i*s])
	}
	return (s0 + s1) + (s2 + s3)
}

// leadingAxes reports whether axes are 0, 1, ..., len(axes)-1.
func leadingAxes(axes []int) bool {
	for i, a := range axes {
		if a != i {
			return false
		}
	}
	return len(axes) > 0
}

// Reduce reduces src over axes into dst.
func (d *Device) Reduce(op device.ReduceOp, shape []int, axes []int, dst device.Buffer, src device.Strided) {
	checkAxes("Reduce", shape, axes)
	if op < device.ReduceSum || op > device.ReduceMin {
		panic(fmt.Sprintf("cpu: Reduce: unknown op %v", op))
	}
	x := d.view("Reduce", shape, src)
	var keptShape, keptStrides, redShape, redStrides []int
	ai := 0
	for i, s := range shape {
		if ai < len(axes) && axes[ai] == i {
			redShape = append(redShape, s)
			redStrides = append(redStrides, src.Strides[i])
			ai++
		} else {
			keptShape = append(keptShape, s)
			keptStrides = append(keptStrides, src.Strides[i])
		}
	}
	nOut, nRed := device.NumElements(keptShape), device.NumElements(redShape)
	y := d.out("Reduce", dst, nOut)
	red := newIter(redShape, redStrides)
	finish := func(a accum) float32 {
		if op == device.ReduceMean {
			return float32(a.v / float64(nRed))
		}
		return float32(a.v)
	}
	if (op == device.ReduceSum || op == device.ReduceMean) && nOut >= 8 && leadingAxes(axes) && device.IsContiguous(shape, src.Strides) {
		// Column sums of a [nRed, nOut] matrix (a bias gradient over the
		// batch): the rows added in order into float64 accumulators, a
		// block of columns per goroutine, instead of a strided walk down
		// every column.
		parallelFor(nOut, max(8, grainReduce/max(1, nRed)), func(lo, hi int) {
			acc := make([]float64, hi-lo)
			for r := 0; r < nRed; r++ {
				row := src.Offset + r*nOut
				vec.AddToF64(acc, x[row+lo:row+hi])
			}
			for j, v := range acc {
				y[lo+j] = finish(accum{op, v})
			}
		})
		return
	}
	keptIter := newIter(keptShape, device.ContiguousStrides(keptShape), keptStrides)
	if nOut >= runtime.GOMAXPROCS(0) || nRed < grainReduce {
		grain := max(1, grainReduce/max(1, nRed))
		parallelFor(nOut, grain, func(lo, hi int) {
			keptIter.rows(lo, hi, [4]int{0, src.Offset}, func(o, s [4]int, m int) {
				for i := 0; i < m; i++ {
					a := newAccum(op)
					red.rows(0, nRed, [4]int{o[1] + i*s[1]}, func(ro, rs [4]int, rm int) {
						a.row(x, ro[0], rs[0], rm)
					})
					y[o[0]+i*s[0]] = finish(a)
				}
			})
		})
		return
	}
	// Few outputs, long reductions: split each reduction across cores.
	keptIter.rows(0, nOut, [4]int{0, src.Offset}, func(o, s [4]int, m int) {
		for i := 0; i < m; i++ {
			base := o[1] + i*s[1]
			parts := make([]accum, runtime.GOMAXPROCS(0))
			for k := range parts {
				parts[k] = newAccum(op)
			}
			chunk := (nRed + len(parts) - 1) / len(parts)
			parallelFor(len(parts), 1, func(plo, phi int) {
				for k := plo; k < phi; k++ {
					red.rows(k*chunk, min((k+1)*chunk, nRed), [4]int{base}, func(ro, rs [4]int, rm int) {
						parts[k].row(x, ro[0], rs[0], rm)
					})
				}
			})
			a := newAccum(op)
			for _, p := range parts {
				a.merge(p)
			}
			y[o[0]+i*s[0]] = finish(a)
		}
	})
}

// ArgReduce writes the index of the extreme element along axis.
func (d *Device) ArgReduce(op device.ArgOp, shape []int, axis int, dst device.Buffer, src device.Strided) {
	checkAxes("ArgReduce", shape, []int{axis})
	if op != device.ArgMax && op != device.ArgMin {
		panic(fmt.Sprintf("cpu: ArgReduce: unknown op %v", op))
	}
	x := d.view("ArgReduce", shape, src)
	if shape[axis] == 0 {
		panic(fmt.Sprintf("cpu: ArgReduce: %v over an empty axis %d of shape %v", op, axis, shape))
	}
	keptShape := append(append([]int{}, shape[:axis]...), shape[axis+1:]...)
	keptStrides := append(append([]int{}, src.Strides[:axis]...), src.Strides[axis+1:]...)
	nOut, n, stride := device.NumElements(keptShape), shape[axis], src.Strides[axis]
	y := d.out("ArgReduce", dst, nOut)
	it := newIter(keptShape, device.ContiguousStrides(keptShape), keptStrides)
	parallelFor(nOut, max(1, grainReduce/n), func(lo, hi int) {
		it.rows(lo, hi, [4]int{0, src.Offset}, func(o, s [4]int, m int) {
			for i := 0; i < m; i++ {
				base := o[1] + i*s[1]
				best, bi := x[base], 0
				for j := 1; j < n && best == best; j++ {
					v := x[base+j*stride]
					if v != v || (op == device.ArgMax && v > best) || (op == device.ArgMin && v < best) {
						best, bi = v, j
					}
				}
				y[o[0]+i*s[0]] = float32(bi)
			}
		})
	})
}

// CumSum writes running sums along the middle axis, in float32 and in
// order, as every backend does.
func (d *Device) CumSum(outer, n, inner int, reverse bool, dst, src device.Buffer) {
	checkIndex("CumSum", outer, n, inner, 0)
	x := d.data("CumSum", src)
	device.CheckLen("cpu: CumSum", "src", src, 0, outer*n*inner)
	y := d.out("CumSum", dst, outer*n*inner)
	parallelFor(outer*inner, max(1, grainElementwise/max(1, n)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			o, i := r/inner, r%inner
			var s float32
			for q := range n {
				j := q
				if reverse {
					j = n - 1 - q
				}
				k := (o*n+j)*inner + i
				s += x[k]
				y[k] = s
			}
		}
	})
}

// Sort orders each column along the middle axis with a stable sort in
// device.SortsBefore's order and keeps the first k.
func (d *Device) Sort(outer, n, inner, k int, descending bool, values, indices, src device.Buffer) {
	checkIndex("Sort", outer, n, inner, k)
	if k > n || n > device.MaxSortLen {
		panic(fmt.Sprintf("cpu: Sort: k %d of an axis of %d (want 0 <= k <= n <= %d)", k, n, device.MaxSortLen))
	}
	x := d.data("Sort", src)
	device.CheckLen("cpu: Sort", "src", src, 0, outer*n*inner)
	v := d.out("Sort", values, outer*k*inner)
	p := d.out("Sort", indices, outer*k*inner)
	parallelFor(outer*inner, max(1, grainReduce/max(1, n)), func(lo, hi int) {
		order := make([]int, n)
		for r := lo; r < hi; r++ {
			o, i := r/inner, r%inner
			col := func(j int) float32 { return x[(o*n+j)*inner+i] }
			for j := range order {
				order[j] = j
			}
			slices.SortStableFunc(order, func(a, b int) int {
				if device.SortsBefore(col(a), col(b), a, b, descending) {
					return -1
				}
				if device.SortsBefore(col(b), col(a), b, a, descending) {
					return 1
				}
				return 0
			})
			for j, src := range order[:k] {
				v[(o*k+j)*inner+i] = col(src)
				p[(o*k+j)*inner+i] = float32(src)
			}
		}
	})
}
