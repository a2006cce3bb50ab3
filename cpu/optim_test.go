package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

// The references below follow the pseudo-code of PyTorch's optimizer
// documentation, one scalar at a time, in float64.

func refSGD(p device.SGDParams, w, g, v float64, step int) (float64, float64) {
	g += float64(p.WeightDecay) * w
	if p.Momentum != 0 {
		if step == 1 {
			v = g
		} else {
			v = float64(p.Momentum)*v + (1-float64(p.Dampening))*g
		}
		if p.Nesterov {
			g += float64(p.Momentum) * v
		} else {
			g = v
		}
	}
	return w - float64(p.LR)*g, v
}

func refAdam(p device.AdamParams, w, g, m, v float64, step int) (float64, float64, float64) {
	lr, b1, b2, wd := float64(p.LR), float64(p.Beta1), float64(p.Beta2), float64(p.WeightDecay)
	if p.Decoupled {
		w *= 1 - lr*wd
	} else {
		g += wd * w
	}
	m = b1*m + (1-b1)*g
	v = b2*v + (1-b2)*g*g
	mh := m / (1 - math.Pow(b1, float64(step)))
	vh := v / (1 - math.Pow(b2, float64(step)))
	return w - lr*mh/(math.Sqrt(vh)+float64(p.Eps)), m, v
}

func refRMSprop(p device.RMSpropParams, w, g, sq, ga, buf float64) (float64, float64, float64, float64) {
	rho := float64(p.Rho)
	g += float64(p.WeightDecay) * w
	sq = rho*sq + (1-rho)*g*g
	avg := sq
	if p.Centered {
		ga = rho*ga + (1-rho)*g
		avg -= ga * ga
	}
	var denom float64
	if p.EpsInsideSqrt {
		denom = math.Sqrt(avg + float64(p.Eps))
	} else {
		denom = math.Sqrt(avg) + float64(p.Eps)
	}
	if p.Momentum != 0 {
		buf = float64(p.Momentum)*buf + g/denom
		return w - float64(p.LR)*buf, sq, ga, buf
	}
	return w - float64(p.LR)*g/denom, sq, ga, buf
}

func refAdaGrad(p device.AdaGradParams, w, g, sum float64, step int) (float64, float64) {
	g += float64(p.WeightDecay) * w
	clr := float64(p.LR) / (1 + float64(step-1)*float64(p.LRDecay))
	sum += g * g
	return w - clr*g/(math.Sqrt(sum)+float64(p.Eps)), sum
}

// optimRun runs steps of an optimizer on the device and on the reference,
// with a fresh random gradient each step, and compares every buffer.
func optimRun(t *testing.T, name string, nState int, step func(d *Device, n, k int, w, g device.Buffer, s []device.Buffer), ref func(k int, w, g float64, s []float64) (float64, []float64)) {
	t.Helper()
	const n, steps = 37, 4
	d := New()
	r := rand.New(rand.NewPCG(17, uint64(len(name))))
	w := randSlice(r, n)
	wb := upload(d, w)
	state := make([]device.Buffer, nState)
	for i := range state {
		state[i] = device.MustAlloc(d, n)
		d.Fill(state[i], 0, n, 0)
	}
	refW := make([]float64, n)
	refS := make([][]float64, n)
	for i := range refW {
		refW[i] = float64(w[i])
		refS[i] = make([]float64, nState)
	}
	for k := 1; k <= steps; k++ {
		g := randSlice(r, n)
		step(d, n, k, wb, upload(d, g), state)
		for i := range refW {
			refW[i], refS[i] = ref(k, refW[i], float64(g[i]), refS[i])
		}
	}
	assertClose(t, name+" param", download(t, d, wb, n), refW, 1e-5, 1e-4)
	for s := range state {
		want := make([]float64, n)
		for i := range want {
			want[i] = refS[i][s]
		}
		assertClose(t, fmt.Sprintf("%s state %d", name, s), download(t, d, state[s], n), want, 1e-5, 1e-4)
	}
}

