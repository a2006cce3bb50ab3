package cpu

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/cpu/internal/vec"
	"github.com/vkgrad/vkgrad/device"
)

// UnaryFunc returns the scalar function of a unary op with parameter
// alpha. It is the definition every backend is tested against.
func UnaryFunc(op device.UnaryOp, alpha float32) func(x float32) float32 {
	switch op {
	case device.UnaryIdentity:
		return func(x float32) float32 { return x }
	case device.UnaryNeg:
		return func(x float32) float32 { return -x }
	case device.UnaryAbs:
		return func(x float32) float32 { return float32(math.Abs(float64(x))) }
	case device.UnaryExp:
		return func(x float32) float32 { return float32(math.Exp(float64(x))) }
	case device.UnaryLog:
		return func(x float32) float32 { return float32(math.Log(float64(x))) }
	case device.UnarySqrt:
		return func(x float32) float32 { return float32(math.Sqrt(float64(x))) }
	case device.UnarySquare:
		return func(x float32) float32 { return x * x }
	case device.UnaryReLU:
		return func(x float32) float32 {
			if x > 0 {
				return x
			}
			if x != x {
				return x
			}
			return 0
		}
	case device.UnaryLeakyReLU:
		return func(x float32) float32 {
			if x > 0 {
				return x
			}
			return alpha * x
		}
	case device.UnarySigmoid:
		return func(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }
	case device.UnaryTanh:
		return func(x float32) float32 { return float32(math.Tanh(float64(x))) }
	case device.UnaryGELU:
		return func(x float32) float32 {
			v := float64(x)
			return float32(0.5 * v * (1 + math.Erf(v/math.Sqrt2)))
		}
	case device.UnarySiLU:
		return func(x float32) float32 {
			v := float64(x)
			return float32(v / (1 + math.Exp(-v)))
		}
	case device.UnaryErf:
		return func(x float32) float32 { return float32(math.Erf(float64(x))) }
	case device.UnaryFloor:
		return func(x float32) float32 { return float32(math.Floor(float64(x))) }
	case device.UnaryCeil:
		return func(x float32) float32 { return float32(math.Ceil(float64(x))) }
	case device.UnaryRound:
		return func(x float32) float32 { return float32(math.RoundToEven(float64(x))) }
	case device.UnarySin:
		return func(x float32) float32 { return float32(math.Sin(float64(x))) }
	case device.UnaryCos:
		return func(x float32) float32 { return float32(math.Cos(float64(x))) }
	case device.UnarySoftplus:
		return func(x float32) float32 {
			if x > 20 {
				return x
			}
			return float32(math.Log1p(math.Exp(float64(x))))
		}
	case device.UnaryELU:
		return func(x float32) float32 {
			if x > 0 {
				return x
			}
			return float32(float64(alpha) * math.Expm1(float64(x)))
		}
	case device.UnaryGELUTanh:
		return func(x float32) float32 {
			v := float64(x)
			return float32(0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v))))
		}
	}
	panic(fmt.Sprintf("cpu: unknown unary op %v", op))
}

