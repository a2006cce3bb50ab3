package tensor

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// matOperand describes how a (broadcast) tensor is read as a batch of
// matrices by Gemm, and the temporary copy made when its layout does not
// allow that directly.
type matOperand struct {
	m     device.Matrix
	trans bool
	temp  *Tensor
}

// collapseBatch returns the single stride that walks the batch axes of a
// view, when there is one: all strides 0 (broadcast), or row-major nesting.
func collapseBatch(shape, strides []int) (int, bool) {
	stride, prev := 0, -1
	for i := len(shape) - 1; i >= 0; i-- {
		if shape[i] == 1 {
			continue
		}
		if prev < 0 {
			stride, prev = strides[i], i
			continue
		}
		if strides[i] != strides[prev]*shape[prev] {
			return 0, false
		}
		prev = i
	}
	return stride, true
}

// asOperand reads x, broadcast to batch ++ [rows, cols], as a Gemm operand.
func asOperand(op string, x *Tensor, batch []int, rows, cols int) matOperand {
	full := append(cloneInts(batch), rows, cols)
	strides := broadcastStrides(x.shape, x.strides, full)
	r := len(full)
	rs, cs := strides[r-2], strides[r-1]
	bs, ok := collapseBatch(batch, strides[:r-2])
	switch {
	case !ok:
	case (cs == 1 || cols == 1) && (rs >= cols || rows == 1):
		return matOperand{m: device.Matrix{Buf: x.buf(op), Offset: x.offset, LD: max(rs, cols, 1), BatchStride: bs}}
	case (rs == 1 || rows == 1) && (cs >= rows || cols == 1):
		return matOperand{m: device.Matrix{Buf: x.buf(op), Offset: x.offset, LD: max(cs, rows, 1), BatchStride: bs}, trans: true}
	}
	// Materialise the broadcast operand row-major.
	c := x.viewOf(full, strides, x.offset).contiguousCopy()
	return matOperand{m: device.Matrix{Buf: c.buf(op), LD: max(cols, 1), BatchStride: rows * cols}, temp: c}
}

// MatMul returns the matrix product of a and b, with NumPy's rules: 1-D
// operands are promoted to matrices and the added axis removed, and the
// batch axes (all but the last two) broadcast. Transposed views are read in
// place, without copies.
func (a *Tensor) MatMul(b *Tensor) *Tensor {
	sameDevice("MatMul", a, b)
	switch {
	case len(a.shape) == 0 || len(b.shape) == 0:
		panic(fmt.Sprintf("tensor: MatMul: scalar operand, shapes %v and %v", a.shape, b.shape))
	case len(a.shape) == 1 && len(b.shape) == 1:
		return a.Unsqueeze(0).MatMul(b.Unsqueeze(1)).Reshape()
	case len(a.shape) == 1:
		return a.Unsqueeze(0).MatMul(b).Squeeze(-2)
	case len(b.shape) == 1:
		return a.MatMul(b.Unsqueeze(1)).Squeeze(-1)
	}
	ra, rb := len(a.shape), len(b.shape)
	m, k, k2, n := a.shape[ra-2], a.shape[ra-1], b.shape[rb-2], b.shape[rb-1]
	batch, ok := BroadcastShapes(a.shape[:ra-2], b.shape[:rb-2])
	if k != k2 || !ok {
		panic(fmt.Sprintf("tensor: MatMul: shapes %v and %v do not multiply", a.shape, b.shape))
	}
	dev := a.st.dev
	out := empty(dev, append(cloneInts(batch), m, n))
	gemm(dev, out, a, b, batch, m, n, k, nil, device.UnaryIdentity)
	return record(out, "MatMul", func(g *Tensor, needs []bool) []*Tensor {
		gs := make([]*Tensor, 2)
		if needs[0] {
			gs[0] = sumTo(g.MatMul(b.Transpose(-1, -2)), a.shape)
		}
		if needs[1] {
			gs[1] = sumTo(a.Transpose(-1, -2).MatMul(g), b.shape)
		}
		return gs
	}, a, b)
}

