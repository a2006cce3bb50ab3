package tensor

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// unary applies a unary op, recording its derivative.
func (t *Tensor) unary(op device.UnaryOp, alpha float32) *Tensor {
	dev := t.st.dev
	out := empty(dev, t.shape)
	dev.Unary(op, alpha, t.shape, out.buf(op.String()), t.view(op.String()))
	return record(out, op.String(), func(g *Tensor, _ []bool) []*Tensor {
		dx := empty(dev, t.shape)
		dev.UnaryBackward(op, alpha, t.shape, dx.buf(op.String()), t.view(op.String()), out.view(op.String()), g.view(op.String()))
		return []*Tensor{dx}
	}, t)
}

// Neg returns -t.
func (t *Tensor) Neg() *Tensor { return t.unary(device.UnaryNeg, 0) }

// Abs returns |t|.
func (t *Tensor) Abs() *Tensor { return t.unary(device.UnaryAbs, 0) }

// Exp returns e^t.
func (t *Tensor) Exp() *Tensor { return t.unary(device.UnaryExp, 0) }

// Log returns the natural logarithm of t.
func (t *Tensor) Log() *Tensor { return t.unary(device.UnaryLog, 0) }

// Sqrt returns the square root of t.
func (t *Tensor) Sqrt() *Tensor { return t.unary(device.UnarySqrt, 0) }

// Square returns t².
func (t *Tensor) Square() *Tensor { return t.unary(device.UnarySquare, 0) }

// ReLU returns max(t, 0).
func (t *Tensor) ReLU() *Tensor { return t.unary(device.UnaryReLU, 0) }

// LeakyReLU returns t where t > 0 and slope*t elsewhere.
func (t *Tensor) LeakyReLU(slope float32) *Tensor { return t.unary(device.UnaryLeakyReLU, slope) }

// Sigmoid returns 1/(1+e^-t).
func (t *Tensor) Sigmoid() *Tensor { return t.unary(device.UnarySigmoid, 0) }

// Tanh returns the hyperbolic tangent of t.
func (t *Tensor) Tanh() *Tensor { return t.unary(device.UnaryTanh, 0) }

// GELU returns t·Φ(t), Φ the standard normal CDF (the exact form, PyTorch's
// default).
func (t *Tensor) GELU() *Tensor { return t.unary(device.UnaryGELU, 0) }

// SiLU returns t·σ(t), the sigmoid-weighted linear unit (PyTorch's
// F.silu, the swish).
func (t *Tensor) SiLU() *Tensor { return t.unary(device.UnarySiLU, 0) }

// Erf returns the error function of t.
func (t *Tensor) Erf() *Tensor { return t.unary(device.UnaryErf, 0) }

// Floor, Ceil and Round round t down, up and to the nearest integer
// (halves to even, as torch.round); their gradient is zero.
func (t *Tensor) Floor() *Tensor { return t.unary(device.UnaryFloor, 0) }

// Ceil rounds t up; see Floor.
func (t *Tensor) Ceil() *Tensor { return t.unary(device.UnaryCeil, 0) }

// Round rounds t to the nearest integer, halves to even; see Floor.
func (t *Tensor) Round() *Tensor { return t.unary(device.UnaryRound, 0) }

// Sin returns the sine of t (radians).
func (t *Tensor) Sin() *Tensor { return t.unary(device.UnarySin, 0) }

// Cos returns the cosine of t (radians).
func (t *Tensor) Cos() *Tensor { return t.unary(device.UnaryCos, 0) }

// Softplus returns log(1 + e^t), and t itself where t > 20 (PyTorch's
// F.softplus with beta 1 and threshold 20).
func (t *Tensor) Softplus() *Tensor { return t.unary(device.UnarySoftplus, 0) }

// ELU returns t where t > 0 and alpha·(e^t − 1) elsewhere (PyTorch's
// F.elu; its default alpha is 1).
func (t *Tensor) ELU(alpha float32) *Tensor { return t.unary(device.UnaryELU, alpha) }

// GELUTanh is GELU's tanh approximation, PyTorch's F.gelu(x,
// approximate="tanh"): 0.5·t·(1 + tanh(√(2/π)·(t + 0.044715·t³))).
func (t *Tensor) GELUTanh() *Tensor { return t.unary(device.UnaryGELUTanh, 0) }

// Activate applies the activation op with parameter alpha.
func (t *Tensor) Activate(op device.UnaryOp, alpha float32) *Tensor { return t.unary(op, alpha) }

// binary applies a broadcasting binary op; rule gives the input gradients
// before they are summed back to the input shapes.
func (a *Tensor) binary(op device.BinaryOp, b *Tensor, rule func(g, out *Tensor, needs []bool) (ga, gb *Tensor)) *Tensor {
	name := op.String()
	dev := sameDevice(name, a, b)
	shape := broadcast2(name, a, b)
	out := empty(dev, shape)
	dev.Binary(op, shape, out.buf(name), a.viewAs(name, shape), b.viewAs(name, shape))
	if rule == nil {
		return out
	}
	return record(out, name, func(g *Tensor, needs []bool) []*Tensor {
		ga, gb := rule(g, out, needs)
		if needs[0] {
			ga = sumTo(ga, a.shape)
		}
		if needs[1] {
			gb = sumTo(gb, b.shape)
		}
		return []*Tensor{ga, gb}
	}, a, b)
}

