package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
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

// BenchmarkGEMMShapes measures the products of the CPU training steps
// (bench's TrainStepsCPU: the MNIST MLP and CNN at batch 128, the LSTM and
// the Transformer layer) on every GEMM engine, in GFLOP/s, so that one run
// compares them on the same shapes:
//
//	go test ./cpu -run XXX -bench GEMMShapes
//
// The sum of a step's products is the floor its time is compared with
// (the "outside GEMM" share).
func BenchmarkGEMMShapes(b *testing.B) {
	defer func() {
		if err := UseGEMMEngine(defaultEngine()); err != nil {
			b.Fatal(err)
		}
	}()
	for _, c := range []struct {
		name        string
		tA, tB      bool
		m, n, k     int
		alpha, beta float32
	}{
		{"mlp fc1 forward x·Wᵀ", false, true, 128, 512, 784, 1, 0},
		{"mlp fc1 weight grad dYᵀ·x", true, false, 512, 784, 128, 1, 0},
		{"mlp fc2 forward h·Wᵀ", false, true, 128, 10, 512, 1, 0},
		{"mlp fc2 weight grad dYᵀ·h", true, false, 10, 512, 128, 1, 0},
		{"mlp fc2 input grad dY·W", false, false, 128, 512, 10, 1, 0},
		{"cnn conv1 forward", false, false, 32, 100352, 9, 1, 0},
		{"cnn conv1 filter grad", false, true, 32, 9, 100352, 1, 0},
		{"cnn conv2 forward", false, false, 64, 25088, 288, 1, 0},
		{"cnn conv2 filter grad", false, true, 64, 288, 25088, 1, 0},
		{"cnn conv2 input grad", true, false, 288, 25088, 64, 1, 0},
		{"cnn fc1 forward", false, true, 128, 128, 3136, 1, 0},
		{"cnn fc1 input grad", false, false, 128, 3136, 128, 1, 0},
		{"cnn fc1 weight grad", true, false, 128, 3136, 128, 1, 0},
		{"lstm gates x·Wᵀ", false, true, 64, 1024, 256, 1, 0},
		{"lstm input grad", false, false, 64, 256, 1024, 1, 0},
		{"lstm weight grad", true, false, 1024, 256, 64, 1, 0},
		{"transformer scores q·kᵀ", false, true, 128, 128, 64, 0.125, 0},
		{"transformer dV += pᵀ·dO", true, false, 128, 64, 128, 1, 1},
		{"transformer ffn forward", false, true, 4096, 1024, 256, 1, 0},
		{"transformer ffn weight grad", true, false, 1024, 256, 4096, 1, 0},
	} {
		ar, ac := c.m, c.k
		if c.tA {
			ar, ac = ac, ar
		}
		br, bc := c.k, c.n
		if c.tB {
			br, bc = bc, br
		}
		r := rand.New(rand.NewPCG(1, 2))
		a, bb, cc := randSlice(r, ar*ac), randSlice(r, br*bc), randSlice(r, c.m*c.n)
		for _, e := range GEMMEngines() {
			if e == "gonum" && c.m*c.n*c.k > 1<<24 {
				continue // minutes on the largest shapes, and not the engine a machine with another uses
			}
			b.Run(c.name+"/"+e, func(b *testing.B) {
				if err := UseGEMMEngine(e); err != nil {
					b.Fatal(err)
				}
				d := New()
				p := device.GemmParams{M: c.m, N: c.n, K: c.k, Alpha: c.alpha, Beta: c.beta, TransA: c.tA, TransB: c.tB,
					A: device.Matrix{Buf: upload(d, a), LD: ac}, B: device.Matrix{Buf: upload(d, bb), LD: bc}, C: device.Matrix{Buf: upload(d, cc), LD: c.n}}
				b.ResetTimer()
				for range b.N {
					d.Gemm(p)
				}
				b.ReportMetric(2*float64(c.m*c.n*c.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkGEMMNT compares, for products of the form A·Bᵀ in the MNIST
// models (the forward passes of linear layers, a convolution's filter
// gradient), the avx512 engine's two kernels: dot products of unpacked
// rows (vec.GemmNT) and the packed 8×48 kernel (vec.Sgemm), in GFLOP/s;
// the engine takes the first where C has at most 32 rows or columns.
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
		b.Run(s.name+"/packed", func(b *testing.B) {
			if !vec.SgemmAvailable() {
				b.Skip("no AVX-512")
			}
			for range b.N {
				vec.Sgemm(false, true, s.m, s.n, s.k, 1, a, s.k, bb, s.k, 0, c, s.n)
			}
			report(b)
		})
		b.Run(s.name+"/dot", func(b *testing.B) {
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
