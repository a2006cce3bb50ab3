package cpu

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
)

func checkIndex(op string, outer, n, inner, m int) {
	if outer < 0 || n < 0 || inner < 0 || m < 0 {
		panic(fmt.Sprintf("cpu: %s: negative size outer %d, n %d, inner %d, m %d", op, outer, n, inner, m))
	}
}

// IndexSelect gathers slices of the middle axis; a bad index fills NaN and
// is kept as an *device.IndexError for the next Sync or Download.
func (d *Device) IndexSelect(outer, n, inner, m int, dst, src, idx device.Buffer) {
	checkIndex("IndexSelect", outer, n, inner, m)
	x := d.data("IndexSelect", src)
	ix := d.data("IndexSelect", idx)
	device.CheckLen("cpu: IndexSelect", "src", src, 0, outer*n*inner)
	device.CheckLen("cpu: IndexSelect", "idx", idx, 0, m)
	y := d.out("IndexSelect", dst, outer*m*inner)
	var bad *device.IndexError
	for j, v := range ix[:m] {
		if !device.ValidIndex(v, n) {
			if bad == nil {
				bad = &device.IndexError{Op: "IndexSelect", Position: j, Index: v, Limit: n}
			}
			bad.Count++
		}
	}
	if bad != nil {
		d.dataError(bad)
	}
	nan := float32(math.NaN())
	parallelFor(outer*m, max(1, grainElementwise/max(1, inner)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			o, j := r/m, r%m
			row := y[r*inner : (r+1)*inner]
			v := ix[j]
			if !device.ValidIndex(v, n) {
				for i := range row {
					row[i] = nan
				}
				continue
			}
			copy(row, x[(o*n+int(v))*inner:(o*n+int(v)+1)*inner])
		}
	})
}

// IndexAdd sums slices into the rows their indices name, in increasing
// position, as every backend does.
func (d *Device) IndexAdd(outer, n, inner, m, skip int, dst, src, idx device.Buffer) {
	checkIndex("IndexAdd", outer, n, inner, m)
	x := d.data("IndexAdd", src)
	ix := d.data("IndexAdd", idx)
	device.CheckLen("cpu: IndexAdd", "src", src, 0, outer*m*inner)
	device.CheckLen("cpu: IndexAdd", "idx", idx, 0, m)
	y := d.out("IndexAdd", dst, outer*n*inner)
	clear(y)
	// Rows of the output are independent: split the outer axis, and within
	// it walk the indices in order.
	parallelFor(outer, max(1, grainElementwise/max(1, m*inner)), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			for j, v := range ix[:m] {
				if !device.ValidIndex(v, n) || int(v) == skip {
					continue
				}
				row := y[(o*n+int(v))*inner : (o*n+int(v)+1)*inner]
				for i, s := range x[(o*m+j)*inner : (o*m+j+1)*inner] {
					row[i] += s
				}
			}
		}
	})
}
