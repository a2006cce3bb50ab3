//go:build cgo

package kernels

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// attnRows is the number of rows (queries, or keys in the dk/dv pass) a
// workgroup of the attention kernels owns: one per invocation.
const attnRows = 64

// attnLaunch is the specialization and push constants of an attention
// kernel: MAXD the head size rounded up to a power of two (the private
// arrays' size), TILE the rows of a shared-memory tile, sized to fit two
// tiles of MAXD floats in the device's shared memory.
type attnLaunch struct {
	spec []uint32
	pc   push
}

func (d *Device) attnLaunch(op string, p device.AttentionParams) attnLaunch {
	p.Check("vulkan: " + op)
	maxd := uint32(16)
	for int(maxd) < max(p.D, p.DV) {
		maxd *= 2
	}
	shared := d.rt.Properties().MaxSharedMemory
	tile := uint32(64)
	for tile > 1 && 4*(2*tile*maxd+2*tile) > shared {
		tile /= 2
	}
	var mask device.Strided
	hasMask := uint32(0)
	if p.Mask.Buf != nil {
		mask, hasMask = p.Mask, 1
	} else {
		mask.Strides = []int{0, 0, 0}
	}
	keep := 1 - p.DropoutP
	if p.DropoutP > 0 && uint64(p.Batch)*uint64(p.L)*uint64(p.S) > 1<<32 {
		panic(fmt.Sprintf("vulkan: %s: dropout over %d×%d×%d weights (at most 2^32)", op, p.Batch, p.L, p.S))
	}
	pc := push(nil).u(p.Batch).u(p.L).u(p.S).u(p.D).u(p.DV).f(p.Scale).
		u(mask.Offset).u(mask.Strides[0]).u(mask.Strides[1]).u(mask.Strides[2]).
		u(int(uint32(p.Seed))).u(int(p.Seed >> 32)).u(int(uint32(p.Offset))).u(int(p.Offset >> 32)).f(keep)
	return attnLaunch{spec: []uint32{attnRows, maxd, tile, b2u(p.Causal), hasMask, b2u(p.DropoutP > 0)}, pc: pc}
}

// groups is the grid of one workgroup per attnRows rows of each problem.
func attnGrid(batch, rows int) [3]uint32 {
	return grid(batch * ((rows + attnRows - 1) / attnRows))
}

// maskBuf is the bound mask, or stand-in (unread) without one.
func (d *Device) maskBuf(op string, p device.AttentionParams, stand *vulkan.Buffer) *vulkan.Buffer {
	if p.Mask.Buf == nil {
		return stand
	}
	return d.buf(op, p.Mask.Buf)
}

// Attention runs the fused forward kernel: one invocation per query row.
func (d *Device) Attention(p device.AttentionParams, out, lse, q, k, v device.Buffer) {
	const op = "Attention"
	l := d.attnLaunch(op, p)
	ob, lb := d.out(op, out, 0, p.Batch*p.L*p.DV), d.out(op, lse, 0, p.Batch*p.L)
	qb, kb, vb := d.buf(op, q), d.buf(op, k), d.buf(op, v)
	device.CheckLen("vulkan: "+op, "q", q, 0, p.Batch*p.L*p.D)
	device.CheckLen("vulkan: "+op, "k", k, 0, p.Batch*p.S*p.D)
	device.CheckLen("vulkan: "+op, "v", v, 0, p.Batch*p.S*p.DV)
	if p.Batch*p.L == 0 {
		return
	}
	d.dispatch(d.pipeline("attn_fwd", l.spec...), attnGrid(p.Batch, p.L), l.pc, 2, ob, lb, qb, kb, vb, d.maskBuf(op, p, qb))
}

// AttentionBackward runs three kernels: the rows' (lse, dout·out), then
// dq with one invocation per query row, then dk and dv with one per key
// row, each recomputing the probabilities tile by tile.
func (d *Device) AttentionBackward(p device.AttentionParams, dq, dk, dv, dout, out, lse, q, k, v device.Buffer) {
	const op = "AttentionBackward"
	l := d.attnLaunch(op, p)
	dqb := d.out(op, dq, 0, p.Batch*p.L*p.D)
	dkb, dvb := d.out(op, dk, 0, p.Batch*p.S*p.D), d.out(op, dv, 0, p.Batch*p.S*p.DV)
	gb, ob, lb := d.buf(op, dout), d.buf(op, out), d.buf(op, lse)
	qb, kb, vb := d.buf(op, q), d.buf(op, k), d.buf(op, v)
	for _, c := range []struct {
		name string
		b    device.Buffer
		n    int
	}{{"dout", dout, p.Batch * p.L * p.DV}, {"out", out, p.Batch * p.L * p.DV}, {"lse", lse, p.Batch * p.L},
		{"q", q, p.Batch * p.L * p.D}, {"k", k, p.Batch * p.S * p.D}, {"v", v, p.Batch * p.S * p.DV}} {
		device.CheckLen("vulkan: "+op, c.name, c.b, 0, c.n)
	}
	mb := d.maskBuf(op, p, qb)
	rows := p.Batch * p.L
	if rows > 0 {
		stats := d.scratch(2 * rows)
		defer d.rt.Release(stats)
		d.dispatch(d.pipeline("attn_delta", d.wg), d.elems(rows), push(nil).u(rows).u(p.DV), 1, stats, lb, gb, ob)
		d.dispatch(d.pipeline("attn_bw_dq", l.spec...), attnGrid(p.Batch, p.L), l.pc, 1, dqb, gb, stats, qb, kb, vb, mb)
		if p.S > 0 {
			d.dispatch(d.pipeline("attn_bw_dkv", l.spec...), attnGrid(p.Batch, p.S), l.pc, 2, dkb, dvb, gb, stats, qb, kb, vb, mb)
		}
		return
	}
	// No queries: the keys' and values' gradients are zero.
	if n := p.Batch * p.S; n > 0 {
		d.Fill(dk, 0, n*p.D, 0)
		d.Fill(dv, 0, n*p.DV, 0)
	}
}