// UnaryGradFunc returns dy * op'(·) as a function of dy and z, where z is the
// forward output y for the ops whose derivative reads it in device's op
// table (op.Info().Grad == device.GradFromY) and the input x for the
// others.
func UnaryGradFunc(op device.UnaryOp, alpha float32) func(z, dy float32) float32 {
	switch op {
	case device.UnaryIdentity:
		return func(_, dy float32) float32 { return dy }
	case device.UnaryNeg:
		return func(_, dy float32) float32 { return -dy }
	case device.UnaryAbs:
		return func(x, dy float32) float32 {
			switch {
			case x > 0:
				return dy
			case x < 0:
				return -dy
			}
			return 0
		}
	case device.UnaryExp:
		return func(y, dy float32) float32 { return dy * y }
	case device.UnaryLog:
		return func(x, dy float32) float32 { return dy / x }
	case device.UnarySqrt:
		return func(y, dy float32) float32 { return dy / (2 * y) }
	case device.UnarySquare:
		return func(x, dy float32) float32 { return 2 * x * dy }
	case device.UnaryReLU:
		return func(x, dy float32) float32 {
			if x > 0 {
				return dy
			}
			return 0
		}
	case device.UnaryLeakyReLU:
		return func(x, dy float32) float32 {
			if x > 0 {
				return dy
			}
			return alpha * dy
		}
	case device.UnarySigmoid:
		return func(y, dy float32) float32 { return dy * y * (1 - y) }
	case device.UnaryTanh:
		return func(y, dy float32) float32 { return dy * (1 - y*y) }
	case device.UnaryGELU:
		return func(x, dy float32) float32 {
			v := float64(x)
			cdf := 0.5 * (1 + math.Erf(v/math.Sqrt2))
			pdf := math.Exp(-0.5*v*v) / math.Sqrt(2*math.Pi)
			return dy * float32(cdf+v*pdf)
		}
	case device.UnarySiLU:
		return func(x, dy float32) float32 {
			v := float64(x)
			s := 1 / (1 + math.Exp(-v))
			return dy * float32(s*(1+v*(1-s)))
		}
	case device.UnaryErf:
		return func(x, dy float32) float32 {
			v := float64(x)
			return dy * float32(2/math.Sqrt(math.Pi)*math.Exp(-v*v))
		}
	case device.UnaryFloor, device.UnaryCeil, device.UnaryRound:
		return func(_, _ float32) float32 { return 0 }
	case device.UnarySin:
		return func(x, dy float32) float32 { return dy * float32(math.Cos(float64(x))) }
	case device.UnaryCos:
		return func(x, dy float32) float32 { return -dy * float32(math.Sin(float64(x))) }
	case device.UnarySoftplus:
		return func(x, dy float32) float32 {
			if x > 20 {
				return dy
			}
			return dy * float32(1/(1+math.Exp(-float64(x))))
		}
	case device.UnaryELU:
		return func(x, dy float32) float32 {
			if x > 0 {
				return dy
			}
			return dy * float32(float64(alpha)*math.Exp(float64(x)))
		}
	case device.UnaryGELUTanh:
		return func(x, dy float32) float32 {
			v := float64(x)
			k := math.Sqrt(2 / math.Pi)
			u := k * (v + 0.044715*v*v*v)
			th := math.Tanh(u)
			du := k * (1 + 3*0.044715*v*v)
			return dy * float32(0.5*(1+th)+0.5*v*(1-th*th)*du)
		}
	}
	panic(fmt.Sprintf("cpu: unknown unary op %v", op))
}

// BinaryFunc returns the scalar function of a binary op.
func BinaryFunc(op device.BinaryOp) func(a, b float32) float32 {
	switch op {
	case device.BinaryAdd:
		return func(a, b float32) float32 { return a + b }
	case device.BinarySub:
		return func(a, b float32) float32 { return a - b }
	case device.BinaryMul:
		return func(a, b float32) float32 { return a * b }
	case device.BinaryDiv:
		return func(a, b float32) float32 { return a / b }
	case device.BinaryMax:
		return func(a, b float32) float32 {
			if a != a || b != b {
				return float32(math.NaN())
			}
			return max(a, b)
		}
	case device.BinaryMin:
		return func(a, b float32) float32 {
			if a != a || b != b {
				return float32(math.NaN())
			}
			return min(a, b)
		}
	case device.BinaryPow:
		return func(a, b float32) float32 { return float32(math.Pow(float64(a), float64(b))) }
	case device.BinaryEq:
		return func(a, b float32) float32 { return b2f(a == b) }
	case device.BinaryNe:
		return func(a, b float32) float32 { return b2f(a != b) }
	case device.BinaryLt:
		return func(a, b float32) float32 { return b2f(a < b) }
	case device.BinaryLe:
		return func(a, b float32) float32 { return b2f(a <= b) }
	case device.BinaryGt:
		return func(a, b float32) float32 { return b2f(a > b) }
	case device.BinaryGe:
		return func(a, b float32) float32 { return b2f(a >= b) }
	}
	panic(fmt.Sprintf("cpu: unknown binary op %v", op))
}

func b2f(c bool) float32 {
	if c {
		return 1
	}
	return 0
}

// Unary computes dst = op(x).
func (d *Device) Unary(op device.UnaryOp, alpha float32, shape []int, dst device.Buffer, x device.Strided) {
	n := device.NumElements(shape)
	xs := d.view("Unary", shape, x)
	y := d.out("Unary", dst, n)
	f := UnaryFunc(op, alpha)
	it := newIter(shape, device.ContiguousStrides(shape), x.Strides)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		it.rows(lo, hi, [4]int{0, x.Offset}, func(o, s [4]int, m int) {
			yr := y[o[0] : o[0]+m]
			if s[1] == 1 {
				xr := xs[o[1] : o[1]+m]
				switch op {
				case device.UnaryReLU:
					vec.ReLU(yr, xr) // NaN stays NaN, −0 becomes 0
				case device.UnaryIdentity:
					copy(yr, xr)
				default:
					for i := range yr {
						yr[i] = f(xr[i])
					}
				}
				return
			}
			for i := range yr {
				yr[i] = f(xs[o[1]+i*s[1]])
			}
		})
	})
}

