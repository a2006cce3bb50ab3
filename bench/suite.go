package bench

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgrad/vkgrad/datasets/mnist"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// Suite returns the cases: all of them, or with quick a subset that runs in
// under a minute on a software Vulkan device.
func Suite(quick bool) []Case {
	var cs []Case
	sizes := []int{256, 512, 1024, 2048, 4096}
	if quick {
		sizes = []int{256, 512}
	}
	for _, n := range sizes {
		cs = append(cs, gemmCase(fmt.Sprintf("%dx%dx%d", n, n, n), n, n, n, n, false, false))
	}
	// The shapes training the MNIST MLP (batch 128) uses: forward, and the
	// two products of each layer's backward pass.
	for _, g := range []struct {
		name           string
		m, n, k        int
		transA, transB bool
	}{
		{"mlp fwd 128x512x784 (x·Wᵀ)", 128, 512, 784, false, true},
		{"mlp dW 512x784x128 (gᵀ·x)", 512, 784, 128, true, false},
		{"mlp dx 128x784x512 (g·W)", 128, 784, 512, false, false},
		{"mlp fwd 128x10x512 (h·Wᵀ)", 128, 10, 512, false, true},
		{"mlp dW 10x512x128 (gᵀ·h)", 10, 512, 128, true, false},
		{"mlp dh 128x512x10 (g·W)", 128, 512, 10, false, false},
	} {
		cs = append(cs, gemmCase(g.name, 0, g.m, g.n, g.k, g.transA, g.transB))
	}
	convs := []device.Conv2dParams{
		conv(128, 1, 28, 32),
		conv(128, 32, 14, 64),
	}
	if !quick {
		convs = append(convs, conv(32, 64, 56, 64))
	}
	for _, p := range convs {
		cs = append(cs, convCases(p)...)
	}
	batch := 128
	if quick {
		batch = 32
	}
	cs = append(cs, poolCases(device.Pool2dParams{N: batch, C: 32, H: 28, W: 28, KH: 2, KW: 2, StrideH: 2, StrideW: 2})...)
	cs = append(cs, ceCase(128, 10), ceCase(128, 1000))
	n := 1 << 24
	if quick {
		n = 1 << 20
	}
	cs = append(cs, elementwiseCase(n))
	if quick {
		cs = append(cs, embeddingCase(10000, 64, []int{32, 16}))
	} else {
		cs = append(cs, embeddingCase(50000, 256, []int{64, 32}))
	}
	if quick {
		cs = append(cs, attentionCase([]int{4, 2, 64, 32}, true))
	} else {
		cs = append(cs, attentionCase([]int{32, 4, 128, 64}, false), attentionCase([]int{32, 4, 128, 64}, true))
	}
	cs = append(cs, trainCase("mlp step (batch 128)", "mlp", mlp, []int{128, 784}))
	if quick {
		cs = append(cs, lstmCase(16, 64, 8, 32), transformerCase(4, 32, 64, 2, 128))
	} else {
		cs = append(cs, trainCase("cnn step (batch 128)", "cnn", cnn, []int{128, 1, 28, 28}))
		cs = append(cs, lstmCase(64, 256, 32, 128), transformerCase(32, 128, 256, 4, 1024))
		cs = append(cs, epochCase())
	}
	return cs
}

// embeddingCase is an embedding lookup and its backward pass to the
// table's dense gradient, in rows looked up per second.
func embeddingCase(vocab, dim int, shape []int) Case {
	n := device.NumElements(shape)
	return Case{Group: "embedding", Name: fmt.Sprintf("%d lookups of %dx%d, fwd+bwd", n, vocab, dim), Work: float64(n), Unit: "Mrows/s", Scale: 1e6, WallClock: true,
		Spec: Spec{Op: "embedding", Vocab: vocab, Dim: dim, Shape: shape},
		Setup: func(d device.Device) (func(), func()) {
			r := rand.New(rand.NewPCG(1, 2))
			idx := make([]float32, n)
			for i := range idx {
				idx[i] = float32(r.IntN(vocab))
			}
			var w, ix, g *tensor.Tensor
			tensor.Tidy(func() {
				w = tensor.Keep(tensor.RandNormal(d, 1, 0, 1, vocab, dim)).SetRequiresGrad(true)
				ix = tensor.Keep(tensor.FromSlice(d, idx, shape...))
				g = tensor.Keep(tensor.RandNormal(d, 2, 0, 1, append(shape, dim)...))
			})
			run := func() {
				tensor.Tidy(func() {
					tensor.Embedding(ix, w, -1).BackwardWithGrad(g)
					w.ZeroGrad()
				})
			}
			return run, func() { w.Release(); ix.Release(); g.Release() }
		}}
}

