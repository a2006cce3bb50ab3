package tensor_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/device/devicetest"
	"github.com/vkgrad/vkgrad/tensor"
)

// randShape draws a shape of 1 to 3 axes of 1 to 4 elements.
func randShape(r *rand.Rand) []int {
	s := make([]int, 1+r.IntN(3))
	for i := range s {
		s[i] = 1 + r.IntN(4)
	}
	return s
}

// broadcastable returns a shape that broadcasts with s: some leading axes
// dropped, some sizes replaced by 1.
func broadcastable(r *rand.Rand, s []int) []int {
	out := append([]int(nil), s[r.IntN(len(s)):]...)
	for i := range out {
		if r.IntN(3) == 0 {
			out[i] = 1
		}
	}
	if len(out) == 0 {
		out = []int{1}
	}
	return out
}

// TestGradientsOnRandomShapes runs the gradient check of the core op
// families on shapes drawn at random (seeded), broadcasting included.
func TestGradientsOnRandomShapes(t *testing.T) {
	c0 := c
	r := rand.New(rand.NewPCG(2026, 11))
	type op struct {
		name string
		gen  func(input, i, n int, r *rand.Rand) float32
		f    func(xs []*tensor.Tensor) *tensor.Tensor
		two  bool
	}
	ops := []op{
		{"Tanh", nil, func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].Tanh() }, false},
		{"GELU", nil, func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].GELU() }, false},
		{"Add", nil, func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].Add(xs[1]) }, true},
		{"Mul", nil, func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].Mul(xs[1]) }, true},
		{"Div", devicetest.GradPositive, func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].Div(xs[1]) }, true},
		{"Maximum", devicetest.GradDistinct, func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].Maximum(xs[1]) }, true},
	}
	for trial := 0; trial < 4; trial++ {
		for _, o := range ops {
			sa := randShape(r)
			shapes := [][]int{sa}
			if o.two {
				sb := broadcastable(r, sa)
				if r.IntN(2) == 0 {
					shapes = [][]int{sb, sa}
				} else {
					shapes = append(shapes, sb)
				}
			}
			gc := devicetest.GradCase{Name: o.name, Shapes: shapes, Gen: o.gen, F: o.f}
			t.Run(fmt.Sprintf("%s%v", o.name, shapes), func(t *testing.T) { devicetest.CheckGradient(t, c0, gc) })
		}
		// A reduction over a random set of axes, kept or not.
		s := randShape(r)
		var axes []int
		for a := range s {
			if r.IntN(2) == 0 {
				axes = append(axes, a)
			}
		}
		keep := r.IntN(2) == 0
		for _, red := range []string{"Sum", "Mean", "Max"} {
			gen := func(input, i, n int, r *rand.Rand) float32 { return float32(r.NormFloat64()) }
			if red == "Max" {
				gen = devicetest.GradDistinct
			}
			rc := devicetest.GradCase{Name: red, Shapes: [][]int{s}, Gen: gen, F: func(xs []*tensor.Tensor) *tensor.Tensor {
				switch {
				case red == "Sum" && keep:
					return xs[0].SumKeep(axes...)
				case red == "Sum":
					return xs[0].Sum(axes...)
				case red == "Mean" && keep:
					return xs[0].MeanKeep(axes...)
				case red == "Mean":
					return xs[0].Mean(axes...)
				case keep:
					return xs[0].MaxKeep(axes...)
				}
				return xs[0].Max(axes...)
			}}
			t.Run(fmt.Sprintf("%s%v/axes%v/keep=%v", red, s, axes, keep), func(t *testing.T) { devicetest.CheckGradient(t, c0, rc) })
		}
		// A batched product with broadcast batch axes, and a softmax over a
		// random axis.
		m, n, k := 1+r.IntN(4), 1+r.IntN(4), 1+r.IntN(4)
		batch := []int{1 + r.IntN(3)}
		mm := devicetest.GradCase{Name: "MatMul", Shapes: [][]int{append(append([]int{}, batch...), m, k), {k, n}},
			F: func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].MatMul(xs[1]) }}
		t.Run(fmt.Sprintf("MatMul%v", mm.Shapes), func(t *testing.T) { devicetest.CheckGradient(t, c0, mm) })
		ss := randShape(r)
		axis := r.IntN(len(ss))
		sm := devicetest.GradCase{Name: "Softmax", Shapes: [][]int{ss},
			F: func(xs []*tensor.Tensor) *tensor.Tensor { return xs[0].Softmax(axis) }}
		t.Run(fmt.Sprintf("Softmax%v/axis%d", ss, axis), func(t *testing.T) { devicetest.CheckGradient(t, c0, sm) })
	}
}
