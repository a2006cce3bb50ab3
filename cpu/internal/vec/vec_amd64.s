//go:build amd64 && !purego

// The CPU backend's AVX2 kernels (see vec.go): 8 floats per iteration,
// the same operations in the same order as the Go loops, no fused
// multiply-adds. Slice lengths are multiples of 8 (the callers' vectorPart).

#include "textflag.h"

// SPLAT8(sym, v) defines sym, eight 32-bit lanes of v, read-only.
#define SPLAT8(sym, v) \
	DATA sym+0(SB)/4, v; \
	DATA sym+4(SB)/4, v; \
	DATA sym+8(SB)/4, v; \
	DATA sym+12(SB)/4, v; \
	DATA sym+16(SB)/4, v; \
	DATA sym+20(SB)/4, v; \
	DATA sym+24(SB)/4, v; \
	DATA sym+28(SB)/4, v; \
	GLOBL sym(SB), RODATA|NOPTR, $32

SPLAT8(absmask<>, $0x7fffffff)
SPLAT8(minnormal<>, $0x00800000)
SPLAT8(infbits<>, $0x7f800000)
SPLAT8(ones<>, $1)
SPLAT8(sixteens<>, $16)
DATA lane2<>+0(SB)/4, $0
DATA lane2<>+4(SB)/4, $2
DATA lane2<>+8(SB)/4, $4
DATA lane2<>+12(SB)/4, $6
DATA lane2<>+16(SB)/4, $8
DATA lane2<>+20(SB)/4, $10
DATA lane2<>+24(SB)/4, $12
DATA lane2<>+28(SB)/4, $14
GLOBL lane2<>(SB), RODATA|NOPTR, $32

// FLUSH(r, t, m) stores 0 in r's lanes whose magnitude is below float32's
// smallest normal (flushSubnormal), with t a scratch register and m one
// that holds minnormal; integer compares, so subnormals cost no FP assist.
#define FLUSH(r, t, m) \
	VPAND absmask<>(SB), r, t \
	VPCMPGTD t, m, t \
	VPANDN r, t, r

// func rmspropAVX2(w, g, sq []float32, rho, rho1, eps, lr, wd float32)
TEXT ·rmspropAVX2(SB), NOSPLIT, $0-92
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ sq_base+48(FP), DX
	MOVQ w_len+8(FP), CX
	SHRQ $3, CX
	JZ   rmsdone
	VBROADCASTSS rho+72(FP), Y10
	VBROADCASTSS rho1+76(FP), Y11
	VBROADCASTSS eps+80(FP), Y12
	VBROADCASTSS lr+84(FP), Y13
	VBROADCASTSS wd+88(FP), Y14
	VMOVDQU minnormal<>(SB), Y15

rmsloop:
	VMOVUPS (DI), Y0        // w
	VMOVUPS (SI), Y1        // g
	VMULPS  Y0, Y14, Y2     // wd*w
	VADDPS  Y2, Y1, Y1      // gi = g + wd*w
	VMULPS  (DX), Y10, Y3   // rho*sq
	VMULPS  Y1, Y11, Y4     // rho1*gi
	VMULPS  Y1, Y4, Y4      // rho1*gi*gi
	VADDPS  Y4, Y3, Y3      // s = rho*sq + rho1*gi*gi
	FLUSH(Y3, Y5, Y15)
	VMOVUPS Y3, (DX)
	VSQRTPS Y3, Y6
	VADDPS  Y12, Y6, Y6     // sqrt(s) + eps
	VMULPS  Y1, Y13, Y7     // lr*gi
	VDIVPS  Y6, Y7, Y7      // lr*gi / (sqrt(s) + eps)
	VSUBPS  Y7, Y0, Y0      // w - that
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     rmsloop
	VZEROUPPER

rmsdone:
	RET

