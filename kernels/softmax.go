//go:build cgo

package kernels

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func (d *Device) rows(op string, outer, n, inner int) int {
	if outer < 0 || n < 0 || inner < 0 {
		panic(fmt.Sprintf("vulkan: %s: negative size [%d, %d, %d]", op, outer, n, inner))
	}
	return outer * n * inner
}

// Softmax computes softmax or log-softmax over the middle axis, one
// workgroup per row, or one invocation per row for short rows.
func (d *Device) Softmax(log bool, outer, n, inner int, dst, src device.Buffer) {
	total := d.rows("Softmax", outer, n, inner)
	y := d.out("Softmax", dst, 0, total)
	x := d.buf("Softmax", src)
	device.CheckLen("vulkan: Softmax", "src", src, 0, total)
	if total == 0 {
		return
	}
	wg, g, perThread := d.rowLaunch(outer*inner, n)
	p := d.pipeline(d.sg("softmax"), wg, b2u(log), perThread)
	d.dispatch(p, g, push(nil).u(outer*inner).u(n).u(inner), 1, y, x)
}

// SoftmaxBackward computes dx from y and dy.
func (d *Device) SoftmaxBackward(log bool, outer, n, inner int, dx, y, dy device.Buffer) {
	total := d.rows("SoftmaxBackward", outer, n, inner)
	out := d.out("SoftmaxBackward", dx, 0, total)
	yb, gb := d.buf("SoftmaxBackward", y), d.buf("SoftmaxBackward", dy)
	device.CheckLen("vulkan: SoftmaxBackward", "y", y, 0, total)
	device.CheckLen("vulkan: SoftmaxBackward", "dy", dy, 0, total)
	if total == 0 {
		return
	}
	wg, g, perThread := d.rowLaunch(outer*inner, n)
	p := d.pipeline(d.sg("softmax_bw"), wg, b2u(log), perThread)
	d.dispatch(p, g, push(nil).u(outer*inner).u(n).u(inner), 1, out, yb, gb)
}

// SoftmaxCrossEntropy computes the mean cross-entropy and its gradient:
// one workgroup counts the labels that are not ignored, then one workgroup
// (or, for short rows, one invocation) per row writes the row's share of
// the mean loss (and its gradient), then the reduction kernel sums the
// rows into loss[0]. Bad labels go to the batch's status record.
func (d *Device) SoftmaxCrossEntropy(batch, classes, ignoreIndex int, loss, grad, logits, labels device.Buffer) {
	total := d.rows("SoftmaxCrossEntropy", batch, classes, 1)
	lb := d.out("SoftmaxCrossEntropy", loss, 0, 1)
	xb, yb := d.buf("SoftmaxCrossEntropy", logits), d.buf("SoftmaxCrossEntropy", labels)
	device.CheckLen("vulkan: SoftmaxCrossEntropy", "logits", logits, 0, total)
	device.CheckLen("vulkan: SoftmaxCrossEntropy", "labels", labels, 0, batch)
	if ignoreIndex < math.MinInt32 || ignoreIndex > math.MaxInt32 {
		panic(fmt.Sprintf("vulkan: SoftmaxCrossEntropy: ignore index %d does not fit in an int32", ignoreIndex))
	}
	gb := xb // bound but not written without a gradient
	if grad != nil {
		gb = d.out("SoftmaxCrossEntropy", grad, 0, total)
	}
	rowLoss := d.scratch(max(batch, 1))
	defer d.rt.Release(rowLoss)
	count := d.scratch(1)
	defer d.rt.Release(count)
	if batch > 0 {
		d.dispatch(d.pipeline("ce_count", d.wg), grid(1), push(nil).u(batch).i(ignoreIndex), 1, count, yb)
		wg, g, perThread := d.rowLaunch(batch, classes)
		p := d.pipeline(d.sg("softmax_ce"), wg, b2u(grad != nil), perThread)
		nw := 3
		if grad == nil {
			nw = 2
		}
		d.dispatch(p, g, push(nil).u(batch).u(classes).i(ignoreIndex), nw, rowLoss, vulkan.StatusBuffer, gb, xb, yb, count)
	}
	if batch == 0 {
		d.Reduce(device.ReduceMean, []int{batch}, []int{0}, lb, device.Contiguous(rowLoss, 0, []int{batch}))
		return
	}
	d.Reduce(device.ReduceSum, []int{batch}, []int{0}, lb, device.Contiguous(rowLoss, 0, []int{batch}))
}

// perThreadRow is the longest row that the row kernels give a single
// invocation: a workgroup for a 10-class row would idle most of its lanes
// and synchronize for nothing.
const perThreadRow = 32

// rowLaunch chooses how the row kernels (softmax, its backward, softmax
// cross-entropy) cover rows of n elements: one invocation per row for short
// rows (perThread 1, workgroups of the device's size), else one workgroup
// per row sized to the power of two that covers the row, from 64 to the
// device's size. It returns the workgroup size, the grid and perThread.
func (d *Device) rowLaunch(rows, n int) (wg uint32, g [3]uint32, perThread uint32) {
	if n <= perThreadRow {
		return d.wg, d.elems(rows), 1
	}
	wg = 64
	for int(wg) < n && wg < d.wg {
		wg *= 2
	}
	return min(wg, d.wg), grid(rows), 0
}

// sg names the subgroup variant of a shader where the device has subgroup
// arithmetic.
func (d *Device) sg(shader string) string {
	if d.rt.Properties().SubgroupArithmetic {
		return shader + "_sg"
	}
	return shader
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