// lstmModel is the "lstm" training recipe: an LSTM read to its last hidden
// state, then a linear classifier.
type lstmModel struct {
	lstm *nn.Recurrent
	fc   *nn.Linear
}

func (m *lstmModel) Forward(x *tensor.Tensor) *tensor.Tensor {
	_, hn, _ := m.lstm.ForwardState(x, nil, nil)
	return m.fc.Forward(hn.Reshape(x.Dim(0), -1))
}

func (m *lstmModel) Params() []nn.Param {
	return nn.ModuleDict{"lstm": m.lstm, "fc": m.fc}.Params()
}

func (m *lstmModel) SetTraining(training bool) { m.lstm.SetTraining(training) }

// lstmCase is one training step of the "lstm" recipe on [batch, steps,
// features] inputs, in samples/s.
func lstmCase(batch, hidden, steps, features int) Case {
	c := trainCase(fmt.Sprintf("lstm step (batch %d, hidden %d, %d steps)", batch, hidden, steps), "lstm", func(d device.Device) (nn.Module, nn.Optimizer) {
		nn.ManualSeed(1)
		m := &lstmModel{
			lstm: nn.NewLSTM(d, nn.RNNConfig{InputSize: features, HiddenSize: hidden, BatchFirst: true}),
			fc:   nn.NewLinear(d, hidden, 10),
		}
		return m, nn.NewAdam(m.Params(), nn.AdamConfig{LR: 1e-3})
	}, []int{batch, steps, features})
	c.Spec.Hidden = hidden
	return c
}

// attentionCase is fused attention forward and backward over shape
// [batch, heads, tokens, head size], in GFLOP/s (3.5 times the forward's
// 4·B·H·L²·D, the usual count).
func attentionCase(shape []int, causal bool) Case {
	b, h, l, dh := shape[0], shape[1], shape[2], shape[3]
	name := fmt.Sprintf("sdpa fwd+bwd %dx%d heads, %d tokens, d %d", b, h, l, dh)
	if causal {
		name += ", causal"
	}
	return Case{Group: "attention", Name: name, Work: 3.5 * 4 * float64(b*h*l*l*dh), Unit: "GFLOP/s", Scale: 1e9,
		Spec: Spec{Op: "attention", Shape: shape, Causal: causal},
		Setup: func(d device.Device) (func(), func()) {
			n := b * h * l * dh
			p := device.AttentionParams{Batch: b * h, L: l, S: l, D: dh, DV: dh, Scale: float32(1 / math.Sqrt(float64(dh))), Causal: causal}
			// q, k, v, out, lse, dout, dq, dk, dv (standard normal draws)
			bufs, free := buffers(d, n, n, n, n, b*h*l, n, n, n, n)
			return func() {
				d.Attention(p, bufs[3], bufs[4], bufs[0], bufs[1], bufs[2])
				d.AttentionBackward(p, bufs[6], bufs[7], bufs[8], bufs[5], bufs[3], bufs[4], bufs[0], bufs[1], bufs[2])
			}, free
		}}
}

// encoderModel is the "transformer" training recipe: one encoder layer,
// the tokens' mean, a linear classifier.
type encoderModel struct {
	layer *nn.TransformerEncoderLayer
	fc    *nn.Linear
}

func (m *encoderModel) Forward(x *tensor.Tensor) *tensor.Tensor {
	return m.fc.Forward(m.layer.Forward(x).Mean(1))
}

func (m *encoderModel) Params() []nn.Param {
	return nn.ModuleDict{"layer": m.layer, "fc": m.fc}.Params()
}

func (m *encoderModel) SetTraining(training bool) { m.layer.SetTraining(training) }

// transformerCase is one training step of the "transformer" recipe on
// [batch, tokens, dModel] inputs, in samples/s.
func transformerCase(batch, tokens, dModel, heads, ff int) Case {
	c := trainCase(fmt.Sprintf("transformer layer step (batch %d, %d tokens, d %d, %d heads)", batch, tokens, dModel, heads), "transformer", func(d device.Device) (nn.Module, nn.Optimizer) {
		nn.ManualSeed(1)
		m := &encoderModel{
			layer: nn.NewTransformerEncoderLayer(d, nn.TransformerConfig{DModel: dModel, NHead: heads, DimFeedforward: ff, BatchFirst: true}),
			fc:    nn.NewLinear(d, dModel, 10),
		}
		return m, nn.NewAdam(m.Params(), nn.AdamConfig{LR: 1e-3})
	}, []int{batch, tokens, dModel})
	c.Spec.Hidden, c.Spec.Heads = ff, heads
	return c
}

func conv(n, c, hw, out int) device.Conv2dParams {
	return device.Conv2dParams{N: n, C: c, H: hw, W: hw, OutC: out, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1, Groups: 1}
}

