package devicetest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/device"
)

func gemmCases() []Case {
	type gc struct {
		tA, tB         bool
		m, n, k, batch int
		alpha, beta    float32
		pad            int
		bias           bool
		act            device.UnaryOp
		bcastB         bool
	}
	gcs := []gc{
		{m: 1, n: 1, k: 1, alpha: 1},
		{m: 7, n: 5, k: 3, alpha: 1},
		{m: 33, n: 65, k: 31, alpha: 1},
		{m: 64, n: 64, k: 64, alpha: 1},
		{m: 100, n: 130, k: 70, alpha: 1.5, beta: 0.5, pad: 3},
		{m: 128, n: 512, k: 784 / 4, alpha: 1, bias: true, act: device.UnaryReLU},
		{m: 128, n: 10, k: 512, alpha: 1, bias: true},
		{m: 9, n: 10, k: 0, alpha: 1, beta: 0.5},
		{m: 5, n: 6, k: 7, batch: 3, alpha: 1, pad: 2},
		{m: 5, n: 6, k: 7, batch: 4, alpha: 1, bcastB: true},
		{m: 31, n: 29, k: 37, alpha: 1, bias: true, act: device.UnaryTanh},
		{m: 8, n: 9, k: 10, alpha: 1, act: device.UnaryLeakyReLU, batch: 2},
		{m: 70, n: 66, k: 3, alpha: 1, bias: true, act: device.UnarySigmoid},
		// Every backend applies any activation in the epilogue, fusable or
		// not (package tensor fuses only those the op table marks).
		{m: 33, n: 17, k: 9, alpha: 1, bias: true, act: device.UnaryGELU},
		{m: 12, n: 40, k: 5, alpha: 1, act: device.UnaryExp},
		// 128x128 tiles.
		{m: 257, n: 300, k: 40, alpha: 1},
		// Split K: few output tiles, a long K; with an uneven last slice.
		{m: 16, n: 10, k: 4099, alpha: 0.5},
		{m: 10, n: 70, k: 2048, alpha: 1, pad: 1},
	}
	var cs []Case
	for _, g := range gcs {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			g.tA, g.tB = tr[0], tr[1]
			batch := max(g.batch, 1)
			ar, ac := g.m, g.k
			if g.tA {
				ar, ac = g.k, g.m
			}
			br, bc := g.k, g.n
			if g.tB {
				br, bc = g.n, g.k
			}
			lda, ldb, ldc := ac+g.pad, bc+g.pad, g.n+g.pad
			sa, sb, sc := ar*lda+g.pad, br*ldb+g.pad, g.m*ldc+g.pad
			if g.bcastB {
				sb = 0
			}
			p := device.GemmParams{TransA: g.tA, TransB: g.tB, M: g.m, N: g.n, K: g.k, Batch: g.batch,
				Alpha: g.alpha, Beta: g.beta, Act: g.act, ActAlpha: 0.1,
				A: device.Matrix{Offset: g.pad, LD: lda, BatchStride: sa},
				B: device.Matrix{Offset: g.pad, LD: ldb, BatchStride: sb},
				C: device.Matrix{Offset: g.pad, LD: ldc, BatchStride: sc}}
			cGen := Normal
			if g.beta == 0 {
				cGen = NaN // C must not be read when beta is 0
			}
			bufs := []Buf{{N: g.pad + batch*sc + 1, Gen: cGen}, {N: g.pad + batch*sa + 1, Gen: Normal}, {N: g.pad + max(batch*sb, br*ldb) + 1, Gen: Normal}, {N: g.n, Gen: Normal}}
			name := fmt.Sprintf("Gemm/%dx%dx%d/batch%d/tA=%v,tB=%v/alpha%v,beta%v/pad%d/bias=%v/%v", g.m, g.n, g.k, batch, g.tA, g.tB, g.alpha, g.beta, g.pad, g.bias, g.act)
			if g.bcastB {
				name += "/broadcastB"
			}
			bias := g.bias
			cs = append(cs, Case{
				Name: name, Bufs: bufs,
				Run: func(d device.Device, b []device.Buffer) {
					q := p
					q.C.Buf, q.A.Buf, q.B.Buf = b[0], b[1], b[2]
					if bias {
						q.Bias = b[3]
					}
					d.Gemm(q)
				},
				Check: []int{0}, Atol: sumA, Rtol: sumR,
			})
		}
	}
	return cs
}

