package vec

import (
	"runtime"

	"github.com/vkgrad/vkgrad/cpu/internal/team"
)

// GemmNTAvailable says whether GemmNT runs here (AVX-512, and the vector
// kernels not turned off).
func GemmNTAvailable() bool { return simd && haveAVX512 }

// GemmNT computes C = A·Bᵀ (or C += A·Bᵀ with accumulate) for A [m×k]
// and B [n×k] whose rows run along k (row strides lda, ldb ≥ k) and C
// [m×n] with row stride ldc: every element a dot product of two contiguous
// rows, so nothing is packed. Tiles of 4×4 dot products, 16 lanes of k at
// a time, are shared out to GOMAXPROCS goroutines of the team a row of
// tiles at a time, claimed as they finish (a core that neighbours slow
// down takes fewer). It must only be called when GemmNTAvailable.
func GemmNT(m, n, k int, a []float32, lda int, b []float32, ldb int, accumulate bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			for i := range m {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	acc := 0
	if accumulate {
		acc = 1
	}
	tileRows := (m + 3) / 4
	tileRow := func(_, ti int) {
		var scratch [16]float32
		var ap, bp [4]*float32
		i0 := 4 * ti
		for r := range 4 {
			ap[r] = &a[min(i0+r, m-1)*lda] // rows past m repeat the last; their sums are dropped
		}
		for j0 := 0; j0 < n; j0 += 4 {
			for s := range 4 {
				bp[s] = &b[min(j0+s, n-1)*ldb]
			}
			if i0+4 <= m && j0+4 <= n {
				dot4x4AVX512(ap[0], ap[1], ap[2], ap[3], bp[0], bp[1], bp[2], bp[3], k, &c[i0*ldc+j0], ldc, acc)
				continue
			}
			dot4x4AVX512(ap[0], ap[1], ap[2], ap[3], bp[0], bp[1], bp[2], bp[3], k, &scratch[0], 4, 0)
			for r := 0; r < 4 && i0+r < m; r++ {
				row := c[(i0+r)*ldc:]
				for s := 0; s < 4 && j0+s < n; s++ {
					if accumulate {
						row[j0+s] += scratch[4*r+s]
					} else {
						row[j0+s] = scratch[4*r+s]
					}
				}
			}
		}
	}
	// Below 4M multiply-adds, a second goroutine costs more than it saves
	// (go test ./cpu -bench GEMMNT: 128×10×512 took 25 µs on one, 72 µs
	// on two).
	workers := runtime.GOMAXPROCS(0)
	if m*n*k < sgemmSerialMACs {
		workers = 1
	}
	team.Run(tileRows, workers, tileRow)
}
