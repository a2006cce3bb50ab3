package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// values draws n floats mixing normal values with the ones that tell
// implementations apart: ±0, ±Inf, NaN, subnormals, numbers about
// float32's smallest normal, huge and tiny magnitudes; with onlySpecial,
// only the latter (so pairs such as −0 and −0 meet).
func values(r *rand.Rand, n int, onlySpecial bool) []float32 {
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		1e-39, -1e-39, 0x1p-126, -0x1p-126, 0x1.01p-126, 1e-20, -1e-20, 3e38, -3e38, 1, -1}
	x := make([]float32, n)
	for i := range x {
		k := r.IntN(4)
		switch {
		case onlySpecial || k == 0:
			x[i] = specials[r.IntN(len(specials))]
		case k == 1:
			x[i] = float32(math.Ldexp(r.Float64()+1, -130+r.IntN(10))) // about the smallest normal
		default:
			x[i] = float32(r.NormFloat64())
		}
	}
	return x
}

// same reports whether a and b hold the same bits, any NaN matching any.
func same(a, b []float32) (int, bool) {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i, false
		}
	}
	return 0, true
}

// TestSameBits runs every kernel with the assembly on and off over the
// same inputs (lengths around the vector width) and wants equal bits.
func TestSameBits(t *testing.T) {
	if !haveSIMD {
		t.Skip("no assembly kernels on this processor or build: the Go loops are the only path")
	}
	kernels := []struct {
		name string
		bufs int   // slices the kernel takes
		out  []int // slices it writes
		run  func(b [][]float32)
	}{
		{"RMSprop", 3, []int{0, 2}, func(b [][]float32) { RMSprop(b[0], b[1], b[2], 0.9, 0.1, 1e-7, 1e-3, 0) }},
		{"RMSprop/weight decay", 3, []int{0, 2}, func(b [][]float32) { RMSprop(b[0], b[1], b[2], 0.99, 0.01, 1e-8, 1e-2, 0.1) }},
		{"Adam", 4, []int{0, 2, 3}, func(b [][]float32) {
			Adam(b[0], b[1], b[2], b[3], AdamArgs{B1: 0.9, B1c: 0.1, B2: 0.999, B2c: 0.001, Eps: 1e-8, LRB: 1e-3 / 0.1, BC2: float32(math.Sqrt(0.001)), WD: 0.01})
		}},
		{"AdamW", 4, []int{0, 2, 3}, func(b [][]float32) {
			Adam(b[0], b[1], b[2], b[3], AdamArgs{B1: 0.8, B1c: 0.2, B2: 0.99, B2c: 0.01, Eps: 1e-7, LRB: 0.05, BC2: 0.3, Decay: 0.999, Decoupled: true})
		}},
		{"ReLUBackward", 3, []int{0}, func(b [][]float32) { ReLUBackward(b[0], b[1], b[2]) }},
		{"BiasReLU", 2, []int{0}, func(b [][]float32) { BiasReLU(b[0], b[1]) }},
		{"ReLU", 2, []int{0}, func(b [][]float32) { ReLU(b[0], b[1]) }},
		{"AddTo", 2, []int{0}, func(b [][]float32) { AddTo(b[0], b[1]) }},
		{"AddConst", 2, []int{0}, func(b [][]float32) { AddConst(b[0], b[1], -0.375) }},
	}
	defer func(old bool) { simd = old }(simd)
	for _, k := range kernels {
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 33, 1001, -1001} {
			t.Run(fmt.Sprintf("%s/%d", k.name, n), func(t *testing.T) {
				special := n < 0 // -1001: 1001 special values only
				n := max(n, -n)
				r := rand.New(rand.NewPCG(uint64(n), 3))
				in := make([][]float32, k.bufs)
				for i := range in {
					in[i] = values(r, n, special)
				}
				var got [2][][]float32
				for pass, on := range []bool{false, true} {
					simd = on
					b := make([][]float32, k.bufs)
					for i := range b {
						b[i] = append([]float32(nil), in[i]...)
					}
					for range 3 { // steps feed their state back in
						k.run(b)
					}
					got[pass] = b
				}
				for _, i := range k.out {
					if j, ok := same(got[0][i], got[1][i]); !ok {
						t.Fatalf("slice %d element %d: Go loop %v (%#x), assembly %v (%#x); inputs %v",
							i, j, got[0][i][j], math.Float32bits(got[0][i][j]), got[1][i][j], math.Float32bits(got[1][i][j]), column(in, j))
					}
				}
			})
		}
	}
}

func column(b [][]float32, j int) []float32 {
	c := make([]float32, len(b))
	for i := range b {
		c[i] = b[i][j]
	}
	return c
}

// TestFlushSubnormal checks the state rule's edge: the smallest normal
// stays, anything smaller in magnitude becomes +0, NaN and Inf stay.
func TestFlushSubnormal(t *testing.T) {
	for _, c := range []struct{ in, want float32 }{
		{0x1p-126, 0x1p-126}, {-0x1p-126, -0x1p-126}, {0x1p-127, 0}, {-1e-45, 0}, {float32(math.Copysign(0, -1)), 0},
		{1, 1}, {float32(math.Inf(-1)), float32(math.Inf(-1))},
	} {
		if got := FlushSubnormal(c.in); math.Float32bits(got) != math.Float32bits(c.want) {
			t.Errorf("FlushSubnormal(%g) = %g, want %g", c.in, got, c.want)
		}
	}
	if got := FlushSubnormal(float32(math.NaN())); got == got {
		t.Errorf("FlushSubnormal(NaN) = %g", got)
	}
}
