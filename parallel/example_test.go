package parallel_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/parallel"
)

// Two devices share each batch of a small classifier; with GPUs, list
// them instead (vkgrad.Open("vulkan:0"), vkgrad.Open("vulkan:1")).
func ExampleNew() {
	devs := []device.Device{cpu.New(), cpu.New()}
	dp, err := parallel.New(devs, func(dev device.Device) (nn.Module, nn.Optimizer) {
		m := nn.NewSequential(nn.NewLinear(dev, 2, 16, nn.WithActivation(device.UnaryReLU, 0)), nn.NewLinear(dev, 16, 2))
		return m, nn.NewAdam(m.Params(), nn.AdamConfig{LR: 0.05})
	})
	if err != nil {
		panic(err)
	}
	defer dp.Release()
	// Points are class 1 when x·y > 0.
	r := rand.New(rand.NewPCG(1, 1))
	var loss float64
	for range 200 {
		x, y := make([]float32, 64*2), make([]float32, 64)
		for i := range y {
			a, b := r.Float32()*2-1, r.Float32()*2-1
			x[2*i], x[2*i+1] = a, b
			if a*b > 0 {
				y[i] = 1
			}
		}
		if loss, err = dp.Step(x, []int{2}, y, nn.CrossEntropy); err != nil {
			panic(err)
		}
	}
	fmt.Println("replicas:", len(dp.Replicas), "loss below 0.3:", loss < 0.3)
	// Output: replicas: 2 loss below 0.3: true
}
