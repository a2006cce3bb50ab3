// Command first is the first program of vkgrad's README: tensors on the best
// device, a product, and gradients by Backward.
package main

import (
	"fmt"
	"log"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/tensor"
)

func main() {
	dev, err := vkgrad.Open("auto") // the best GPU, else the CPU (Info says why)
	if err != nil {
		log.Fatal(err)
	}
	defer dev.Close()
	fmt.Println("device:", dev.Info())

	// y = Σ (x·w + b)², with gradients for w and b.
	x := tensor.FromSlice(dev, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	w := tensor.FromSlice(dev, []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 3, 2).SetRequiresGrad(true)
	b := tensor.Zeros(dev, 2).SetRequiresGrad(true)
	y := x.MatMul(w).Add(b).Square().Sum()
	y.Backward()

	fmt.Println("y =", y)
	fmt.Println("dy/dw =")
	fmt.Println(w.Grad())
	fmt.Println("dy/db =", b.Grad())
}