// buffers allocates random buffers of the given sizes on d.
func buffers(d device.Device, sizes ...int) ([]device.Buffer, func()) {
	bufs := make([]device.Buffer, len(sizes))
	for i, n := range sizes {
		bufs[i] = device.MustAlloc(d, n)
		d.RandNormal(bufs[i], n, uint64(i+1), 0, 0, 1)
	}
	return bufs, func() {
		for _, b := range bufs {
			d.Release(b)
		}
	}
}

func gemmCase(name string, size, m, n, k int, transA, transB bool) Case {
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	return Case{
		Group: "gemm", Name: name, Size: size, Work: 2 * float64(m) * float64(n) * float64(k), Unit: "GFLOP/s", Scale: 1e9,
		Spec: Spec{Op: "gemm", M: m, N: n, K: k, TransA: transA, TransB: transB},
		Setup: func(d device.Device) (func(), func()) {
			b, free := buffers(d, m*k, k*n, m*n)
			p := device.GemmParams{TransA: transA, TransB: transB, M: m, N: n, K: k, Alpha: 1,
				A: device.Matrix{Buf: b[0], LD: lda}, B: device.Matrix{Buf: b[1], LD: ldb}, C: device.Matrix{Buf: b[2], LD: n}}
			return func() { d.Gemm(p) }, free
		},
		Host: func() func() {
			r := rand.New(rand.NewPCG(1, 2))
			a, bb, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			for i := range bb {
				bb[i] = float32(r.NormFloat64())
			}
			tA, tB := blas.NoTrans, blas.NoTrans
			if transA {
				tA = blas.Trans
			}
			if transB {
				tB = blas.Trans
			}
			return func() { gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n) }
		},
	}
}

func convCases(p device.Conv2dParams) []Case {
	nx, nw, ny := p.N*p.C*p.H*p.W, p.OutC*p.C*p.KH*p.KW, p.N*p.OutC*p.OutH()*p.OutW()
	flops := 2 * float64(ny) * float64(p.C*p.KH*p.KW)
	name := fmt.Sprintf("%dx%dx%dx%d k3 → %d", p.N, p.C, p.H, p.W, p.OutC)
	mk := func(kind string, fn func(d device.Device, b []device.Buffer)) Case {
		return Case{Group: "conv2d", Name: name + " " + kind, Work: flops, Unit: "GFLOP/s", Scale: 1e9, WallClock: true,
			Spec: Spec{Op: "conv2d", Conv: &p, Pass: kind},
			Setup: func(d device.Device) (func(), func()) {
				b, free := buffers(d, nx, nw, ny, p.OutC)
				return func() { fn(d, b) }, free
			}}
	}
	return []Case{
		mk("fwd", func(d device.Device, b []device.Buffer) { d.Conv2d(p, b[2], b[0], b[1], b[3]) }),
		mk("bwd-data", func(d device.Device, b []device.Buffer) { d.Conv2dBackwardData(p, b[0], b[2], b[1]) }),
		mk("bwd-filter", func(d device.Device, b []device.Buffer) { d.Conv2dBackwardFilter(p, b[1], b[0], b[2]) }),
	}
}

func poolCases(p device.Pool2dParams) []Case {
	nIn, nOut := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
	name := fmt.Sprintf("%dx%dx%dx%d 2x2", p.N, p.C, p.H, p.W)
	mk := func(kind string, fn func(d device.Device, b []device.Buffer)) Case {
		return Case{Group: "pool", Name: name + " " + kind, Work: 4 * float64(nIn+nOut), Unit: "GB/s", Scale: 1e9,
			Spec: Spec{Op: "pool", Pool: &p, Pass: kind},
			Setup: func(d device.Device) (func(), func()) {
				b, free := buffers(d, nIn, nOut, nOut, nIn)
				d.MaxPool2d(p, b[1], b[2], b[0]) // valid indices for the backward pass
				return func() { fn(d, b) }, free
			}}
	}
	return []Case{
		mk("max fwd", func(d device.Device, b []device.Buffer) { d.MaxPool2d(p, b[1], b[2], b[0]) }),
		mk("max bwd", func(d device.Device, b []device.Buffer) { d.MaxPool2dBackward(p, b[3], b[1], b[2]) }),
		mk("avg fwd", func(d device.Device, b []device.Buffer) { d.AvgPool2d(p, b[1], b[0]) }),
		mk("avg bwd", func(d device.Device, b []device.Buffer) { d.AvgPool2dBackward(p, b[3], b[1]) }),
	}
}

