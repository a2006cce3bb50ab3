package cpu

import (
	"fmt"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/vkgrad/vkgrad/cpu/internal/vec"
	"github.com/vkgrad/vkgrad/device"
)

// checkGemm panics, as gonum does, unless the slices hold the matrices a
// row-major Sgemm with these arguments reads and writes.
func checkGemm(tA, tB blas.Transpose, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	ar, ac := m, k
	if tA != blas.NoTrans {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB != blas.NoTrans {
		br, bc = n, k
	}
	switch {
	case lda < max(1, ac) || ldb < max(1, bc) || ldc < max(1, n):
		panic(fmt.Sprintf("cpu: sgemm: bad leading dimension lda=%d ldb=%d ldc=%d for m=%d n=%d k=%d", lda, ldb, ldc, m, n, k))
	case la < (ar-1)*lda+ac || lb < (br-1)*ldb+bc || lc < (m-1)*ldc+n:
		panic(fmt.Sprintf("cpu: sgemm: short slice for m=%d n=%d k=%d", m, n, k))
	}
}

// matrixSpan is the number of elements a stored rows×cols matrix with
// leading dimension ld spans.
func matrixSpan(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// Gemm computes a batch of C = act(alpha*op(A)*op(B) + beta*C + bias).
func (d *Device) Gemm(p device.GemmParams) {
	const op = "Gemm"
	if p.M < 0 || p.N < 0 || p.K < 0 || p.Batch < 0 {
		panic(fmt.Sprintf("cpu: Gemm: negative size M=%d N=%d K=%d batch=%d", p.M, p.N, p.K, p.Batch))
	}
	a, b, c := d.data(op, p.A.Buf), d.data(op, p.B.Buf), d.data(op, p.C.Buf)
	ar, ac := p.M, p.K
	tA := blas.NoTrans
	if p.TransA {
		ar, ac, tA = p.K, p.M, blas.Trans
	}
	br, bc := p.K, p.N
	tB := blas.NoTrans
	if p.TransB {
		br, bc, tB = p.N, p.K, blas.Trans
	}
	batches := p.Batches()
	check := func(name string, m device.Matrix, rows, cols, length int) {
		if cols > 0 && m.LD < cols {
			panic(fmt.Sprintf("cpu: Gemm: %s has leading dimension %d < %d columns", name, m.LD, cols))
		}
		span := matrixSpan(rows, cols, m.LD)
		if span > 0 && (m.Offset < 0 || m.BatchStride < 0 || m.Offset+(batches-1)*m.BatchStride+span > length) {
			panic(fmt.Sprintf("cpu: Gemm: %s (%dx%d, ld %d, offset %d, batch stride %d, %d batches) does not fit a buffer of %d", name, rows, cols, m.LD, m.Offset, m.BatchStride, batches, length))
		}
	}
	check("A", p.A, ar, ac, len(a))
	check("B", p.B, br, bc, len(b))
	check("C", p.C, p.M, p.N, len(c))
	var bias []float32
	if p.Bias != nil {
		bias = d.data(op, p.Bias)
		device.CheckLen("cpu: Gemm", "bias", p.Bias, p.BiasOffset, p.N)
		bias = bias[p.BiasOffset : p.BiasOffset+p.N]
	}
	d.ops.Add(1)
	if p.M == 0 || p.N == 0 {
		return
	}
	act := p.Act != device.UnaryIdentity
	var f func(float32) float32
	if act {
		f = UnaryFunc(p.Act, p.ActAlpha)
	}
	for i := 0; i < batches; i++ {
		co := p.C.Offset + i*p.C.BatchStride
		cm := blas32.General{Rows: p.M, Cols: p.N, Stride: p.C.LD, Data: c[co : co+matrixSpan(p.M, p.N, p.C.LD)]}
		if p.K == 0 {
			scaleMatrix(cm, p.Beta)
		} else {
			ao := p.A.Offset + i*p.A.BatchStride
			bo := p.B.Offset + i*p.B.BatchStride
			am := blas32.General{Rows: ar, Cols: ac, Stride: p.A.LD, Data: a[ao : ao+matrixSpan(ar, ac, p.A.LD)]}
			bm := blas32.General{Rows: br, Cols: bc, Stride: p.B.LD, Data: b[bo : bo+matrixSpan(br, bc, p.B.LD)]}
			d.blasGemm(tA, tB, p.Alpha, am, bm, p.Beta, cm)
		}
		if bias != nil || act {
			epilogue(cm, bias, f, p.Act == device.UnaryReLU)
		}
	}
}

// blasGemm is every product of the CPU backend (Gemm's, the
// convolutions', attention's): blas32.Gemm on the GEMM engine in use
// (GEMMEngine), its time counted in GEMMTime.
func (d *Device) blasGemm(tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General) {
	d.blasGemmShared(1, tA, tB, alpha, a, b, beta, c)
}

// blasGemmShared is blasGemm for a product that runs beside share-1 others
// on other goroutines (a per-image convolution's): its time counts
// 1/share, so that GEMMTime stays a share of the wall time.
func (d *Device) blasGemmShared(share int, tA, tB blas.Transpose, alpha float32, a, b blas32.General, beta float32, c blas32.General) {
	t0 := time.Now()
	blas32.Gemm(tA, tB, alpha, a, b, beta, c)
	d.gemmNanos.Add(int64(time.Since(t0)) / int64(share))
}

// scaleMatrix sets m = beta*m, writing zeros (not NaN*0) when beta is 0.
func scaleMatrix(m blas32.General, beta float32) {
	for r := 0; r < m.Rows; r++ {
		row := m.Data[r*m.Stride : r*m.Stride+m.Cols]
		for j := range row {
			if beta == 0 {
				row[j] = 0
			} else {
				row[j] *= beta
			}
		}
	}
}

// epilogue adds bias to every row of m and applies f, rows in parallel.
// ReLU, the common case, runs in the bias loop itself rather than through
// f (relu says so), with the same result as UnaryFunc's.
func epilogue(m blas32.General, bias []float32, f func(float32) float32, relu bool) {
	parallelFor(m.Rows, max(1, grainElementwise/max(1, m.Cols)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := m.Data[r*m.Stride : r*m.Stride+m.Cols]
			switch {
			case relu && bias != nil:
				vec.BiasReLU(row, bias) // NaN stays NaN, −0 becomes 0, as UnaryFunc's ReLU
				continue
			case bias != nil:
				bias := bias[:len(row)]
				for j := range row {
					row[j] += bias[j]
				}
			}
			if f != nil {
				for j := range row {
					row[j] = f(row[j])
				}
			}
		}
	})
}
