package cpu

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/philox"
)

// attentionTile bounds the scores held at once: a block of query rows
// times all the keys, at most this many floats (4 MiB).
const attentionTile = 1 << 20

// attention holds one call's operands.
type attention struct {
	d       *Device
	p       device.AttentionParams
	q, k, v []float32
	mask    []float32
	keep    float32 // 1 - DropoutP
	rows    int     // query rows per block
}

func (d *Device) attention(op string, p device.AttentionParams, q, k, v device.Buffer) attention {
	p.Check("cpu: " + op)
	device.CheckLen("cpu: "+op, "q", q, 0, p.Batch*p.L*p.D)
	device.CheckLen("cpu: "+op, "k", k, 0, p.Batch*p.S*p.D)
	device.CheckLen("cpu: "+op, "v", v, 0, p.Batch*p.S*p.DV)
	a := attention{d: d, p: p, q: d.data(op, q), k: d.data(op, k), v: d.data(op, v), keep: 1 - p.DropoutP,
		rows: max(1, min(p.L, attentionTile/max(p.S, 1)))}
	if p.Mask.Buf != nil {
		a.mask = d.data(op, p.Mask.Buf)
	}
	return a
}

// matrix is rows×cols of data at offset with row stride ld.
func matrix(data []float32, off, rows, cols, ld int) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: ld, Data: data[off : off+matrixSpan(rows, cols, ld)]}
}

// probs computes problem b's probabilities for query rows [i0, i0+n) into
// pr (n×S, one GEMM for the scores, then each row's masked softmax in
// float64) and their log-sum-exps into lse. A row that sees no key gets
// zero probabilities and a NaN log-sum-exp.
func (a *attention) probs(b, i0, n int, pr []float32, lse []float32) {
	p := a.p
	s := matrix(pr, 0, n, p.S, p.S)
	a.d.blasGemm(blas.NoTrans, blas.Trans, p.Scale, matrix(a.q, (b*p.L+i0)*p.D, n, p.D, p.D), matrix(a.k, b*p.S*p.D, p.S, p.D, p.D), 0, s)
	parallelFor(n, max(1, grainReduce/max(1, p.S)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			i := i0 + r
			row := pr[r*p.S : (r+1)*p.S]
			m := math.Inf(-1)
			for j := range row {
				v := float64(row[j])
				if a.mask != nil {
					v += float64(a.mask[p.Mask.Offset+b*p.Mask.Strides[0]+i*p.Mask.Strides[1]+j*p.Mask.Strides[2]])
				}
				if p.Causal && j > i {
					v = math.Inf(-1)
				}
				row[j] = float32(v)
				if v > m || v != v {
					m = v
				}
			}
			if math.IsInf(m, -1) {
				clear(row)
				lse[r] = float32(math.NaN())
				continue
			}
			// One exp per score: e = exp(s − m), then p = e/l.
			var l float64
			for j, v := range row {
				e := math.Exp(float64(v) - m)
				row[j] = float32(e)
				l += e
			}
			lse[r] = float32(m + math.Log(l))
			inv := 1 / l
			for j, e := range row {
				row[j] = float32(float64(e) * inv)
			}
		}
	})
}

// dropped applies the dropout mask to rows [i0, i0+n) of problem b's
// probabilities in place (scaled by 1/keep where kept).
func (a *attention) dropped(b, i0, n int, pr []float32) {
	p := a.p
	if p.DropoutP == 0 {
		return
	}
	parallelFor(n*p.S, grainElementwise, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			i, j := i0+e/p.S, e%p.S
			pr[e] *= philox.Bernoulli(p.Seed, p.Offset+uint64((b*p.L+i)*p.S+j), a.keep, 1/a.keep)
		}
	})
}

// Attention computes each problem a block of query rows at a time: the
// scores by one GEMM, each row's softmax, the dropout, the output by
// another GEMM.
func (d *Device) Attention(p device.AttentionParams, out, lse, q, k, v device.Buffer) {
	const op = "Attention"
	a := d.attention(op, p, q, k, v)
	device.CheckLen("cpu: "+op, "lse", lse, 0, p.Batch*p.L)
	ls := d.data(op, lse)
	o := d.out(op, out, p.Batch*p.L*p.DV)
	if p.S == 0 { // no query sees a key
		nan := float32(math.NaN())
		for i := range o {
			o[i] = nan
		}
		for i := range p.Batch * p.L {
			ls[i] = nan
		}
		return
	}
	pr := make([]float32, a.rows*p.S)
	for b := range p.Batch {
		for i0 := 0; i0 < p.L; i0 += a.rows {
			n := min(a.rows, p.L-i0)
			a.probs(b, i0, n, pr, ls[b*p.L+i0:])
			a.dropped(b, i0, n, pr)
			om := matrix(o, (b*p.L+i0)*p.DV, n, p.DV, p.DV)
			d.blasGemm(blas.NoTrans, blas.NoTrans, 1, matrix(pr, 0, n, p.S, p.S), matrix(a.v, b*p.S*p.DV, p.S, p.DV, p.DV), 0, om)
			for r := range n {
				if math.IsNaN(float64(ls[b*p.L+i0+r])) {
					row := o[(b*p.L+i0+r)*p.DV : (b*p.L+i0+r+1)*p.DV]
					for t := range row {
						row[t] = float32(math.NaN())
					}
				}
			}
		}
	}
}

