package tensor_test

import (
	"fmt"
	"testing"

	. "github.com/vkgrad/vkgrad/tensor"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
)

var c = cpu.New()

// The gradient checks of every op run on the CPU backend in
// device/devicetest's tests, and on Vulkan in kernels'.

// TestUnaryMethods: each named method applies its op of the table (the
// gradient checks go through Activate).
func TestUnaryMethods(t *testing.T) {
	x := FromSlice(c, []float32{-1.5, -0.2, 0.3, 2}, 4)
	pos := FromSlice(c, []float32{0.5, 1, 2, 3}, 4)
	for _, m := range []struct {
		op device.UnaryOp
		f  func(*Tensor) *Tensor
		in *Tensor
	}{
		{device.UnaryNeg, (*Tensor).Neg, x}, {device.UnaryAbs, (*Tensor).Abs, x}, {device.UnaryExp, (*Tensor).Exp, x},
		{device.UnaryLog, (*Tensor).Log, pos}, {device.UnarySqrt, (*Tensor).Sqrt, pos}, {device.UnarySquare, (*Tensor).Square, x},
		{device.UnaryReLU, (*Tensor).ReLU, x}, {device.UnarySigmoid, (*Tensor).Sigmoid, x}, {device.UnaryTanh, (*Tensor).Tanh, x},
		{device.UnaryGELU, (*Tensor).GELU, x}, {device.UnarySiLU, (*Tensor).SiLU, x},
		{device.UnaryErf, (*Tensor).Erf, x}, {device.UnaryFloor, (*Tensor).Floor, x}, {device.UnaryCeil, (*Tensor).Ceil, x},
		{device.UnaryRound, (*Tensor).Round, x}, {device.UnarySin, (*Tensor).Sin, x}, {device.UnaryCos, (*Tensor).Cos, x},
		{device.UnarySoftplus, (*Tensor).Softplus, x}, {device.UnaryGELUTanh, (*Tensor).GELUTanh, x},
		{device.UnaryELU, func(t *Tensor) *Tensor { return t.ELU(0.1) }, x},
		{device.UnaryLeakyReLU, func(t *Tensor) *Tensor { return t.LeakyReLU(0.1) }, x},
	} {
		got, _ := m.f(m.in).Data()
		want, _ := m.in.Activate(m.op, 0.1).Data()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the method of %v gives %v, Activate %v", m.op, got, want)
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
