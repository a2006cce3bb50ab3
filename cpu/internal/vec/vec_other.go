//go:build !amd64 || purego

package vec

const haveSIMD = false

const haveAVX512 = false

const simdName = ""

// Never called: vectorPart is 0 without the assembly kernels.

func rmspropAVX2(w, g, sq []float32, rho, rho1, eps, lr, wd float32) { panic("unreachable") }
func adamAVX2(w, g, m, v []float32, a *AdamArgs)                     { panic("unreachable") }
func reluBackwardAVX2(dx, z, dy []float32)                           { panic("unreachable") }
func biasReLUAVX2(row, bias []float32)                               { panic("unreachable") }
func reluAVX2(y, x []float32)                                        { panic("unreachable") }
func addToAVX2(dst, src []float32)                                   { panic("unreachable") }
func addConstAVX2(dst, src []float32, b float32)                     { panic("unreachable") }
func maxPool2x2AVX2(r0, r1, y, ix []float32, base, w int)            { panic("unreachable") }
func sumF64AVX2(x []float32) float64                                 { panic("unreachable") }
func dot4x4AVX512(a0, a1, a2, a3, b0, b1, b2, b3 *float32, k int, c *float32, ldc, acc int) {
	panic("unreachable")
}
func addToF64AVX2(acc []float64, x []float32) { panic("unreachable") }
func sgemmKernel8x48(kc int, a, b, c *float32, ldc int, alpha float32, acc int) {
	panic("unreachable")
}
func transpose8(src *float32, lds int, dst *float32, ldd int, blocks int) { panic("unreachable") }
func copyStrips8(src *float32, lds int, dst *float32, n int)              { panic("unreachable") }
func sgemmKernel8x16(kc int, a, b, c *float32, ldc int, alpha float32)    { panic("unreachable") }
func sgemmKernel8x32(kc int, a, b, c *float32, ldc int, alpha float32)    { panic("unreachable") }
func copyStrips48(src *float32, lds int, dst *float32, n int)             { panic("unreachable") }
