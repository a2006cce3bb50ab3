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
