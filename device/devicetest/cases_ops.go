package devicetest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/device"
)

func memoryCases() []Case {
	var cs []Case
	for _, n := range []int{0, 1, 7, 1000, 100003} {
		cs = append(cs, Case{
			Name: fmt.Sprintf("Fill/%d", n), Bufs: []Buf{{N: n + 3}},
			Run:   func(d device.Device, b []device.Buffer) { d.Fill(b[0], 3, n, 2.5) },
			Check: []int{0},
		}, Case{
			Name: fmt.Sprintf("Copy/%d", n), Bufs: []Buf{{N: n + 2}, {N: n + 5, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.Copy(b[0], 2, b[1], 5, n) },
			Check: []int{0},
		})
	}
	for _, l := range layouts() {
		src, dst := l[0], l[1]
		if isBroadcast(dst) {
			continue
		}
		cs = append(cs, Case{
			Name: "CopyStrided/" + src.name, Bufs: []Buf{{N: dst.size}, {N: src.size, Gen: Normal}},
			Run:   func(d device.Device, b []device.Buffer) { d.CopyStrided(src.shape, dst.view(b[0]), src.view(b[1])) },
			Check: []int{0},
		})
	}
	return cs
}

func isBroadcast(l layout) bool {
	for _, s := range l.strides {
		if s == 0 {
			return true
		}
	}
	return false
}

func elementwiseCases() []Case {
	var cs []Case
	for _, op := range device.UnaryOps() {
		info := op.Info()
		atol, rtol := tolerance(info.Tolerance)
		g := generator(info.Domain)
		for _, l := range layouts() {
			x, z := l[0], l[1]
			n := device.NumElements(x.shape)
			cs = append(cs, Case{
				Name: fmt.Sprintf("Unary/%v/%s", op, x.name), Bufs: []Buf{{N: n}, {N: x.size, Gen: g}},
				Run: func(d device.Device, b []device.Buffer) {
					d.Unary(op, 0.1, x.shape, b[0], x.view(b[1]))
				},
				Check: []int{0}, Atol: atol, Rtol: rtol,
			}, Case{
				// x, and y = op(x) in a buffer of its own: a backend that
				// reads the other one than the op table says gives
				// another answer than the CPU backend.
				Name: fmt.Sprintf("UnaryBackward/%v/%s", op, x.name), Bufs: []Buf{{N: n}, {N: z.size, Gen: g}, {N: n}, {N: x.size, Gen: Normal}},
				Run: func(d device.Device, b []device.Buffer) {
					d.Unary(op, 0.1, z.shape, b[2], z.view(b[1]))
					d.UnaryBackward(op, 0.1, x.shape, b[0], z.view(b[1]), device.Contiguous(b[2], 0, z.shape), x.view(b[3]))
				},
				Check: []int{0}, Atol: atol, Rtol: rtol,
			})
		}
	}
	for _, op := range device.BinaryOps() {
		info := op.Info()
		atol, rtol := tolerance(info.Tolerance)
		ga, gb := generator(info.DomainA), generator(info.DomainB)
		if !info.Differentiable { // comparisons: ties happen
			ga, gb = Labels(3), Labels(3)
		}
		for _, l := range layouts() {
			a, bl := l[0], l[1]
			n := device.NumElements(a.shape)
			cs = append(cs, Case{
				Name: fmt.Sprintf("Binary/%v/%s", op, a.name), Bufs: []Buf{{N: n}, {N: a.size, Gen: ga}, {N: bl.size, Gen: gb}},
				Run: func(d device.Device, b []device.Buffer) {
					d.Binary(op, a.shape, b[0], a.view(b[1]), bl.view(b[2]))
				},
				Check: []int{0}, Atol: atol, Rtol: rtol,
			})
			for _, first := range []bool{false, true} {
				cs = append(cs, Case{
					Name: fmt.Sprintf("BinaryScalar/%v/first=%v/%s", op, first, a.name), Bufs: []Buf{{N: n}, {N: a.size, Gen: ga}},
					Run: func(d device.Device, b []device.Buffer) {
						d.BinaryScalar(op, a.shape, b[0], a.view(b[1]), 1.5, first)
					},
					Check: []int{0}, Atol: atol, Rtol: rtol,
				})
			}
		}
	}
	// NaN in, NaN out: max, min and relu propagate it.
	for _, op := range []device.BinaryOp{device.BinaryMax, device.BinaryMin} {
		cs = append(cs, Case{
			Name: fmt.Sprintf("Binary/%v/NaN", op), Bufs: []Buf{{N: 3}, {N: 3, Gen: NaN}, {N: 3, Gen: Normal}},
			Run: func(d device.Device, b []device.Buffer) {
				d.Binary(op, []int{3}, b[0], device.Contiguous(b[1], 0, []int{3}), device.Contiguous(b[2], 0, []int{3}))
			},
			Check: []int{0},
		})
	}
	for _, l := range layouts() {
		a, bl := l[0], l[1]
		n := device.NumElements(a.shape)
		cs = append(cs, Case{
			Name: "Where/" + a.name, Bufs: []Buf{{N: n}, {N: bl.size, Gen: Labels(2)}, {N: a.size, Gen: Normal}, {N: bl.size, Gen: Normal}},
			Run: func(d device.Device, b []device.Buffer) {
				d.Where(a.shape, b[0], bl.view(b[1]), a.view(b[2]), bl.view(b[3]))
			},
			Check: []int{0},
		})
	}
	return cs
}

func reduceCases() []Case {
	type rc struct {
		l    layout
		axes []int
	}
	rcs := []rc{
		{contiguous("5", 0, 5), []int{0}},
		{contiguous("3x4", 0, 3, 4), []int{0}},
		{columnMajor("3x4T", 3, 4), []int{1}},
		{contiguous("3x4", 0, 3, 4), []int{0, 1}},
		{contiguous("2x3x4", 1, 2, 3, 4), []int{0, 2}},
		{broadcastFirst("4x3x5bcast", 4, 3, 5), []int{0}},
		{contiguous("129x7", 0, 129, 7), []int{0}},
		{contiguous("1x100003", 0, 1, 100003), []int{1}},
		{contiguous("3x5000", 0, 3, 5000), []int{1}},
		{contiguous("128x512", 0, 128, 512), []int{0}},
		// Leading axes of a contiguous view at an offset, columns not a
		// multiple of 8 (the CPU's column-sum path).
		{contiguous("4x3x21", 3, 4, 3, 21), []int{0, 1}},
		{contiguous("6x13", 2, 6, 13), []int{0}},
		{contiguous("3x0x2", 0, 3, 0, 2), []int{1}},
		{columnMajor("rank6", 2, 3, 2, 2, 3, 2), []int{0, 2, 4}},
	}
	var cs []Case
	for _, op := range []device.ReduceOp{device.ReduceSum, device.ReduceMean, device.ReduceMax, device.ReduceMin} {
		for _, c := range rcs {
			n := 1
			for i, s := range c.l.shape {
				keep := true
				for _, a := range c.axes {
					keep = keep && a != i
				}
				if keep {
					n *= s
				}
			}
			cs = append(cs, Case{
				Name: fmt.Sprintf("Reduce/%v/%s/%v", op, c.l.name, c.axes), Bufs: []Buf{{N: n}, {N: c.l.size, Gen: Normal}},
				Run: func(d device.Device, b []device.Buffer) {
					d.Reduce(op, c.l.shape, c.axes, b[0], c.l.view(b[1]))
				},
				Check: []int{0}, Atol: sumA, Rtol: sumR,
			})
		}
		cs = append(cs, Case{
			Name: fmt.Sprintf("Reduce/%v/NaN", op), Bufs: []Buf{{N: 1}, {N: 1000, Gen: func(r *rand.Rand, i int) float32 {
				if i == 517 {
					return float32(math.NaN())
				}
				return Normal(r, i)
			}}},
			Run: func(d device.Device, b []device.Buffer) {
				d.Reduce(op, []int{1000}, []int{0}, b[0], device.Contiguous(b[1], 0, []int{1000}))
			},
			Check: []int{0},
		})
	}
	for _, op := range []device.ArgOp{device.ArgMax, device.ArgMin} {
		for _, c := range []struct {
			l    layout
			axis int
		}{
			{contiguous("7", 0, 7), 0},
			{contiguous("128x10", 0, 128, 10), 1},
			{columnMajor("5x9T", 5, 9), 0},
			{contiguous("2x3x4", 2, 2, 3, 4), 1},
		} {
			n := device.NumElements(c.l.shape) / c.l.shape[c.axis]
			cs = append(cs, Case{
				Name: fmt.Sprintf("ArgReduce/%v/%s/%d", op, c.l.name, c.axis), Bufs: []Buf{{N: n}, {N: c.l.size, Gen: Labels(4)}},
				Run: func(d device.Device, b []device.Buffer) {
					d.ArgReduce(op, c.l.shape, c.axis, b[0], c.l.view(b[1]))
				},
				Check: []int{0},
			})
		}
	}
	return cs
}

func softmaxCases() []Case {
	var cs []Case
	// Rows of up to 32 take one invocation each on Vulkan, longer ones a
	// workgroup: both sides of the edge, and rows spilling into a second,
	// partial workgroup.
	for _, dims := range [][3]int{{1, 1, 1}, {4, 10, 1}, {2, 5, 3}, {3, 700, 2}, {128, 10, 1}, {300, 32, 1}, {2, 33, 3}, {5, 32, 7}} {
		outer, n, inner := dims[0], dims[1], dims[2]
		total := outer * n * inner
		for _, log := range []bool{false, true} {
			cs = append(cs, Case{
				Name: fmt.Sprintf("Softmax/log=%v/%v", log, dims), Bufs: []Buf{{N: total}, {N: total, Gen: Normal}},
				Run:   func(d device.Device, b []device.Buffer) { d.Softmax(log, outer, n, inner, b[0], b[1]) },
				Check: []int{0}, Atol: looseA, Rtol: looseR,
			}, Case{
				Name: fmt.Sprintf("SoftmaxBackward/log=%v/%v", log, dims), Bufs: []Buf{{N: total}, {N: total, Gen: Positive}, {N: total, Gen: Normal}},
				Run:   func(d device.Device, b []device.Buffer) { d.SoftmaxBackward(log, outer, n, inner, b[0], b[1], b[2]) },
				Check: []int{0}, Atol: sumA, Rtol: looseR,
			})
		}
	}
	// Large row offsets (log-softmax must compute (x - m) - log(s), or
	// float32 loses the digits of log(s)) and rows holding ±Inf and NaN,
	// on both sides of the one-invocation-per-row edge.
	for _, dims := range [][3]int{{4, 10, 1}, {3, 700, 2}} {
		outer, n, inner := dims[0], dims[1], dims[2]
		total := outer * n * inner
		for _, g := range []struct {
			name string
			gen  func(r *rand.Rand, i int) float32
		}{{"offset=1e4", Offset(1e4)}, {"offset=1e5", Offset(1e5)}, {"offset=-1e5", Offset(-1e5)}, {"inf-nan", Specials(n * inner)}} {
			for _, log := range []bool{false, true} {
				cs = append(cs, Case{
					Name: fmt.Sprintf("Softmax/log=%v/%v/%s", log, dims, g.name), Bufs: []Buf{{N: total}, {N: total, Gen: g.gen}},
					Run:   func(d device.Device, b []device.Buffer) { d.Softmax(log, outer, n, inner, b[0], b[1]) },
					Check: []int{0}, Atol: looseA, Rtol: looseR,
				})
			}
		}
	}
	for _, bc := range [][2]int{{1, 1}, {5, 4}, {128, 10}, {3, 1000}, {300, 32}, {7, 33}} {
		batch, classes := bc[0], bc[1]
		cs = append(cs, Case{
			Name: fmt.Sprintf("SoftmaxCrossEntropy/%v", bc), Bufs: []Buf{{N: 1}, {N: batch * classes}, {N: batch * classes, Gen: Normal}, {N: batch, Gen: Labels(classes)}},
			Run: func(d device.Device, b []device.Buffer) {
				d.SoftmaxCrossEntropy(batch, classes, -100, b[0], b[1], b[2], b[3])
			},
			Check: []int{0, 1}, Atol: looseA, Rtol: looseR,
		}, Case{
			Name: fmt.Sprintf("SoftmaxCrossEntropy/nograd/%v", bc), Bufs: []Buf{{N: 1}, {N: batch * classes, Gen: Normal}, {N: batch, Gen: Labels(classes)}},
			Run: func(d device.Device, b []device.Buffer) {
				d.SoftmaxCrossEntropy(batch, classes, -100, b[0], nil, b[1], b[2])
			},
			Check: []int{0}, Atol: looseA, Rtol: looseR,
		}, Case{
			// About a third of the rows labelled with the ignore index
			// (here class 1, a valid class: ignoring wins).
			Name: fmt.Sprintf("SoftmaxCrossEntropy/ignore=1/%v", bc), Bufs: []Buf{{N: 1}, {N: batch * classes}, {N: batch * classes, Gen: Normal}, {N: batch, Gen: LabelsIgnoring(classes, 1)}},
			Run: func(d device.Device, b []device.Buffer) {
				d.SoftmaxCrossEntropy(batch, classes, 1, b[0], b[1], b[2], b[3])
			},
			Check: []int{0, 1}, Atol: looseA, Rtol: looseR,
		})
		for _, off := range []float32{1e4, 1e5} {
			cs = append(cs, Case{
				Name: fmt.Sprintf("SoftmaxCrossEntropy/offset=%g/%v", off, bc), Bufs: []Buf{{N: 1}, {N: batch * classes}, {N: batch * classes, Gen: Offset(off)}, {N: batch, Gen: Labels(classes)}},
				Run: func(d device.Device, b []device.Buffer) {
					d.SoftmaxCrossEntropy(batch, classes, -100, b[0], b[1], b[2], b[3])
				},
				Check: []int{0, 1}, Atol: looseA, Rtol: looseR,
			})
		}
	}
	cs = append(cs, Case{
		Name: "SoftmaxCrossEntropy/inf-nan", Bufs: []Buf{{N: 1}, {N: 40}, {N: 40, Gen: Specials(10)}, {N: 4, Gen: Labels(10)}},
		Run: func(d device.Device, b []device.Buffer) {
			d.SoftmaxCrossEntropy(4, 10, -100, b[0], b[1], b[2], b[3])
		},
		Check: []int{0, 1}, Atol: looseA, Rtol: looseR,
	}, Case{
		Name: "SoftmaxCrossEntropy/all-ignored", Bufs: []Buf{{N: 1}, {N: 6}, {N: 6, Gen: Normal}, {N: 2, Gen: Const(-100)}},
		Run: func(d device.Device, b []device.Buffer) {
			d.SoftmaxCrossEntropy(2, 3, -100, b[0], b[1], b[2], b[3])
		},
		Check: []int{0, 1},
	}, Case{
		Name: "SoftmaxCrossEntropy/bad-label", Bufs: []Buf{{N: 1}, {N: 6}, {N: 6, Gen: Normal}, {N: 2, Gen: Const(3)}},
		Run: func(d device.Device, b []device.Buffer) {
			d.SoftmaxCrossEntropy(2, 3, -100, b[0], b[1], b[2], b[3])
		},
		Check: []int{0, 1}, SyncErr: "SoftmaxCrossEntropy: label 3 of row 0 is not a class index in [0, 3) (and 1 more bad labels)",
	}, Case{
		Name: "SoftmaxCrossEntropy/bad-label-fraction", Bufs: []Buf{{N: 1}, {N: 40}, {N: 40, Gen: Normal}, {N: 4, Gen: func(_ *rand.Rand, i int) float32 { return []float32{1, 2, 2.5, 0}[i] }}},
		Run: func(d device.Device, b []device.Buffer) {
			d.SoftmaxCrossEntropy(4, 10, -100, b[0], b[1], b[2], b[3])
		},
		Check: []int{0, 1}, Atol: looseA, Rtol: looseR, SyncErr: "label 2.5 of row 2 is not a class index in [0, 10)",
	})
	return cs
}
