package vkgrad_test

import (
	"fmt"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/tensor"
)

func ExampleOpen() {
	dev, err := vkgrad.Open("cpu") // "auto" picks the best GPU, else the CPU
	if err != nil {
		panic(err)
	}
	defer dev.Close()
	x := tensor.FromSlice(dev, []float32{1, 2, 3, 4}, 2, 2)
	fmt.Println(dev.Info().Backend)
	fmt.Println(x.MatMul(x))
	// Output:
	// cpu
	// [[ 7 10]
	//  [15 22]]
}
