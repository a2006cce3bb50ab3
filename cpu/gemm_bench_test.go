package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgrad/vkgrad/cpu/internal/vec"
	"github.com/vkgrad/vkgrad/device"
)

// BenchmarkGEMM measures square SGEMM three ways in one run, so the ratios
// are fair on a noisy machine:
//
//	vkgrad   the CPU device's Gemm (whatever engine it uses: OpenBLAS when
//	         present), with its argument checks and buffer handling
//	gonum    gonum's pure-Go Sgemm called directly
//	openblas OpenBLAS's cblas_sgemm called directly (when present)
//
// Each reports GFLOP/s (2n³ flops per product).
func BenchmarkGEMM(b *testing.B) {
	for _, n := range []int{128, 256, 512, 1024, 2048} {
		r := rand.New(rand.NewPCG(1, 2))
		a, bb := randSlice(r, n*n), randSlice(r, n*n)
		c := make([]float32, n*n)
		flops := 2 * float64(n) * float64(n) * float64(n)
		report := func(b *testing.B) {
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		}
		b.Run(fmt.Sprintf("n=%d/vkgrad", n), func(b *testing.B) {
			d := New()
			ab, bbuf, cb := upload(d, a), upload(d, bb), device.MustAlloc(d, n*n)
			p := device.GemmParams{M: n, N: n, K: n, Alpha: 1,
				A: device.Matrix{Buf: ab, LD: n}, B: device.Matrix{Buf: bbuf, LD: n}, C: device.Matrix{Buf: cb, LD: n}}
			b.ResetTimer()
			for range b.N {
				d.Gemm(p)
			}
			report(b)
		})
		b.Run(fmt.Sprintf("n=%d/gonum", n), func(b *testing.B) {
			for range b.N {
				gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n)
			}
			report(b)
		})
		if ob, ok := engines["openblas"]; ok {
			b.Run(fmt.Sprintf("n=%d/openblas", n), func(b *testing.B) {
				for range b.N {
					ob.impl.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n)
				}
				report(b)
			})
		}
	}
}

// BenchmarkGEMMShapes measures the products of one MNIST MLP training step
// (batch 128, 784→512→10; weights stored [out, in] as PyTorch's) through the
// CPU device's Gemm, each reporting GFLOP/s. Their sum is the floor a
// training step's time is compared with (vkbench's "outside GEMM" share).
func BenchmarkGEMMShapes(b *testing.B) {
	nt, tn, nn := blas.NoTrans, blas.Trans, blas.NoTrans
	for _, c := range []struct {
		name    string
		tA, tB  blas.Transpose
		m, n, k int
	}{
		{"mlp fc1 forward x·Wᵀ", nn, tn, 128, 512, 784},
		{"mlp fc1 weight grad dYᵀ·x", tn, nt, 512, 784, 128},
		{"mlp fc2 forward h·Wᵀ", nn, tn, 128, 10, 512},
		{"mlp fc2 forward h·(Wᵀ stored)", nn, nt, 128, 10, 512},
		{"mlp fc2 forward (W·hᵀ)ᵀ", nn, tn, 10, 128, 512},
		{"mlp fc2 weight grad dYᵀ·h", tn, nt, 10, 512, 128},
		{"mlp fc2 input grad dY·W", nn, nt, 128, 512, 10},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			d := New()
			ar, ac := c.m, c.k
			if c.tA == blas.Trans {
				ar, ac = ac, ar
			}
			br, bc := c.k, c.n
			if c.tB == blas.Trans {
				br, bc = bc, br
			}
			ab, bbuf, cb := upload(d, randSlice(r, ar*ac)), upload(d, randSlice(r, br*bc)), device.MustAlloc(d, c.m*c.n)
			p := device.GemmParams{M: c.m, N: c.n, K: c.k, Alpha: 1, TransA: c.tA == blas.Trans, TransB: c.tB == blas.Trans,
				A: device.Matrix{Buf: ab, LD: ac}, B: device.Matrix{Buf: bbuf, LD: bc}, C: device.Matrix{Buf: cb, LD: c.n}}
			b.ResetTimer()
			for range b.N {
				d.Gemm(p)
			}
			b.ReportMetric(2*float64(c.m*c.n*c.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGEMMNT compares, for the products of the form A·Bᵀ in the
// MNIST models (the forward passes of linear layers, a convolution's
// filter gradient), vkgrad's own dot-product kernel (vec.GemmNT, AVX-512)
// with the engine blas32 uses (OpenBLAS when present), in GFLOP/s.
func BenchmarkGEMMNT(b *testing.B) {
	for _, s := range []struct {
		name    string
		m, n, k int
	}{
		{"mlp fc1 forward", 128, 512, 784},
		{"mlp fc2 forward", 128, 10, 512},
		{"cnn fc1 forward", 128, 128, 3136},
		{"cnn conv2 filter grad", 64, 288, 25088},
	} {
		r := rand.New(rand.NewPCG(1, 2))
		a, bb := randSlice(r, s.m*s.k), randSlice(r, s.n*s.k)
		c := make([]float32, s.m*s.n)
		report := func(b *testing.B) {
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		}
		b.Run(s.name+"/engine", func(b *testing.B) {
			for range b.N {
				blas32.Gemm(blas.NoTrans, blas.Trans, 1, blas32.General{Rows: s.m, Cols: s.k, Stride: s.k, Data: a},
					blas32.General{Rows: s.n, Cols: s.k, Stride: s.k, Data: bb}, 0, blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c})
			}
			report(b)
		})
		b.Run(s.name+"/vkgrad-nt", func(b *testing.B) {
			if !vec.GemmNTAvailable() {
				b.Skip("no AVX-512")
			}
			for range b.N {
				vec.GemmNT(s.m, s.n, s.k, a, s.k, bb, s.k, false, c, s.n)
			}
			report(b)
		})
	}
}
