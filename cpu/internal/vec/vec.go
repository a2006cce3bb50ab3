// Package vec holds the CPU backend's hottest loops (the optimizer steps,
// ReLU and its backward, the GEMM epilogue's bias + ReLU, adds, float64
// sums and column sums, 2×2 max pooling) as assembly over 8 floats at a
// time where the processor has AVX2 (amd64), and as plain Go loops
// everywhere else. Both compute every element with the same operations in
// the same order, all correctly rounded and without fused multiply-adds,
// so they give the same bits (a test holds them to it); VKGRAD_CPU_SIMD=0
// runs the Go loops. Sgemm (a packed AVX-512 matrix product) and GemmNT
// (dot products for skinny A·Bᵀ) are AVX-512 only and have no Go twin:
// they are the CPU backend's avx512 GEMM engine, and where they cannot run
// it uses another engine. The package is apart from cpu because a package
// that uses cgo cannot hold Go assembly.
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

// MaxPool2x2Row pools a row of n 2×2 windows: window j covers r0[2j],
// r0[2j+1] (its top row) and r1[2j], r1[2j+1]; y[j] is its first maximum
// in that order (or its first NaN) and ix[j] that element's position,
// base+2j, base+2j+1, base+w+2j or base+w+2j+1, as a float32. r0 and r1
// hold at least 2n elements, y and ix at least n.
//
// Longer slices are room: the assembly then computes the last few windows
// as a whole vector of 8 and writes its lanes past n too (garbage, for the
// caller to overwrite: the next row's windows, when rows go in order), so
// rows of fewer than 8 windows (the CNN's 7) still run as vectors.
func MaxPool2x2Row(r0, r1, y, ix []float32, n, base, w int) {
	k := 0
	if simd {
		k = n &^ 7
		if n > k && len(y) >= k+8 && len(ix) >= k+8 && len(r0) >= 2*k+16 && len(r1) >= 2*k+16 {
			k += 8
		}
		if k > 0 {
			maxPool2x2AVX2(r0[:2*k], r1[:2*k], y[:k], ix[:k], base, w)
		}
		if k >= n {
			return
		}
	}
	r0, r1, y, ix = r0[2*k:2*n], r1[2*k:2*n], y[k:n], ix[k:n]
	base += 2 * k
	off := [4]int{0, 1, w, w + 1} // positions in a window, from its top-left
	for j := range y {
		// Without data-dependent branches, which mispredict on every
		// other window: the values compared as integers that order like
		// the floats (±0 equal, NaN above everything), the first one
		// holding the maximum chosen by conditional moves on integers.
		q := [4]float32{r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]}
		a, b, c, e := orderKey(q[0]), orderKey(q[1]), orderKey(q[2]), orderKey(q[3])
		m := max(a, b, c, e)
		k := 3
		if c == m {
			k = 2
		}
		if b == m {
			k = 1
		}
		if a == m {
			k = 0
		}
		y[j], ix[j] = q[k], float32(base+2*j+off[k]) // the element itself: a −0 that comes first stays −0
	}
}

// orderKey maps a float32 to an int32 that orders as the floats do, with
// −0 and +0 equal and every NaN above +Inf.
func orderKey(x float32) int32 {
	b := math.Float32bits(x)
	k := int32(b)
	k ^= (k >> 31) & 0x7fffffff
	k += int32(uint32(k) >> 31)
	if b&0x7fffffff > 0x7f800000 {
		k = math.MaxInt32
	}
	return k
}

// SumF64 is the float64 sum of x in a fixed order: blocks of 16 into 16
// partial sums (element i into partial i mod 16), the partials combined
// as ((p[l]+p[4+l]) + (p[8+l]+p[12+l])) for l < 4 and those as
// (t0+t1) + (t2+t3), then the elements past the last whole block added one
// by one.
func SumF64(x []float32) float64 {
	n := len(x) &^ 15
	var t float64
	switch {
	case n > 0 && simd:
		t = sumF64AVX2(x[:n])
	case n > 0:
		var p [16]float64
		for i := 0; i < n; i += 16 {
			q := x[i : i+16 : i+16]
			for l := range p {
				p[l] += float64(q[l])
			}
		}
		var tl [4]float64
		for l := range tl {
			tl[l] = (p[l] + p[4+l]) + (p[8+l] + p[12+l])
		}
		t = (tl[0] + tl[1]) + (tl[2] + tl[3])
	}
	for _, v := range x[n:] {
		t += float64(v)
	}
	return t
}

// AddToF64 sets acc[j] += float64(x[j]) over equal-length slices.
func AddToF64(acc []float64, x []float32) {
	k := vectorPart(len(acc))
	if k > 0 {
		addToF64AVX2(acc[:k], x[:k])
	}
	acc, x = acc[k:], x[k:len(acc)]
	for j, v := range x {
		acc[j] += float64(v)
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