// func adamAVX2(w, g, m, v []float32, a *AdamArgs)
//
// AdamArgs: b1 0, b1c 4, b2 8, b2c 12, eps 16, lrb 20, bc2 24, decay 28,
// wd 32, decoupled 36.
TEXT ·adamAVX2(SB), NOSPLIT, $0-104
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), DX
	MOVQ v_base+72(FP), R8
	MOVQ a+96(FP), BX
	MOVQ w_len+8(FP), CX
	SHRQ $3, CX
	JZ   adamdone
	VBROADCASTSS 0(BX), Y8   // b1
	VBROADCASTSS 4(BX), Y9   // 1-b1
	VBROADCASTSS 8(BX), Y10  // b2
	VBROADCASTSS 12(BX), Y11 // 1-b2
	VBROADCASTSS 16(BX), Y12 // eps
	VBROADCASTSS 20(BX), Y13 // lr/(1-b1^t)
	VBROADCASTSS 24(BX), Y14 // sqrt(1-b2^t)
	VMOVDQU minnormal<>(SB), Y15
	MOVBLZX 36(BX), AX
	TESTL AX, AX
	JNZ   adamdecoupled
	VBROADCASTSS 32(BX), Y7  // wd

adamloop:
	VMOVUPS (DI), Y0        // w
	VMOVUPS (SI), Y1        // g
	VMULPS  Y0, Y7, Y4      // wd*w
	VADDPS  Y4, Y1, Y1      // gi = g + wd*w
	JMP     adamcommon

adamdecoupled:
	VBROADCASTSS 28(BX), Y7 // decay

adamdloop:
	VMOVUPS (DI), Y0
	VMULPS  Y7, Y0, Y0      // w *= decay
	VMOVUPS (SI), Y1        // gi = g

adamcommon:
	VMULPS  (DX), Y8, Y2    // b1*m
	VMULPS  Y1, Y9, Y4      // (1-b1)*gi
	VADDPS  Y4, Y2, Y2      // m = b1*m + (1-b1)*gi
	FLUSH(Y2, Y5, Y15)
	VMOVUPS Y2, (DX)
	VMULPS  (R8), Y10, Y3   // b2*v
	VMULPS  Y1, Y11, Y4     // (1-b2)*gi
	VMULPS  Y1, Y4, Y4      // (1-b2)*gi*gi
	VADDPS  Y4, Y3, Y3      // v = b2*v + (1-b2)*gi*gi
	FLUSH(Y3, Y5, Y15)
	VMOVUPS Y3, (R8)
	VSQRTPS Y3, Y6
	VDIVPS  Y14, Y6, Y6     // sqrt(v)/bc2
	VADDPS  Y12, Y6, Y6     // + eps
	VMULPS  Y2, Y13, Y4     // lrb*m
	VDIVPS  Y6, Y4, Y4      // lrb*m/denom
	VSUBPS  Y4, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, R8
	DECQ    CX
	JZ      adamend
	TESTL   AX, AX
	JNZ     adamdloop
	JMP     adamloop

adamend:
	VZEROUPPER

adamdone:
	RET

// func reluBackwardAVX2(dx, z, dy []float32)
TEXT ·reluBackwardAVX2(SB), NOSPLIT, $0-72
	MOVQ dx_base+0(FP), DI
	MOVQ z_base+24(FP), SI
	MOVQ dy_base+48(FP), DX
	MOVQ dx_len+8(FP), CX
	SHRQ $3, CX
	JZ   relubdone
	VXORPS Y15, Y15, Y15

relubloop:
	VMOVUPS (SI), Y0
	VCMPPS  $0x1e, Y15, Y0, Y1 // z > 0 (ordered: NaN gives false)
	VANDPS  (DX), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     relubloop
	VZEROUPPER

relubdone:
	RET

// func biasReLUAVX2(row, bias []float32)
TEXT ·biasReLUAVX2(SB), NOSPLIT, $0-48
	MOVQ row_base+0(FP), DI
	MOVQ bias_base+24(FP), SI
	MOVQ row_len+8(FP), CX
	SHRQ $3, CX
	JZ   brdone
	VXORPS Y15, Y15, Y15

