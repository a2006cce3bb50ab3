package device

import "fmt"

// Indexing is the family of ops that pick slices by index. Indices are
// float32 holding integers, as labels are: exact up to 2^24 (16,777,216),
// which bounds a vocabulary or an axis that is indexed. Tensors are
// contiguous and viewed as [outer, n, inner] around the indexed axis.
type Indexing interface {
	// IndexSelect gathers slices of the middle axis: src is [outer, n,
	// inner], idx holds m indices, and dst [outer, m, inner] gets
	// dst[o, j, :] = src[o, idx[j], :] (PyTorch's index_select). An index
	// that is not an integer in [0, n) fills its slices with NaN and is
	// reported as an *IndexError by the next Sync or Download (once).
	IndexSelect(outer, n, inner, m int, dst, src, idx Buffer)
	// IndexAdd is IndexSelect's backward: dst [outer, n, inner] gets
	// dst[o, k, :] = Σ src[o, j, :] over the j with idx[j] = k, summed in
	// increasing j on every device (the same bits every run: no float
	// atomics), zero where no index points. Slices with index skip get
	// nothing (Embedding's padding_idx; -1 skips none); invalid indices
	// are left out (IndexSelect reported them).
	IndexAdd(outer, n, inner, m, skip int, dst, src, idx Buffer)
	// Gather picks element by element along the middle axis: src is
	// [outer, n, inner], idx and dst are [outer, m, inner], and
	// dst[o, j, i] = src[o, idx[o, j, i], i] (PyTorch's gather). A bad
	// index fills its element with NaN and is reported as an *IndexError
	// (Op "Gather", Position its flat position in idx) by the next Sync or
	// Download.
	Gather(outer, n, inner, m int, dst, src, idx Buffer)
	// Scatter is Gather's reverse, in place: for src and idx [outer, m,
	// inner] and dst [outer, n, inner], dst[o, idx[o, j, i], i] gets
	// src[o, j, i], added to it when accumulate (PyTorch's scatter_add_)
	// or written over it otherwise (scatter_). The j of one column are
	// taken in increasing order on every device, so where several name one
	// element the sum has the same bits every run and a write keeps the
	// last j. Elements no index names keep their value. A bad index is
	// skipped and reported as an *IndexError (Op "Scatter").
	Scatter(outer, n, inner, m int, accumulate bool, dst, src, idx Buffer)
}

// IndexError is an index an op found invalid: not an integer in [0,
// Limit). On the CPU it is found as the op runs, on a GPU by the kernel;
// the next Sync or Download returns it once.
type IndexError struct {
	// Op names the op: "IndexSelect", "Gather" or "Scatter".
	Op string
	// Position is the first bad position in the index tensor and Index
	// its value.
	Position int
	Index    float32
	// Limit is the size of the indexed axis.
	Limit int
	// Count is how many indices were bad (in the op, or on a GPU in the
	// batch of work that reported it).
	Count int
}

// Error names the op, the position and the index.
func (e *IndexError) Error() string {
	more := ""
	if e.Count > 1 {
		more = fmt.Sprintf(" (and %d more bad indices)", e.Count-1)
	}
	return fmt.Sprintf("%s: index %v at position %d is not an integer in [0, %d)%s", e.Op, e.Index, e.Position, e.Limit, more)
}

// ValidIndex reports whether v is an integer index in [0, n).
func ValidIndex(v float32, n int) bool {
	return v >= 0 && v < float32(n) && float32(int(v)) == v
}
