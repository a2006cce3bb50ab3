//go:build amd64 && !purego

// The CPU backend's AVX2 kernels (see vec.go): 8 floats per iteration,
// the same operations in the same order as the Go loops, no fused
// multiply-adds. Slice lengths are multiples of 8 (the callers' vectorPart).

#include "textflag.h"

DATA absmask<>+0(SB)/4, $0x7fffffff
DATA absmask<>+4(SB)/4, $0x7fffffff
DATA absmask<>+8(SB)/4, $0x7fffffff
DATA absmask<>+12(SB)/4, $0x7fffffff
DATA absmask<>+16(SB)/4, $0x7fffffff
DATA absmask<>+20(SB)/4, $0x7fffffff
DATA absmask<>+24(SB)/4, $0x7fffffff
DATA absmask<>+28(SB)/4, $0x7fffffff
GLOBL absmask<>(SB), RODATA|NOPTR, $32
DATA minnormal<>+0(SB)/4, $0x00800000
DATA minnormal<>+4(SB)/4, $0x00800000
DATA minnormal<>+8(SB)/4, $0x00800000
DATA minnormal<>+12(SB)/4, $0x00800000
DATA minnormal<>+16(SB)/4, $0x00800000
DATA minnormal<>+20(SB)/4, $0x00800000
DATA minnormal<>+24(SB)/4, $0x00800000
DATA minnormal<>+28(SB)/4, $0x00800000
GLOBL minnormal<>(SB), RODATA|NOPTR, $32
DATA infbits<>+0(SB)/4, $0x7f800000
DATA infbits<>+4(SB)/4, $0x7f800000
DATA infbits<>+8(SB)/4, $0x7f800000
DATA infbits<>+12(SB)/4, $0x7f800000
DATA infbits<>+16(SB)/4, $0x7f800000
DATA infbits<>+20(SB)/4, $0x7f800000
DATA infbits<>+24(SB)/4, $0x7f800000
DATA infbits<>+28(SB)/4, $0x7f800000
GLOBL infbits<>(SB), RODATA|NOPTR, $32
DATA ones<>+0(SB)/4, $1
DATA ones<>+4(SB)/4, $1
DATA ones<>+8(SB)/4, $1
DATA ones<>+12(SB)/4, $1
DATA ones<>+16(SB)/4, $1
DATA ones<>+20(SB)/4, $1
DATA ones<>+24(SB)/4, $1
DATA ones<>+28(SB)/4, $1
GLOBL ones<>(SB), RODATA|NOPTR, $32
DATA sixteens<>+0(SB)/4, $16
DATA sixteens<>+4(SB)/4, $16
DATA sixteens<>+8(SB)/4, $16
DATA sixteens<>+12(SB)/4, $16
DATA sixteens<>+16(SB)/4, $16
DATA sixteens<>+20(SB)/4, $16
DATA sixteens<>+24(SB)/4, $16
DATA sixteens<>+28(SB)/4, $16
GLOBL sixteens<>(SB), RODATA|NOPTR, $32
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
