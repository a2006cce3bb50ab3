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

// TestMaxPool2x2Row checks the window rule against a plain reference
// (the first maximum, the first NaN when there is one) and the assembly
// against the Go loop, over special values and ties.
func TestMaxPool2x2Row(t *testing.T) {
	ref := func(v [4]float32, pos [4]int) (float32, float32) {
		best, bi := v[0], pos[0]
		for k := 1; k < 4; k++ {
			if v[k] > best || (v[k] != v[k] && best == best) {
				best, bi = v[k], pos[k]
			}
		}
		return best, float32(bi)
	}
	defer func(old bool) { simd = old }(simd)
	tieValues := []float32{-1, float32(math.Copysign(0, -1)), 0, 1, 2, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	for _, n := range []int{0, 1, 7, 8, 9, 16, 23, 300} {
		for _, mix := range []string{"values", "ties", "room"} {
			r := rand.New(rand.NewPCG(uint64(n), 9))
			var r0, r1 []float32
			if mix == "ties" {
				r0, r1 = make([]float32, 2*n), make([]float32, 2*n)
				for i := range r0 {
					r0[i], r1[i] = tieValues[r.IntN(len(tieValues))], tieValues[r.IntN(len(tieValues))]
				}
			} else {
				r0, r1 = values(r, 2*n, false), values(r, 2*n, false)
			}
			// "room": slices longer than the row, which the assembly may
			// write past n; otherwise nothing past n may change.
			room := 0
			if mix == "room" {
				room = 8
				r0, r1 = append(r0, values(r, 16, false)...), append(r1, values(r, 16, false)...)
			}
			const base, w = 1000, 64
			var got [2][2][]float32
			for pass, on := range []bool{false, true} {
				if on && !haveSIMD {
					continue
				}
				simd = on
				y, ix := make([]float32, n+room+4), make([]float32, n+room+4)
				for i := range y {
					y[i], ix[i] = -7, -7
				}
				MaxPool2x2Row(r0, r1, y[:n+room], ix[:n+room], n, base, w)
				for i := n + room; i < len(y); i++ {
					if y[i] != -7 || ix[i] != -7 {
						t.Fatalf("%s n=%d: element %d past the slices was written", mix, n, i)
					}
				}
				if room == 0 {
					for i := n; i < len(y); i++ {
						if y[i] != -7 || ix[i] != -7 {
							t.Fatalf("%s n=%d: element %d past the row was written without room", mix, n, i)
						}
					}
				}
				got[pass] = [2][]float32{y, ix}
			}
			for j := range n {
				wv, wi := ref([4]float32{r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]}, [4]int{base + 2*j, base + 2*j + 1, base + w + 2*j, base + w + 2*j + 1})
				for pass := range 2 {
					if got[pass][0] == nil {
						continue
					}
					gv, gi := got[pass][0][j], got[pass][1][j]
					if gi != wi || (math.Float32bits(gv) != math.Float32bits(wv) && !(gv != gv && wv != wv)) {
						t.Fatalf("%s n=%d window %d (assembly %v): %v at %v, want %v at %v; window %v %v %v %v",
							mix, n, j, pass == 1, gv, gi, wv, wi, r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1])
					}
				}
			}
		}
	}
}

// BenchmarkMaxPool2x2Row pools rows of 14 and 7 windows (the MNIST CNN's
// two pooling layers) with the assembly on and off, in windows per second.
func BenchmarkMaxPool2x2Row(b *testing.B) {
	defer func(old bool) { simd = old }(simd)
	for _, n := range []int{14, 7} {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("windows=%d/simd=%v", n, on), func(b *testing.B) {
				if on && !haveSIMD {
					b.Skip("no assembly kernels here")
				}
				simd = on
				r := rand.New(rand.NewPCG(1, 2))
				const rows = 1024
				x := values(r, rows*4*n, false)
				y, ix := make([]float32, rows*n), make([]float32, rows*n)
				b.ResetTimer()
				for range b.N {
					for i := range rows {
						MaxPool2x2Row(x[i*4*n:], x[i*4*n+2*n:], y[i*n:], ix[i*n:], n, 0, 2*n) // the rest as room, as the CPU backend passes it
					}
				}
				b.ReportMetric(float64(b.N)*rows*float64(n)/b.Elapsed().Seconds()/1e6, "Mwindows/s")
			})
		}
	}
}