func TestOptimizers(t *testing.T) {
	for _, p := range []device.SGDParams{
		{LR: 0.1},
		{LR: 0.1, WeightDecay: 0.01},
		{LR: 0.05, Momentum: 0.9},
		{LR: 0.05, Momentum: 0.9, Dampening: 0.1, WeightDecay: 1e-3},
		{LR: 0.05, Momentum: 0.9, Nesterov: true},
	} {
		optimRun(t, fmt.Sprintf("sgd %+v", p), 1, func(d *Device, n, k int, w, g device.Buffer, s []device.Buffer) {
			p.Step = k
			d.SGDStep(p, n, w, g, s[0])
		}, func(k int, w, g float64, s []float64) (float64, []float64) {
			w, v := refSGD(p, w, g, s[0], k)
			if p.Momentum == 0 {
				v = 0
			}
			return w, []float64{v}
		})
	}
	for _, p := range []device.AdamParams{
		{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		{LR: 1e-2, Beta1: 0.8, Beta2: 0.99, Eps: 1e-7, WeightDecay: 0.1},
		{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1, Decoupled: true},
	} {
		optimRun(t, fmt.Sprintf("adam %+v", p), 2, func(d *Device, n, k int, w, g device.Buffer, s []device.Buffer) {
			p.Step = k
			d.AdamStep(p, n, w, g, s[0], s[1])
		}, func(k int, w, g float64, s []float64) (float64, []float64) {
			w, m, v := refAdam(p, w, g, s[0], s[1], k)
			return w, []float64{m, v}
		})
	}
	for _, p := range []device.RMSpropParams{
		{LR: 1e-3, Rho: 0.9, Eps: 1e-7},
		{LR: 1e-2, Rho: 0.99, Eps: 1e-8, WeightDecay: 0.01},
		{LR: 1e-2, Rho: 0.9, Eps: 1e-7, Centered: true, Momentum: 0.5},
		{LR: 1e-3, Rho: 0.9, Eps: 1e-7, EpsInsideSqrt: true},
	} {
		optimRun(t, fmt.Sprintf("rmsprop %+v", p), 3, func(d *Device, n, k int, w, g device.Buffer, s []device.Buffer) {
			d.RMSpropStep(p, n, w, g, s[0], s[1], s[2])
		}, func(k int, w, g float64, s []float64) (float64, []float64) {
			w, sq, ga, buf := refRMSprop(p, w, g, s[0], s[1], s[2])
			return w, []float64{sq, ga, buf}
		})
	}
	for _, p := range []device.AdaGradParams{
		{LR: 0.1, Eps: 1e-10},
		{LR: 0.1, Eps: 1e-7, WeightDecay: 0.01, LRDecay: 0.1},
	} {
		optimRun(t, fmt.Sprintf("adagrad %+v", p), 1, func(d *Device, n, k int, w, g device.Buffer, s []device.Buffer) {
			p.Step = k
			d.AdaGradStep(p, n, w, g, s[0])
		}, func(k int, w, g float64, s []float64) (float64, []float64) {
			w, sum := refAdaGrad(p, w, g, s[0], k)
			return w, []float64{sum}
		})
	}
}

func TestOptimizerMissingState(t *testing.T) {
	d := New()
	w, g := device.MustAlloc(d, 3), device.MustAlloc(d, 3)
	mustPanic(t, "velocity buffer is nil", func() { d.SGDStep(device.SGDParams{LR: 1, Momentum: 0.9}, 3, w, g, nil) })
	mustPanic(t, "m buffer is nil", func() { d.AdamStep(device.AdamParams{LR: 1}, 3, w, g, nil, device.MustAlloc(d, 3)) })
	mustPanic(t, "sum needs 3 elements", func() { d.AdaGradStep(device.AdaGradParams{LR: 1}, 3, w, g, device.MustAlloc(d, 2)) })
}
