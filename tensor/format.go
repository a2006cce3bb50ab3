package tensor

import (
	"fmt"
	"strconv"
	"strings"
)

// printEdge is how many items per axis String shows at each end of a long
// axis; printMax the size above which it summarises.
const (
	printEdge = 3
	printMax  = 1000
)

// String reads the tensor back and formats it as NumPy does:
//
//	[[1 2 3]
//	 [4 5 6]]
//
// Large tensors are summarised with "..."; a tensor whose read-back fails
// prints the error.
func (t *Tensor) String() string {
	if t.Released() {
		return fmt.Sprintf("tensor(released, shape %v)", t.shape)
	}
	data, err := t.Data()
	if err != nil {
		return fmt.Sprintf("tensor(shape %v, error: %v)", t.shape, err)
	}
	summarise := len(data) > printMax
	// Format every shown value, then pad them to one width.
	strs := make([]string, len(data))
	width := 0
	for i, v := range data {
		strs[i] = strconv.FormatFloat(float64(v), 'g', 6, 32)
		width = max(width, len(strs[i]))
	}
	var b strings.Builder
	strides := make([]int, len(t.shape))
	s := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		strides[i] = s
		s *= t.shape[i]
	}
	var rec func(axis, off, indent int)
	rec = func(axis, off, indent int) {
		if axis == len(t.shape) {
			fmt.Fprintf(&b, "%*s", width, strs[off])
			return
		}
		b.WriteByte('[')
		n := t.shape[axis]
		for i := 0; i < n; i++ {
			if summarise && n > 2*printEdge && i == printEdge {
				if axis == len(t.shape)-1 {
					b.WriteString(" ...")
				} else {
					b.WriteString("\n" + strings.Repeat(" ", indent+1) + "...")
				}
				i = n - printEdge - 1
				continue
			}
			if i > 0 {
				if axis == len(t.shape)-1 {
					b.WriteByte(' ')
				} else {
					b.WriteString(strings.Repeat("\n", len(t.shape)-1-axis) + strings.Repeat(" ", indent+1))
				}
			}
			rec(axis+1, off+i*strides[axis], indent+1)
		}
		b.WriteByte(']')
	}
	rec(0, 0, 0)
	return b.String()
}
