package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func TestTranspose8(t *testing.T) {
	if !SgemmAvailable() {
		t.Skip("no AVX-512 here")
	}
	const lds, ldd, blocks = 37, 11, 4
	src := make([]float32, 7*lds+8*blocks)
	for i := range src {
		src[i] = float32(i)
	}
	dst := make([]float32, (8*blocks-1)*ldd+8+5)
	for i := range dst {
		dst[i] = -1
	}
	transpose8(&src[0], lds, &dst[0], ldd, blocks)
	for k := range 8 * blocks {
		for r := range ldd {
			i := k*ldd + r
			if i >= len(dst) {
				break
			}
			want := float32(-1)
			if r < 8 {
				want = src[r*lds+k]
			}
			if dst[i] != want {
				t.Fatalf("dst[%d*%d+%d] = %v, want %v", k, ldd, r, dst[i], want)
			}
		}
	}
}

// refGemm is C = alpha·op(A)·op(B) + beta·C in float64, with the sum of
// magnitudes of each element's terms for the tolerance.
func refGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want, mag []float64) {
	want, mag = make([]float64, m*n), make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, sm float64
			for p := range k {
				ai, bi := i*lda+p, p*ldb+j
				if transA {
					ai = p*lda + i
				}
				if transB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				v := float64(av) * float64(bv)
				s += v
				sm += math.Abs(v)
			}
			s *= float64(alpha)
			sm *= math.Abs(float64(alpha))
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
				sm += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			want[i*n+j], mag[i*n+j] = s, sm
		}
	}
	return want, mag
}

func TestSgemm(t *testing.T) {
	if !SgemmAvailable() {
		t.Skip("no AVX-512 here")
	}
	shapes := []struct{ m, n, k int }{
		{1, 1, 1}, {8, 48, 8}, {8, 48, 1}, {9, 49, 9}, {7, 47, 7}, {16, 96, 384}, {17, 100, 385},
		{128, 512, 100}, {33, 200, 800}, {800, 50, 20}, {3, 1200, 17}, {130, 70, 0}, {5, 5, 3},
		{9, 77, 13}, {1100, 60, 50}, {1040, 50, 40}, // many rows: Goto's scheme
		{72, 20, 8000}, {16, 40, 3000}, // k in groups, summed apart
	}
	scalars := []struct{ alpha, beta float32 }{{1, 0}, {1, 1}, {0.5, 0}, {-2, 0.25}, {0, 0.5}, {1, -1}}
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			for si, sc := range scalars {
				if si > 1 && s.m*s.n*s.k > 1e6 {
					continue // the large shapes with the two common scalars only
				}
				name := fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v/alpha=%v,beta=%v", s.m, s.n, s.k, tr[0], tr[1], sc.alpha, sc.beta)
				r := rand.New(rand.NewPCG(uint64(s.m*7919+s.n), uint64(s.k*31+si)))
				ar, ac := s.m, s.k
				if tr[0] {
					ar, ac = s.k, s.m
				}
				br, bc := s.k, s.n
				if tr[1] {
					br, bc = s.n, s.k
				}
				lda, ldb, ldc := ac+3, bc+1, s.n+2
				a := make([]float32, max(0, (ar-1)*lda+ac))
				b := make([]float32, max(0, (br-1)*ldb+bc))
				c := make([]float32, s.m*ldc)
				for _, x := range [][]float32{a, b, c} {
					for i := range x {
						x[i] = float32(r.NormFloat64())
					}
				}
				if sc.beta == 0 {
					for i := range c {
						c[i] = float32(math.NaN()) // must not survive beta 0
					}
				}
				c0 := append([]float32(nil), c...)
				want, mag := refGemm(tr[0], tr[1], s.m, s.n, s.k, sc.alpha, a, lda, b, ldb, sc.beta, c0, ldc)
				Sgemm(tr[0], tr[1], s.m, s.n, s.k, sc.alpha, a, lda, b, ldb, sc.beta, c, ldc)
				for i := range s.m {
					for j := range ldc {
						got := c[i*ldc+j]
						if j >= s.n {
							if math.Float32bits(got) != math.Float32bits(c0[i*ldc+j]) {
								t.Fatalf("%s: C[%d][%d] past n was written", name, i, j)
							}
							continue
						}
						w := want[i*s.n+j]
						if math.IsNaN(float64(got)) || math.Abs(float64(got)-w) > 1e-5*(1+mag[i*s.n+j]) {
							t.Fatalf("%s: C[%d][%d] = %v, want %v", name, i, j, got, w)
						}
					}
				}
			}
		}
	}
}

// TestSgemmSameBitsAnyWorkers wants the same bits from one goroutine and
// from several: each element is summed in one fixed order.
func TestSgemmSameBitsAnyWorkers(t *testing.T) {
	if !SgemmAvailable() {
		t.Skip("no AVX-512 here")
	}
	for _, s := range []struct{ m, n, k int }{
		{100, 300, 900},  // k in groups for enough units
		{1100, 200, 500}, // Goto's scheme
		{128, 512, 784},  // one group
	} {
		r := rand.New(rand.NewPCG(1, 2))
		a, b := make([]float32, s.m*s.k), make([]float32, s.k*s.n)
		for _, x := range [][]float32{a, b} {
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
		}
		var results [][]float32
		for _, procs := range []int{1, 2, 3} {
			prev := runtime.GOMAXPROCS(procs)
			c := make([]float32, s.m*s.n)
			Sgemm(false, true, s.m, s.n, s.k, 1, a, s.k, b, s.k, 0, c, s.n)
			runtime.GOMAXPROCS(prev)
			results = append(results, c)
		}
		for i := 1; i < len(results); i++ {
			if at, ok := same(results[0], results[i]); !ok {
				t.Fatalf("%+v: GOMAXPROCS %d gives other bits than 1 at %d", s, i+1, at)
			}
		}
	}
}

func TestSgemmPanicsOnShortSlices(t *testing.T) {
	if !SgemmAvailable() {
		t.Skip("no AVX-512 here")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	Sgemm(false, false, 4, 4, 4, 1, make([]float32, 15), 4, make([]float32, 16), 4, 0, make([]float32, 16), 4)
}

func BenchmarkSgemm(b *testing.B) {
	if !SgemmAvailable() {
		b.Skip("no AVX-512 here")
	}
	for _, s := range []struct {
		m, n, k        int
		transA, transB bool
	}{
		{128, 512, 784, false, true}, // MNIST MLP forward: x·W1ᵀ
		{512, 784, 128, true, false}, // its weight gradient: dyᵀ·x
		{128, 784, 512, false, false},
		{1024, 1024, 1024, false, false},
	} {
		b.Run(fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v", s.m, s.n, s.k, s.transA, s.transB), func(b *testing.B) {
			a := make([]float32, s.m*s.k)
			bb := make([]float32, s.k*s.n)
			c := make([]float32, s.m*s.n)
			for i := range a {
				a[i] = 1
			}
			for i := range bb {
				bb[i] = 1
			}
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			b.ResetTimer()
			for range b.N {
				Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