// Add returns a + b, broadcasting.
func (a *Tensor) Add(b *Tensor) *Tensor {
	return a.binary(device.BinaryAdd, b, func(g, _ *Tensor, _ []bool) (*Tensor, *Tensor) { return g, g })
}

// Sub returns a - b, broadcasting.
func (a *Tensor) Sub(b *Tensor) *Tensor {
	return a.binary(device.BinarySub, b, func(g, _ *Tensor, needs []bool) (*Tensor, *Tensor) {
		var gb *Tensor
		if needs[1] {
			gb = g.Neg()
		}
		return g, gb
	})
}

// Mul returns a * b elementwise, broadcasting.
func (a *Tensor) Mul(b *Tensor) *Tensor {
	return a.binary(device.BinaryMul, b, func(g, _ *Tensor, needs []bool) (ga, gb *Tensor) {
		if needs[0] {
			ga = g.Mul(b)
		}
		if needs[1] {
			gb = g.Mul(a)
		}
		return ga, gb
	})
}

// Div returns a / b elementwise, broadcasting.
func (a *Tensor) Div(b *Tensor) *Tensor {
	return a.binary(device.BinaryDiv, b, func(g, out *Tensor, needs []bool) (ga, gb *Tensor) {
		if needs[0] {
			ga = g.Div(b)
		}
		if needs[1] {
			gb = g.Mul(out).Div(b).Neg()
		}
		return ga, gb
	})
}

// Maximum returns the elementwise maximum of a and b, broadcasting; NaN
// propagates. On ties the gradient is split evenly.
func (a *Tensor) Maximum(b *Tensor) *Tensor {
	return a.binary(device.BinaryMax, b, func(g, _ *Tensor, needs []bool) (*Tensor, *Tensor) {
		return splitByMask(g, a.Gt(b), a.Eq(b), needs)
	})
}

// Minimum returns the elementwise minimum of a and b, broadcasting; NaN
// propagates. On ties the gradient is split evenly.
func (a *Tensor) Minimum(b *Tensor) *Tensor {
	return a.binary(device.BinaryMin, b, func(g, _ *Tensor, needs []bool) (*Tensor, *Tensor) {
		return splitByMask(g, a.Lt(b), a.Eq(b), needs)
	})
}

// splitByMask gives g to a where win is 1, to b where it is 0 and tie is 0,
// and half to each where tie is 1.
func splitByMask(g, win, tie *Tensor, needs []bool) (ga, gb *Tensor) {
	m := win.Add(tie.MulScalar(0.5))
	if needs[0] {
		ga = g.Mul(m)
	}
	if needs[1] {
		gb = g.Mul(m.RSubScalar(1))
	}
	return ga, gb
}

// Pow returns a raised to b elementwise, broadcasting.
func (a *Tensor) Pow(b *Tensor) *Tensor {
	return a.binary(device.BinaryPow, b, func(g, out *Tensor, needs []bool) (ga, gb *Tensor) {
		if needs[0] {
			ga = g.Mul(b).Mul(a.Pow(b.SubScalar(1)))
		}
		if needs[1] {
			// d/db a^b = a^b ln a, taken as 0 where a == 0.
			zero := Zeros(a.st.dev)
			ga0 := g.Mul(out).Mul(a.Log())
			gb = Where(a.EqScalar(0), zero, ga0)
		}
		return ga, gb
	})
}

// Eq returns 1 where a == b and 0 elsewhere, broadcasting.
func (a *Tensor) Eq(b *Tensor) *Tensor { return a.binary(device.BinaryEq, b, nil) }

// Ne returns 1 where a != b.
func (a *Tensor) Ne(b *Tensor) *Tensor { return a.binary(device.BinaryNe, b, nil) }

// Lt returns 1 where a < b.
func (a *Tensor) Lt(b *Tensor) *Tensor { return a.binary(device.BinaryLt, b, nil) }

// Le returns 1 where a <= b.
func (a *Tensor) Le(b *Tensor) *Tensor { return a.binary(device.BinaryLe, b, nil) }

// Gt returns 1 where a > b.
func (a *Tensor) Gt(b *Tensor) *Tensor { return a.binary(device.BinaryGt, b, nil) }

// Ge returns 1 where a >= b.
func (a *Tensor) Ge(b *Tensor) *Tensor { return a.binary(device.BinaryGe, b, nil) }

// scalar applies op(t, s) or op(s, t), with rule giving t's gradient.
func (t *Tensor) scalar(op device.BinaryOp, s float32, first bool, rule func(g, out *Tensor) *Tensor) *Tensor {
	dev := t.st.dev
	name := op.String() + "_scalar"
	out := empty(dev, t.shape)
	dev.BinaryScalar(op, t.shape, out.buf(name), t.view(name), s, first)
	if rule == nil {
		return out
	}
	return record(out, name, func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{rule(g, out)}
	}, t)
}