brloop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0    // x = row + bias
	VMAXPS  Y0, Y15, Y0     // 0 > x ? 0 : x (NaN x stays NaN)
	VADDPS  Y15, Y0, Y0     // −0 + 0 = +0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     brloop
	VZEROUPPER

brdone:
	RET

// func reluAVX2(y, x []float32)
TEXT ·reluAVX2(SB), NOSPLIT, $0-48
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ y_len+8(FP), CX
	SHRQ $3, CX
	JZ   reludone
	VXORPS Y15, Y15, Y15

reluloop:
	VMOVUPS (SI), Y0
	VMAXPS  Y0, Y15, Y0     // 0 > x ? 0 : x (NaN x stays NaN)
	VADDPS  Y15, Y0, Y0     // −0 + 0 = +0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     reluloop
	VZEROUPPER

reludone:
	RET

// func addToAVX2(dst, src []float32)
TEXT ·addToAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ dst_len+8(FP), CX
	SHRQ $3, CX
	JZ   adddone

addloop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     addloop
	VZEROUPPER

adddone:
	RET

// func addConstAVX2(dst, src []float32, b float32)
TEXT ·addConstAVX2(SB), NOSPLIT, $0-52
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ dst_len+8(FP), CX
	SHRQ $3, CX
	JZ   acdone
	VBROADCASTSS b+48(FP), Y15

acloop:
	VMOVUPS (SI), Y0
	VADDPS  Y15, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     acloop
	VZEROUPPER

acdone:
	RET

// KEY(x, k, t) sets k to the order key of x's lanes (vec.orderKey: an
// int32 ordered as the floats, ±0 equal, NaN the largest), t scratch;
// Y13 holds absmask, Y14 infbits.
#define KEY(x, k, t) \
	VPSRAD   $31, x, t \
	VPAND    Y13, t, t \
	VPXOR    x, t, k \
	VPSRLD   $31, k, t \
	VPADDD   t, k, k \
	VPAND    Y13, x, t \
	VPCMPGTD Y14, t, t \
	VPANDN   k, t, k \
	VPAND    Y13, t, t \
	VPOR     t, k, k

// EVENODD(p, ev, od) loads 16 floats from p and splits them into the
// even-indexed (ev) and odd-indexed (od) ones, in order; Y0, Y1 scratch.
#define EVENODD(p, ev, od) \
	VMOVUPS (p), Y0 \
	VMOVUPS 32(p), Y1 \
	VSHUFPS $0x88, Y1, Y0, ev \
	VSHUFPS $0xdd, Y1, Y0, od \
	VPERMPD $0xd8, ev, ev \
	VPERMPD $0xd8, od, od

// func maxPool2x2AVX2(r0, r1, y, ix []float32, base, w int)
TEXT ·maxPool2x2AVX2(SB), NOSPLIT, $0-112
	MOVQ r0_base+0(FP), SI
	MOVQ r1_base+24(FP), DX
	MOVQ y_base+48(FP), DI
	MOVQ ix_base+72(FP), R8
	MOVQ y_len+56(FP), CX
	SHRQ $3, CX
	JZ   mpdone
	VMOVDQU absmask<>(SB), Y13
	VMOVDQU infbits<>(SB), Y14
	VMOVDQU sixteens<>(SB), Y9
	// The low halves of base and w (positions fit in 32 bits), broadcast
	// from memory: a legacy-SSE MOVQ into an XMM register here would cost
	// a state transition per call.
	VPBROADCASTD base+96(FP), Y11
	VPADDD  lane2<>(SB), Y11, Y11 // positions of the a elements: base + 2j
	VPBROADCASTD w+104(FP), Y10   // w