// TestSums holds SumF64 and AddToF64 to the same bits with the assembly
// on and off, and SumF64 close to a plain float64 sum.
func TestSums(t *testing.T) {
	if !haveSIMD {
		t.Skip("no assembly kernels on this processor or build: the Go loops are the only path")
	}
	defer func(old bool) { simd = old }(simd)
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 100, 1001} {
		r := rand.New(rand.NewPCG(uint64(n), 5))
		normal := make([]float32, n)
		for i := range normal {
			normal[i] = float32(r.NormFloat64() * 100)
		}
		for _, x := range [][]float32{normal, values(r, n, false)} {
			acc0 := make([]float64, n)
			for i := range acc0 {
				acc0[i] = r.NormFloat64()
			}
			var sums [2]float64
			var accs [2][]float64
			for pass, on := range []bool{false, true} {
				simd = on
				sums[pass] = SumF64(x)
				accs[pass] = append([]float64(nil), acc0...)
				AddToF64(accs[pass], x)
			}
			if math.Float64bits(sums[0]) != math.Float64bits(sums[1]) && !(sums[0] != sums[0] && sums[1] != sums[1]) {
				t.Fatalf("n=%d: SumF64 gives %v in Go, %v in assembly", n, sums[0], sums[1])
			}
			for i := range acc0 {
				if a, b := accs[0][i], accs[1][i]; math.Float64bits(a) != math.Float64bits(b) && !(a != a && b != b) {
					t.Fatalf("n=%d: AddToF64 element %d: %v in Go, %v in assembly", n, i, a, b)
				}
			}
		}
		var plain float64
		for _, v := range normal {
			plain += float64(v)
		}
		if got := SumF64(normal); math.Abs(got-plain) > 1e-9*(1+math.Abs(plain)) {
			t.Fatalf("n=%d: SumF64 %v, a plain sum %v", n, got, plain)
		}
	}
}

// TestGemmNT checks GemmNT against float64 dot products over shapes with
// edges in every direction, row strides past k, both modes.
func TestGemmNT(t *testing.T) {
	if !GemmNTAvailable() {
		t.Skip("no AVX-512 here")
	}
	for _, s := range []struct{ m, n, k int }{{1, 1, 1}, {4, 4, 16}, {5, 3, 17}, {3, 9, 15}, {8, 8, 33}, {13, 10, 512}, {128, 10, 512}, {37, 29, 100}, {2, 70, 1000}, {0, 3, 4}, {3, 3, 0}} {
		for _, accumulate := range []bool{false, true} {
			r := rand.New(rand.NewPCG(uint64(s.m*1000+s.n), uint64(s.k)))
			lda, ldb, ldc := s.k+3, s.k+1, s.n+2
			a := make([]float32, max(0, (s.m-1)*lda+s.k))
			b := make([]float32, max(0, (s.n-1)*ldb+s.k))
			c := make([]float32, max(0, s.m*ldc))
			for _, x := range [][]float32{a, b, c} {
				for i := range x {
					x[i] = float32(r.NormFloat64())
				}
			}
			c0 := append([]float32(nil), c...)
			GemmNT(s.m, s.n, s.k, a, lda, b, ldb, accumulate, c, ldc)
			for i := range s.m {
				for j := range ldc {
					got := float64(c[i*ldc+j])
					if j >= s.n {
						if got != float64(c0[i*ldc+j]) {
							t.Fatalf("%+v: C[%d][%d] past n was written", s, i, j)
						}
						continue
					}
					var want, mag float64
					for p := range s.k {
						v := float64(a[i*lda+p]) * float64(b[j*ldb+p])
						want += v
						mag += math.Abs(v)
					}
					if accumulate {
						want += float64(c0[i*ldc+j])
						mag += math.Abs(float64(c0[i*ldc+j]))
					}
					if math.Abs(got-want) > 1e-5*(1+mag) {
						t.Fatalf("%+v accumulate=%v: C[%d][%d] = %v, want %v", s, accumulate, i, j, got, want)
					}
				}
			}
		}
	}
}
