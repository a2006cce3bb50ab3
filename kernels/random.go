//go:build cgo

package kernels

import (
	"github.com/vkgrad/vkgrad/device"
)

// Arange sets dst[i] = start + i*step.
func (d *Device) Arange(dst device.Buffer, n int, start, step float32) {
	out := d.out("Arange", dst, 0, n)
	if n == 0 {
		return
	}
	p := d.pipeline("arange", d.wg)
	d.dispatch(p, d.elems(n), push(nil).u(n).f(start).f(step), 1, out)
}

func (d *Device) random(op string, mode uint32, dst device.Buffer, n int, seed, offset uint64, p0, p1 float32) {
	out := d.out(op, dst, 0, n)
	if n == 0 {
		return
	}
	p := d.pipeline("random", d.wg, mode)
	pc := push(nil).u(n).u(int(uint32(seed))).u(int(seed >> 32)).u(int(uint32(offset))).u(int(offset >> 32)).f(p0).f(p1)
	d.dispatch(p, d.elems(n), pc, 1, out)
}

// RandUniform draws uniform numbers in [lo, hi), the same as every backend.
func (d *Device) RandUniform(dst device.Buffer, n int, seed, offset uint64, lo, hi float32) {
	d.random("RandUniform", 0, dst, n, seed, offset, lo, hi)
}

// RandNormal draws normal numbers.
func (d *Device) RandNormal(dst device.Buffer, n int, seed, offset uint64, mean, std float32) {
	d.random("RandNormal", 1, dst, n, seed, offset, mean, std)
}

// Bernoulli draws a mask of scale (probability p) and 0.
func (d *Device) Bernoulli(dst device.Buffer, n int, seed, offset uint64, p, scale float32) {
	d.random("Bernoulli", 2, dst, n, seed, offset, p, scale)
}