mploop:
	EVENODD(SI, Y2, Y3)           // a, b: the top row's pairs
	EVENODD(DX, Y4, Y5)           // c, e: the bottom row's
	KEY(Y2, Y6, Y0)
	KEY(Y3, Y7, Y0)
	KEY(Y4, Y8, Y0)
	KEY(Y5, Y15, Y0)
	VPMAXSD Y7, Y6, Y1
	VPMAXSD Y15, Y8, Y0
	VPMAXSD Y0, Y1, Y1            // m: the largest key
	// From the last element to the first, take each that holds m: the
	// first one wins. Y5 the value, Y0 its position.
	VPADDD  Y10, Y11, Y12         // base + w + 2j: c's position
	VPADDD  ones<>(SB), Y12, Y0   // e's
	VPCMPEQD Y1, Y8, Y8
	VBLENDVPS Y8, Y4, Y5, Y5
	VBLENDVPS Y8, Y12, Y0, Y0
	VPADDD  ones<>(SB), Y11, Y12  // b's position
	VPCMPEQD Y1, Y7, Y7
	VBLENDVPS Y7, Y3, Y5, Y5
	VBLENDVPS Y7, Y12, Y0, Y0
	VPCMPEQD Y1, Y6, Y6
	VBLENDVPS Y6, Y2, Y5, Y5
	VBLENDVPS Y6, Y11, Y0, Y0
	VMOVUPS Y5, (DI)
	VCVTDQ2PS Y0, Y0
	VMOVUPS Y0, (R8)
	VPADDD  Y9, Y11, Y11
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $32, DI
	ADDQ    $32, R8
	DECQ    CX
	JNZ     mploop
	VZEROUPPER

mpdone:
	RET

// func sumF64AVX2(x []float32) float64
// len(x) is a multiple of 16 (SumF64 adds the rest).
TEXT ·sumF64AVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $4, CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	TESTQ CX, CX
	JZ   sumtree

sumloop:
	VCVTPS2PD (SI), Y4      // elements 0-3 of the block, widened
	VCVTPS2PD 16(SI), Y5
	VCVTPS2PD 32(SI), Y6
	VCVTPS2PD 48(SI), Y7
	VADDPD  Y4, Y0, Y0      // partials 0-3
	VADDPD  Y5, Y1, Y1      // 4-7
	VADDPD  Y6, Y2, Y2      // 8-11
	VADDPD  Y7, Y3, Y3      // 12-15
	ADDQ    $64, SI
	DECQ    CX
	JNZ     sumloop

sumtree:
	VADDPD  Y1, Y0, Y0      // p[l] + p[4+l]
	VADDPD  Y3, Y2, Y2      // p[8+l] + p[12+l]
	VADDPD  Y2, Y0, Y0      // t[l]
	VEXTRACTF128 $1, Y0, X1 // t2, t3
	VHADDPD X1, X0, X0      // t0+t1, t2+t3
	VUNPCKHPD X0, X0, X1
	VADDSD  X1, X0, X0      // (t0+t1) + (t2+t3)
	VZEROUPPER
	MOVSD   X0, ret+24(FP)
	RET

// func addToF64AVX2(acc []float64, x []float32)
TEXT ·addToF64AVX2(SB), NOSPLIT, $0-48
	MOVQ acc_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ acc_len+8(FP), CX
	SHRQ $3, CX
	JZ   af64done

af64loop:
	VCVTPS2PD (SI), Y0
	VCVTPS2PD 16(SI), Y1
	VADDPD  (DI), Y0, Y0
	VADDPD  32(DI), Y1, Y1
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	ADDQ    $64, DI
	ADDQ    $32, SI
	DECQ    CX
	JNZ     af64loop
	VZEROUPPER

af64done:
	RET

