package devicetest

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// recurrentCases cover LSTMCell and LSTMCellBackward: one unit, sizes that
// fill no workgroup evenly, empty batches and cells, and gate views that
// are not contiguous (a time step's slice of a sequence buffer, a
// transposed product, a state broadcast over the batch).
func recurrentCases() []Case {
	var cs []Case
	type views struct {
		name string
		// gi, gh and c: each view's buffer length, offset and strides
		// for n rows and hidden units.
		gi, gh, c func(n, h int) (int, int, []int)
	}
	contiguous := func(cols int) func(n, h int) (int, int, []int) {
		return func(n, h int) (int, int, []int) { return n * cols * h, 0, []int{cols * h, 1} }
	}
	layouts := []views{
		{"contiguous", contiguous(4), contiguous(4), contiguous(1)},
		{"strided",
			func(n, h int) (int, int, []int) { return 3 * n * 4 * h, n * 4 * h, []int{4 * h, 1} }, // step 1 of [3, n, 4h]
			func(n, h int) (int, int, []int) { return 4 * h * n, 0, []int{1, n} },                 // [4h, n] transposed
			func(n, h int) (int, int, []int) { return h + 2, 2, []int{0, 1} }},                    // one row, broadcast
	}
	for _, s := range [][2]int{{1, 1}, {3, 5}, {64, 33}, {7, 70}, {0, 4}, {2, 0}} {
		n, h := s[0], s[1]
		for _, l := range layouts {
			giN, giOff, giSt := l.gi(n, h)
			ghN, ghOff, ghSt := l.gh(n, h)
			cN, cOff, cSt := l.c(n, h)
			gi := func(b device.Buffer) device.Strided { return device.Strided{Buf: b, Offset: giOff, Strides: giSt} }
			gh := func(b device.Buffer) device.Strided { return device.Strided{Buf: b, Offset: ghOff, Strides: ghSt} }
			c := func(b device.Buffer) device.Strided { return device.Strided{Buf: b, Offset: cOff, Strides: cSt} }
			cs = append(cs, Case{
				Name: fmt.Sprintf("LSTMCell/%s/%v", l.name, s),
				Bufs: []Buf{{N: 4 * n * h}, {N: 2 * n * h}, {N: giN, Gen: Normal}, {N: ghN, Gen: Normal}, {N: cN, Gen: Normal}},
				Run: func(d device.Device, b []device.Buffer) {
					d.LSTMCell(n, h, b[0], b[1], gi(b[2]), gh(b[3]), c(b[4]))
				},
				Check: []int{0, 1}, Atol: looseA, Rtol: looseR,
			})
			// The backward pass from a forward pass on the same device, so
			// its act and hc are consistent.
			cs = append(cs, Case{
				Name: fmt.Sprintf("LSTMCellBackward/%s/%v", l.name, s),
				Bufs: []Buf{{N: 4 * n * h}, {N: n * h}, {N: 4 * n * h}, {N: 2 * n * h}, {N: giN, Gen: Normal}, {N: ghN, Gen: Normal}, {N: cN, Gen: Normal}, {N: 2 * n * h, Gen: Normal}},
				Run: func(d device.Device, b []device.Buffer) {
					d.LSTMCell(n, h, b[2], b[3], gi(b[4]), gh(b[5]), c(b[6]))
					d.LSTMCellBackward(n, h, b[0], b[1], b[2], b[3], c(b[6]), b[7])
				},
				Check: []int{0, 1}, Atol: looseA, Rtol: looseR,
			})
		}
	}
	return cs
}
