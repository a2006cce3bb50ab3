package devicetest

import (
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// Cases is the table of every differentiable op of package tensor, as
// gradient checks on dev.
func GradCases(dev device.Device) []GradCase {
	labels := func() *tensor.Tensor { return tensor.FromSlice(dev, []float32{2, 0, 4}, 3) }
	conv := func(o tensor.Conv2dOptions, bias bool) func(xs []*tensor.Tensor) *tensor.Tensor {
		return func(xs []*tensor.Tensor) *tensor.Tensor {
			var b *tensor.Tensor
			if bias {
				b = xs[2]
			}
			return tensor.Conv2d(xs[0], xs[1], b, o)
		}
	}
	one := func(f func(x *tensor.Tensor) *tensor.Tensor) func(xs []*tensor.Tensor) *tensor.Tensor {
		return func(xs []*tensor.Tensor) *tensor.Tensor { return f(xs[0]) }
	}
	two := func(f func(a, b *tensor.Tensor) *tensor.Tensor) func(xs []*tensor.Tensor) *tensor.Tensor {
		return func(xs []*tensor.Tensor) *tensor.Tensor { return f(xs[0], xs[1]) }
	}
	s23 := [][]int{{2, 3}}
	// A case per unary op of the op table, its inputs from the op's domain
	// (alpha 0.1 for LeakyReLU).
	var cs []GradCase
	for _, op := range device.UnaryOps() {
		if op == device.UnaryIdentity {
			continue
		}
		cs = append(cs, GradCase{"Unary/" + op.String(), [][]int{{3, 4}}, GradDomain(op.Info().Domain), one(func(x *tensor.Tensor) *tensor.Tensor { return x.Activate(op, 0.1) })})
	}
	return append(cs, []GradCase{
		// Binary ops with broadcasting, named by the op table.
		{"Binary/add", [][]int{{2, 3}, {3}}, nil, two((*tensor.Tensor).Add)},
		{"Binary/sub", [][]int{{2, 1}, {1, 3}}, nil, two((*tensor.Tensor).Sub)},
		{"Binary/mul", [][]int{{2, 3, 4}, {3, 1}}, nil, two((*tensor.Tensor).Mul)},
		{"Binary/div", [][]int{{2, 3}, {2, 3}}, GradPositive, two((*tensor.Tensor).Div)},
		{"Binary/max", [][]int{{3, 4}, {4}}, GradDistinct, two((*tensor.Tensor).Maximum)},
		{"Binary/min", [][]int{{3, 4}, {3, 1}}, GradDistinct, two((*tensor.Tensor).Minimum)},
		{"Binary/pow", [][]int{{2, 3}, {3}}, GradPositive, two((*tensor.Tensor).Pow)},
		{"Where", [][]int{{2, 3}, {3}}, nil, two(func(a, b *tensor.Tensor) *tensor.Tensor {
			cond := tensor.FromSlice(dev, []float32{1, 0, 1, 0, 0, 1}, 2, 3)
			return tensor.Where(cond, a, b)
		})},
		// Scalar ops.
		{"AddScalar", s23, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.AddScalar(2) })},
		{"SubScalar", s23, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.SubScalar(2) })},
		{"RSubScalar", s23, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.RSubScalar(2) })},
		{"MulScalar", s23, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.MulScalar(-3) })},
		{"DivScalar", s23, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.DivScalar(4) })},
		{"RDivScalar", s23, GradPositive, one(func(x *tensor.Tensor) *tensor.Tensor { return x.RDivScalar(3) })},
		{"PowScalar", s23, GradPositive, one(func(x *tensor.Tensor) *tensor.Tensor { return x.PowScalar(2.5) })},
		{"MaximumScalar", s23, GradAwayFromZero, one(func(x *tensor.Tensor) *tensor.Tensor { return x.MaximumScalar(0) })},
		{"MinimumScalar", s23, GradAwayFromZero, one(func(x *tensor.Tensor) *tensor.Tensor { return x.MinimumScalar(0) })},
		{"Clamp", [][]int{{4, 5}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Clamp(-0.5, 0.6) })},
		// Reductions.
		{"Sum", [][]int{{2, 3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Sum(0, 2) })},
		{"SumAll", [][]int{{2, 3}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Sum() })},
		{"SumKeep", [][]int{{2, 3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.SumKeep(1) })},
		{"Mean", [][]int{{2, 3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Mean(-1) })},
		{"MeanKeep", [][]int{{2, 3}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.MeanKeep(0) })},
		{"Max", [][]int{{3, 5}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Max(1) })},
		{"MaxKeep", [][]int{{3, 5}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor { return x.MaxKeep(0) })},
		{"Min", [][]int{{2, 3, 4}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Min(0, 2) })},
		{"MinKeep", [][]int{{4, 3}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor { return x.MinKeep() })},
		// Softmax and losses.
		{"Softmax", [][]int{{3, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Softmax(1) })},
		{"SoftmaxAxis0", [][]int{{4, 2, 3}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Softmax(0) })},
		{"LogSoftmax", [][]int{{3, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.LogSoftmax(-1) })},
		{"LogSoftmaxMiddle", [][]int{{2, 4, 3}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.LogSoftmax(1) })},
		{"CrossEntropy", [][]int{{3, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return tensor.CrossEntropy(x, labels()) })},
		{"CrossEntropyIgnore", [][]int{{4, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.CrossEntropyIgnore(x, tensor.FromSlice(dev, []float32{2, -1, 4, 0}, 4), -1)
		})},
		// Products.
		{"MatMul", [][]int{{3, 4}, {4, 5}}, nil, two((*tensor.Tensor).MatMul)},
		{"MatMulBatchBroadcast", [][]int{{2, 1, 3, 4}, {3, 4, 2}}, nil, two((*tensor.Tensor).MatMul)},
		{"MatMulVector", [][]int{{4}, {4, 3}}, nil, two((*tensor.Tensor).MatMul)},
		{"MatMulMatVec", [][]int{{2, 4}, {4}}, nil, two((*tensor.Tensor).MatMul)},
		{"MatMulDot", [][]int{{5}, {5}}, nil, two((*tensor.Tensor).MatMul)},
		{"MatMulTransposed", [][]int{{4, 3}, {5, 4}}, nil, two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.T().MatMul(b.T()) })},
		{"Linear", [][]int{{3, 4}, {5, 4}, {5}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.Linear(xs[0], xs[1], xs[2], device.UnaryIdentity, 0)
		}},
		{"LinearReLU", [][]int{{2, 3, 4}, {5, 4}, {5}}, GradAwayFromZero, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.Linear(xs[0], xs[1], xs[2], device.UnaryReLU, 0)
		}},
		{"LinearTanhNoBias", [][]int{{3, 4}, {5, 4}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor { return tensor.Linear(xs[0], xs[1], nil, device.UnaryTanh, 0) }},
		{"LinearSigmoid", [][]int{{3, 4}, {2, 4}, {2}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.Linear(xs[0], xs[1], xs[2], device.UnarySigmoid, 0)
		}},
		{"LinearGELU", [][]int{{3, 4}, {2, 4}, {2}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.Linear(xs[0], xs[1], xs[2], device.UnaryGELU, 0)
		}},
		// Convolution and pooling.
		{"Conv2d", [][]int{{2, 2, 5, 5}, {3, 2, 3, 3}, {3}}, nil, conv(tensor.Conv2dOptions{}, true)},
		{"Conv2dStridePad", [][]int{{1, 2, 6, 5}, {2, 2, 3, 2}}, nil, conv(tensor.Conv2dOptions{Stride: [2]int{2, 1}, Padding: [2]int{1, 1}}, false)},
		{"Conv2dDilationGroups", [][]int{{2, 4, 6, 6}, {2, 2, 2, 2}, {2}}, nil, conv(tensor.Conv2dOptions{Dilation: [2]int{2, 2}, Groups: 2}, true)},
		{"MaxPool2d", [][]int{{2, 2, 4, 4}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.MaxPool2d(x, tensor.Pool2dOptions{Kernel: [2]int{2, 2}})
		})},
		{"MaxPool2dOverlapPad", [][]int{{1, 2, 5, 5}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.MaxPool2d(x, tensor.Pool2dOptions{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}})
		})},
		{"AvgPool2d", [][]int{{2, 2, 4, 6}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.AvgPool2d(x, tensor.Pool2dOptions{Kernel: [2]int{2, 3}})
		})},
		{"AvgPool2dPad", [][]int{{1, 2, 5, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.AvgPool2d(x, tensor.Pool2dOptions{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, CountIncludePad: true})
		})},
		{"Dropout", [][]int{{4, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return tensor.Dropout(x, 0.3, 9, 0) })},
		// Views and joins.
		{"Reshape", [][]int{{2, 6}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Reshape(3, -1).Square() })},
		{"ReshapeNonContiguous", [][]int{{3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.T().Reshape(12).Exp() })},
		{"Flatten", [][]int{{2, 3, 2}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Flatten(1, 2).Square() })},
		{"Transpose", [][]int{{2, 3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Transpose(0, 2).Square() })},
		{"Permute", [][]int{{2, 3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Permute(2, 0, 1).Square() })},
		{"Narrow", [][]int{{4, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Narrow(1, 1, 3).Square() })},
		{"Slice", [][]int{{6, 2}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Slice(0, -4, -1).Exp() })},
		{"Squeeze", [][]int{{2, 1, 3}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Squeeze().Square() })},
		{"Unsqueeze", [][]int{{2, 3}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Unsqueeze(1).Square() })},
		{"Expand", [][]int{{3, 1}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Expand(2, 3, 4).Square() })},
		{"Contiguous", [][]int{{3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.T().Contiguous().Square() })},
		{"Clone", [][]int{{3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Clone().Square() })},
		{"Concat", [][]int{{2, 3}, {2, 2}}, nil, two(func(a, b *tensor.Tensor) *tensor.Tensor { return tensor.Concat(1, a, b).Square() })},
		{"Stack", [][]int{{2, 3}, {2, 3}}, nil, two(func(a, b *tensor.Tensor) *tensor.Tensor { return tensor.Stack(0, a, b.Exp()) })},
		// Reuse: a tensor used twice accumulates both gradients.
		{"Reuse", [][]int{{3}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Mul(x).Add(x.Exp()) })},
		{"Var", [][]int{{3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Var(1, 1) })},
		{"Std", [][]int{{2, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.Std(0) })},
		{"Split", [][]int{{3, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			p := x.Split(1, 2, 3)
			return p[0].Sum(1).Mul(p[1].Square().Sum(1))
		})},
		{"Chunk", [][]int{{7, 2}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			c := x.Chunk(3, 0)
			return tensor.Concat(0, c[2], c[0].Exp(), c[1].Tanh())
		})},
		{"IndexSelect", [][]int{{3, 4, 2}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.IndexSelect(x, 1, tensor.FromSlice(dev, []float32{3, 0, 3, 1, 3}, 5)).Tanh()
		})},
		{"Embedding", [][]int{{5, 3}}, nil, one(func(w *tensor.Tensor) *tensor.Tensor {
			idx := tensor.FromSlice(dev, []float32{4, 1, 2, 4, 0, 2}, 2, 3)
			return tensor.Embedding(idx, w, -1).Square() // repeated rows, and row 3 unused
		})},
		{"CumSum", [][]int{{3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return x.CumSum(1).Tanh() })},
		// Gather with repeats and a shorter index along axis 0; Scatter
		// and ScatterAdd from a larger source, ScatterAdd with repeated
		// targets (Scatter's gradient, like PyTorch's, is the derivative
		// only where targets are distinct).
		{"Gather", [][]int{{3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			idx := tensor.FromSlice(dev, []float32{3, 3, 0, 1, 2, 3}, 2, 3)
			return tensor.Gather(x, 1, idx).Tanh()
		})},
		{"Scatter", [][]int{{3, 4}, {3, 3}}, nil, two(func(x, src *tensor.Tensor) *tensor.Tensor {
			idx := tensor.FromSlice(dev, []float32{1, 2, 0, 2}, 2, 2)
			return tensor.Scatter(x.Narrow(0, 0, 2), 1, idx, src).Tanh()
		})},
		{"ScatterAdd", [][]int{{2, 4}, {3, 3}}, nil, two(func(x, src *tensor.Tensor) *tensor.Tensor {
			idx := tensor.FromSlice(dev, []float32{3, 3, 0, 1, 2, 1}, 2, 3)
			return tensor.ScatterAdd(x, 1, idx, src).Tanh()
		})},
		{"Sort", [][]int{{3, 4}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor {
			v, _ := x.Sort(1, true)
			return v.Mul(tensor.Arange(dev, 1, 5, 1)) // weights by rank, so the order matters
		})},
		{"TopK", [][]int{{5, 3}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor {
			v, _ := x.TopK(2, 0, false)
			return v.Tanh()
		})},
		// Resizing and padding (composed ops), and ceil-mode pooling.
		{"AdaptiveAvgPool2d", [][]int{{1, 2, 5, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor { return tensor.AdaptiveAvgPool2d(x, 3, 3).Tanh() })},
		{"Upsample", [][]int{{1, 2, 3, 2}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.Upsample(x, 5, 4, tensor.UpsampleBilinear, false).Tanh().Add(tensor.Upsample(x, 4, 5, tensor.UpsampleNearest, false).Sum())
		})},
		{"Pad", [][]int{{2, 3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.Pad(tensor.Pad(x, []int{2, 1, 1, 2}, tensor.PadReflect, 0), []int{1, 1}, tensor.PadConstant, 0.3).Tanh()
		})},
		{"MaxPool2dCeil", [][]int{{1, 2, 5, 5}}, GradDistinct, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.MaxPool2d(x, tensor.Pool2dOptions{Kernel: [2]int{2, 2}, CeilMode: true})
		})},
		{"AvgPool2dCeil", [][]int{{1, 2, 6, 5}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.AvgPool2d(x, tensor.Pool2dOptions{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, CeilMode: true, CountIncludePad: true})
		})},
		// ConvTranspose2d: stride 2 with output padding and a bias;
		// padding, dilation and groups.
		{"ConvTranspose2d", [][]int{{2, 3, 3, 3}, {3, 2, 3, 3}, {2}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.ConvTranspose2d(xs[0], xs[1], xs[2], tensor.ConvTranspose2dOptions{Stride: [2]int{2, 2}, Padding: [2]int{1, 0}, OutputPadding: [2]int{1, 1}})
		}},
		{"ConvTranspose2dDilationGroups", [][]int{{1, 4, 3, 4}, {4, 1, 2, 3}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.ConvTranspose2d(xs[0], xs[1], nil, tensor.ConvTranspose2dOptions{Stride: [2]int{1, 2}, Padding: [2]int{1, 1}, Dilation: [2]int{2, 1}, Groups: 2})
		}},
		// LayerNorm over the last axis with weight and bias, over the last
		// two with a weight, with neither, with a bias only.
		{"LayerNorm", [][]int{{3, 5}, {5}, {5}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.LayerNorm(xs[0], []int{5}, xs[1], xs[2], 1e-5).Tanh()
		}},
		{"LayerNorm2D", [][]int{{2, 3, 4}, {3, 4}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.LayerNorm(xs[0], []int{3, 4}, xs[1], nil, 1e-5).Tanh()
		}},
		{"LayerNormPlain", [][]int{{4, 6}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			return tensor.LayerNorm(x, []int{6}, nil, nil, 1e-5).Tanh()
		})},
		{"LayerNormBias", [][]int{{2, 3}, {3}}, nil, two(func(x, b *tensor.Tensor) *tensor.Tensor {
			return tensor.LayerNorm(x, []int{3}, nil, b, 1e-5).Tanh()
		})},
		// Attention: plain over a batch and heads, causal with an additive
		// mask broadcast over the batch, D ≠ DV, more keys than queries.
		{"ScaledDotProductAttention", [][]int{{2, 3, 4}, {2, 5, 4}, {2, 5, 3}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.ScaledDotProductAttention(xs[0], xs[1], xs[2], tensor.AttentionOptions{}).Tanh()
		}},
		{"ScaledDotProductAttentionCausalMask", [][]int{{2, 2, 4, 3}, {2, 2, 4, 3}, {2, 2, 4, 2}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			mask := tensor.FromSlice(dev, []float32{0, 0.5, 0, 0, -1, 0, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 2}, 4, 4)
			return tensor.ScaledDotProductAttention(xs[0], xs[1], xs[2], tensor.AttentionOptions{Causal: true, Mask: mask, Scale: 0.7}).Tanh()
		}},
		{"ScaledDotProductAttentionDropout", [][]int{{1, 4, 3}, {1, 6, 3}, {1, 6, 3}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.ScaledDotProductAttention(xs[0], xs[1], xs[2], tensor.AttentionOptions{DropoutP: 0.3, Seed: 5}).Tanh()
		}},
		{"GroupNorm", [][]int{{2, 4, 3}, {4}, {4}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			return tensor.GroupNorm(xs[0], 2, xs[1], xs[2], 1e-5).Tanh()
		}},
		{"MaskedSoftmax", [][]int{{2, 3, 4}}, nil, one(func(x *tensor.Tensor) *tensor.Tensor {
			allowed := tensor.FromSlice(dev, []float32{1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0}, 3, 4)
			return tensor.MaskedSoftmax(x, tensor.AttentionMask(allowed), true).Tanh()
		})},
		// The fused LSTM step with a transposed gh, both outputs used;
		// two steps, the second from the first's cell state.
		{"LSTMCell", [][]int{{3, 8}, {8, 3}, {3, 2}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			h, c := tensor.LSTMCell(xs[0], xs[1].T(), xs[2])
			return h.Mul(c.Tanh()).Add(c)
		}},
		{"LSTMCellTwoSteps", [][]int{{2, 4}, {2, 4}, {2, 1}}, nil, func(xs []*tensor.Tensor) *tensor.Tensor {
			h1, c1 := tensor.LSTMCell(xs[0], xs[1], xs[2])
			h2, c2 := tensor.LSTMCell(xs[0].Mul(h1.Expand(2, 4)), xs[1], c1)
			return h2.Add(h1).Mul(c2)
		}},
		{"Chain", [][]int{{4, 3}, {3, 2}}, nil, two(func(a, b *tensor.Tensor) *tensor.Tensor {
			return a.MatMul(b).Tanh().Sum(1).Mul(a.Sum(1)).Softmax(0)
		})},
	}...)
}