// func dot4x4AVX512(a0, a1, a2, a3, b0, b1, b2, b3 *float32, k int, c *float32, ldc, acc int)
TEXT ·dot4x4AVX512(SB), NOSPLIT, $0-96
	MOVQ a0+0(FP), R8
	MOVQ a1+8(FP), R9
	MOVQ a2+16(FP), R10
	MOVQ a3+24(FP), R11
	MOVQ b0+32(FP), R12
	MOVQ b1+40(FP), R13
	MOVQ b2+48(FP), R14
	MOVQ b3+56(FP), R15
	MOVQ k+64(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	VXORPS Z10, Z10, Z10
	VXORPS Z11, Z11, Z11
	VXORPS Z12, Z12, Z12
	VXORPS Z13, Z13, Z13
	VXORPS Z14, Z14, Z14
	VXORPS Z15, Z15, Z15
	XORQ AX, AX           // byte offset along k
	MOVQ CX, DX
	SHRQ $4, CX           // whole chunks of 16
	ANDQ $15, DX          // the rest
	TESTQ CX, CX
	JZ   dottail

dotloop:
	VMOVUPS (R8)(AX*1), Z16
	VMOVUPS (R9)(AX*1), Z17
	VMOVUPS (R10)(AX*1), Z18
	VMOVUPS (R11)(AX*1), Z19
	VMOVUPS (R12)(AX*1), Z20
	VMOVUPS (R13)(AX*1), Z21
	VMOVUPS (R14)(AX*1), Z22
	VMOVUPS (R15)(AX*1), Z23
	VFMADD231PS Z20, Z16, Z0
	VFMADD231PS Z21, Z16, Z1
	VFMADD231PS Z22, Z16, Z2
	VFMADD231PS Z23, Z16, Z3
	VFMADD231PS Z20, Z17, Z4
	VFMADD231PS Z21, Z17, Z5
	VFMADD231PS Z22, Z17, Z6
	VFMADD231PS Z23, Z17, Z7
	VFMADD231PS Z20, Z18, Z8
	VFMADD231PS Z21, Z18, Z9
	VFMADD231PS Z22, Z18, Z10
	VFMADD231PS Z23, Z18, Z11
	VFMADD231PS Z20, Z19, Z12
	VFMADD231PS Z21, Z19, Z13
	VFMADD231PS Z22, Z19, Z14
	VFMADD231PS Z23, Z19, Z15
	ADDQ $64, AX
	DECQ CX
	JNZ  dotloop

dottail:
	TESTQ DX, DX
	JZ   dotreduce
	// The last k mod 16 lanes through a mask: zeros past the end.
	MOVQ $1, BX
	MOVQ DX, CX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K1
	VMOVUPS.Z (R8)(AX*1), K1, Z16
	VMOVUPS.Z (R9)(AX*1), K1, Z17
	VMOVUPS.Z (R10)(AX*1), K1, Z18
	VMOVUPS.Z (R11)(AX*1), K1, Z19
	VMOVUPS.Z (R12)(AX*1), K1, Z20
	VMOVUPS.Z (R13)(AX*1), K1, Z21
	VMOVUPS.Z (R14)(AX*1), K1, Z22
	VMOVUPS.Z (R15)(AX*1), K1, Z23
	VFMADD231PS Z20, Z16, Z0
	VFMADD231PS Z21, Z16, Z1
	VFMADD231PS Z22, Z16, Z2
	VFMADD231PS Z23, Z16, Z3
	VFMADD231PS Z20, Z17, Z4
	VFMADD231PS Z21, Z17, Z5
	VFMADD231PS Z22, Z17, Z6
	VFMADD231PS Z23, Z17, Z7
	VFMADD231PS Z20, Z18, Z8
	VFMADD231PS Z21, Z18, Z9
	VFMADD231PS Z22, Z18, Z10
	VFMADD231PS Z23, Z18, Z11
	VFMADD231PS Z20, Z19, Z12
	VFMADD231PS Z21, Z19, Z13
	VFMADD231PS Z22, Z19, Z14
	VFMADD231PS Z23, Z19, Z15

dotreduce:
	MOVQ c+72(FP), DI
	MOVQ ldc+80(FP), SI
	SHLQ $2, SI
	MOVQ acc+88(FP), BX
	VEXTRACTF32X8 $1, Z0, Y16
	VADDPS Y16, Y0, Y0
	VEXTRACTF32X4 $1, Y0, X16
	VADDPS X16, X0, X0
	VEXTRACTF32X8 $1, Z1, Y16
	VADDPS Y16, Y1, Y1
	VEXTRACTF32X4 $1, Y1, X16
	VADDPS X16, X1, X1
	VEXTRACTF32X8 $1, Z2, Y16
	VADDPS Y16, Y2, Y2
	VEXTRACTF32X4 $1, Y2, X16
	VADDPS X16, X2, X2
	VEXTRACTF32X8 $1, Z3, Y16
	VADDPS Y16, Y3, Y3
	VEXTRACTF32X4 $1, Y3, X16
	VADDPS X16, X3, X3
	VHADDPS X1, X0, X0
	VHADDPS X3, X2, X2
	VHADDPS X2, X0, X0  // row 0: its 4 dot products
	TESTQ BX, BX
	JZ dotstore0
	VADDPS (DI), X0, X0
dotstore0:
	VMOVUPS X0, (DI)
	ADDQ SI, DI
	VEXTRACTF32X8 $1, Z4, Y16
	VADDPS Y16, Y4, Y4
	VEXTRACTF32X4 $1, Y4, X16
	VADDPS X16, X4, X4
	VEXTRACTF32X8 $1, Z5, Y16
	VADDPS Y16, Y5, Y5
	VEXTRACTF32X4 $1, Y5, X16
	VADDPS X16, X5, X5
	VEXTRACTF32X8 $1, Z6, Y16
	VADDPS Y16, Y6, Y6
	VEXTRACTF32X4 $1, Y6, X16
	VADDPS X16, X6, X6
	VEXTRACTF32X8 $1, Z7, Y16
	VADDPS Y16, Y7, Y7
	VEXTRACTF32X4 $1, Y7, X16
	VADDPS X16, X7, X7
	VHADDPS X5, X4, X4
	VHADDPS X7, X6, X6
	VHADDPS X6, X4, X4  // row 1: its 4 dot products
	TESTQ BX, BX
	JZ dotstore1
	VADDPS (DI), X4, X4
dotstore1:
	VMOVUPS X4, (DI)
	ADDQ SI, DI
	VEXTRACTF32X8 $1, Z8, Y16
	VADDPS Y16, Y8, Y8
	VEXTRACTF32X4 $1, Y8, X16
	VADDPS X16, X8, X8
	VEXTRACTF32X8 $1, Z9, Y16
	VADDPS Y16, Y9, Y9
	VEXTRACTF32X4 $1, Y9, X16
	VADDPS X16, X9, X9
	VEXTRACTF32X8 $1, Z10, Y16
	VADDPS Y16, Y10, Y10
	VEXTRACTF32X4 $1, Y10, X16
	VADDPS X16, X10, X10
	VEXTRACTF32X8 $1, Z11, Y16
	VADDPS Y16, Y11, Y11
	VEXTRACTF32X4 $1, Y11, X16
	VADDPS X16, X11, X11
	VHADDPS X9, X8, X8
	VHADDPS X11, X10, X10
	VHADDPS X10, X8, X8  // row 2: its 4 dot products
	TESTQ BX, BX
	JZ dotstore2
	VADDPS (DI), X8, X8
dotstore2:
	VMOVUPS X8, (DI)
	ADDQ SI, DI
	VEXTRACTF32X8 $1, Z12, Y16
	VADDPS Y16, Y12, Y12
	VEXTRACTF32X4 $1, Y12, X16
	VADDPS X16, X12, X12
	VEXTRACTF32X8 $1, Z13, Y16
	VADDPS Y16, Y13, Y13
	VEXTRACTF32X4 $1, Y13, X16
	VADDPS X16, X13, X13
	VEXTRACTF32X8 $1, Z14, Y16
	VADDPS Y16, Y14, Y14
	VEXTRACTF32X4 $1, Y14, X16
	VADDPS X16, X14, X14
	VEXTRACTF32X8 $1, Z15, Y16
	VADDPS Y16, Y15, Y15
	VEXTRACTF32X4 $1, Y15, X16
	VADDPS X16, X15, X15
	VHADDPS X13, X12, X12
	VHADDPS X15, X14, X14
	VHADDPS X14, X12, X12  // row 3: its 4 dot products
	TESTQ BX, BX
	JZ dotstore3
	VADDPS (DI), X12, X12
dotstore3:
	VMOVUPS X12, (DI)
	ADDQ SI, DI
	VZEROUPPER
	RET
