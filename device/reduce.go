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
	// Sort orders each column of src, contiguous [outer, n, inner], along
	// the middle axis and writes its first k elements to values and their
	// positions along the axis (float32 integers) to indices, both [outer,
	// k, inner]: ascending, or descending when descending is set. The order
	// is the same on every device: equal elements keep their order (a
	// stable sort; -0 equals +0), and NaN ranks above every number, as in
	// PyTorch (last ascending, first descending). n is at most 2^24, so
	// that positions are exact; 0 <= k <= n.
	Sort(outer, n, inner, k int, descending bool, values, indices, src Buffer)
}

// MaxSortLen is the longest axis Sort takes: positions up to it are exact
// in float32.
const MaxSortLen = 1 << 24

// SortsBefore reports whether a comes before b (a at position i, b at
// position j != i) in Sort's order: the one order every backend follows.
func SortsBefore(a, b float32, i, j int, descending bool) bool {
	an, bn := a != a, b != b
	switch {
	case an && bn:
		return i < j
	case an:
		return descending // NaN ranks above every number
	case bn:
		return !descending
	case a == b:
		return i < j
	case descending:
		return a > b
	}
	return a < b
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
