package cpu

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
)

func checkSoftmax(op string, outer, n, inner int) int {
	if outer < 0 || n < 0 || inner < 0 {
		panic(fmt.Sprintf("cpu: %s: negative size [%d, %d, %d]", op, outer, n, inner))
	}
	return outer * n * inner
}

// Softmax computes softmax or log-softmax over the middle axis.
func (d *Device) Softmax(log bool, outer, n, inner int, dst, src device.Buffer) {
	total := checkSoftmax("Softmax", outer, n, inner)
	x := d.data("Softmax", src)
	device.CheckLen("cpu: Softmax", "src", src, 0, total)
	y := d.out("Softmax", dst, total)
	parallelFor(outer*inner, max(1, grainReduce/max(1, n)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			base := (r/inner)*n*inner + r%inner
			m := math.Inf(-1)
			for j := 0; j < n; j++ {
				m = math.Max(m, float64(x[base+j*inner]))
			}
			var sum float64
			for j := 0; j < n; j++ {
				sum += math.Exp(float64(x[base+j*inner]) - m)
			}
			if log {
				// (x - m) - log(s), as every backend computes it.
				ls := math.Log(sum)
				for j := 0; j < n; j++ {
					y[base+j*inner] = float32((float64(x[base+j*inner]) - m) - ls)
				}
				continue
			}
			for j := 0; j < n; j++ {
				y[base+j*inner] = float32(math.Exp(float64(x[base+j*inner])-m) / sum)
			}
		}
	})
}

// SoftmaxBackward computes dx from the forward output y and dy.
func (d *Device) SoftmaxBackward(log bool, outer, n, inner int, dx, y, dy device.Buffer) {
	total := checkSoftmax("SoftmaxBackward", outer, n, inner)
	ys, dys := d.data("SoftmaxBackward", y), d.data("SoftmaxBackward", dy)
	device.CheckLen("cpu: SoftmaxBackward", "y", y, 0, total)
	device.CheckLen("cpu: SoftmaxBackward", "dy", dy, 0, total)
	out := d.out("SoftmaxBackward", dx, total)
	parallelFor(outer*inner, max(1, grainReduce/max(1, n)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			base := (r/inner)*n*inner + r%inner
			var s float64
			for j := 0; j < n; j++ {
				k := base + j*inner
				if log {
					s += float64(dys[k])
				} else {
					s += float64(dys[k]) * float64(ys[k])
				}
			}
			for j := 0; j < n; j++ {
				k := base + j*inner
				if log {
					out[k] = float32(float64(dys[k]) - math.Exp(float64(ys[k]))*s)
				} else {
					out[k] = float32(float64(ys[k]) * (float64(dys[k]) - s))
				}
			}
		}
	})
}

// SoftmaxCrossEntropy computes the mean cross-entropy of logits against
// integer labels over the rows not labelled ignoreIndex, and its gradient
// when grad is not nil. A bad label is kept as a *device.LabelError for
// the next Sync or Download.
func (d *Device) SoftmaxCrossEntropy(batch, classes, ignoreIndex int, loss, grad, logits, labels device.Buffer) {
	total := checkSoftmax("SoftmaxCrossEntropy", batch, classes, 1)
	x := d.data("SoftmaxCrossEntropy", logits)
	lab := d.data("SoftmaxCrossEntropy", labels)
	device.CheckLen("cpu: SoftmaxCrossEntropy", "logits", logits, 0, total)
	device.CheckLen("cpu: SoftmaxCrossEntropy", "labels", labels, 0, batch)
	if ignoreIndex < math.MinInt32 || ignoreIndex > math.MaxInt32 {
		panic(fmt.Sprintf("cpu: SoftmaxCrossEntropy: ignore index %d does not fit in an int32", ignoreIndex))
	}
	l := d.out("SoftmaxCrossEntropy", loss, 1)
	var g []float32
	if grad != nil {
		g = d.data("SoftmaxCrossEntropy", grad)
		device.CheckLen("cpu: SoftmaxCrossEntropy", "grad", grad, 0, total)
	}
	ignore := float32(ignoreIndex)
	count, bad := 0, 0
	var firstBad *device.LabelError
	for r, label := range lab[:batch] {
		if label == ignore {
			continue
		}
		count++
		if li := int(label); !(label >= 0 && float32(li) == label && li < classes) {
			if bad++; firstBad == nil {
				firstBad = &device.LabelError{Op: "SoftmaxCrossEntropy", Row: r, Label: label, Classes: classes}
			}
		}
	}
	if firstBad != nil {
		firstBad.Count = bad
		d.dataError(firstBad)
	}
	rowLoss := make([]float64, batch)
	inv := 1 / float64(count) // +Inf when every row is ignored: the loss is NaN, as PyTorch's
	parallelFor(batch, max(1, grainReduce/max(1, classes)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := x[r*classes : (r+1)*classes]
			label := lab[r]
			if label == ignore {
				rowLoss[r] = 0 * inv
				if g != nil {
					clear(g[r*classes : (r+1)*classes])
				}
				continue
			}
			m := math.Inf(-1)
			for _, v := range row {
				m = math.Max(m, float64(v))
			}
			var sum float64
			for _, v := range row {
				sum += math.Exp(float64(v) - m)
			}
			// (x - m) - log(s), as every backend computes it.
			ls := math.Log(sum)
			li := int(label)
			valid := label >= 0 && float32(li) == label && li < classes
			if valid {
				rowLoss[r] = ls - (float64(row[li]) - m)
			} else {
				rowLoss[r] = math.NaN()
			}
			if g == nil {
				continue
			}
			gr := g[r*classes : (r+1)*classes]
			for j, v := range row {
				p := math.Exp((float64(v) - m) - ls)
				if j == li {
					p--
				}
				if !valid {
					p = math.NaN()
				}
				gr[j] = float32(p * inv)
			}
		}
	})
	var sum float64
	for _, v := range rowLoss {
		sum += v
	}
	if batch == 0 {
		l[0] = float32(math.NaN())
		return
	}
	l[0] = float32(sum * inv)
}