func generatorCases() []Case {
	var cs []Case
	for _, n := range []int{1, 7, 1000, 100003} {
		cs = append(cs, Case{
			Name: fmt.Sprintf("RandUniform/%d", n), Bufs: []Buf{{N: n}},
			Run:   func(d device.Device, b []device.Buffer) { d.RandUniform(b[0], n, 42, 1<<32-3, -1, 3) },
			Check: []int{0},
		}, Case{
			Name: fmt.Sprintf("Bernoulli/%d", n), Bufs: []Buf{{N: n}},
			Run:   func(d device.Device, b []device.Buffer) { d.Bernoulli(b[0], n, 7, 5, 0.3, 2) },
			Check: []int{0},
		}, Case{
			Name: fmt.Sprintf("RandNormal/%d", n), Bufs: []Buf{{N: n}},
			Run:   func(d device.Device, b []device.Buffer) { d.RandNormal(b[0], n, 9, 0, 1, 2) },
			Check: []int{0}, Atol: 1e-4, Rtol: 1e-4,
		}, Case{
			Name: fmt.Sprintf("Arange/%d", n), Bufs: []Buf{{N: n}},
			Run:   func(d device.Device, b []device.Buffer) { d.Arange(b[0], n, -3, 0.25) },
			Check: []int{0},
		})
	}
	return cs
}

// nearSmallestNormal draws normal magnitudes from 2^-126, float32's
// smallest normal number, to 2^-122 (both signs): a few decay steps take
// many of them below it.
func nearSmallestNormal(r *rand.Rand, _ int) float32 {
	v := float32(math.Ldexp(1, -126+r.IntN(4)) * (1 + r.Float64()))
	if r.IntN(2) == 0 {
		return -v
	}
	return v
}