// AttentionBackward recomputes each block's probabilities and takes the
// gradients with GEMMs: dv += p̃ᵀ·dout, dp = dout·vᵀ, ds = p∘(dp∘z −
// delta)·scale, dq = ds·k, dk += dsᵀ·q. Blocks run in order, so every sum
// is taken in the same order each run.
func (d *Device) AttentionBackward(p device.AttentionParams, dq, dk, dv, dout, out, lse, q, k, v device.Buffer) {
	const op = "AttentionBackward"
	a := d.attention(op, p, q, k, v)
	for _, c := range []struct {
		name string
		b    device.Buffer
		n    int
	}{{"dout", dout, p.Batch * p.L * p.DV}, {"out", out, p.Batch * p.L * p.DV}, {"lse", lse, p.Batch * p.L},
		{"dk", dk, p.Batch * p.S * p.D}, {"dv", dv, p.Batch * p.S * p.DV}} {
		device.CheckLen("cpu: "+op, c.name, c.b, 0, c.n)
	}
	g, o := d.data(op, dout), d.data(op, out)
	dQ := d.out(op, dq, p.Batch*p.L*p.D)
	dK, dV := d.data(op, dk)[:p.Batch*p.S*p.D], d.data(op, dv)[:p.Batch*p.S*p.DV]
	clear(dK)
	clear(dV)
	pr := make([]float32, a.rows*p.S) // p, then p̃
	ds := make([]float32, a.rows*p.S) // dp, then ds
	ls := make([]float32, a.rows)
	for b := range p.Batch {
		dKb, dVb := matrix(dK, b*p.S*p.D, p.S, p.D, p.D), matrix(dV, b*p.S*p.DV, p.S, p.DV, p.DV)
		for i0 := 0; i0 < p.L; i0 += a.rows {
			n := min(a.rows, p.L-i0)
			r0 := b*p.L + i0
			dQb := matrix(dQ, r0*p.D, n, p.D, p.D)
			if p.S == 0 {
				clear(dQb.Data)
				continue
			}
			a.probs(b, i0, n, pr, ls)
			gb := matrix(g, r0*p.DV, n, p.DV, p.DV)
			// dp = dout·vᵀ, then ds = p∘(dp∘z − delta)·scale.
			d.blasGemm(blas.NoTrans, blas.Trans, 1, gb, matrix(a.v, b*p.S*p.DV, p.S, p.DV, p.DV), 0, matrix(ds, 0, n, p.S, p.S))
			parallelFor(n, max(1, grainReduce/max(1, p.S)), func(lo, hi int) {
				for r := lo; r < hi; r++ {
					i := i0 + r
					if math.IsNaN(float64(ls[r])) { // a row that saw no key has no gradient
						clear(pr[r*p.S : (r+1)*p.S])
						clear(ds[r*p.S : (r+1)*p.S])
						continue
					}
					var delta float64
					for t := range p.DV {
						delta += float64(g[(r0+r)*p.DV+t]) * float64(o[(r0+r)*p.DV+t])
					}
					row, dsr := pr[r*p.S:(r+1)*p.S], ds[r*p.S:(r+1)*p.S]
					for j := range row {
						z := 1.0
						if p.DropoutP > 0 {
							z = float64(philox.Bernoulli(p.Seed, p.Offset+uint64((b*p.L+i)*p.S+j), a.keep, 1/a.keep))
						}
						pj := float64(row[j])
						dsr[j] = float32(pj * (float64(dsr[j])*z - delta) * float64(p.Scale))
						row[j] = float32(pj * z) // p̃, for dv
					}
				}
			})
			pm, dsm := matrix(pr, 0, n, p.S, p.S), matrix(ds, 0, n, p.S, p.S)
			d.blasGemm(blas.Trans, blas.NoTrans, 1, pm, gb, 1, dVb)
			d.blasGemm(blas.NoTrans, blas.NoTrans, 1, dsm, matrix(a.k, b*p.S*p.D, p.S, p.D, p.D), 0, dQb)
			d.blasGemm(blas.Trans, blas.NoTrans, 1, dsm, matrix(a.q, r0*p.D, n, p.D, p.D), 1, dKb)
		}
	}
}
