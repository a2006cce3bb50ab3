//go:build amd64 && !purego

// The packed SGEMM's kernels (sgemm.go): an 8×48 AVX-512 micro-kernel over
// packed panels and an 8×8 AVX transpose for packing.

#include "textflag.h"

// ROW(i, bc) multiplies the three B vectors (Z24–Z26) by a's value for
// row i of the k step at SI, broadcast into bc, into row i's accumulators.
#define ROW(i, bc, c0, c1, c2) \
	VBROADCASTSS (i*4)(SI), bc; \
	VFMADD231PS Z24, bc, c0; \
	VFMADD231PS Z25, bc, c1; \
	VFMADD231PS Z26, bc, c2

// STEP is one k step: three B vectors, eight rows.
#define STEP \
	VMOVUPS (DX), Z24; \
	VMOVUPS 64(DX), Z25; \
	VMOVUPS 128(DX), Z26; \
	ROW(0, Z27, Z0, Z1, Z2); \
	ROW(1, Z28, Z3, Z4, Z5); \
	ROW(2, Z29, Z6, Z7, Z8); \
	ROW(3, Z30, Z9, Z10, Z11); \
	ROW(4, Z31, Z12, Z13, Z14); \
	ROW(5, Z27, Z15, Z16, Z17); \
	ROW(6, Z28, Z18, Z19, Z20); \
	ROW(7, Z29, Z21, Z22, Z23); \
	ADDQ $32, SI; \
	ADDQ $192, DX

// ZERO3, SCALE3 (by Z24), ADDSTORE3 and STORE3 act on one row of the
// tile, three vectors; the last two store it at DI and step DI to the next
// row (R8 bytes on).
#define ZERO3(c0, c1, c2) \
	VPXORD c0, c0, c0; \
	VPXORD c1, c1, c1; \
	VPXORD c2, c2, c2

#define SCALE3(c0, c1, c2) \
	VMULPS Z24, c0, c0; \
	VMULPS Z24, c1, c1; \
	VMULPS Z24, c2, c2

#define STORE3(c0, c1, c2) \
	VMOVUPS c0, (DI); \
	VMOVUPS c1, 64(DI); \
	VMOVUPS c2, 128(DI); \
	ADDQ R8, DI

#define ADDSTORE3(c0, c1, c2) \
	VADDPS (DI), c0, c0; \
	VADDPS 64(DI), c1, c1; \
	VADDPS 128(DI), c2, c2; \
	STORE3(c0, c1, c2)

// KERNELARGS loads a kernel's arguments: kc in CX, a in SI, b in DX, c in
// DI, C's row stride in bytes in R8.
#define KERNELARGS \
	MOVQ kc+0(FP), CX; \
	MOVQ a+8(FP), SI; \
	MOVQ b+16(FP), DX; \
	MOVQ c+24(FP), DI; \
	MOVQ ldc+32(FP), R8; \
	SHLQ $2, R8

// func sgemmKernel8x48(kc int, a, b, c *float32, ldc int, alpha float32, acc int)
//
// c[r*ldc+j] = alpha·Σ_k a[8k+r]·b[48k+j] (acc 0) or += that (acc 1),
// for r < 8, j < 48; kc ≥ 1.
TEXT ·sgemmKernel8x48(SB), NOSPLIT, $0-56
	KERNELARGS
	ZERO3(Z0, Z1, Z2)
	ZERO3(Z3, Z4, Z5)
	ZERO3(Z6, Z7, Z8)
	ZERO3(Z9, Z10, Z11)
	ZERO3(Z12, Z13, Z14)
	ZERO3(Z15, Z16, Z17)
	ZERO3(Z18, Z19, Z20)
	ZERO3(Z21, Z22, Z23)
	MOVQ CX, BX
	SHRQ $2, CX
	ANDQ $3, BX
	TESTQ CX, CX
	JZ   ktail
kloop4:
	STEP
	STEP
	STEP
	STEP
	DECQ CX
	JNZ  kloop4
ktail:
	TESTQ BX, BX
	JZ   kdone
kloop1:
	STEP
	DECQ BX
	JNZ  kloop1