func optimizerCases() []Case {
	const n = 1001
	steps := 3
	// Buffers: param, grad, state 1..3.
	bufs := []Buf{{N: n, Gen: Normal}, {N: n, Gen: Normal}, {N: n, Gen: Const(0)}, {N: n, Gen: Const(0)}, {N: n, Gen: Const(0)}}
	// The same steps again from state near float32's smallest normal and
	// zero gradients (a weight that never sees a signal): the state decays
	// into the subnormal range and must be stored as zero there
	// (device.Optimizers' state rule).
	tiny := []Buf{{N: n, Gen: Normal}, {N: n, Gen: Const(0)}, {N: n, Gen: nearSmallestNormal}, {N: n, Gen: nearSmallestNormal}, {N: n, Gen: nearSmallestNormal}}
	var cs []Case
	add := func(name string, fn func(d device.Device, b []device.Buffer, step int)) {
		run := func(d device.Device, b []device.Buffer) {
			for s := 1; s <= steps; s++ {
				fn(d, b, s)
			}
		}
		cs = append(cs, Case{Name: name, Bufs: bufs, Run: run, Check: []int{0, 2, 3, 4}, Atol: looseA, Rtol: looseR},
			Case{Name: name + "/subnormal state", Bufs: tiny, Run: run, Check: []int{0, 2, 3, 4}, Atol: looseA, Rtol: looseR,
				Property: func(out [][]float32) error {
					for _, i := range []int{2, 3, 4} {
						for j, v := range out[i] {
							if v != 0 && math.Abs(float64(v)) < device.SmallestNormal32 {
								return fmt.Errorf("state buffer %d element %d is subnormal (%g); the state rule stores it as 0", i, j, v)
							}
						}
					}
					return nil
				}})
	}
	for _, p := range []device.SGDParams{{LR: 0.1}, {LR: 0.1, Momentum: 0.9, WeightDecay: 0.01}, {LR: 0.1, Momentum: 0.9, Dampening: 0.1, Nesterov: true}} {
		add(fmt.Sprintf("SGDStep/%+v", p), func(d device.Device, b []device.Buffer, s int) {
			q := p
			q.Step = s
			var v device.Buffer
			if p.Momentum != 0 {
				v = b[2]
			}
			d.SGDStep(q, n, b[0], b[1], v)
		})
	}
	for _, p := range []device.AdamParams{{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, {LR: 1e-2, Beta1: 0.8, Beta2: 0.99, Eps: 1e-7, WeightDecay: 0.1, Decoupled: true}} {
		add(fmt.Sprintf("AdamStep/%+v", p), func(d device.Device, b []device.Buffer, s int) {
			q := p
			q.Step = s
			d.AdamStep(q, n, b[0], b[1], b[2], b[3])
		})
	}
	for _, p := range []device.RMSpropParams{{LR: 1e-3, Rho: 0.9, Eps: 1e-7}, {LR: 1e-2, Rho: 0.9, Eps: 1e-7, Centered: true, Momentum: 0.5, WeightDecay: 0.01}, {LR: 1e-3, Rho: 0.9, Eps: 1e-7, EpsInsideSqrt: true}} {
		add(fmt.Sprintf("RMSpropStep/%+v", p), func(d device.Device, b []device.Buffer, _ int) {
			var ga, buf device.Buffer
			if p.Centered {
				ga = b[3]
			}
			if p.Momentum != 0 {
				buf = b[4]
			}
			d.RMSpropStep(p, n, b[0], b[1], b[2], ga, buf)
		})
	}
	add("AdaGradStep", func(d device.Device, b []device.Buffer, s int) {
		d.AdaGradStep(device.AdaGradParams{LR: 0.1, Eps: 1e-10, WeightDecay: 0.01, LRDecay: 0.1, Step: s}, n, b[0], b[1], b[2])
	})
	return cs
}

// ties draws from a few values (−1, −0, 0, 1, 2 and, rarely, NaN), so
// windows hold equal maxima, signed zeros and NaNs.
func ties(r *rand.Rand, _ int) float32 {
	if r.IntN(20) == 0 {
		return float32(math.NaN())
	}
	return []float32{-1, float32(math.Copysign(0, -1)), 0, 1, 2}[r.IntN(5)]
}

func convPoolCases() []Case {
	conv := []device.Conv2dParams{
		{N: 2, C: 3, H: 7, W: 6, OutC: 4, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1},
		{N: 3, C: 2, H: 9, W: 8, OutC: 5, KH: 3, KW: 3, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 2, Groups: 1},
		{N: 2, C: 6, H: 5, W: 7, OutC: 4, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1, Groups: 2},
		{N: 4, C: 1, H: 28, W: 28, OutC: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1, Groups: 1},
	}
	var cs []Case
	for _, p := range conv {
		nx, nw, ny := p.N*p.C*p.H*p.W, p.OutC*p.C/p.Groups*p.KH*p.KW, p.N*p.OutC*p.OutH()*p.OutW()
		name := fmt.Sprintf("%dx%dx%dx%d/k%dx%d/s%d,%d/p%d,%d/d%d,%d/g%d/out%d", p.N, p.C, p.H, p.W, p.KH, p.KW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW, p.Groups, p.OutC)
		cs = append(cs, Case{
			Name: "Conv2d/" + name, Bufs: []Buf{{N: ny}, {N: nx, Gen: Normal}, {N: nw, Gen: Normal}, {N: p.OutC, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.Conv2d(p, b[0], b[1], b[2], b[3]) },
			Check: []int{0}, Atol: sumA, Rtol: sumR,
		}, Case{
			Name: "Conv2dBackwardData/" + name, Bufs: []Buf{{N: nx}, {N: ny, Gen: Normal}, {N: nw, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.Conv2dBackwardData(p, b[0], b[1], b[2]) },
			Check: []int{0}, Atol: sumA, Rtol: sumR,
		}, Case{
			Name: "Conv2dBackwardFilter/" + name, Bufs: []Buf{{N: nw}, {N: nx, Gen: Normal}, {N: ny, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.Conv2dBackwardFilter(p, b[0], b[1], b[2]) },
			Check: []int{0}, Atol: sumA, Rtol: sumR,
		})
	}
	pools := []device.Pool2dParams{
		{N: 2, C: 3, H: 8, W: 8, KH: 2, KW: 2, StrideH: 2, StrideW: 2},
		{N: 2, C: 2, H: 7, W: 9, KH: 3, KW: 2, StrideH: 2, StrideW: 1},
		{N: 1, C: 2, H: 7, W: 7, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CountIncludePad: true},
		// Ceil mode: partial last windows (2x2 on odd sizes, the fast
		// path's shape), and one reaching past the padding.
		{N: 2, C: 3, H: 7, W: 5, KH: 2, KW: 2, StrideH: 2, StrideW: 2, CeilMode: true},
		{N: 1, C: 2, H: 8, W: 6, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CountIncludePad: true, CeilMode: true},
		{N: 1, C: 2, H: 6, W: 6, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CeilMode: true},
	}
	for _, p := range pools {
		nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
		name := fmt.Sprintf("%+v", p)
		cs = append(cs, Case{
			Name: "MaxPool2d/" + name, Bufs: []Buf{{N: ny}, {N: ny}, {N: nx, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.MaxPool2d(p, b[0], b[1], b[2]) },
			Check: []int{0, 1},
		}, Case{
			// Ties, signed zeros and NaNs: the first maximum (or first
			// NaN) of each window, its value and its position.
			Name: "MaxPool2d/ties/" + name, Bufs: []Buf{{N: ny}, {N: ny}, {N: nx, Gen: ties}},
			Run:   func(d device.Device, b []device.Buffer) { d.MaxPool2d(p, b[0], b[1], b[2]) },
			Check: []int{0, 1},
		}, Case{
			Name: "MaxPool2dBackward/" + name, Bufs: []Buf{{N: nx}, {N: ny}, {N: ny}, {N: ny, Gen: Normal}, {N: nx, Gen: Normal}},
			Run: func(d device.Device, b []device.Buffer) {
				d.MaxPool2d(p, b[1], b[2], b[4])
				d.MaxPool2dBackward(p, b[0], b[3], b[2])
			},
			Check: []int{0}, Atol: tightA, Rtol: tightR,
		}, Case{
			Name: "AvgPool2d/" + name, Bufs: []Buf{{N: ny}, {N: nx, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.AvgPool2d(p, b[0], b[1]) },
			Check: []int{0}, Atol: tightA, Rtol: looseR,
		}, Case{
			Name: "AvgPool2dBackward/" + name, Bufs: []Buf{{N: nx}, {N: ny, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.AvgPool2dBackward(p, b[0], b[1]) },
			Check: []int{0}, Atol: tightA, Rtol: looseR,
		})
	}
	return cs
}
