package devicetest

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// normCases cover LayerNorm and LayerNormBackward: rows short enough for
// one invocation each and long enough for a workgroup, rows far from zero
// (the variance about the mean must not cancel), empty rows and batches,
// with and without the affine parameters.
func normCases() []Case {
	var cs []Case
	for _, s := range [][2]int{{1, 1}, {3, 5}, {4, 300}, {2, 1000}, {0, 8}, {2, 0}, {7, 64}} {
		rows, n := s[0], s[1]
		for _, gen := range []struct {
			name string
			f    func(int) Buf
		}{{"normal", func(k int) Buf { return Buf{N: k, Gen: Normal} }}, {"offset", func(k int) Buf { return Buf{N: k, Gen: Offset(1000)} }}} {
			for affine := range 3 {
				// Buffers: y, mean, rstd, x, w, b.
				bufs := []Buf{{N: rows * n}, {N: rows}, {N: rows}, gen.f(rows * n), {N: n, Gen: Normal}, {N: n, Gen: Normal}}
				wb := func(b []device.Buffer) (device.Buffer, device.Buffer) {
					switch affine {
					case 1:
						return b[4], nil
					case 2:
						return b[4], b[5]
					}
					return nil, nil
				}
				cs = append(cs, Case{
					Name: fmt.Sprintf("LayerNorm/%s/affine=%d/%v", gen.name, affine, s), Bufs: bufs,
					Run: func(d device.Device, b []device.Buffer) {
						w, bias := wb(b)
						d.LayerNorm(rows, n, 1e-5, b[0], b[1], b[2], b[3], w, bias)
					},
					Check: []int{0, 1, 2}, Atol: sumA, Rtol: sumR,
				})
				if affine == 2 {
					continue
				}
				for _, withYX := range []bool{false, true} {
					// Buffers: dx, dyXhat, dy, then the forward pass's.
					cs = append(cs, Case{
						Name: fmt.Sprintf("LayerNormBackward/%s/weight=%v/dyXhat=%v/%v", gen.name, affine == 1, withYX, s),
						Bufs: append([]Buf{{N: rows * n}, {N: rows * n}, {N: rows * n, Gen: Normal}}, bufs...),
						Run: func(d device.Device, b []device.Buffer) {
							f := b[3:]
							w, _ := wb(f)
							d.LayerNorm(rows, n, 1e-5, f[0], f[1], f[2], f[3], w, nil)
							var yx device.Buffer
							if withYX {
								yx = b[1]
							}
							d.LayerNormBackward(rows, n, b[0], yx, b[2], f[3], f[1], f[2], w)
						},
						Check: []int{0, 1}, Atol: sumA, Rtol: sumR,
					})
				}
			}
		}
	}
	return cs
}
