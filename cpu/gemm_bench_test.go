package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

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