// AddScalar returns t + s.
func (t *Tensor) AddScalar(s float32) *Tensor {
	return t.scalar(device.BinaryAdd, s, false, func(g, _ *Tensor) *Tensor { return g })
}

// SubScalar returns t - s.
func (t *Tensor) SubScalar(s float32) *Tensor {
	return t.scalar(device.BinarySub, s, false, func(g, _ *Tensor) *Tensor { return g })
}

// RSubScalar returns s - t.
func (t *Tensor) RSubScalar(s float32) *Tensor {
	return t.scalar(device.BinarySub, s, true, func(g, _ *Tensor) *Tensor { return g.Neg() })
}

// MulScalar returns t * s.
func (t *Tensor) MulScalar(s float32) *Tensor {
	return t.scalar(device.BinaryMul, s, false, func(g, _ *Tensor) *Tensor { return g.MulScalar(s) })
}

// DivScalar returns t / s.
func (t *Tensor) DivScalar(s float32) *Tensor {
	return t.scalar(device.BinaryDiv, s, false, func(g, _ *Tensor) *Tensor { return g.DivScalar(s) })
}

// RDivScalar returns s / t.
func (t *Tensor) RDivScalar(s float32) *Tensor {
	return t.scalar(device.BinaryDiv, s, true, func(g, out *Tensor) *Tensor { return g.Mul(out).Div(t).Neg() })
}

// PowScalar returns t raised to the power p.
func (t *Tensor) PowScalar(p float32) *Tensor {
	return t.scalar(device.BinaryPow, p, false, func(g, _ *Tensor) *Tensor {
		return g.Mul(t.PowScalar(p - 1)).MulScalar(p)
	})
}

// MaximumScalar returns max(t, s) elementwise; on ties the gradient is
// halved.
func (t *Tensor) MaximumScalar(s float32) *Tensor {
	return t.scalar(device.BinaryMax, s, false, func(g, _ *Tensor) *Tensor {
		return g.Mul(t.GtScalar(s).Add(t.EqScalar(s).MulScalar(0.5)))
	})
}

// MinimumScalar returns min(t, s) elementwise; on ties the gradient is
// halved.
func (t *Tensor) MinimumScalar(s float32) *Tensor {
	return t.scalar(device.BinaryMin, s, false, func(g, _ *Tensor) *Tensor {
		return g.Mul(t.LtScalar(s).Add(t.EqScalar(s).MulScalar(0.5)))
	})
}

// Clamp limits t to [lo, hi].
func (t *Tensor) Clamp(lo, hi float32) *Tensor {
	if lo > hi {
		panic(fmt.Sprintf("tensor: Clamp: lo %v > hi %v", lo, hi))
	}
	return t.MaximumScalar(lo).MinimumScalar(hi)
}

// EqScalar returns 1 where t == s.
func (t *Tensor) EqScalar(s float32) *Tensor { return t.scalar(device.BinaryEq, s, false, nil) }

// GtScalar returns 1 where t > s.
func (t *Tensor) GtScalar(s float32) *Tensor { return t.scalar(device.BinaryGt, s, false, nil) }

// LtScalar returns 1 where t < s.
func (t *Tensor) LtScalar(s float32) *Tensor { return t.scalar(device.BinaryLt, s, false, nil) }

// GeScalar returns 1 where t >= s.
func (t *Tensor) GeScalar(s float32) *Tensor { return t.scalar(device.BinaryGe, s, false, nil) }

// LeScalar returns 1 where t <= s.
func (t *Tensor) LeScalar(s float32) *Tensor { return t.scalar(device.BinaryLe, s, false, nil) }

// Where returns a where cond is non-zero and b elsewhere; the three
// broadcast together. Gradients flow to a and b, not to cond.
func Where(cond, a, b *Tensor) *Tensor {
	dev := sameDevice("Where", cond, a, b)
	shape, ok := BroadcastShapes(cond.shape, a.shape)
	if ok {
		shape, ok = BroadcastShapes(shape, b.shape)
	}
	if !ok {
		panic(fmt.Sprintf("tensor: Where: shapes %v, %v and %v do not broadcast", cond.shape, a.shape, b.shape))
	}
	out := empty(dev, shape)
	dev.Where(shape, out.buf("Where"), cond.viewAs("Where", shape), a.viewAs("Where", shape), b.viewAs("Where", shape))
	return record(out, "Where", func(g *Tensor, needs []bool) []*Tensor {
		zero := Zeros(dev)
		gs := make([]*Tensor, 3)
		if needs[1] {
			gs[1] = sumTo(Where(cond, g, zero), a.shape)
		}
		if needs[2] {
			gs[2] = sumTo(Where(cond, zero, g), b.shape)
		}
		return gs
	}, cond.Detach(), a, b)
}
