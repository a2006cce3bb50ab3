package cpu

import (
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/philox"
)

// attention holds one call's operands, read row by row.
type attention struct {
	p       device.AttentionParams
	q, k, v []float32
	mask    []float32
	keep    float32 // 1 - DropoutP
}

func (d *Device) attention(op string, p device.AttentionParams, q, k, v device.Buffer) attention {
	p.Check("cpu: " + op)
	a := attention{p: p, q: d.data(op, q), k: d.data(op, k), v: d.data(op, v), keep: 1 - p.DropoutP}
	device.CheckLen("cpu: "+op, "q", q, 0, p.Batch*p.L*p.D)
	device.CheckLen("cpu: "+op, "k", k, 0, p.Batch*p.S*p.D)
	device.CheckLen("cpu: "+op, "v", v, 0, p.Batch*p.S*p.DV)
	if p.Mask.Buf != nil {
		a.mask = d.data(op, p.Mask.Buf)
	}
	return a
}

// scores writes query i's scaled, masked scores of problem b into s
// (−Inf where masked) and returns their log-sum-exp (NaN when no key is
// seen).
func (a *attention) scores(b, i int, s []float64) float64 {
	p := a.p
	qi := a.q[(b*p.L+i)*p.D : (b*p.L+i+1)*p.D]
	m := math.Inf(-1)
	for j := range p.S {
		if p.Causal && j > i {
			s[j] = math.Inf(-1)
			continue
		}
		kj := a.k[(b*p.S+j)*p.D : (b*p.S+j+1)*p.D]
		var dot float64
		for t, x := range qi {
			dot += float64(x) * float64(kj[t])
		}
		v := dot * float64(p.Scale)
		if a.mask != nil {
			v += float64(a.mask[p.Mask.Offset+b*p.Mask.Strides[0]+i*p.Mask.Strides[1]+j*p.Mask.Strides[2]])
		}
		s[j] = v
		m = math.Max(m, v)
	}
	if math.IsInf(m, -1) {
		return math.NaN()
	}
	var l float64
	for _, v := range s {
		l += math.Exp(v - m)
	}
	return m + math.Log(l)
}

// dropKeep is the dropout factor of weight (b, i, j): 0 or 1/(1 − p).
func (a *attention) dropKeep(b, i, j int) float64 {
	p := a.p
	if p.DropoutP == 0 {
		return 1
	}
	return float64(philox.Bernoulli(p.Seed, p.Offset+uint64((b*p.L+i)*p.S+j), a.keep, 1/a.keep))
}

// Attention computes each query row on its own: its scores, their
// log-sum-exp, then the weighted sum of the values.
func (d *Device) Attention(p device.AttentionParams, out, lse, q, k, v device.Buffer) {
	const op = "Attention"
	a := d.attention(op, p, q, k, v)
	device.CheckLen("cpu: "+op, "lse", lse, 0, p.Batch*p.L)
	ls := d.data(op, lse)
	o := d.out(op, out, p.Batch*p.L*p.DV)
	parallelFor(p.Batch*p.L, max(1, grainReduce/max(1, p.S*(p.D+p.DV))), func(lo, hi int) {
		s := make([]float64, p.S)
		acc := make([]float64, p.DV)
		for r := lo; r < hi; r++ {
			b, i := r/p.L, r%p.L
			z := a.scores(b, i, s)
			ls[r] = float32(z)
			clear(acc)
			for j, sj := range s {
				w := math.Exp(sj-z) * a.dropKeep(b, i, j)
				if w == 0 {
					continue
				}
				vj := a.v[(b*p.S+j)*p.DV : (b*p.S+j+1)*p.DV]
				for t, x := range vj {
					acc[t] += w * float64(x)
				}
			}
			orow := o[r*p.DV : (r+1)*p.DV]
			for t := range orow {
				if math.IsNaN(z) {
					orow[t] = float32(math.NaN())
				} else {
					orow[t] = float32(acc[t])
				}
			}
		}
	})
}

// AttentionBackward recomputes each problem's probabilities row by row;
// problems run in parallel, the rows of one in order, so every sum is
// taken in the same order each run.
func (d *Device) AttentionBackward(p device.AttentionParams, dq, dk, dv, dout, out, lse, q, k, v device.Buffer) {
	const op = "AttentionBackward"
	a := d.attention(op, p, q, k, v)
	device.CheckLen("cpu: "+op, "dout", dout, 0, p.Batch*p.L*p.DV)
	device.CheckLen("cpu: "+op, "out", out, 0, p.Batch*p.L*p.DV)
	device.CheckLen("cpu: "+op, "lse", lse, 0, p.Batch*p.L)
	device.CheckLen("cpu: "+op, "dk", dk, 0, p.Batch*p.S*p.D)
	device.CheckLen("cpu: "+op, "dv", dv, 0, p.Batch*p.S*p.DV)
	g, o := d.data(op, dout), d.data(op, out)
	dQ := d.out(op, dq, p.Batch*p.L*p.D)
	dK, dV := d.data(op, dk)[:p.Batch*p.S*p.D], d.data(op, dv)[:p.Batch*p.S*p.DV]
	parallelFor(p.Batch, 1, func(lo, hi int) {
		s := make([]float64, p.S)
		gk := make([]float64, p.S*p.D)
		gv := make([]float64, p.S*p.DV)
		gq := make([]float64, p.D)
		for b := lo; b < hi; b++ {
			clear(gk)
			clear(gv)
			for i := range p.L {
				r := b*p.L + i
				z := a.scores(b, i, s)
				gi, oi := g[r*p.DV:(r+1)*p.DV], o[r*p.DV:(r+1)*p.DV]
				qi := a.q[r*p.D : (r+1)*p.D]
				var delta float64
				for t := range gi {
					delta += float64(gi[t]) * float64(oi[t])
				}
				clear(gq)
				for j, sj := range s {
					pj := math.Exp(sj - z)
					if !(pj > 0) { // masked, or a row that sees nothing
						continue
					}
					keep := a.dropKeep(b, i, j)
					vj := a.v[(b*p.S+j)*p.DV : (b*p.S+j+1)*p.DV]
					var dp float64
					for t, x := range vj {
						dp += float64(gi[t]) * float64(x)
						gv[j*p.DV+t] += pj * keep * float64(gi[t])
					}
					ds := pj * (dp*keep - delta) * float64(p.Scale)
					kj := a.k[(b*p.S+j)*p.D : (b*p.S+j+1)*p.D]
					for t := range kj {
						gq[t] += ds * float64(kj[t])
						gk[j*p.D+t] += ds * float64(qi[t])
					}
				}
				for t := range gq {
					dQ[r*p.D+t] = float32(gq[t])
				}
			}
			for t := range p.S * p.D {
				dK[b*p.S*p.D+t] = float32(gk[t])
			}
			for t := range p.S * p.DV {
				dV[b*p.S*p.DV+t] = float32(gv[t])
			}
		}
	})
}
