package tensor

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
)

// AdaptiveAvgPool2d averages x [N, C, H, W] over an outH×outW grid of
// windows, PyTorch's F.adaptive_avg_pool2d: window i along an axis of n
// covers [⌊i·n/out⌋, ⌈(i+1)·n/out⌉). (1, 1) is global average pooling. It
// runs as two matrix products with the windows' averaging weights, so its
// gradient comes with them.
func AdaptiveAvgPool2d(x *Tensor, outH, outW int) *Tensor {
	const op = "AdaptiveAvgPool2d"
	check4D(op, x)
	if outH < 1 || outW < 1 {
		panic(fmt.Sprintf("tensor: %s: output size %dx%d", op, outH, outW))
	}
	dev := x.st.dev
	h, w := x.shape[2], x.shape[3]
	if outH == 1 && outW == 1 {
		return x.MeanKeep(2, 3)
	}
	return resizeMatrix(dev, h, outH, adaptiveWeights).MatMul(x).MatMul(resizeMatrix(dev, w, outW, adaptiveWeights).T())
}

// UpsampleMode is how Upsample fills the new positions.
type UpsampleMode int

const (
	// UpsampleNearest copies the nearest input element (PyTorch's
	// "nearest": source index ⌊i·in/out⌋).
	UpsampleNearest UpsampleMode = iota
	// UpsampleBilinear interpolates linearly along both axes (PyTorch's
	// "bilinear", align_corners false unless Upsample's alignCorners).
	UpsampleBilinear
)

// Upsample resizes x [N, C, H, W] to [N, C, outH, outW], PyTorch's
// F.interpolate with size=(outH, outW): nearest-neighbour through index
// selections, bilinear as two matrix products with the interpolation
// weights (alignCorners maps the corner pixels' centres onto each other,
// as PyTorch's align_corners=True). Gradients flow to x.
func Upsample(x *Tensor, outH, outW int, mode UpsampleMode, alignCorners bool) *Tensor {
	const op = "Upsample"
	check4D(op, x)
	if outH < 1 || outW < 1 {
		panic(fmt.Sprintf("tensor: %s: output size %dx%d", op, outH, outW))
	}
	dev := x.st.dev
	h, w := x.shape[2], x.shape[3]
	switch mode {
	case UpsampleNearest:
		if alignCorners {
			panic(fmt.Sprintf("tensor: %s: align corners applies to bilinear upsampling only", op))
		}
		return IndexSelect(IndexSelect(x, 2, nearestIndex(dev, h, outH)), 3, nearestIndex(dev, w, outW))
	case UpsampleBilinear:
		lin := func(in, out int) *Tensor {
			return resizeMatrix(dev, in, out, func(in, out int) [][]tap { return linearWeights(in, out, alignCorners) })
		}
		return lin(h, outH).MatMul(x).MatMul(lin(w, outW).T())
	}
	panic(fmt.Sprintf("tensor: %s: unknown mode %d", op, int(mode)))
}

// PadMode is how Pad fills the border.
type PadMode int

const (
	// PadConstant fills with a value.
	PadConstant PadMode = iota
	// PadReflect mirrors the tensor about its edge, the edge not repeated
	// (PyTorch's "reflect": each padding must be smaller than its axis).
	PadReflect
)

