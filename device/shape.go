package device

import (
	"fmt"
	"math"
	"math/bits"
)

// NumElements is the number of elements of a tensor of the given shape: the
// product of its sizes, 1 for a scalar (empty shape).
func NumElements(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// ContiguousStrides returns the row-major strides of shape.
func ContiguousStrides(shape []int) []int {
	strides := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = s
		s *= shape[i]
	}
	return strides
}

// IsContiguous reports whether strides are the row-major strides of shape
// (dimensions of size 1 may have any stride).
func IsContiguous(shape, strides []int) bool {
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		if shape[i] != 1 && strides[i] != s {
			return false
		}
		s *= shape[i]
	}
	return true
}

// CheckView panics unless the view v of shape fits in its buffer: every
// element it addresses lies in [0, v.Buf.Len()). op names the caller.
func CheckView(op string, shape []int, v Strided) {
	if v.Buf == nil {
		panic(fmt.Sprintf("%s: nil buffer", op))
	}
	if len(v.Strides) != len(shape) {
		panic(fmt.Sprintf("%s: view has %d strides for shape %v", op, len(v.Strides), shape))
	}
	if NumElements(shape) == 0 {
		return
	}
	lo, hi := v.Offset, v.Offset
	for i, s := range shape {
		st := v.Strides[i] * (s - 1)
		if st < 0 {
			lo += st
		} else {
			hi += st
		}
	}
	if lo < 0 || hi >= v.Buf.Len() {
		panic(fmt.Sprintf("%s: view of shape %v, strides %v, offset %d reaches elements [%d, %d] outside a buffer of %d", op, shape, v.Strides, v.Offset, lo, hi, v.Buf.Len()))
	}
}

// CheckLen panics unless buf holds at least n elements from offset.
func CheckLen(op, name string, buf Buffer, offset, n int) {
	if buf == nil {
		panic(fmt.Sprintf("%s: nil buffer %s", op, name))
	}
	if offset < 0 || n < 0 || offset+n > buf.Len() {
		panic(fmt.Sprintf("%s: %s needs %d elements from offset %d, buffer has %d", op, name, n, offset, buf.Len()))
	}
}

// MergeDims simplifies the views (one strides slice each) of one shape
// without changing which elements they address or their row-major order:
// it drops axes of size 1 and merges neighbouring axes that every view
// stores one inside the other. A contiguous tensor becomes one axis. The
// result has at least the elements of shape; an empty shape stays empty.
func MergeDims(shape []int, strides ...[]int) ([]int, [][]int) {
	out := make([][]int, len(strides))
	var merged []int
	for d, size := range shape {
		if size == 1 {
			continue
		}
		if r := len(merged); r > 0 {
			ok := true
			for k := range strides {
				if out[k][r-1] != strides[k][d]*size {
					ok = false
					break
				}
			}
			if ok {
				merged[r-1] *= size
				for k := range strides {
					out[k][r-1] = strides[k][d]
				}
				continue
			}
		}
		merged = append(merged, size)
		for k := range strides {
			out[k] = append(out[k], strides[k][d])
		}
	}
	return merged, out
}

// CheckedNumElements is NumElements with overflow checking: ok is false
// when a size is negative or the product does not fit in an int.
func CheckedNumElements(shape []int) (n int, ok bool) {
	n = 1
	for _, s := range shape {
		if s < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(uint64(n), uint64(s))
		if hi != 0 || lo > math.MaxInt {
			return 0, false
		}
		n = int(lo)
	}
	return n, true
}
