package tensor

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/device"
)

// BroadcastShapes returns the shape NumPy's broadcasting gives a and b:
// shapes are aligned at their last axes, and each pair of sizes must be equal
// or contain a 1. ok is false when they do not broadcast.
func BroadcastShapes(a, b []int) (shape []int, ok bool) {
	n := max(len(a), len(b))
	shape = make([]int, n)
	for i := 0; i < n; i++ {
		x, y := 1, 1
		if j := len(a) - n + i; j >= 0 {
			x = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			y = b[j]
		}
		switch {
		case x == y:
			shape[i] = x
		case x == 1:
			shape[i] = y
		case y == 1:
			shape[i] = x
		default:
			return nil, false
		}
	}
	return shape, true
}

// broadcastStrides gives strides that view a tensor of shape/strides as
// shape out (which it must broadcast to): 0 on new and repeated axes.
func broadcastStrides(shape, strides, out []int) []int {
	s := make([]int, len(out))
	lead := len(out) - len(shape)
	for i := range shape {
		if shape[i] == out[lead+i] {
			s[lead+i] = strides[i]
		}
	}
	return s
}

// broadcast2 returns the broadcast shape of a and b or panics naming op.
func broadcast2(op string, a, b *Tensor) []int {
	s, ok := BroadcastShapes(a.shape, b.shape)
	if !ok {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v do not broadcast", op, a.shape, b.shape))
	}
	return s
}

// sumTo reduces g, the gradient of a broadcast result, to shape by summing
// over the axes broadcasting added or repeated.
func sumTo(g *Tensor, shape []int) *Tensor {
	if slices.Equal(g.shape, shape) {
		return g
	}
	lead := len(g.shape) - len(shape)
	var axes []int
	for i := range g.shape {
		if i < lead || (shape[i-lead] == 1 && g.shape[i] != 1) {
			axes = append(axes, i)
		}
	}
	out := empty(g.st.dev, reducedShape(g.shape, axes))
	g.st.dev.Reduce(device.ReduceSum, g.shape, axes, out.buf("sumTo"), g.view("sumTo"))
	return out.Reshape(shape...)
}
