package tensor

import (
	"sync/atomic"

	"github.com/vkgrad/vkgrad/device"
)

// Generator hands out the seeds of random draws, one per draw, as a
// stream: the same starting seed gives the same stream, so a program that
// makes the same draws in the same order gets the same numbers on every
// device. Each seed drives the device's counter-based (Philox) generator.
// A Generator is safe for concurrent use; draws from several goroutines
// get distinct seeds, in an order that depends on the schedule.
type Generator struct{ state atomic.Uint64 }

// golden is the stream's step: 2^64 over the golden ratio, so that the
// seeds of consecutive draws, and the streams of nearby starting seeds,
// differ in many bits.
const golden = 0x9E3779B97F4A7C15

// NewGenerator returns a generator whose stream starts from seed.
func NewGenerator(seed uint64) *Generator {
	g := &Generator{}
	g.ManualSeed(seed)
	return g
}

// ManualSeed restarts the stream from seed.
func (g *Generator) ManualSeed(seed uint64) { g.state.Store(seed * golden) }

// Seed returns the next seed of the stream.
func (g *Generator) Seed() uint64 { return g.state.Add(golden) }

// Rand returns uniform draws in [0, 1) with the stream's next seed.
func (g *Generator) Rand(dev device.Device, shape ...int) *Tensor {
	return RandUniform(dev, g.Seed(), 0, 1, shape...)
}

// Randn returns standard normal draws with the stream's next seed.
func (g *Generator) Randn(dev device.Device, shape ...int) *Tensor {
	return RandNormal(dev, g.Seed(), 0, 1, shape...)
}

// DefaultGenerator is the stream that Rand, Randn and the layers of
// package nn built without a seed draw from (torch's default generator).
// It starts from seed 0: a program is reproducible run to run; call
// ManualSeed to choose another stream.
var DefaultGenerator = NewGenerator(0)

// ManualSeed restarts the default generator from seed, as
// torch.manual_seed does: after it, the same draws and the same layers
// built in the same order give the same numbers on every device.
func ManualSeed(seed uint64) { DefaultGenerator.ManualSeed(seed) }

// Rand returns a tensor of uniform draws in [0, 1) from the default
// generator: fresh numbers at every call (torch.rand). RandUniform takes
// an explicit seed.
func Rand(dev device.Device, shape ...int) *Tensor { return DefaultGenerator.Rand(dev, shape...) }

// Randn returns a tensor of standard normal draws from the default
// generator: fresh numbers at every call (torch.randn). RandNormal takes
// an explicit seed.
func Randn(dev device.Device, shape ...int) *Tensor { return DefaultGenerator.Randn(dev, shape...) }
