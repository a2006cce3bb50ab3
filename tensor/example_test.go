package tensor_test

import (
	"fmt"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/tensor"
)

func ExampleFromSlice() {
	dev := cpu.New()
	t := tensor.FromSlice(dev, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(t.Shape(), t.T().Shape())
	fmt.Println(t.Sum(1))
	// Output:
	// [2 3] [3 2]
	// [ 6 15]
}

func ExampleTensor_MatMul() {
	dev := cpu.New()
	a := tensor.Arange(dev, 0, 6, 1).Reshape(2, 3)
	b := tensor.Ones(dev, 4, 3, 1) // a batch of 4, broadcast against a
	fmt.Println(a.MatMul(b).Shape())
	fmt.Println(a.MatMul(b.Narrow(0, 0, 1)).Reshape(2))
	// Output:
	// [4 2 1]
	// [ 3 12]
}

func ExampleTidy() {
	dev := cpu.New()
	w := tensor.Keep(tensor.Ones(dev, 3)).SetRequiresGrad(true)
	for step := 0; step < 3; step++ {
		tensor.Tidy(func() { // every tensor made here is released at the end
			w.Mul(w).Sum().Backward()
		})
	}
	fmt.Println(w.Grad(), dev.Stats().LiveBuffers) // w and its gradient
	// Output: [6 6 6] 2
}

func ExampleNoGrad() {
	dev := cpu.New()
	w := tensor.Ones(dev, 2).SetRequiresGrad(true)
	tensor.NoGrad(func() {
		fmt.Println(w.MulScalar(2).RequiresGrad())
	})
	fmt.Println(w.MulScalar(2).RequiresGrad())
	// Output:
	// false
	// true
}

// Gather picks one score per row, at each row's label; ScatterAdd puts
// values back, adding where indices repeat.
func ExampleGather() {
	dev := cpu.New()
	scores := tensor.FromSlice(dev, []float32{0.1, 0.7, 0.2, 0.5, 0.3, 0.2}, 2, 3)
	labels := tensor.FromSlice(dev, []float32{1, 0}, 2, 1)
	fmt.Println(tensor.Gather(scores, 1, labels))

	sums := tensor.ScatterAdd(tensor.Zeros(dev, 1, 3), 1,
		tensor.FromSlice(dev, []float32{2, 0, 2}, 1, 3),
		tensor.FromSlice(dev, []float32{1, 2, 3}, 1, 3))
	fmt.Println(sums)
	// Output:
	// [[0.7]
	//  [0.5]]
	// [[2 0 4]]
}
