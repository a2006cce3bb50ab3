package cpu

import (
	"runtime"

	"github.com/vkgrad/vkgrad/cpu/internal/team"
	"github.com/vkgrad/vkgrad/device"
)

// Work smaller than a grain runs on the calling goroutine; larger work is
// split across GOMAXPROCS goroutines (the calling one and the team's, kept
// hot between calls) in chunks of at least a grain.
const (
	grainElementwise = 1 << 15
	grainReduce      = 1 << 14
)

// parallelFor calls fn on disjoint ranges that cover [0, n).
func parallelFor(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	p := runtime.GOMAXPROCS(0)
	chunks := n / grain
	if chunks > p {
		chunks = p
	}
	if chunks <= 1 {
		fn(0, n)
		return
	}
	size := (n + chunks - 1) / chunks
	ranges := (n + size - 1) / size
	team.Run(ranges, ranges, func(_, u int) { fn(u*size, min((u+1)*size, n)) })
}

// iter walks up to four views of one shape in row-major order, a row
// (a run along the innermost dimension) at a time. Dimensions of size 1 are
// dropped and adjacent dimensions that every view stores contiguously are
// merged first, so a contiguous tensor is one long row.
type iter struct {
	shape   []int
	strides [4][]int
	n       int
}

func newIter(shape []int, strides ...[]int) *iter {
	it := &iter{n: device.NumElements(shape)}
	merged, ms := device.MergeDims(shape, strides...)
	it.shape = merged
	for k := range it.strides {
		if k < len(ms) {
			it.strides[k] = ms[k]
		} else {
			it.strides[k] = make([]int, len(merged))
		}
	}
	return it
}

// rows calls fn for each row of the flat range [lo, hi) with the offsets of
// the row's first element in each view (from the base offsets),
// the views' innermost strides and the row's length.
func (it *iter) rows(lo, hi int, base [4]int, fn func(o, s [4]int, m int)) {
	if lo >= hi {
		return
	}
	r := len(it.shape)
	if r == 0 {
		fn(base, [4]int{}, 1)
		return
	}
	last := r - 1
	inner := [4]int{it.strides[0][last], it.strides[1][last], it.strides[2][last], it.strides[3][last]}
	idx := make([]int, r)
	rem := lo
	for d := last; d >= 0; d-- {
		idx[d] = rem % it.shape[d]
		rem /= it.shape[d]
	}
	for pos := lo; pos < hi; {
		o := base
		for d := 0; d < r; d++ {
			for k := 0; k < 4; k++ {
				o[k] += idx[d] * it.strides[k][d]
			}
		}
		m := min(it.shape[last]-idx[last], hi-pos)
		fn(o, inner, m)
		pos += m
		idx[last] = 0
		for d := last - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < it.shape[d] {
				break
			}
			idx[d] = 0
		}
	}
}
