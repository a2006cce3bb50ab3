package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

// naiveGemm is the float64 reference of Gemm for one batch entry.
func naiveGemm(p device.GemmParams, a, b, c, bias []float32, batch int) []float64 {
	out := make([]float64, p.M*p.N)
	for i := 0; i < p.M; i++ {
		for j := 0; j < p.N; j++ {
			var s float64
			for k := 0; k < p.K; k++ {
				var av, bv float32
				if p.TransA {
					av = a[p.A.Offset+batch*p.A.BatchStride+k*p.A.LD+i]
				} else {
					av = a[p.A.Offset+batch*p.A.BatchStride+i*p.A.LD+k]
				}
				if p.TransB {
					bv = b[p.B.Offset+batch*p.B.BatchStride+j*p.B.LD+k]
				} else {
					bv = b[p.B.Offset+batch*p.B.BatchStride+k*p.B.LD+j]
				}
				s += float64(av) * float64(bv)
			}
			v := float64(p.Alpha) * s
			if p.Beta != 0 {
				v += float64(p.Beta) * float64(c[p.C.Offset+batch*p.C.BatchStride+i*p.C.LD+j])
			}
			if bias != nil {
				v += float64(bias[j])
			}
			v = float64(UnaryFunc(p.Act, p.ActAlpha)(float32(v)))
			out[i*p.N+j] = v
		}
	}
	return out
}

type gemmCase struct {
	tA, tB         bool
	m, n, k, batch int
	alpha, beta    float32
	pad            int // extra leading-dimension padding and offset
	bias           bool
	act            device.UnaryOp
	broadcastB     bool
}

func TestGemmAgainstNaive(t *testing.T) {
	cases := []gemmCase{
		{m: 1, n: 1, k: 1, alpha: 1},
		{m: 7, n: 5, k: 3, alpha: 1},
		{tA: true, m: 13, n: 17, k: 11, alpha: 1},
		{tB: true, m: 13, n: 17, k: 11, alpha: 0.5},
		{tA: true, tB: true, m: 33, n: 65, k: 31, alpha: 2, beta: 0.5},
		{m: 64, n: 64, k: 64, alpha: 1, beta: 1, pad: 3},
		{m: 9, n: 10, k: 0, alpha: 1, beta: 0.5},
		{m: 0, n: 10, k: 4, alpha: 1},
		{m: 5, n: 6, k: 7, batch: 3, alpha: 1, pad: 2},
		{m: 5, n: 6, k: 7, batch: 4, alpha: 1, broadcastB: true},
		{m: 31, n: 29, k: 37, alpha: 1, bias: true, act: device.UnaryReLU},
		{m: 8, n: 9, k: 10, alpha: 1, bias: true, act: device.UnaryTanh, tB: true},
		{m: 8, n: 9, k: 10, alpha: 1, act: device.UnaryLeakyReLU, batch: 2},
	}
	for _, engine := range GEMMEngines() {
		if err := UseGEMMEngine(engine); err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/%+v", engine, tc), func(t *testing.T) { runGemmCase(t, tc) })
		}
	}
	restoreEngine(t)
}

func restoreEngine(t *testing.T) {
	if err := UseGEMMEngine(defaultEngine()); err != nil {
		t.Fatal(err)
	}
}

