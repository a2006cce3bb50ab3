package cpu

import (
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

// BenchmarkOptimizerSteps times the fused optimizer steps on the MNIST
// MLP's parameter count (407,050).
func BenchmarkOptimizerSteps(b *testing.B) {
	d := New()
	const n = 784*512 + 512 + 512*10 + 10
	bufs := make([]device.Buffer, 5)
	for i := range bufs {
		bufs[i] = device.MustAlloc(d, n)
		d.RandUniform(bufs[i], n, uint64(i+1), 0, 0.01, 1)
	}
	b.Run("RMSprop", func(b *testing.B) {
		p := device.RMSpropParams{LR: 1e-3, Rho: 0.9, Eps: 1e-7}
		for range b.N {
			d.RMSpropStep(p, n, bufs[0], bufs[1], bufs[2], nil, nil)
		}
	})
	b.Run("Adam", func(b *testing.B) {
		for i := range b.N {
			d.AdamStep(device.AdamParams{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Step: i + 1}, n, bufs[0], bufs[1], bufs[2], bufs[3])
		}
	})
	b.SetBytes(4 * n)
}
