package cpu

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgrad/vkgrad/cpu/internal/vec"
)

// avx512Engine is vkgrad's own GEMM engine: Sgemm runs vec's packed
// AVX-512 kernel (or, for a skinny A·Bᵀ, its dot-product kernel); every
// other BLAS routine is gonum's.
type avx512Engine struct{ gonum.Implementation }

// avx512EngineName describes the engine for GEMMEngine.
const avx512EngineName = "avx512 (vkgrad's packed 8×48 AVX-512 SGEMM, goroutines over tiles)"

// Sgemm computes C = alpha·op(A)·op(B) + beta·C, row-major, as BLAS's
// sgemm does.
//
// A skinny A·Bᵀ (an output layer's forward pass: C with at most 32 rows or
// columns) runs as dot products of the rows, unpacked: the packed kernel
// would pad a 10-wide C to 48 columns.
func (avx512Engine) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	transA, transB := tA != blas.NoTrans, tB != blas.NoTrans
	if !transA && transB && alpha == 1 && (beta == 0 || beta == 1) && min(m, n) <= 32 {
		vec.GemmNT(m, n, k, a, lda, b, ldb, beta == 1, c, ldc)
		return
	}
	vec.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
