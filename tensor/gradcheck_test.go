package tensor_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/internal/gradcheck"
	. "github.com/vkgrad/vkgrad/tensor"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
)

var c = cpu.New()

// gradCase mirrors gradcheck.Case so that the table can stay unkeyed.
type gradCase struct {
	Name   string
	Shapes [][]int
	Gen    func(input, i, n int, r *rand.Rand) float32
	F      func(xs []*Tensor) *Tensor
}

func gradCases(dev device.Device) []gradCase {
	labels := func() *Tensor { return FromSlice(dev, []float32{2, 0, 4}, 3) }
	conv := func(o Conv2dOptions, bias bool) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor {
			var b *Tensor
			if bias {
				b = xs[2]
			}
			return Conv2d(xs[0], xs[1], b, o)
		}
	}
	one := func(f func(x *Tensor) *Tensor) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor { return f(xs[0]) }
	}
	two := func(f func(a, b *Tensor) *Tensor) func(xs []*Tensor) *Tensor {
		return func(xs []*Tensor) *Tensor { return f(xs[0], xs[1]) }
	}
	s23 := [][]int{{2, 3}}
	return []gradCase{
		// Unary ops.
		{"Neg", s23, nil, one((*Tensor).Neg)},
		{"Abs", s23, gradcheck.AwayFromZero, one((*Tensor).Abs)},
		{"Exp", s23, nil, one((*Tensor).Exp)},
		{"Log", s23, gradcheck.Positive, one((*Tensor).Log)},
		{"Sqrt", s23, gradcheck.Positive, one((*Tensor).Sqrt)},
		{"Square", s23, nil, one((*Tensor).Square)},
		{"ReLU", [][]int{{3, 4}}, gradcheck.AwayFromZero, one((*Tensor).ReLU)},
		{"LeakyReLU", [][]int{{3, 4}}, gradcheck.AwayFromZero, one(func(x *Tensor) *Tensor { return x.LeakyReLU(0.1) })},
		{"Sigmoid", s23, nil, one((*Tensor).Sigmoid)},
		{"Tanh", s23, nil, one((*Tensor).Tanh)},
		{"GELU", [][]int{{3, 4}}, nil, one((*Tensor).GELU)},
		// Binary ops with broadcasting.
		{"Add", [][]int{{2, 3}, {3}}, nil, two((*Tensor).Add)},
		{"Sub", [][]int{{2, 1}, {1, 3}}, nil, two((*Tensor).Sub)},
		{"Mul", [][]int{{2, 3, 4}, {3, 1}}, nil, two((*Tensor).Mul)},
		{"Div", [][]int{{2, 3}, {2, 3}}, gradcheck.Positive, two((*Tensor).Div)},
		{"Maximum", [][]int{{3, 4}, {4}}, gradcheck.Distinct, two((*Tensor).Maximum)},
		{"Minimum", [][]int{{3, 4}, {3, 1}}, gradcheck.Distinct, two((*Tensor).Minimum)},
		{"Pow", [][]int{{2, 3}, {3}}, gradcheck.Positive, two((*Tensor).Pow)},
		{"Where", [][]int{{2, 3}, {3}}, nil, two(func(a, b *Tensor) *Tensor {
			cond := FromSlice(dev, []float32{1, 0, 1, 0, 0, 1}, 2, 3)
			return Where(cond, a, b)
		})},
		// Scalar ops.
		{"AddScalar", s23, nil, one(func(x *Tensor) *Tensor { return x.AddScalar(2) })},
		{"SubScalar", s23, nil, one(func(x *Tensor) *Tensor { return x.SubScalar(2) })},
		{"RSubScalar", s23, nil, one(func(x *Tensor) *Tensor { return x.RSubScalar(2) })},
		{"MulScalar", s23, nil, one(func(x *Tensor) *Tensor { return x.MulScalar(-3) })},
		{"DivScalar", s23, nil, one(func(x *Tensor) *Tensor { return x.DivScalar(4) })},
		{"RDivScalar", s23, gradcheck.Positive, one(func(x *Tensor) *Tensor { return x.RDivScalar(3) })},
		{"PowScalar", s23, gradcheck.Positive, one(func(x *Tensor) *Tensor { return x.PowScalar(2.5) })},
		{"MaximumScalar", s23, gradcheck.AwayFromZero, one(func(x *Tensor) *Tensor { return x.MaximumScalar(0) })},
		{"MinimumScalar", s23, gradcheck.AwayFromZero, one(func(x *Tensor) *Tensor { return x.MinimumScalar(0) })},
		{"Clamp", [][]int{{4, 5}}, gradcheck.Distinct, one(func(x *Tensor) *Tensor { return x.Clamp(-0.5, 0.6) })},
		// Reductions.
		{"Sum", [][]int{{2, 3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.Sum(0, 2) })},
		{"SumAll", [][]int{{2, 3}}, nil, one(func(x *Tensor) *Tensor { return x.Sum() })},
		{"SumKeep", [][]int{{2, 3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.SumKeep(1) })},
		{"Mean", [][]int{{2, 3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.Mean(-1) })},
		{"MeanKeep", [][]int{{2, 3}}, nil, one(func(x *Tensor) *Tensor { return x.MeanKeep(0) })},
		{"Max", [][]int{{3, 5}}, gradcheck.Distinct, one(func(x *Tensor) *Tensor { return x.Max(1) })},
		{"MaxKeep", [][]int{{3, 5}}, gradcheck.Distinct, one(func(x *Tensor) *Tensor { return x.MaxKeep(0) })},
		{"Min", [][]int{{2, 3, 4}}, gradcheck.Distinct, one(func(x *Tensor) *Tensor { return x.Min(0, 2) })},
		{"MinKeep", [][]int{{4, 3}}, gradcheck.Distinct, one(func(x *Tensor) *Tensor { return x.MinKeep() })},
		// Softmax and losses.
		{"Softmax", [][]int{{3, 5}}, nil, one(func(x *Tensor) *Tensor { return x.Softmax(1) })},
		{"SoftmaxAxis0", [][]int{{4, 2, 3}}, nil, one(func(x *Tensor) *Tensor { return x.Softmax(1) })},
		{"LogSoftmax", [][]int{{3, 5}}, nil, one(func(x *Tensor) *Tensor { return x.LogSoftmax(-1) })},
		{"LogSoftmaxMiddle", [][]int{{2, 4, 3}}, nil, one(func(x *Tensor) *Tensor { return x.LogSoftmax(1) })},
		{"CrossEntropy", [][]int{{3, 5}}, nil, one(func(x *Tensor) *Tensor { return CrossEntropy(x, labels()) })},
		// Products.
		{"MatMul", [][]int{{3, 4}, {4, 5}}, nil, two((*Tensor).MatMul)},
		{"MatMulBatchBroadcast", [][]int{{2, 1, 3, 4}, {3, 4, 2}}, nil, two((*Tensor).MatMul)},
		{"MatMulVector", [][]int{{4}, {4, 3}}, nil, two((*Tensor).MatMul)},
		{"MatMulMatVec", [][]int{{2, 4}, {4}}, nil, two((*Tensor).MatMul)},
		{"MatMulDot", [][]int{{5}, {5}}, nil, two((*Tensor).MatMul)},
		{"MatMulTransposed", [][]int{{4, 3}, {5, 4}}, nil, two(func(a, b *Tensor) *Tensor { return a.T().MatMul(b.T()) })},
		{"Linear", [][]int{{3, 4}, {5, 4}, {5}}, nil, func(xs []*Tensor) *Tensor { return Linear(xs[0], xs[1], xs[2], device.UnaryIdentity, 0) }},
		{"LinearReLU", [][]int{{2, 3, 4}, {5, 4}, {5}}, gradcheck.AwayFromZero, func(xs []*Tensor) *Tensor { return Linear(xs[0], xs[1], xs[2], device.UnaryReLU, 0) }},
		{"LinearTanhNoBias", [][]int{{3, 4}, {5, 4}}, nil, func(xs []*Tensor) *Tensor { return Linear(xs[0], xs[1], nil, device.UnaryTanh, 0) }},
		{"LinearSigmoid", [][]int{{3, 4}, {2, 4}, {2}}, nil, func(xs []*Tensor) *Tensor { return Linear(xs[0], xs[1], xs[2], device.UnarySigmoid, 0) }},
		{"LinearGELU", [][]int{{3, 4}, {2, 4}, {2}}, nil, func(xs []*Tensor) *Tensor { return Linear(xs[0], xs[1], xs[2], device.UnaryGELU, 0) }},
		// Convolution and pooling.
		{"Conv2d", [][]int{{2, 2, 5, 5}, {3, 2, 3, 3}, {3}}, nil, conv(Conv2dOptions{}, true)},
		{"Conv2dStridePad", [][]int{{1, 2, 6, 5}, {2, 2, 3, 2}}, nil, conv(Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 1}}, false)},
		{"Conv2dDilationGroups", [][]int{{2, 4, 6, 6}, {2, 2, 2, 2}, {2}}, nil, conv(Conv2dOptions{Dilation: [2]int{2, 2}, Groups: 2}, true)},
		{"MaxPool2d", [][]int{{2, 2, 4, 4}}, gradcheck.Distinct, one(func(x *Tensor) *Tensor { return MaxPool2d(x, Pool2dOptions{Kernel: [2]int{2, 2}}) })},
		{"MaxPool2dOverlapPad", [][]int{{1, 2, 5, 5}}, gradcheck.Distinct, one(func(x *Tensor) *Tensor {
			return MaxPool2d(x, Pool2dOptions{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}})
		})},
		{"AvgPool2d", [][]int{{2, 2, 4, 6}}, nil, one(func(x *Tensor) *Tensor { return AvgPool2d(x, Pool2dOptions{Kernel: [2]int{2, 3}}) })},
		{"AvgPool2dPad", [][]int{{1, 2, 5, 5}}, nil, one(func(x *Tensor) *Tensor {
			return AvgPool2d(x, Pool2dOptions{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, CountIncludePad: true})
		})},
		{"Dropout", [][]int{{4, 5}}, nil, one(func(x *Tensor) *Tensor { return Dropout(x, 0.3, 9, 0) })},
		// Views and joins.
		{"Reshape", [][]int{{2, 6}}, nil, one(func(x *Tensor) *Tensor { return x.Reshape(3, -1).Square() })},
		{"ReshapeNonContiguous", [][]int{{3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.T().Reshape(12).Exp() })},
		{"Flatten", [][]int{{2, 3, 2}}, nil, one(func(x *Tensor) *Tensor { return x.Flatten(1, 2).Square() })},
		{"Transpose", [][]int{{2, 3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.Transpose(0, 2).Square() })},
		{"Permute", [][]int{{2, 3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.Permute(2, 0, 1).Square() })},
		{"Narrow", [][]int{{4, 5}}, nil, one(func(x *Tensor) *Tensor { return x.Narrow(1, 1, 3).Square() })},
		{"Slice", [][]int{{6, 2}}, nil, one(func(x *Tensor) *Tensor { return x.Slice(0, -4, -1).Exp() })},
		{"Squeeze", [][]int{{2, 1, 3}}, nil, one(func(x *Tensor) *Tensor { return x.Squeeze().Square() })},
		{"Unsqueeze", [][]int{{2, 3}}, nil, one(func(x *Tensor) *Tensor { return x.Unsqueeze(1).Square() })},
		{"Expand", [][]int{{3, 1}}, nil, one(func(x *Tensor) *Tensor { return x.Expand(2, 3, 4).Square() })},
		{"Contiguous", [][]int{{3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.T().Contiguous().Square() })},
		{"Clone", [][]int{{3, 4}}, nil, one(func(x *Tensor) *Tensor { return x.Clone().Square() })},
		{"Concat", [][]int{{2, 3}, {2, 2}}, nil, two(func(a, b *Tensor) *Tensor { return Concat(1, a, b).Square() })},
		{"Stack", [][]int{{2, 3}, {2, 3}}, nil, two(func(a, b *Tensor) *Tensor { return Stack(0, a, b.Exp()) })},
		// Reuse: a tensor used twice accumulates both gradients.
		{"Reuse", [][]int{{3}}, nil, one(func(x *Tensor) *Tensor { return x.Mul(x).Add(x.Exp()) })},
		{"Chain", [][]int{{4, 3}, {3, 2}}, nil, two(func(a, b *Tensor) *Tensor {
			return a.MatMul(b).Tanh().Sum(1).Mul(a.Sum(1)).Softmax(0)
		})},
	}
}