// Pad pads x as PyTorch's F.pad: pads holds (before, after) pairs from the
// last axis backwards — (left, right) pads the last axis, (left, right,
// top, bottom) the last two. value is PadConstant's fill. Gradients flow
// to x (reflected positions add into the elements they copy).
func Pad(x *Tensor, pads []int, mode PadMode, value float32) *Tensor {
	const op = "Pad"
	if len(pads)%2 != 0 || len(pads)/2 > len(x.shape) {
		panic(fmt.Sprintf("tensor: %s: %d paddings for a tensor of shape %v (want (before, after) pairs, at most one per axis)", op, len(pads), x.shape))
	}
	dev := x.st.dev
	y := x
	for k := 0; k < len(pads)/2; k++ {
		axis := len(x.shape) - 1 - k
		before, after := pads[2*k], pads[2*k+1]
		n := y.shape[axis]
		if before < 0 || after < 0 {
			panic(fmt.Sprintf("tensor: %s: negative padding %v", op, pads))
		}
		if before == 0 && after == 0 {
			continue
		}
		switch mode {
		case PadConstant:
			parts := []*Tensor{}
			side := func(m int) *Tensor {
				shape := cloneInts(y.shape)
				shape[axis] = m
				return Full(dev, value, shape...)
			}
			if before > 0 {
				parts = append(parts, side(before))
			}
			parts = append(parts, y)
			if after > 0 {
				parts = append(parts, side(after))
			}
			y = Concat(axis, parts...)
		case PadReflect:
			if before >= n || after >= n {
				panic(fmt.Sprintf("tensor: %s: reflect padding %v of an axis of %d (each must be smaller)", op, pads, n))
			}
			idx := make([]float32, 0, before+n+after)
			for i := before; i >= 1; i-- {
				idx = append(idx, float32(i))
			}
			for i := range n {
				idx = append(idx, float32(i))
			}
			for i := 1; i <= after; i++ {
				idx = append(idx, float32(n-1-i))
			}
			y = IndexSelect(y, axis, FromSlice(dev, idx, len(idx)))
		default:
			panic(fmt.Sprintf("tensor: %s: unknown mode %d", op, int(mode)))
		}
	}
	return y
}

func check4D(op string, x *Tensor) {
	if len(x.shape) != 4 {
		panic(fmt.Sprintf("tensor: %s: input %v must be 4-D [N, C, H, W]", op, x.shape))
	}
}

// nearestIndex is PyTorch's nearest source index of each of out
// positions along an axis of in.
func nearestIndex(dev device.Device, in, out int) *Tensor {
	scale := float32(in) / float32(out)
	idx := make([]float32, out)
	for i := range idx {
		idx[i] = float32(min(int(math.Floor(float64(float32(i)*scale))), in-1))
	}
	return FromSlice(dev, idx, out)
}

// tap is one input position of a resampled output and its weight.
type tap struct {
	at int
	w  float64
}

// resizeMatrix is the [out, in] matrix of a separable resampling along
// one axis: row i holds output i's taps.
func resizeMatrix(dev device.Device, in, out int, taps func(in, out int) [][]tap) *Tensor {
	m := make([]float32, out*in)
	for i, row := range taps(in, out) {
		for _, t := range row {
			m[i*in+t.at] += float32(t.w)
		}
	}
	return FromSlice(dev, m, out, in)
}

// adaptiveWeights gives output i the window [⌊i·in/out⌋, ⌈(i+1)·in/out⌉)
// with equal weights.
func adaptiveWeights(in, out int) [][]tap {
	rows := make([][]tap, out)
	for i := range rows {
		lo, hi := i*in/out, ((i+1)*in+out-1)/out
		for j := lo; j < hi; j++ {
			rows[i] = append(rows[i], tap{j, 1 / float64(hi-lo)})
		}
	}
	return rows
}

// linearWeights gives output i its two source positions and their linear
// interpolation weights, as PyTorch computes them.
func linearWeights(in, out int, alignCorners bool) [][]tap {
	rows := make([][]tap, out)
	for i := range rows {
		var src float64
		if alignCorners {
			if out > 1 {
				src = float64(i) * float64(in-1) / float64(out-1)
			}
		} else {
			src = math.Max((float64(i)+0.5)*float64(in)/float64(out)-0.5, 0)
		}
		i0 := min(int(src), in-1)
		i1 := min(i0+1, in-1)
		l := src - float64(i0)
		rows[i] = []tap{{i0, 1 - l}, {i1, l}}
	}
	return rows
}
