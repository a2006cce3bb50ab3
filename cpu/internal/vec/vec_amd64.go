//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

var haveSIMD = cpu.X86.HasAVX2

// haveAVX512 gates GemmNT's kernel (AVX-512 Foundation; the operating
// system saving the wide registers is part of the check).
var haveAVX512 = cpu.X86.HasAVX512F

const simdName = "avx2"

// The assembly kernels (vec_amd64.s) take slices whose length is a
// multiple of 8, the others as long or longer.

//go:noescape
func rmspropAVX2(w, g, sq []float32, rho, rho1, eps, lr, wd float32)

//go:noescape
func adamAVX2(w, g, m, v []float32, a *AdamArgs)

//go:noescape
func reluBackwardAVX2(dx, z, dy []float32)

//go:noescape
func biasReLUAVX2(row, bias []float32)

//go:noescape
func reluAVX2(y, x []float32)

//go:noescape
func addToAVX2(dst, src []float32)

//go:noescape
func addConstAVX2(dst, src []float32, b float32)

//go:noescape
func maxPool2x2AVX2(r0, r1, y, ix []float32, base, w int)

//go:noescape
func sumF64AVX2(x []float32) float64

// dot4x4AVX512 sets (or with acc 1, adds to) c[r*ldc+s] the dot product of
// the k floats from a_r and from b_s, for r, s < 4.
//
//go:noescape
func dot4x4AVX512(a0, a1, a2, a3, b0, b1, b2, b3 *float32, k int, c *float32, ldc, acc int)

//go:noescape
func addToF64AVX2(acc []float64, x []float32)

// sgemmKernel8x48 sets (acc 0) or adds to (acc 1) c[r*ldc+j] alpha times
// Σ_k a[8k+r]·b[48k+j], for r < 8, j < 48, over kc ≥ 1 packed steps.
//
//go:noescape
func sgemmKernel8x48(kc int, a, b, c *float32, ldc int, alpha float32, acc int)

// transpose8 sets dst[(8b+k)*ldd + r] = src[r*lds + 8b+k] for r, k < 8
// and b < blocks.
//
//go:noescape
func transpose8(src *float32, lds int, dst *float32, ldd int, blocks int)

// copyStrips8 sets dst[8i+r] = src[i*lds+r] for i < n, r < 8.
//
//go:noescape
func copyStrips8(src *float32, lds int, dst *float32, n int)

// sgemmKernel8x16 and sgemmKernel8x32 are sgemmKernel8x48 with acc 0 for
// the first 16 or 32 columns of a (48-wide) B panel: the last panel of a C
// whose width leaves 16 or 32 columns or fewer, computed into a scratch
// tile.
//
//go:noescape
func sgemmKernel8x16(kc int, a, b, c *float32, ldc int, alpha float32)

//go:noescape
func sgemmKernel8x32(kc int, a, b, c *float32, ldc int, alpha float32)

// copyStrips48 sets dst[48i+r] = src[i*lds+r] for i < n, r < 48.
//
//go:noescape
func copyStrips48(src *float32, lds int, dst *float32, n int)
