package devicetest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/device"
)

// attentionCases cover Attention and AttentionBackward: one query and one
// key, lengths that fill no tile or workgroup evenly (several tiles), head
// sizes from 1 to 64 with D ≠ DV, no keys and no queries, the causal
// mask, an additive mask broadcast over the batch and a key-padding mask
// broadcast over the queries (with −Inf entries, some rows masked
// entirely), and dropout.
func attentionCases() []Case {
	var cs []Case
	masked := func(r *rand.Rand, _ int) float32 {
		if r.IntN(4) == 0 {
			return float32(math.Inf(-1))
		}
		return float32(r.NormFloat64())
	}
	type variant struct {
		name    string
		causal  bool
		mask    int // 0 none, 1 [L, S] broadcast over the batch, 2 [Batch, S] over the queries
		dropout float32
	}
	variants := []variant{{"plain", false, 0, 0}, {"causal", true, 0, 0}, {"mask", false, 1, 0}, {"padding", true, 2, 0}, {"dropout", false, 1, 0.25}}
	for _, s := range [][5]int{{1, 1, 1, 1, 1}, {2, 5, 7, 3, 4}, {3, 70, 65, 16, 8}, {1, 130, 33, 64, 64}, {2, 9, 0, 4, 4}, {2, 0, 5, 4, 4}} {
		batch, l, sl, dd, dv := s[0], s[1], s[2], s[3], s[4]
		for _, vr := range variants {
			params := func(mask device.Buffer) device.AttentionParams {
				p := device.AttentionParams{Batch: batch, L: l, S: sl, D: dd, DV: dv, Scale: float32(1 / math.Sqrt(float64(dd))),
					Causal: vr.causal, DropoutP: vr.dropout, Seed: 7, Offset: 1 << 33}
				switch vr.mask {
				case 1:
					p.Mask = device.Strided{Buf: mask, Offset: 1, Strides: []int{0, sl, 1}}
				case 2:
					p.Mask = device.Strided{Buf: mask, Strides: []int{sl, 0, 1}}
				}
				return p
			}
			maskN := 1 + l*sl
			if vr.mask == 2 {
				maskN = batch * sl
			}
			// Buffers: out, lse, q, k, v, mask.
			fwd := []Buf{{N: batch * l * dv}, {N: batch * l}, {N: batch * l * dd, Gen: Normal}, {N: batch * sl * dd, Gen: Normal}, {N: batch * sl * dv, Gen: Normal}, {N: maskN, Gen: masked}}
			name := fmt.Sprintf("%s/%v", vr.name, s)
			cs = append(cs, Case{
				Name: "Attention/" + name, Bufs: fwd,
				Run: func(d device.Device, b []device.Buffer) {
					d.Attention(params(b[5]), b[0], b[1], b[2], b[3], b[4])
				},
				Check: []int{0, 1}, Atol: sumA, Rtol: sumR,
			})
			// Buffers: dq, dk, dv, dout, then the forward pass's.
			cs = append(cs, Case{
				Name: "AttentionBackward/" + name,
				Bufs: append([]Buf{{N: batch * l * dd}, {N: batch * sl * dd}, {N: batch * sl * dv}, {N: batch * l * dv, Gen: Normal}}, fwd...),
				Run: func(d device.Device, b []device.Buffer) {
					f := b[4:]
					p := params(f[5])
					d.Attention(p, f[0], f[1], f[2], f[3], f[4])
					d.AttentionBackward(p, b[0], b[1], b[2], b[3], f[0], f[1], f[2], f[3], f[4])
				},
				Check: []int{0, 1, 2}, Atol: sumA, Rtol: sumR,
			})
		}
	}
	return cs
}