kdone:
	VBROADCASTSS alpha+40(FP), Z24
	SCALE3(Z0, Z1, Z2)
	SCALE3(Z3, Z4, Z5)
	SCALE3(Z6, Z7, Z8)
	SCALE3(Z9, Z10, Z11)
	SCALE3(Z12, Z13, Z14)
	SCALE3(Z15, Z16, Z17)
	SCALE3(Z18, Z19, Z20)
	SCALE3(Z21, Z22, Z23)
	MOVQ acc+48(FP), AX
	TESTQ AX, AX
	JZ   store
	ADDSTORE3(Z0, Z1, Z2)
	ADDSTORE3(Z3, Z4, Z5)
	ADDSTORE3(Z6, Z7, Z8)
	ADDSTORE3(Z9, Z10, Z11)
	ADDSTORE3(Z12, Z13, Z14)
	ADDSTORE3(Z15, Z16, Z17)
	ADDSTORE3(Z18, Z19, Z20)
	ADDSTORE3(Z21, Z22, Z23)
	VZEROUPPER
	RET
store:
	STORE3(Z0, Z1, Z2)
	STORE3(Z3, Z4, Z5)
	STORE3(Z6, Z7, Z8)
	STORE3(Z9, Z10, Z11)
	STORE3(Z12, Z13, Z14)
	STORE3(Z15, Z16, Z17)
	STORE3(Z18, Z19, Z20)
	STORE3(Z21, Z22, Z23)
	VZEROUPPER
	RET

// func transpose8(src *float32, lds int, dst *float32, ldd int, blocks int)
//
// For b < blocks: dst[(8b+k)*ldd + r] = src[r*lds + 8b+k], for r, k < 8:
// eight rows of 8·blocks floats become 8·blocks rows of eight.
TEXT ·transpose8(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), R8
	MOVQ lds+8(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	LEAQ (R8)(R9*4), R11
	MOVQ dst+16(FP), DI
	MOVQ ldd+24(FP), R12
	SHLQ $2, R12
	LEAQ (R12)(R12*2), R13
	MOVQ blocks+32(FP), CX
	TESTQ CX, CX
	JZ   tdone
tloop:
	VMOVUPS (R8), Y0
	VMOVUPS (R8)(R9*1), Y1
	VMOVUPS (R8)(R9*2), Y2
	VMOVUPS (R8)(R10*1), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R11)(R9*1), Y5
	VMOVUPS (R11)(R9*2), Y6
	VMOVUPS (R11)(R10*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y7, Y3, Y15
	LEAQ (DI)(R12*4), R14
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R12*1)
	VMOVUPS Y10, (DI)(R12*2)
	VMOVUPS Y11, (DI)(R13*1)
	VMOVUPS Y12, (R14)
	VMOVUPS Y13, (R14)(R12*1)
	VMOVUPS Y14, (R14)(R12*2)
	VMOVUPS Y15, (R14)(R13*1)
	ADDQ $32, R8
	ADDQ $32, R11
	LEAQ (R14)(R12*4), DI
	DECQ CX
	JNZ  tloop
tdone:
	VZEROUPPER
	RET

