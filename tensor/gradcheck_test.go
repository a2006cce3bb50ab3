package tensor_test

import (
	"fmt"
	"testing"

	"github.com/vkgrad/vkgrad/internal/gradcheck"
	. "github.com/vkgrad/vkgrad/tensor"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
)

var c = cpu.New()

func TestGradients(t *testing.T) {
	for _, tc := range gradcheck.Cases(c) {
		t.Run(tc.Name, func(t *testing.T) { gradcheck.Check(t, c, tc) })
	}
}

// TestGradientsCoverEveryOp fails when an op of the device contract has no
// gradient case, so a new op cannot land without one.
func TestGradientsCoverEveryOp(t *testing.T) {
	names := map[string]bool{}
	for _, tc := range gradcheck.Cases(c) {
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