// UnaryBackward computes dx = dy * op'(x).
func (d *Device) UnaryBackward(op device.UnaryOp, alpha float32, shape []int, dx device.Buffer, x, y, dy device.Strided) {
	n := device.NumElements(shape)
	z := x
	if op.Info().Grad == device.GradFromY {
		z = y
	}
	zs := d.view("UnaryBackward", shape, z)
	dys := d.view("UnaryBackward", shape, dy)
	out := d.out("UnaryBackward", dx, n)
	f := UnaryGradFunc(op, alpha)
	it := newIter(shape, device.ContiguousStrides(shape), z.Strides, dy.Strides)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		it.rows(lo, hi, [4]int{0, z.Offset, dy.Offset}, func(o, s [4]int, m int) {
			r := out[o[0] : o[0]+m]
			if op == device.UnaryReLU && s[1] == 1 && s[2] == 1 {
				vec.ReLUBackward(r, zs[o[1]:o[1]+m], dys[o[2]:o[2]+m])
				return
			}
			for i := range r {
				r[i] = f(zs[o[1]+i*s[1]], dys[o[2]+i*s[2]])
			}
		})
	})
}

// Binary computes dst = op(a, b).
func (d *Device) Binary(op device.BinaryOp, shape []int, dst device.Buffer, a, b device.Strided) {
	n := device.NumElements(shape)
	as := d.view("Binary", shape, a)
	bs := d.view("Binary", shape, b)
	y := d.out("Binary", dst, n)
	f := BinaryFunc(op)
	it := newIter(shape, device.ContiguousStrides(shape), a.Strides, b.Strides)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		it.rows(lo, hi, [4]int{0, a.Offset, b.Offset}, func(o, s [4]int, m int) {
			yr := y[o[0] : o[0]+m]
			if s[1] == 1 && s[2] == 1 {
				ar, br := as[o[1]:o[1]+m], bs[o[2]:o[2]+m]
				switch op {
				case device.BinaryAdd:
					for i := range yr {
						yr[i] = ar[i] + br[i]
					}
				case device.BinaryMul:
					for i := range yr {
						yr[i] = ar[i] * br[i]
					}
				default:
					for i := range yr {
						yr[i] = f(ar[i], br[i])
					}
				}
				return
			}
			for i := range yr {
				yr[i] = f(as[o[1]+i*s[1]], bs[o[2]+i*s[2]])
			}
		})
	})
}

// BinaryScalar computes dst = op(a, s) or op(s, a).
func (d *Device) BinaryScalar(op device.BinaryOp, shape []int, dst device.Buffer, a device.Strided, s float32, scalarFirst bool) {
	n := device.NumElements(shape)
	as := d.view("BinaryScalar", shape, a)
	y := d.out("BinaryScalar", dst, n)
	f := BinaryFunc(op)
	g := func(v float32) float32 { return f(v, s) }
	if scalarFirst {
		g = func(v float32) float32 { return f(s, v) }
	}
	it := newIter(shape, device.ContiguousStrides(shape), a.Strides)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		it.rows(lo, hi, [4]int{0, a.Offset}, func(o, st [4]int, m int) {
			yr := y[o[0] : o[0]+m]
			for i := range yr {
				yr[i] = g(as[o[1]+i*st[1]])
			}
		})
	})
}

// Where computes dst = cond != 0 ? a : b.
func (d *Device) Where(shape []int, dst device.Buffer, cond, a, b device.Strided) {
	n := device.NumElements(shape)
	cs := d.view("Where", shape, cond)
	as := d.view("Where", shape, a)
	bs := d.view("Where", shape, b)
	y := d.out("Where", dst, n)
	it := newIter(shape, device.ContiguousStrides(shape), cond.Strides, a.Strides, b.Strides)
	parallelFor(n, grainElementwise, func(lo, hi int) {
		it.rows(lo, hi, [4]int{0, cond.Offset, a.Offset, b.Offset}, func(o, s [4]int, m int) {
			yr := y[o[0] : o[0]+m]
			for i := range yr {
				if cs[o[1]+i*s[1]] != 0 {
					yr[i] = as[o[2]+i*s[2]]
				} else {
					yr[i] = bs[o[3]+i*s[3]]
				}
			}
		})
	})
}
