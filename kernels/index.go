//go:build cgo

package kernels

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func checkIndexSizes(op string, outer, n, inner, m int) {
	if outer < 0 || n < 0 || inner < 0 || m < 0 {
		panic(fmt.Sprintf("vulkan: %s: negative size outer %d, n %d, inner %d, m %d", op, outer, n, inner, m))
	}
}

// IndexSelect gathers slices, one invocation per output element; bad
// indices go to the batch's status record.
func (d *Device) IndexSelect(outer, n, inner, m int, dst, src, idx device.Buffer) {
	checkIndexSizes("IndexSelect", outer, n, inner, m)
	total := outer * m * inner
	y := d.out("IndexSelect", dst, 0, total)
	x, ix := d.buf("IndexSelect", src), d.buf("IndexSelect", idx)
	device.CheckLen("vulkan: IndexSelect", "src", src, 0, outer*n*inner)
	device.CheckLen("vulkan: IndexSelect", "idx", idx, 0, m)
	if total == 0 {
		return
	}
	d.dispatch(d.pipeline("index_select", d.wg), d.elems(total), push(nil).u(outer).u(n).u(inner).u(m), 2, y, vulkan.StatusBuffer, x, ix)
}

// IndexAdd sums slices into the rows their indices name, deterministically
// and without float atomics: the indices are counted per row (integer
// atomics), the counts scanned into segment offsets, the positions filled
// into their segments and each segment sorted, then one invocation per
// output element sums its segment in increasing position.
func (d *Device) IndexAdd(outer, n, inner, m, skip int, dst, src, idx device.Buffer) {
	checkIndexSizes("IndexAdd", outer, n, inner, m)
	total := outer * n * inner
	y := d.out("IndexAdd", dst, 0, total)
	x, ix := d.buf("IndexAdd", src), d.buf("IndexAdd", idx)
	device.CheckLen("vulkan: IndexAdd", "src", src, 0, outer*m*inner)
	device.CheckLen("vulkan: IndexAdd", "idx", idx, 0, m)
	if total == 0 {
		return
	}
	counts := d.scratch(n)
	defer d.rt.Release(counts)
	cursor := d.scratch(n)
	defer d.rt.Release(cursor)
	offsets := d.scratch(n + 1)
	defer d.rt.Release(offsets)
	order := d.scratch(max(m, 1))
	defer d.rt.Release(order)
	d.rt.Fill(counts, 0, n, 0)
	d.rt.Fill(cursor, 0, n, 0)
	d.dispatch(d.pipeline("index_count", d.wg), d.elems(m), push(nil).u(m).u(n).i(skip), 1, counts, ix)
	d.dispatch(d.pipeline("index_scan", d.wg), grid(1), push(nil).u(n), 1, offsets, counts)
	d.dispatch(d.pipeline("index_fill", d.wg), d.elems(m), push(nil).u(m).u(n).i(skip), 2, order, cursor, offsets, ix)
	d.dispatch(d.pipeline("index_sort", d.wg), d.elems(n), push(nil).u(n), 1, order, offsets)
	d.dispatch(d.pipeline("index_add", d.wg), d.elems(total), push(nil).u(outer).u(n).u(inner).u(m), 1, y, x, order, offsets)
}

// Gather picks element by element, one invocation per output element; bad
// indices go to the batch's status record.
func (d *Device) Gather(outer, n, inner, m int, dst, src, idx device.Buffer) {
	checkIndexSizes("Gather", outer, n, inner, m)
	total := outer * m * inner
	y := d.out("Gather", dst, 0, total)
	x, ix := d.buf("Gather", src), d.buf("Gather", idx)
	device.CheckLen("vulkan: Gather", "src", src, 0, outer*n*inner)
	device.CheckLen("vulkan: Gather", "idx", idx, 0, total)
	if total == 0 {
		return
	}
	d.dispatch(d.pipeline("gather", d.wg), d.elems(total), push(nil).u(outer).u(n).u(inner).u(m), 2, y, vulkan.StatusBuffer, x, ix)
}

// Scatter writes or adds in place with one invocation per column (o, i)
// walking its j in order: columns touch disjoint elements, so there are no
// float atomics and every run gives the same bits. The parallelism is
// outer*inner columns; a scatter along the only axis of a vector runs as
// one invocation.
func (d *Device) Scatter(outer, n, inner, m int, accumulate bool, dst, src, idx device.Buffer) {
	checkIndexSizes("Scatter", outer, n, inner, m)
	y := d.out("Scatter", dst, 0, outer*n*inner)
	x, ix := d.buf("Scatter", src), d.buf("Scatter", idx)
	device.CheckLen("vulkan: Scatter", "src", src, 0, outer*m*inner)
	device.CheckLen("vulkan: Scatter", "idx", idx, 0, outer*m*inner)
	columns := outer * inner
	if columns == 0 || m == 0 {
		return
	}
	d.dispatch(d.pipeline("scatter", d.wg, b2u(accumulate)), d.elems(columns), push(nil).u(outer).u(n).u(inner).u(m), 2, y, vulkan.StatusBuffer, x, ix)
}
