package devicetest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/device"
)

// indexCases cover IndexSelect, IndexAdd, Gather, Scatter and CumSum:
// repeated indices, rows no index names, one-element and empty axes, a
// skipped row, bad indices.
func indexCases() []Case {
	var cs []Case
	for _, s := range [][4]int{{1, 10, 4, 7}, {3, 5, 1, 9}, {2, 50, 33, 64}, {1, 1, 1, 1}, {2, 3, 0, 4}, {2, 6, 3, 0}, {1, 300, 2, 1000}} {
		outer, n, inner, m := s[0], s[1], s[2], s[3]
		cs = append(cs, Case{
			Name: fmt.Sprintf("IndexSelect/%v", s), Bufs: []Buf{{N: outer * m * inner}, {N: outer * n * inner, Gen: Normal}, {N: m, Gen: Labels(max(n, 1))}},
			Run: func(d device.Device, b []device.Buffer) {
				d.IndexSelect(outer, n, inner, m, b[0], b[1], b[2])
			},
			Check: []int{0},
		})
		for _, skip := range []int{-1, 2} {
			cs = append(cs, Case{
				Name: fmt.Sprintf("IndexAdd/skip=%d/%v", skip, s), Bufs: []Buf{{N: outer * n * inner}, {N: outer * m * inner, Gen: Normal}, {N: m, Gen: Labels(max(n, 1))}},
				Run: func(d device.Device, b []device.Buffer) {
					d.IndexAdd(outer, n, inner, m, skip, b[0], b[1], b[2])
				},
				Check: []int{0}, // the same additions in the same order: the same bits
			})
		}
	}
	// Gather and Scatter: m below, equal to and above n (repeats), one
	// column, many columns, empty axes.
	for _, s := range [][4]int{{1, 10, 4, 7}, {3, 5, 1, 9}, {2, 50, 33, 64}, {1, 1, 1, 1}, {2, 3, 0, 4}, {2, 6, 3, 0}, {1, 300, 1, 1000}, {64, 10, 1, 1}} {
		outer, n, inner, m := s[0], s[1], s[2], s[3]
		cs = append(cs, Case{
			Name: fmt.Sprintf("Gather/%v", s), Bufs: []Buf{{N: outer * m * inner}, {N: outer * n * inner, Gen: Normal}, {N: outer * m * inner, Gen: Labels(max(n, 1))}},
			Run: func(d device.Device, b []device.Buffer) {
				d.Gather(outer, n, inner, m, b[0], b[1], b[2])
			},
			Check: []int{0},
		})
		for _, acc := range []bool{true, false} {
			cs = append(cs, Case{
				Name: fmt.Sprintf("Scatter/accumulate=%v/%v", acc, s), Bufs: []Buf{{N: outer * n * inner, Gen: Normal}, {N: outer * m * inner, Gen: Normal}, {N: outer * m * inner, Gen: Labels(max(n, 1))}},
				Run: func(d device.Device, b []device.Buffer) {
					d.Scatter(outer, n, inner, m, acc, b[0], b[1], b[2])
				},
				Check: []int{0}, // the same j order in every column: the same bits
			})
		}
	}
	for _, s := range [][3]int{{1, 1, 1}, {3, 7, 1}, {2, 5, 4}, {1, 1000, 3}, {4, 0, 2}} {
		outer, n, inner := s[0], s[1], s[2]
		for _, rev := range []bool{false, true} {
			cs = append(cs, Case{
				Name: fmt.Sprintf("CumSum/reverse=%v/%v", rev, s), Bufs: []Buf{{N: outer * n * inner}, {N: outer * n * inner, Gen: Normal}},
				Run: func(d device.Device, b []device.Buffer) {
					d.CumSum(outer, n, inner, rev, b[0], b[1])
				},
				Check: []int{0}, // sums in the same order: the same bits
			})
		}
	}
	// Sort: distinct values, and values with ties, signed zeros and NaN
	// (the order is total: the same indices on every device).
	ties := func(r *rand.Rand, _ int) float32 {
		return []float32{-1, 0, float32(math.Copysign(0, -1)), 1, 2, 2, float32(math.NaN())}[r.IntN(7)]
	}
	for _, s := range [][4]int{{1, 1, 1, 1}, {3, 7, 1, 7}, {2, 5, 4, 3}, {1, 1000, 3, 10}, {4, 0, 2, 0}, {2, 33, 1, 33}, {1, 5000, 1, 5}, {64, 10, 1, 2}} {
		outer, n, inner, k := s[0], s[1], s[2], s[3]
		for _, g := range []struct {
			name string
			gen  func(*rand.Rand, int) float32
		}{{"normal", Normal}, {"ties", ties}} {
			for _, desc := range []bool{false, true} {
				cs = append(cs, Case{
					Name: fmt.Sprintf("Sort/%s/descending=%v/%v", g.name, desc, s), Bufs: []Buf{{N: outer * k * inner}, {N: outer * k * inner}, {N: outer * n * inner, Gen: g.gen}},
					Run: func(d device.Device, b []device.Buffer) {
						d.Sort(outer, n, inner, k, desc, b[0], b[1], b[2])
					},
					Check: []int{0, 1},
				})
			}
		}
	}
	bad := func(_ *rand.Rand, i int) float32 { return []float32{0, 2, 5, 3}[i] }
	return append(cs, Case{
		Name: "IndexSelect/bad-index", Bufs: []Buf{{N: 2 * 4 * 3}, {N: 2 * 4 * 3, Gen: Normal}, {N: 4, Gen: bad}},
		Run: func(d device.Device, b []device.Buffer) {
			d.IndexSelect(2, 4, 3, 4, b[0], b[1], b[2])
		},
		Check: []int{0}, SyncErr: "IndexSelect: index 5 at position 2 is not an integer in [0, 4)",
	}, Case{
		Name: "IndexAdd/bad-index", Bufs: []Buf{{N: 4 * 3}, {N: 4 * 3, Gen: Normal}, {N: 4, Gen: bad}},
		Run: func(d device.Device, b []device.Buffer) {
			d.IndexAdd(1, 4, 3, 4, -1, b[0], b[1], b[2])
		},
		Check: []int{0},
	}, Case{
		// idx [1, 4, 1]: position 2 holds 5, outside [0, 4).
		Name: "Gather/bad-index", Bufs: []Buf{{N: 4}, {N: 4, Gen: Normal}, {N: 4, Gen: bad}},
		Run: func(d device.Device, b []device.Buffer) {
			d.Gather(1, 4, 1, 4, b[0], b[1], b[2])
		},
		Check: []int{0}, SyncErr: "Gather: index 5 at position 2 is not an integer in [0, 4)",
	}, Case{
		Name: "Scatter/bad-index", Bufs: []Buf{{N: 4, Gen: Normal}, {N: 4, Gen: Normal}, {N: 4, Gen: bad}},
		Run: func(d device.Device, b []device.Buffer) {
			d.Scatter(1, 4, 1, 4, true, b[0], b[1], b[2])
		},
		Check: []int{0}, SyncErr: "Scatter: index 5 at position 2 is not an integer in [0, 4)",
	})
}