func TestGradients(t *testing.T) {
	for _, tc := range gradCases(c) {
		t.Run(tc.Name, func(t *testing.T) { gradcheck.Check(t, c, gradcheck.Case(tc)) })
	}
}

// TestGradientsCoverEveryOp fails when an op of the device contract has no
// gradient case, so a new op cannot land without one.
func TestGradientsCoverEveryOp(t *testing.T) {
	names := map[string]bool{}
	for _, tc := range gradCases(c) {
		names[tc.Name] = true
	}
	var want []string
	for _, op := range device.UnaryOps() {
		if op == device.UnaryIdentity {
			continue
		}
		want = append(want, map[device.UnaryOp]string{
			device.UnaryNeg: "Neg", device.UnaryAbs: "Abs", device.UnaryExp: "Exp", device.UnaryLog: "Log",
			device.UnarySqrt: "Sqrt", device.UnarySquare: "Square", device.UnaryReLU: "ReLU",
			device.UnaryLeakyReLU: "LeakyReLU", device.UnarySigmoid: "Sigmoid", device.UnaryTanh: "Tanh",
			device.UnaryGELU: "GELU",
		}[op])
	}
	want = append(want, "Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "Pow", "Where",
		"Sum", "Mean", "Max", "Min", "Softmax", "LogSoftmax", "CrossEntropy", "MatMul", "Linear",
		"Conv2d", "MaxPool2d", "AvgPool2d", "Dropout", "Reshape", "Transpose", "Permute", "Narrow",
		"Squeeze", "Unsqueeze", "Expand", "Contiguous", "Concat", "Stack")
	for _, w := range want {
		if w == "" || !names[w] {
			t.Errorf("no gradient check for %q", w)
		}
	}
}

func ExampleTensor_Backward() {
	dev := cpu.New()
	x := FromSlice(dev, []float32{1, 2, 3}).SetRequiresGrad(true)
	y := x.Mul(x).Sum() // y = Σ x²
	y.Backward()
	fmt.Println(x.Grad()) // dy/dx = 2x
	// Output: [2 4 6]
}