func ceCase(batch, classes int) Case {
	n := batch * classes
	return Case{Group: "softmax-ce", Name: fmt.Sprintf("%dx%d with gradient", batch, classes), Work: 8 * float64(n), Unit: "GB/s", Scale: 1e9,
		Spec: Spec{Op: "softmax-ce", Batch: batch, Classes: classes},
		Setup: func(d device.Device) (func(), func()) {
			b, free := buffers(d, n, n, 1, batch)
			d.Fill(b[3], 0, batch, 1)
			return func() { d.SoftmaxCrossEntropy(batch, classes, -100, b[2], b[1], b[0], b[3]) }, free
		}}
}

func elementwiseCase(n int) Case {
	shape := []int{n}
	return Case{Group: "elementwise", Name: fmt.Sprintf("add %dM floats", n>>20), Work: 12 * float64(n), Unit: "GB/s", Scale: 1e9,
		Spec: Spec{Op: "add", Elements: n},
		Setup: func(d device.Device) (func(), func()) {
			b, free := buffers(d, n, n, n)
			return func() {
				d.Binary(device.BinaryAdd, shape, b[2], device.Contiguous(b[0], 0, shape), device.Contiguous(b[1], 0, shape))
			}, free
		}}
}

func mlp(d device.Device) (nn.Module, nn.Optimizer) {
	nn.ManualSeed(1)
	m := nn.NewSequential(nn.NewLinear(d, 784, 512, nn.WithActivation(device.UnaryReLU, 0)), nn.NewLinear(d, 512, 10))
	return m, nn.NewRMSprop(m.Params(), nn.RMSpropConfig{LR: 1e-3})
}

func cnn(d device.Device) (nn.Module, nn.Optimizer) {
	nn.ManualSeed(1)
	m := nn.NewSequential(
		nn.NewConv2d(d, 1, 32, 3, nn.Padding(1)), nn.ReLU(), nn.NewMaxPool2d(2, 2, 0),
		nn.NewConv2d(d, 32, 64, 3, nn.Padding(1)), nn.ReLU(), nn.NewMaxPool2d(2, 2, 0),
		nn.NewFlatten(),
		nn.NewLinear(d, 64*7*7, 128, nn.WithActivation(device.UnaryReLU, 0)),
		nn.NewLinear(d, 128, 10),
	)
	return m, nn.NewAdam(m.Params(), nn.AdamConfig{LR: 1e-3})
}

// release frees a model's parameters and their gradients.
func release(m nn.Module) {
	for _, p := range m.Params() {
		p.Tensor.Release()
	}
}

// trainCase is one training step (forward, loss, backward, optimizer) on a
// batch already on the device, in samples/s.
func trainCase(name, model string, build func(device.Device) (nn.Module, nn.Optimizer), shape []int) Case {
	batch := shape[0]
	return Case{Group: "train", Name: name, Work: float64(batch), Unit: "samples/s", Scale: 1, WallClock: true,
		Spec: Spec{Op: "train", Model: model, Shape: shape},
		Setup: func(d device.Device) (func(), func()) {
			model, opt := build(d)
			labels := make([]float32, batch)
			for i := range labels {
				labels[i] = float32(i % 10)
			}
			var x, y *tensor.Tensor
			tensor.Tidy(func() {
				x = tensor.Keep(tensor.RandUniform(d, 1, 0, 1, shape...))
				y = tensor.Keep(tensor.FromSlice(d, labels, batch))
			})
			step := func() { trainStep(model, opt, x, y) }
			return step, func() { release(model); opt.Release(); x.Release(); y.Release() }
		}}
}

func trainStep(model nn.Module, opt nn.Optimizer, x, y *tensor.Tensor) {
	tensor.Tidy(func() {
		nn.CrossEntropy(model.Forward(x), y).Backward()
		opt.Step()
		opt.ZeroGrad()
	})
}

// epochCase is one epoch of the MNIST MLP end to end: batches shuffled,
// uploaded and trained on, 60,000 samples.
func epochCase() Case {
	return Case{Group: "train", Name: "mlp epoch (60,000 MNIST images)", Work: 60000, Unit: "samples/s", Scale: 1, WallClock: true,
		Spec: Spec{Op: "epoch", Model: "mlp", Shape: []int{128, 784}},
		Setup: func(d device.Device) (func(), func()) {
			dir, err := mnist.DefaultDir()
			if err != nil {
				return nil, nil
			}
			train, _, err := mnist.Load(dir)
			if err != nil {
				return nil, nil
			}
			model, opt := mlp(d)
			loader := nn.NewLoader(d, train.Images, []int{784}, train.Labels, 128, true, 1)
			epoch := 0
			run := func() {
				for x, y := range loader.Epoch(epoch) {
					trainStep(model, opt, x, y)
				}
				epoch++
			}
			return run, func() { release(model); opt.Release() }
		}}
}
