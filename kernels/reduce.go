//go:build cgo

package kernels

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

const maxRankReduce = 4

// Reduce reduces src over axes into dst. Each output is one workgroup, or,
// when there are few outputs and many elements each, several workgroups
// whose partial results a second pass combines.
func (d *Device) Reduce(op device.ReduceOp, shape []int, axes []int, dst device.Buffer, src device.Strided) {
	d.reduceScaled(op, shape, axes, dst, src, 1)
}

// reduceScaled is Reduce with the result multiplied by factor (sums and
// means only).
func (d *Device) reduceScaled(op device.ReduceOp, shape []int, axes []int, dst device.Buffer, src device.Strided, factor float32) {
	for i, a := range axes {
		if a < 0 || a >= len(shape) || (i > 0 && a <= axes[i-1]) {
			panic(fmt.Sprintf("vulkan: Reduce: axes %v must be sorted, distinct and within rank %d of shape %v", axes, len(shape), shape))
		}
	}
	sb := d.view("Reduce", shape, src)
	var keptShape, keptStrides, redShape, redStrides []int
	ai := 0
	for i, s := range shape {
		if ai < len(axes) && axes[ai] == i {
			redShape, redStrides = append(redShape, s), append(redStrides, src.Strides[i])
			ai++
		} else {
			keptShape, keptStrides = append(keptShape, s), append(keptStrides, src.Strides[i])
		}
	}
	nOut, nRed := device.NumElements(keptShape), device.NumElements(redShape)
	out := d.out("Reduce", dst, 0, nOut)
	if nOut == 0 {
		return
	}
	ks, kst := device.MergeDims(keptShape, device.ContiguousStrides(keptShape), keptStrides)
	rs, rst := device.MergeDims(redShape, redStrides)
	if len(ks) > maxRankReduce || len(rs) > maxRankReduce {
		panic(fmt.Sprintf("vulkan: Reduce: shape %v over axes %v leaves %d kept and %d reduced axes after merging; at most %d each", shape, axes, len(ks), len(rs), maxRankReduce))
	}
	var rStrides []int
	if len(rst) > 0 {
		rStrides = rst[0]
	}
	opCode := uint32(op)
	if op == device.ReduceMean {
		opCode = uint32(device.ReduceSum)
	}
	scale := factor
	if op == device.ReduceMean {
		scale = factor / float32(nRed)
	}
	wg := int(d.wg)
	if nRed <= 256 && nOut >= wg {
		// Many short reductions: an invocation per output.
		d.reducePass(opCode, out, sb, nOut, nRed, 0, nRed, ks, kst[1], rs, rStrides, src.Offset, scale)
		return
	}
	parts := 1
	if nOut < 64 && nRed > 4*wg {
		parts = min((nRed+4*wg-1)/(4*wg), 1024)
	}
	chunk := (nRed + parts - 1) / parts
	first := out
	if parts > 1 {
		first = d.scratch(nOut * parts)
		defer d.rt.Release(first)
	}
	d.reducePass(opCode, first, sb, nOut, nRed, parts, chunk, ks, kst[1], rs, rStrides, src.Offset, scale)
	if parts > 1 {
		// Combine the parts: [nOut, parts] over its last axis.
		d.reducePass(opCode, out, first, nOut, parts, 1, parts, []int{nOut}, []int{parts}, []int{parts}, []int{1}, 0, scale)
	}
}

// reducePass records one pass of the reduction kernel; parts 0 selects an
// invocation per output.
func (d *Device) reducePass(op uint32, dst, src *vulkan.Buffer, nOut, nRed, parts, chunk int, ks, kst, rs, rst []int, off int, scale float32) {
	shader := "reduce"
	if d.rt.Properties().SubgroupArithmetic {
		shader = "reduce_sg" // subgroup operations first
	}
	perThread := parts == 0 // an invocation per output
	p := d.pipeline(shader, d.wg, op, b2u(perThread))
	groups := grid(nOut * parts)
	if perThread {
		groups, parts = d.elems(nOut), 1
	}
	pc := push(nil).u(nOut).u(nRed).u(parts).u(chunk).
		u(len(ks)).arr(ks, maxRankReduce).arr(kst, maxRankReduce).
		u(len(rs)).arr(rs, maxRankReduce).arr(rst, maxRankReduce).
		u(off).f(scale)
	d.dispatch(p, groups, pc, 1, dst, src)
}

const maxRankArg = 5