// gemm writes act(a·b + bias) into the contiguous out of shape batch ++
// [m, n].
func gemm(dev device.Device, out, a, b *Tensor, batch []int, m, n, k int, bias *Tensor, act device.UnaryOp) {
	if out.Size() == 0 {
		return
	}
	oa := asOperand("MatMul", a, batch, m, k)
	ob := asOperand("MatMul", b, batch, k, n)
	p := device.GemmParams{
		TransA: oa.trans, TransB: ob.trans,
		M: m, N: n, K: k, Batch: device.NumElements(batch),
		Alpha: 1, A: oa.m, B: ob.m,
		C:   device.Matrix{Buf: out.buf("MatMul"), LD: n, BatchStride: m * n},
		Act: act,
	}
	if bias != nil {
		p.Bias, p.BiasOffset = bias.buf("Linear"), bias.offset
	}
	dev.Gemm(p)
	oa.temp.Release()
	ob.temp.Release()
}

// Linear returns act(x·wᵀ + bias), the fully connected layer, as one fused
// GEMM: x is [..., in], w is [out, in] (PyTorch's layout), bias is [out] or
// nil, and act is the activation applied in the GEMM's epilogue
// (device.UnaryIdentity for none). The activations the op table marks
// Fusable (ReLU, LeakyReLU with a slope >= 0, Sigmoid, Tanh, Exp, Sqrt:
// those whose derivative the output gives) are fused; the others run as a
// separate op, since their backward pass needs the pre-activation.
func Linear(x, w, bias *Tensor, act device.UnaryOp, alpha float32) *Tensor {
	sameDevice("Linear", x, w)
	if len(w.shape) != 2 || len(x.shape) == 0 || x.shape[len(x.shape)-1] != w.shape[1] {
		panic(fmt.Sprintf("tensor: Linear: input %v and weight %v (want [..., in] and [out, in])", x.shape, w.shape))
	}
	in, outF := w.shape[1], w.shape[0]
	if bias != nil {
		sameDevice("Linear", x, bias)
		if len(bias.shape) != 1 || bias.shape[0] != outF || bias.strides[0] != 1 {
			panic(fmt.Sprintf("tensor: Linear: bias of shape %v for %d outputs (want a contiguous [%d])", bias.shape, outF, outF))
		}
	}
	if !act.Info().Fusable || (act == device.UnaryLeakyReLU && alpha < 0) {
		return Linear(x, w, bias, device.UnaryIdentity, 0).Activate(act, alpha)
	}
	x2 := x.Reshape(-1, in)
	rows := x2.shape[0]
	dev := x.st.dev
	out := empty(dev, []int{rows, outF})
	gemm(dev, out, x2, w.T(), nil, rows, outF, in, bias, act)
	out.shape = append(cloneInts(x.shape[:len(x.shape)-1]), outF)
	out.strides = device.ContiguousStrides(out.shape)
	inputs := []*Tensor{x2, w}
	if bias != nil {
		inputs = append(inputs, bias)
	}
	return record(out, "Linear", func(g *Tensor, needs []bool) []*Tensor {
		g2 := g.Reshape(rows, outF)
		if act != device.UnaryIdentity {
			// The derivative of each fused activation is a function of its
			// output (the table's Fusable): for ReLU and LeakyReLU, y > 0
			// exactly where x > 0.
			y := out.Reshape(rows, outF)
			dz := empty(dev, []int{rows, outF})
			dev.UnaryBackward(act, alpha, dz.shape, dz.buf("Linear"), y.view("Linear"), y.view("Linear"), g2.view("Linear"))
			g2 = dz
		}
		gs := make([]*Tensor, len(inputs))
		if needs[0] {
			gs[0] = g2.MatMul(w)
		}
		if needs[1] {
			gs[1] = g2.T().MatMul(x2)
		}
		if len(inputs) == 3 && needs[2] {
			gs[2] = g2.Sum(0)
		}
		return gs
	}, inputs...)
}
