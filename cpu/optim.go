package cpu

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/cpu/internal/vec"
	"github.com/vkgrad/vkgrad/device"
)

// state returns the named optimizer buffers, each checked to hold n
// elements; a nil buffer gives a nil slice.
func (d *Device) state(op string, n int, names []string, bufs ...device.Buffer) [][]float32 {
	if n < 0 {
		panic(fmt.Sprintf("cpu: %s: negative size %d", op, n))
	}
	out := make([][]float32, len(bufs))
	for i, b := range bufs {
		if b == nil {
			continue
		}
		x := d.data(op, b)
		device.CheckLen("cpu: "+op, names[i], b, 0, n)
		out[i] = x[:n]
	}
	d.ops.Add(1)
	return out
}

func need(op, name string, s []float32, why string) {
	if s == nil {
		panic(fmt.Sprintf("cpu: %s: %s buffer is nil but %s", op, name, why))
	}
}

// SGDStep updates param with SGD (momentum, Nesterov, weight decay).
func (d *Device) SGDStep(p device.SGDParams, n int, param, grad, velocity device.Buffer) {
	s := d.state("SGDStep", n, []string{"param", "grad", "velocity"}, param, grad, velocity)
	w, g, v := s[0], s[1], s[2]
	if p.Momentum != 0 {
		need("SGDStep", "velocity", v, "momentum is set")
	}
	first := p.Step <= 1
	parallelFor(n, grainElementwise, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i] + p.WeightDecay*w[i]
			if p.Momentum != 0 {
				if first {
					v[i] = vec.FlushSubnormal(gi)
				} else {
					v[i] = vec.FlushSubnormal(p.Momentum*v[i] + (1-p.Dampening)*gi)
				}
				if p.Nesterov {
					gi += p.Momentum * v[i]
				} else {
					gi = v[i]
				}
			}
			w[i] -= p.LR * gi
		}
	})
}

// AdamStep updates param with Adam or AdamW.
func (d *Device) AdamStep(p device.AdamParams, n int, param, grad, m, v device.Buffer) {
	s := d.state("AdamStep", n, []string{"param", "grad", "m", "v"}, param, grad, m, v)
	w, g, ms, vs := s[0], s[1], s[2], s[3]
	need("AdamStep", "m", ms, "Adam keeps moments")
	need("AdamStep", "v", vs, "Adam keeps moments")
	step := float64(max(p.Step, 1))
	bc1 := float32(1 - math.Pow(float64(p.Beta1), step))
	bc2 := float32(math.Sqrt(1 - math.Pow(float64(p.Beta2), step)))
	// The arithmetic is the same, in the same order, as every backend's.
	a := vec.AdamArgs{B1: p.Beta1, B1c: 1 - p.Beta1, B2: p.Beta2, B2c: 1 - p.Beta2, Eps: p.Eps,
		LRB: p.LR / bc1, BC2: bc2, Decay: 1 - p.LR*p.WeightDecay, WD: p.WeightDecay, Decoupled: p.Decoupled}
	parallelFor(n, grainElementwise, func(lo, hi int) {
		vec.Adam(w[lo:hi], g[lo:hi], ms[lo:hi], vs[lo:hi], a)
	})
}

// RMSpropStep updates param with RMSprop.
func (d *Device) RMSpropStep(p device.RMSpropParams, n int, param, grad, sq, gradAvg, buf device.Buffer) {
	s := d.state("RMSpropStep", n, []string{"param", "grad", "sq", "gradAvg", "buf"}, param, grad, sq, gradAvg, buf)
	w, g, sqs, ga, b := s[0], s[1], s[2], s[3], s[4]
	need("RMSpropStep", "sq", sqs, "RMSprop keeps a square average")
	if p.Centered {
		need("RMSpropStep", "gradAvg", ga, "centered is set")
	}
	if p.Momentum != 0 {
		need("RMSpropStep", "buf", b, "momentum is set")
	}
	if !p.Centered && !p.EpsInsideSqrt && p.Momentum == 0 {
		// Keras' RMSprop, the common case: vec's kernel, vectorised where
		// the processor allows.
		rho, rho1, eps, lr, wd := p.Rho, 1-p.Rho, p.Eps, p.LR, p.WeightDecay
		parallelFor(n, grainElementwise, func(lo, hi int) {
			vec.RMSprop(w[lo:hi], g[lo:hi], sqs[lo:hi], rho, rho1, eps, lr, wd)
		})
		return
	}
	parallelFor(n, grainElementwise, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i] + p.WeightDecay*w[i]
			sqs[i] = vec.FlushSubnormal(p.Rho*sqs[i] + (1-p.Rho)*gi*gi)
			avg := sqs[i]
			if p.Centered {
				ga[i] = vec.FlushSubnormal(p.Rho*ga[i] + (1-p.Rho)*gi)
				avg -= ga[i] * ga[i]
			}
			var denom float32
			if p.EpsInsideSqrt {
				denom = float32(math.Sqrt(float64(avg + p.Eps)))
			} else {
				denom = float32(math.Sqrt(float64(avg))) + p.Eps
			}
			if p.Momentum != 0 {
				b[i] = vec.FlushSubnormal(p.Momentum*b[i] + gi/denom)
				w[i] -= p.LR * b[i]
			} else {
				w[i] -= p.LR * gi / denom
			}
		}
	})
}

// AdaGradStep updates param with AdaGrad.
func (d *Device) AdaGradStep(p device.AdaGradParams, n int, param, grad, sum device.Buffer) {
	s := d.state("AdaGradStep", n, []string{"param", "grad", "sum"}, param, grad, sum)
	w, g, acc := s[0], s[1], s[2]
	need("AdaGradStep", "sum", acc, "AdaGrad keeps a sum of squares")
	clr := p.LR / (1 + float32(max(p.Step, 1)-1)*p.LRDecay)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i] + p.WeightDecay*w[i]
			acc[i] = vec.FlushSubnormal(acc[i] + gi*gi)
			w[i] -= clr * gi / (float32(math.Sqrt(float64(acc[i]))) + p.Eps)
		}
	})
}
