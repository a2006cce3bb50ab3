//go:build cgo

package kernels

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// step runs the optimizer shader: algorithm alg over param, grad and up to
// three state buffers (nil ones are bound to param, never touched).
func (d *Device) step(op string, alg uint32, n int, param, grad device.Buffer, state []device.Buffer, flags int, lr, wd float32, ps ...float32) {
	if n < 0 {
		panic(fmt.Sprintf("vulkan: %s: negative size %d", op, n))
	}
	w := d.out(op, param, 0, n)
	g := d.buf(op, grad)
	device.CheckLen("vulkan: "+op, "grad", grad, 0, n)
	bufs := []*vulkan.Buffer{w, g, w, w, w}
	for i, s := range state {
		if s != nil {
			bufs[2+i] = d.buf(op, s)
			device.CheckLen("vulkan: "+op, fmt.Sprintf("state %d", i), s, 0, n)
		}
	}
	if n == 0 {
		return
	}
	p := d.pipeline("optim", d.wg, alg)
	pc := push(nil).u(n).u(flags).f(lr).f(wd)
	for i := 0; i < 5; i++ {
		v := float32(0)
		if i < len(ps) {
			v = ps[i]
		}
		pc = pc.f(v)
	}
	writes := []bool{true, false, state[0] != nil, len(state) > 1 && state[1] != nil, len(state) > 2 && state[2] != nil}
	d.rt.Dispatch(p, bufs, writes, pc, d.elems(n))
}

func need(op, name string, b device.Buffer, why string) {
	if b == nil {
		panic(fmt.Sprintf("vulkan: %s: %s buffer is nil but %s", op, name, why))
	}
}

// SGDStep updates param with SGD.
func (d *Device) SGDStep(p device.SGDParams, n int, param, grad, velocity device.Buffer) {
	if p.Momentum != 0 {
		need("SGDStep", "velocity", velocity, "momentum is set")
	}
	flags := 0
	if p.Nesterov {
		flags |= 1
	}
	if p.Step <= 1 {
		flags |= 2
	}
	d.step("SGDStep", 0, n, param, grad, []device.Buffer{velocity}, flags, p.LR, p.WeightDecay, p.Momentum, p.Dampening)
}

// AdamStep updates param with Adam or AdamW.
func (d *Device) AdamStep(p device.AdamParams, n int, param, grad, m, v device.Buffer) {
	need("AdamStep", "m", m, "Adam keeps moments")
	need("AdamStep", "v", v, "Adam keeps moments")
	step := float64(max(p.Step, 1))
	bc1 := 1 - math.Pow(float64(p.Beta1), step)
	bc2 := math.Sqrt(1 - math.Pow(float64(p.Beta2), step))
	flags := 0
	if p.Decoupled {
		flags = 1
	}
	d.step("AdamStep", 1, n, param, grad, []device.Buffer{m, v}, flags, p.LR, p.WeightDecay,
		p.Beta1, p.Beta2, p.Eps, float32(float64(p.LR)/bc1), float32(bc2))
}

// RMSpropStep updates param with RMSprop.
func (d *Device) RMSpropStep(p device.RMSpropParams, n int, param, grad, sq, gradAvg, buf device.Buffer) {
	need("RMSpropStep", "sq", sq, "RMSprop keeps a square average")
	if p.Centered {
		need("RMSpropStep", "gradAvg", gradAvg, "centered is set")
	}
	if p.Momentum != 0 {
		need("RMSpropStep", "buf", buf, "momentum is set")
	}
	flags := 0
	if p.Centered {
		flags |= 1
	}
	if p.EpsInsideSqrt {
		flags |= 2
	}
	d.step("RMSpropStep", 2, n, param, grad, []device.Buffer{sq, gradAvg, buf}, flags, p.LR, p.WeightDecay, p.Rho, p.Eps, p.Momentum)
}

// AdaGradStep updates param with AdaGrad.
func (d *Device) AdaGradStep(p device.AdaGradParams, n int, param, grad, sum device.Buffer) {
	need("AdaGradStep", "sum", sum, "AdaGrad keeps a sum of squares")
	lr := p.LR / (1 + float32(max(p.Step, 1)-1)*p.LRDecay)
	d.step("AdaGradStep", 3, n, param, grad, []device.Buffer{sum}, 0, lr, p.WeightDecay, p.Eps)
}