// func copyStrips8(src *float32, lds int, dst *float32, n int)
//
// dst[8i+r] = src[i*lds + r] for i < n, r < 8: n runs of eight floats, a
// row stride apart, packed one after another.
TEXT ·copyStrips8(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ lds+8(FP), R8
	SHLQ $2, R8
	MOVQ dst+16(FP), DI
	MOVQ n+24(FP), CX
	TESTQ CX, CX
	JZ   cdone
cloop:
	VMOVUPS (SI), Y0
	VMOVUPS Y0, (DI)
	ADDQ R8, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  cloop
cdone:
	VZEROUPPER
	RET

// The narrow kernels, 8×16 and 8×32: one or two vectors a row. Their
// row macros take the row's accumulators; B's vectors are Z24 (and Z25).
#define ROW16(i, bc, c0) \
	VBROADCASTSS (i*4)(SI), bc; \
	VFMADD231PS Z24, bc, c0

#define ROW32(i, bc, c0, c1) \
	VBROADCASTSS (i*4)(SI), bc; \
	VFMADD231PS Z24, bc, c0; \
	VFMADD231PS Z25, bc, c1

#define STEP16 \
	VMOVUPS (DX), Z24; \
	ROW16(0, Z27, Z0); \
	ROW16(1, Z28, Z1); \
	ROW16(2, Z29, Z2); \
	ROW16(3, Z30, Z3); \
	ROW16(4, Z31, Z4); \
	ROW16(5, Z27, Z5); \
	ROW16(6, Z28, Z6); \
	ROW16(7, Z29, Z7); \
	ADDQ $32, SI; \
	ADDQ $192, DX

#define STEP32 \
	VMOVUPS (DX), Z24; \
	VMOVUPS 64(DX), Z25; \
	ROW32(0, Z27, Z0, Z1); \
	ROW32(1, Z28, Z2, Z3); \
	ROW32(2, Z29, Z4, Z5); \
	ROW32(3, Z30, Z6, Z7); \
	ROW32(4, Z31, Z8, Z9); \
	ROW32(5, Z27, Z10, Z11); \
	ROW32(6, Z28, Z12, Z13); \
	ROW32(7, Z29, Z14, Z15); \
	ADDQ $32, SI; \
	ADDQ $192, DX

#define STORE16(c0) \
	VMOVUPS c0, (DI); \
	ADDQ R8, DI

#define STORE32(c0, c1) \
	VMOVUPS c0, (DI); \
	VMOVUPS c1, 64(DI); \
	ADDQ R8, DI


// func sgemmKernel8x16(kc int, a, b, c *float32, ldc int, alpha float32)
//
// sgemmKernel8x48 with acc 0 for the first 16 columns of the B panel only
// (the last panel of C, which goes through a scratch tile).
TEXT ·sgemmKernel8x16(SB), NOSPLIT, $0-44
	KERNELARGS
	ZERO3(Z0, Z1, Z2)
	ZERO3(Z3, Z4, Z5)
	VPXORD Z6, Z6, Z6; VPXORD Z7, Z7, Z7
k16loop:
	STEP16
	DECQ CX
	JNZ  k16loop
	VBROADCASTSS alpha+40(FP), Z24
	SCALE3(Z0, Z1, Z2)
	SCALE3(Z3, Z4, Z5)
	VMULPS Z24, Z6, Z6; VMULPS Z24, Z7, Z7
	STORE16(Z0)
	STORE16(Z1)
	STORE16(Z2)
	STORE16(Z3)
	STORE16(Z4)
	STORE16(Z5)
	STORE16(Z6)
	STORE16(Z7)
	VZEROUPPER
	RET

// func sgemmKernel8x32(kc int, a, b, c *float32, ldc int, alpha float32)
//
// sgemmKernel8x48 with acc 0 for the first 32 columns of the B panel only
// (the last panel of C, which goes through a scratch tile).
TEXT ·sgemmKernel8x32(SB), NOSPLIT, $0-44
	KERNELARGS
	ZERO3(Z0, Z1, Z2)
	ZERO3(Z3, Z4, Z5)
	ZERO3(Z6, Z7, Z8)
	ZERO3(Z9, Z10, Z11)
	ZERO3(Z12, Z13, Z14)
	VPXORD Z15, Z15, Z15
k32loop:
	STEP32
	DECQ CX
	JNZ  k32loop
	VBROADCASTSS alpha+40(FP), Z24
	SCALE3(Z0, Z1, Z2)
	SCALE3(Z3, Z4, Z5)
	SCALE3(Z6, Z7, Z8)
	SCALE3(Z9, Z10, Z11)
	SCALE3(Z12, Z13, Z14)
	VMULPS Z24, Z15, Z15
	STORE32(Z0, Z1)
	STORE32(Z2, Z3)
	STORE32(Z4, Z5)
	STORE32(Z6, Z7)
	STORE32(Z8, Z9)
	STORE32(Z10, Z11)
	STORE32(Z12, Z13)
	STORE32(Z14, Z15)
	VZEROUPPER
	RET
// func copyStrips48(src *float32, lds int, dst *float32, n int)
//
// dst[48i+r] = src[i*lds + r] for i < n, r < 48: n runs of 48 floats, a
// row stride apart, packed one after another.
TEXT ·copyStrips48(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ lds+8(FP), R8
	SHLQ $2, R8
	MOVQ dst+16(FP), DI
	MOVQ n+24(FP), CX
	TESTQ CX, CX
	JZ   c48done
c48loop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	ADDQ R8, SI
	ADDQ $192, DI
	DECQ CX
	JNZ  c48loop
c48done:
	VZEROUPPER
	RET
