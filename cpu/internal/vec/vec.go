// Package vec holds the CPU backend's hottest elementwise loops (the
// optimizer steps, the ReLU backward, the GEMM epilogue's bias + ReLU) as
// assembly over 8 floats at a time where the processor has AVX2 (amd64),
// and as plain Go loops everywhere else. Both compute every element with
// the same operations in the same order, all correctly rounded and without
// fused multiply-adds, so they give the same bits (a test holds them to
// it); VKGRAD_CPU_SIMD=0 runs the Go loops. The package is apart from cpu
// because a package that uses cgo cannot hold Go assembly.
package vec

import (
	"math"
	"os"
)

// simd says whether the assembly kernels run: the processor has them and
// VKGRAD_CPU_SIMD is not 0. It is read once, at start-up; tests switch it.
var simd = haveSIMD && os.Getenv("VKGRAD_CPU_SIMD") != "0"

// Name names the vector kernels that run ("avx2"), or "" when plain Go
// loops run (no AVX2, another architecture, the purego build tag, or
// VKGRAD_CPU_SIMD=0).
func Name() string {
	if simd {
		return simdName
	}
	return ""
}

// vectorPart returns how many leading elements of n the assembly kernels
// take (a multiple of 8), 0 when they don't run.
func vectorPart(n int) int {
	if !simd {
		return 0
	}
	return n &^ 7
}

// FlushSubnormal returns 0 for x of magnitude below float32's smallest
// normal number and x otherwise: the optimizers' state rule
// (device.Optimizers).
func FlushSubnormal(x float32) float32 {
	if math.Float32bits(x)&0x7fffffff < 0x00800000 {
		return 0
	}
	return x
}

// RMSprop is RMSprop's common case (not centered, no momentum, eps
// outside the square root) over equal-length w, g and sq: g += wd·w,
// sq = rho·sq + rho1·g·g (flushed), w -= lr·g / (sqrt(sq) + eps).
func RMSprop(w, g, sq []float32, rho, rho1, eps, lr, wd float32) {
	v := vectorPart(len(w))
	if v > 0 {
		rmspropAVX2(w[:v], g[:v], sq[:v], rho, rho1, eps, lr, wd)
	}
	w, g, sq = w[v:], g[v:len(w)], sq[v:len(w)]
	for i := range w {
		gi := g[i] + wd*w[i]
		s := FlushSubnormal(rho*sq[i] + rho1*gi*gi)
		sq[i] = s
		w[i] -= lr * gi / (float32(math.Sqrt(float64(s))) + eps)
	}
}

// AdamArgs are the per-step constants of Adam: the betas and their
// complements, eps, the learning rate over the first bias correction
// (LRB), the square root of the second (BC2), and either the decoupled
// weight decay's factor 1 - lr·wd (Decay, with Decoupled) or the coupled
// weight decay (WD).
type AdamArgs struct {
	B1, B1c, B2, B2c, Eps, LRB, BC2, Decay, WD float32
	Decoupled                                  bool
}

// Adam is the Adam/AdamW update over equal-length w, g, m and v:
// g += WD·w (or w *= Decay), m = B1·m + B1c·g, v = B2·v + B2c·g·g (both
// flushed), w -= LRB·m / (sqrt(v)/BC2 + Eps).
func Adam(w, g, m, v []float32, a AdamArgs) {
	k := vectorPart(len(w))
	if k > 0 {
		adamAVX2(w[:k], g[:k], m[:k], v[:k], &a)
	}
	w, g, m, v = w[k:], g[k:len(w)], m[k:len(w)], v[k:len(w)]
	for i := range w {
		gi := g[i]
		if a.Decoupled {
			w[i] *= a.Decay
		} else {
			gi += a.WD * w[i]
		}
		mi := FlushSubnormal(a.B1*m[i] + a.B1c*gi)
		vi := FlushSubnormal(a.B2*v[i] + a.B2c*gi*gi)
		m[i], v[i] = mi, vi
		denom := float32(math.Sqrt(float64(vi)))/a.BC2 + a.Eps
		w[i] -= a.LRB * mi / denom
	}
}

// ReLUBackward sets dx = dy where z > 0 and 0 elsewhere (NaN z gives 0),
// over equal-length slices.
func ReLUBackward(dx, z, dy []float32) {
	k := vectorPart(len(dx))
	if k > 0 {
		reluBackwardAVX2(dx[:k], z[:k], dy[:k])
	}
	dx, z, dy = dx[k:], z[k:len(dx)], dy[k:len(dx)]
	for i, zi := range z {
		if zi > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}

// ReLU sets y = max(x, 0) over equal-length slices: NaN stays NaN and −0
// becomes 0, as UnaryFunc's ReLU.
func ReLU(y, x []float32) {
	k := vectorPart(len(y))
	if k > 0 {
		reluAVX2(y[:k], x[:k])
	}
	y, x = y[k:], x[k:len(y)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// AddTo sets dst += src over equal-length slices.
func AddTo(dst, src []float32) {
	k := vectorPart(len(dst))
	if k > 0 {
		addToAVX2(dst[:k], src[:k])
	}
	dst, src = dst[k:], src[k:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// AddConst sets dst = src + b over equal-length slices.
func AddConst(dst, src []float32, b float32) {
	k := vectorPart(len(dst))
	if k > 0 {
		addConstAVX2(dst[:k], src[:k], b)
	}
	dst, src = dst[k:], src[k:len(dst)]
	for i, v := range src {
		dst[i] = v + b
	}
}

// BiasReLU sets row = max(row + bias, 0), bias at least as long as row:
// NaN stays NaN and −0 becomes 0, as UnaryFunc's ReLU.
func BiasReLU(row, bias []float32) {
	k := vectorPart(len(row))
	if k > 0 {
		biasReLUAVX2(row[:k], bias[:k])
	}
	row, bias = row[k:], bias[k:len(row)]
	for j, x := range row {
		row[j] = max(x+bias[j], 0)
	}
}
