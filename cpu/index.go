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
	if bad := firstBadIndex("IndexSelect", ix[:m], n); bad != nil {
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

// firstBadIndex returns the *device.IndexError for the indices of ix that
// are not integers in [0, n), or nil.
func firstBadIndex(op string, ix []float32, n int) *device.IndexError {
	var bad *device.IndexError
	for p, v := range ix {
		if !device.ValidIndex(v, n) {
			if bad == nil {
				bad = &device.IndexError{Op: op, Position: p, Index: v, Limit: n}
			}
			bad.Count++
		}
	}
	return bad
}

// Gather picks element by element along the middle axis; a bad index
// fills NaN and is kept as an *device.IndexError for the next Sync or
// Download.
func (d *Device) Gather(outer, n, inner, m int, dst, src, idx device.Buffer) {
	checkIndex("Gather", outer, n, inner, m)
	x := d.data("Gather", src)
	ix := d.data("Gather", idx)
	device.CheckLen("cpu: Gather", "src", src, 0, outer*n*inner)
	device.CheckLen("cpu: Gather", "idx", idx, 0, outer*m*inner)
	y := d.out("Gather", dst, outer*m*inner)
	if bad := firstBadIndex("Gather", ix[:outer*m*inner], n); bad != nil {
		d.dataError(bad)
	}
	nan := float32(math.NaN())
	parallelFor(outer*m, max(1, grainElementwise/max(1, inner)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			base := (r / m) * n * inner
			for i, v := range ix[r*inner : (r+1)*inner] {
				if device.ValidIndex(v, n) {
					y[r*inner+i] = x[base+int(v)*inner+i]
				} else {
					y[r*inner+i] = nan
				}
			}
		}
	})
}

// Scatter writes or adds src into dst at the positions idx names, in
// increasing j within each column; a bad index is skipped and kept as an
// *device.IndexError for the next Sync or Download.
func (d *Device) Scatter(outer, n, inner, m int, accumulate bool, dst, src, idx device.Buffer) {
	checkIndex("Scatter", outer, n, inner, m)
	x := d.data("Scatter", src)
	ix := d.data("Scatter", idx)
	device.CheckLen("cpu: Scatter", "src", src, 0, outer*m*inner)
	device.CheckLen("cpu: Scatter", "idx", idx, 0, outer*m*inner)
	y := d.out("Scatter", dst, outer*n*inner)
	if bad := firstBadIndex("Scatter", ix[:outer*m*inner], n); bad != nil {
		d.dataError(bad)
	}
	// Slabs of the outer axis are independent; within one, rows go in
	// increasing j, so each column sees its j in order.
	parallelFor(outer, max(1, grainElementwise/max(1, m*inner)), func(lo, hi int) {
		for o := lo; o < hi; o++ {
			base := o * n * inner
			for r := o * m; r < (o+1)*m; r++ {
				for i, v := range ix[r*inner : (r+1)*inner] {
					if !device.ValidIndex(v, n) {
						continue
					}
					if accumulate {
						y[base+int(v)*inner+i] += x[r*inner+i]
					} else {
						y[base+int(v)*inner+i] = x[r*inner+i]
					}
				}
			}
		}
	})
}