func runGemmCase(t *testing.T, tc gemmCase) {
	d := New()
	r := rand.New(rand.NewPCG(1, uint64(tc.m*1000+tc.n)))
	batch := max(tc.batch, 1)
	ar, ac := tc.m, tc.k
	if tc.tA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.tB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
	sa, sb, sc := ar*lda+tc.pad, br*ldb+tc.pad, tc.m*ldc+tc.pad
	if tc.broadcastB {
		sb = 0
	}
	a := randSlice(r, tc.pad+batch*sa+1)
	b := randSlice(r, tc.pad+max(batch*sb, br*ldb)+1)
	c := randSlice(r, tc.pad+batch*sc+1)
	p := device.GemmParams{
		TransA: tc.tA, TransB: tc.tB, M: tc.m, N: tc.n, K: tc.k, Batch: tc.batch,
		Alpha: tc.alpha, Beta: tc.beta,
		A:   device.Matrix{Buf: upload(d, a), Offset: tc.pad, LD: lda, BatchStride: sa},
		B:   device.Matrix{Buf: upload(d, b), Offset: tc.pad, LD: ldb, BatchStride: sb},
		C:   device.Matrix{Buf: upload(d, c), Offset: tc.pad, LD: ldc, BatchStride: sc},
		Act: tc.act, ActAlpha: 0.1,
	}
	var bias []float32
	if tc.bias {
		bias = randSlice(r, tc.n)
		p.Bias = upload(d, bias)
	}
	d.Gemm(p)
	got := download(t, d, p.C.Buf, len(c))
	for bi := 0; bi < batch; bi++ {
		want := naiveGemm(p, a, b, c, bias, bi)
		var gotB []float32
		for i := 0; i < tc.m; i++ {
			off := tc.pad + bi*sc + i*ldc
			gotB = append(gotB, got[off:off+tc.n]...)
		}
		assertClose(t, fmt.Sprintf("C[batch %d]", bi), gotB, want, 1e-4, 1e-4)
	}
	// Padding between rows must be untouched.
	for bi := 0; bi < batch; bi++ {
		for i := 0; i < tc.m; i++ {
			off := tc.pad + bi*sc + i*ldc
			for j := tc.n; j < ldc && off+j < len(c); j++ {
				if got[off+j] != c[off+j] {
					t.Fatalf("gemm wrote padding at %d", off+j)
				}
			}
		}
	}
}

// TestGemmEnginesAgree runs the same products through every engine and
// compares them with gonum's pure-Go SGEMM.
func TestGemmEnginesAgree(t *testing.T) {
	engines := GEMMEngines()
	if len(engines) < 2 {
		t.Skipf("only %v available: %s", engines, GEMMEngine())
	}
	defer restoreEngine(t)
	r := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][3]int{{1, 1, 1}, {200, 300, 170}, {513, 127, 259}} {
		m, n, k := sz[0], sz[1], sz[2]
		a, b := randSlice(r, m*k), randSlice(r, k*n)
		results := map[string][]float32{}
		for _, e := range engines {
			if err := UseGEMMEngine(e); err != nil {
				t.Fatal(err)
			}
			d := New()
			c := nanBuf(d, m*n)
			d.Gemm(device.GemmParams{M: m, N: n, K: k, Alpha: 1,
				A: device.Matrix{Buf: upload(d, a), LD: k},
				B: device.Matrix{Buf: upload(d, b), LD: n},
				C: device.Matrix{Buf: c, LD: n}})
			results[e] = download(t, d, c, m*n)
		}
		want := make([]float64, m*n)
		for i, v := range results["gonum"] {
			want[i] = float64(v)
		}
		for _, e := range engines {
			if e != "gonum" {
				assertClose(t, fmt.Sprintf("%s vs gonum %v", e, sz), results[e], want, 1e-4, 1e-4)
			}
		}
	}
}

func TestGemmMisusePanics(t *testing.T) {
	d := New()
	a, b, c := device.MustAlloc(d, 6), device.MustAlloc(d, 6), device.MustAlloc(d, 3)
	mustPanic(t, "does not fit", func() {
		d.Gemm(device.GemmParams{M: 2, N: 2, K: 3, Alpha: 1,
			A: device.Matrix{Buf: a, LD: 3}, B: device.Matrix{Buf: b, LD: 2}, C: device.Matrix{Buf: c, LD: 2}})
	})
	mustPanic(t, "leading dimension", func() {
		d.Gemm(device.GemmParams{M: 2, N: 2, K: 3, Alpha: 1,
			A: device.Matrix{Buf: a, LD: 2}, B: device.Matrix{Buf: b, LD: 2}, C: device.Matrix{Buf: device.MustAlloc(d, 4), LD: 2}})
	})
	other := New()
	mustPanic(t, "another device", func() {
		d.Gemm(device.GemmParams{M: 1, N: 1, K: 1, Alpha: 1,
			A: device.Matrix{Buf: device.MustAlloc(other, 1), LD: 1}, B: device.Matrix{Buf: b, LD: 1}, C: device.Matrix{Buf: c, LD: 1}})
	})
}
