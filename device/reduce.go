package device

import "fmt"

// Reductions is the family of reductions over axes.
type Reductions interface {
	// Reduce reduces src, a view of the given shape, over axes (sorted,
	// distinct, each in [0, len(shape))) into the contiguous dst, whose shape
	// is shape without those axes. Reducing over no elements gives 0 for sum,
	// NaN for mean, -Inf for max and +Inf for min.
	Reduce(op ReduceOp, shape []int, axes []int, dst Buffer, src Strided)
	// ArgReduce writes, for each position of the other axes, the index along
	// axis of the largest (ArgMax) or smallest (ArgMin) element of src; the
	// first such index on ties. dst has shape without axis. NaN compares
	// larger than any number for ArgMax and smaller for ArgMin.
	ArgReduce(op ArgOp, shape []int, axis int, dst Buffer, src Strided)
	// CumSum writes the running sums along the middle axis of src,
	// contiguous [outer, n, inner], into dst of the same shape:
	// dst[o, j, i] = Σ src[o, j', i] over j' <= j, or over j' >= j with
	// reverse (the backward pass). Each sum runs in order along the axis,
	// on every device.
	CumSum(outer, n, inner int, reverse bool, dst, src Buffer)
}

// ReduceOp names a reduction.
type ReduceOp int

// The reductions.
const (
	ReduceSum ReduceOp = iota
	ReduceMean
	ReduceMax
	ReduceMin
)

// String names the reduction.
func (op ReduceOp) String() string {
	switch op {
	case ReduceSum:
		return "sum"
	case ReduceMean:
		return "mean"
	case ReduceMax:
		return "max"
	case ReduceMin:
		return "min"
	}
	return fmt.Sprintf("ReduceOp(%d)", int(op))
}

// ArgOp names an index-returning reduction.
type ArgOp int

// The index reductions.
const (
	ArgMax ArgOp = iota
	ArgMin
)

// String names the reduction.
func (op ArgOp) String() string {
	switch op {
	case ArgMax:
		return "argmax"
	case ArgMin:
		return "argmin"
	}
	return fmt.Sprintf("ArgOp(%d)", int(op))
}