// ArgReduce writes the index of the extreme element along axis.
func (d *Device) ArgReduce(op device.ArgOp, shape []int, axis int, dst device.Buffer, src device.Strided) {
	if axis < 0 || axis >= len(shape) {
		panic(fmt.Sprintf("vulkan: ArgReduce: axis %d out of range for shape %v", axis, shape))
	}
	if shape[axis] == 0 {
		panic(fmt.Sprintf("vulkan: ArgReduce: %v over an empty axis %d of shape %v", op, axis, shape))
	}
	sb := d.view("ArgReduce", shape, src)
	keptShape := append(append([]int{}, shape[:axis]...), shape[axis+1:]...)
	keptStrides := append(append([]int{}, src.Strides[:axis]...), src.Strides[axis+1:]...)
	nOut := device.NumElements(keptShape)
	out := d.out("ArgReduce", dst, 0, nOut)
	if nOut == 0 {
		return
	}
	ks, kst := device.MergeDims(keptShape, device.ContiguousStrides(keptShape), keptStrides)
	if len(ks) > maxRankArg {
		panic(fmt.Sprintf("vulkan: ArgReduce: shape %v keeps %d axes after merging; at most %d", shape, len(ks), maxRankArg))
	}
	p := d.pipeline("argreduce", d.wg, uint32(op))
	pc := push(nil).u(nOut).u(shape[axis]).u(src.Strides[axis]).
		u(len(ks)).arr(ks, maxRankArg).arr(kst[1], maxRankArg).u(src.Offset)
	d.dispatch(p, d.elems(nOut), pc, 1, out, sb)
}

// CumSum writes running sums, one invocation per row walking it in order.
func (d *Device) CumSum(outer, n, inner int, reverse bool, dst, src device.Buffer) {
	checkIndexSizes("CumSum", outer, n, inner, 0)
	total := outer * n * inner
	y := d.out("CumSum", dst, 0, total)
	x := d.buf("CumSum", src)
	device.CheckLen("vulkan: CumSum", "src", src, 0, total)
	if total == 0 {
		return
	}
	d.dispatch(d.pipeline("cumsum", d.wg, b2u(reverse)), d.elems(outer*inner), push(nil).u(outer).u(n).u(inner), 1, y, x)
}

// Sort runs a bitonic sorting network over every column at once: the
// columns are copied into rows padded to a power of two p, then
// log2(p)·(log2(p)+1)/2 compare-and-swap passes (one dispatch each, every
// row in it) sort them in device.SortsBefore's total order, so the result
// is the CPU's stable sort bit for bit; the first k of each row are
// copied out.
func (d *Device) Sort(outer, n, inner, k int, descending bool, values, indices, src device.Buffer) {
	checkIndexSizes("Sort", outer, n, inner, k)
	if k > n || n > device.MaxSortLen {
		panic(fmt.Sprintf("vulkan: Sort: k %d of an axis of %d (want 0 <= k <= n <= %d)", k, n, device.MaxSortLen))
	}
	total := outer * k * inner
	v := d.out("Sort", values, 0, total)
	ix := d.out("Sort", indices, 0, total)
	x := d.buf("Sort", src)
	device.CheckLen("vulkan: Sort", "src", src, 0, outer*n*inner)
	if total == 0 {
		return
	}
	p := 1
	for p < n {
		p *= 2
	}
	rows := outer * inner
	if rows*p > math.MaxUint32/2 {
		panic(fmt.Sprintf("vulkan: Sort: %d columns of %d padded to %d exceed the kernel's 32-bit indexing", rows, n, p))
	}
	keys := d.scratch(rows * p)
	defer d.rt.Release(keys)
	pos := d.scratch(rows * p)
	defer d.rt.Release(pos)
	d.dispatch(d.pipeline("sort_init", d.wg), d.elems(rows*p), push(nil).u(outer).u(n).u(inner).u(p), 2, keys, pos, x)
	step := d.pipeline("sort_step", d.wg)
	for size := 2; size <= p; size *= 2 {
		for stride := size / 2; stride > 0; stride /= 2 {
			d.dispatch(step, d.elems(rows*p/2), push(nil).u(rows).u(p).u(size).u(stride).u(n).u(int(b2u(descending))), 2, keys, pos)
		}
	}
	d.dispatch(d.pipeline("sort_out", d.wg), d.elems(total), push(nil).u(outer).u(k).u(inner).u(p), 2, v, ix, keys, pos)
}
