package cpu

import (
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/philox"
)

// Fill sets n elements from offset to v.
func (d *Device) Fill(dst device.Buffer, offset, n int, v float32) {
	y := d.data("Fill", dst)
	device.CheckLen("cpu: Fill", "dst", dst, offset, n)
	d.ops.Add(1)
	y = y[offset : offset+n]
	parallelFor(n, grainElementwise, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			y[i] = v
		}
	})
}

// Arange sets dst[i] = start + i*step.
func (d *Device) Arange(dst device.Buffer, n int, start, step float32) {
	y := d.out("Arange", dst, n)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			y[i] = start + float32(i)*step
		}
	})
}

func (d *Device) fillRandom(op string, dst device.Buffer, n int, f func(i int) float32) {
	y := d.out(op, dst, n)
	parallelFor(n, grainElementwise/8, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			y[i] = f(i)
		}
	})
}

// RandUniform draws uniform numbers in [lo, hi).
func (d *Device) RandUniform(dst device.Buffer, n int, seed, offset uint64, lo, hi float32) {
	d.fillRandom("RandUniform", dst, n, func(i int) float32 { return philox.Uniform(seed, offset+uint64(i), lo, hi) })
}

// RandNormal draws normal numbers.
func (d *Device) RandNormal(dst device.Buffer, n int, seed, offset uint64, mean, std float32) {
	d.fillRandom("RandNormal", dst, n, func(i int) float32 { return philox.Normal(seed, offset+uint64(i), mean, std) })
}

// Bernoulli draws a mask of scale (probability p) and 0.
func (d *Device) Bernoulli(dst device.Buffer, n int, seed, offset uint64, p, scale float32) {
	d.fillRandom("Bernoulli", dst, n, func(i int) float32 { return philox.Bernoulli(seed, offset+uint64(i), p, scale) })
}
