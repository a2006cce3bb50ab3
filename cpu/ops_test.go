package cpu

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/philox"
)

// layouts are strided views of a buffer used as inputs: contiguous, offset,
// transposed, broadcast. Each maps a logical shape to strides and the buffer
// size it needs.
type layout struct {
	name    string
	strides func(shape []int) (strides []int, offset, size int)
}

var layouts = []layout{
	{"contiguous", func(s []int) ([]int, int, int) { return device.ContiguousStrides(s), 0, device.NumElements(s) }},
	{"offset", func(s []int) ([]int, int, int) { return device.ContiguousStrides(s), 5, device.NumElements(s) + 5 }},
	{"reversed", func(s []int) ([]int, int, int) {
		// Axes stored in reverse order (a permuted view).
		st := make([]int, len(s))
		acc := 1
		for i := range s {
			st[i] = acc
			acc *= s[i]
		}
		return st, 0, acc
	}},
	{"broadcast-first", func(s []int) ([]int, int, int) {
		st := device.ContiguousStrides(s)
		if len(s) > 0 {
			st[0] = 0
		}
		n := 1
		for _, v := range s[min(1, len(s)):] {
			n *= v
		}
		return st, 0, n
	}},
}

var testShapes = [][]int{{}, {1}, {7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 5}, {70, 600}, {0, 3}}

func TestUnaryOps(t *testing.T) {
	d := New()
	r := rand.New(rand.NewPCG(5, 6))
	for _, op := range device.UnaryOps() {
		for _, shape := range testShapes {
			for _, l := range layouts {
				strides, off, size := l.strides(shape)
				x := randSlice(r, size)
				if op == device.UnaryLog || op == device.UnarySqrt {
					for i := range x {
						x[i] = float32(math.Abs(float64(x[i]))) + 0.1
					}
				}
				n := device.NumElements(shape)
				dst := nanBuf(d, n)
				d.Unary(op, 0.1, shape, dst, device.Strided{Buf: upload(d, x), Offset: off, Strides: strides})
				got := download(t, d, dst, n)
				f := UnaryFunc(op, 0.1)
				want := make([]float64, 0, n)
				eachIndex(shape, func(idx []int) { want = append(want, float64(f(at(x, off, strides, idx)))) })
				assertClose(t, fmt.Sprintf("%v %v %s", op, shape, l.name), got, want, 0, 0)
			}
		}
	}
}

func TestUnaryValues(t *testing.T) {
	tests := []struct {
		op      device.UnaryOp
		x, want float64
	}{
		{device.UnaryNeg, 2, -2}, {device.UnaryAbs, -3, 3}, {device.UnaryExp, 1, math.E},
		{device.UnaryLog, math.E, 1}, {device.UnarySqrt, 9, 3}, {device.UnarySquare, -3, 9},
		{device.UnaryReLU, -1, 0}, {device.UnaryReLU, 2, 2}, {device.UnaryLeakyReLU, -2, -0.2},
		{device.UnarySigmoid, 0, 0.5}, {device.UnaryTanh, 0.5, math.Tanh(0.5)},
		{device.UnaryGELU, 1, 0.8413447460685429}, {device.UnaryGELU, -1, -0.15865525393145707},
	}
	for _, tc := range tests {
		got := UnaryFunc(tc.op, 0.1)(float32(tc.x))
		if !closeTo(float64(got), tc.want, 1e-6, 1e-6) {
			t.Errorf("%v(%v) = %v, want %v", tc.op, tc.x, got, tc.want)
		}
	}
}

func TestUnaryBackwardMatchesDifferences(t *testing.T) {
	d := New()
	xs := []float32{-1.7, -0.4, 0.3, 0.9, 2.2}
	for _, op := range device.UnaryOps() {
		f := UnaryFunc(op, 0.1)
		x := append([]float32(nil), xs...)
		if op == device.UnaryLog || op == device.UnarySqrt {
			for i := range x {
				x[i] = float32(math.Abs(float64(x[i])))
			}
		}
		y := make([]float32, len(x))
		for i := range x {
			y[i] = f(x[i])
		}
		dy := []float32{1, 2, -1, 0.5, 3}
		shape := []int{len(x)}
		dx := nanBuf(d, len(x))
		c := func(v []float32) device.Strided { return device.Contiguous(upload(d, v), 0, shape) }
		d.UnaryBackward(op, 0.1, shape, dx, c(x), c(y), c(dy))
		got := download(t, d, dx, len(x))
		want := make([]float64, len(x))
		for i := range x {
			h := 1e-3
			num := (float64(f(float32(float64(x[i])+h))) - float64(f(float32(float64(x[i])-h)))) / (2 * h)
			want[i] = num * float64(dy[i])
		}
		assertClose(t, op.String(), got, want, 5e-3, 5e-3)
	}
}

func TestBinaryBroadcast(t *testing.T) {
	d := New()
	r := rand.New(rand.NewPCG(7, 8))
	for _, op := range device.BinaryOps() {
		for _, shape := range testShapes {
			for i, la := range layouts {
				lb := layouts[(i+1)%len(layouts)]
				sa, oa, na := la.strides(shape)
				sb, ob, nb := lb.strides(shape)
				a, b := randSlice(r, na), randSlice(r, nb)
				if op == device.BinaryPow {
					for i := range a {
						a[i] = float32(math.Abs(float64(a[i]))) + 0.1
					}
				}
				if op == device.BinaryEq || op == device.BinaryNe || op == device.BinaryLe || op == device.BinaryGe {
					copy(b, a[:min(len(a), len(b))])
				}
				n := device.NumElements(shape)
				dst := nanBuf(d, n)
				d.Binary(op, shape, dst, device.Strided{Buf: upload(d, a), Offset: oa, Strides: sa}, device.Strided{Buf: upload(d, b), Offset: ob, Strides: sb})
				got := download(t, d, dst, n)
				f := BinaryFunc(op)
				want := make([]float64, 0, n)
				eachIndex(shape, func(idx []int) { want = append(want, float64(f(at(a, oa, sa, idx), at(b, ob, sb, idx)))) })
				assertClose(t, fmt.Sprintf("%v %v %s/%s", op, shape, la.name, lb.name), got, want, 0, 0)

				// The scalar form, both orders.
				for _, first := range []bool{false, true} {
					d.BinaryScalar(op, shape, dst, device.Strided{Buf: upload(d, a), Offset: oa, Strides: sa}, 1.5, first)
					got := download(t, d, dst, n)
					want = want[:0]
					eachIndex(shape, func(idx []int) {
						v := at(a, oa, sa, idx)
						if first {
							want = append(want, float64(f(1.5, v)))
						} else {
							want = append(want, float64(f(v, 1.5)))
						}
					})
					assertClose(t, fmt.Sprintf("%v scalar first=%v %v", op, first, shape), got, want, 0, 0)
				}
			}
		}
	}
}

func TestBinaryNaNAndComparisons(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		op      device.BinaryOp
		a, b    float32
		want    float32
		wantNaN bool
	}{
		{op: device.BinaryMax, a: nan, b: 1, wantNaN: true},
		{op: device.BinaryMin, a: 1, b: nan, wantNaN: true},
		{op: device.BinaryMax, a: -1, b: 2, want: 2},
		{op: device.BinaryEq, a: 2, b: 2, want: 1},
		{op: device.BinaryNe, a: 2, b: 2, want: 0},
		{op: device.BinaryLt, a: 1, b: 2, want: 1},
		{op: device.BinaryGe, a: 1, b: 2, want: 0},
		{op: device.BinaryPow, a: 2, b: 10, want: 1024},
	}
	for _, tc := range tests {
		got := BinaryFunc(tc.op)(tc.a, tc.b)
		if tc.wantNaN != (got != got) || (!tc.wantNaN && got != tc.want) {
			t.Errorf("%v(%v, %v) = %v", tc.op, tc.a, tc.b, got)
		}
	}
}

func TestWhere(t *testing.T) {
	d := New()
	shape := []int{3, 4}
	cond := []float32{1, 0, 2, 0}
	a := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	b := []float32{-1, -2, -3}
	dst := nanBuf(d, 12)
	d.Where(shape, dst,
		device.Strided{Buf: upload(d, cond), Strides: []int{0, 1}},
		device.Contiguous(upload(d, a), 0, shape),
		device.Strided{Buf: upload(d, b), Strides: []int{1, 0}})
	got := download(t, d, dst, 12)
	want := []float64{1, -1, 3, -1, 5, -2, 7, -2, 9, -3, 11, -3}
	assertClose(t, "where", got, want, 0, 0)
}

func TestCopyStrided(t *testing.T) {
	d := New()
	src := []float32{0, 1, 2, 3, 4, 5}
	dst := nanBuf(d, 6)
	// Transpose a 2×3 matrix into a 3×2 one.
	d.CopyStrided([]int{3, 2}, device.Contiguous(dst, 0, []int{3, 2}), device.Strided{Buf: upload(d, src), Strides: []int{1, 3}})
	assertClose(t, "transpose", download(t, d, dst, 6), []float64{0, 3, 1, 4, 2, 5}, 0, 0)
	mustPanic(t, "broadcast", func() {
		d.CopyStrided([]int{2}, device.Strided{Buf: dst, Strides: []int{0}}, device.Contiguous(dst, 0, []int{2}))
	})
}

func TestReduce(t *testing.T) {
	d := New()
	r := rand.New(rand.NewPCG(9, 10))
	cases := []struct {
		shape []int
		axes  []int
	}{
		{[]int{5}, []int{0}},
		{[]int{3, 4}, []int{0}},
		{[]int{3, 4}, []int{1}},
		{[]int{3, 4}, []int{0, 1}},
		{[]int{2, 3, 4}, []int{0, 2}},
		{[]int{2, 3, 4}, []int{1}},
		{[]int{2, 3, 4}, nil},
		{[]int{1, 100000}, []int{1}},
		{[]int{3, 0, 2}, []int{1}},
		{[]int{129, 7}, []int{0}},
	}
	for _, op := range []device.ReduceOp{device.ReduceSum, device.ReduceMean, device.ReduceMax, device.ReduceMin} {
		for _, tc := range cases {
			for _, l := range layouts[:3] {
				strides, off, size := l.strides(tc.shape)
				x := randSlice(r, size)
				var kept []int
				for i, s := range tc.shape {
					reduced := false
					for _, a := range tc.axes {
						reduced = reduced || a == i
					}
					if !reduced {
						kept = append(kept, s)
					}
				}
				nOut := device.NumElements(kept)
				dst := nanBuf(d, nOut)
				d.Reduce(op, tc.shape, tc.axes, dst, device.Strided{Buf: upload(d, x), Offset: off, Strides: strides})
				got := download(t, d, dst, nOut)
				want := naiveReduce(op, tc.shape, tc.axes, x, off, strides)
				assertClose(t, fmt.Sprintf("%v %v axes %v %s", op, tc.shape, tc.axes, l.name), got, want, 1e-5, 1e-5)
			}
		}
	}
	mustPanic(t, "sorted", func() {
		d.Reduce(device.ReduceSum, []int{2, 2}, []int{1, 0}, device.MustAlloc(d, 1), device.Contiguous(device.MustAlloc(d, 4), 0, []int{2, 2}))
	})
}

func naiveReduce(op device.ReduceOp, shape, axes []int, x []float32, off int, strides []int) []float64 {
	isRed := make([]bool, len(shape))
	for _, a := range axes {
		isRed[a] = true
	}
	var kept []int
	for i, s := range shape {
		if !isRed[i] {
			kept = append(kept, s)
		}
	}
	out := make([]float64, device.NumElements(kept))
	count := make([]int, len(out))
	for i := range out {
		switch op {
		case device.ReduceMax:
			out[i] = math.Inf(-1)
		case device.ReduceMin:
			out[i] = math.Inf(1)
		}
	}
	eachIndex(shape, func(idx []int) {
		o := 0
		for i := range shape {
			if !isRed[i] {
				o = o*shape[i] + idx[i]
			}
		}
		v := float64(at(x, off, strides, idx))
		count[o]++
		switch op {
		case device.ReduceMax:
			out[o] = math.Max(out[o], v)
		case device.ReduceMin:
			out[o] = math.Min(out[o], v)
		default:
			out[o] += v
		}
	})
	if op == device.ReduceMean {
		for i := range out {
			out[i] /= float64(count[i])
		}
	}
	return out
}

func TestReduceNaN(t *testing.T) {
	d := New()
	x := []float32{1, float32(math.NaN()), 3}
	for _, op := range []device.ReduceOp{device.ReduceMax, device.ReduceMin, device.ReduceSum} {
		dst := device.MustAlloc(d, 1)
		d.Reduce(op, []int{3}, []int{0}, dst, device.Contiguous(upload(d, x), 0, []int{3}))
		if v := download(t, d, dst, 1)[0]; v == v {
			t.Errorf("%v over a NaN = %v, want NaN", op, v)
		}
	}
}

func TestArgReduce(t *testing.T) {
	d := New()
	x := []float32{
		1, 5, 5, 2,
		-1, -3, 0, -3,
		7, float32(math.NaN()), 9, 1,
	}
	shape := []int{3, 4}
	src := device.Contiguous(upload(d, x), 0, shape)
	cases := []struct {
		op   device.ArgOp
		axis int
		want []float64
	}{
		{device.ArgMax, 1, []float64{1, 2, 1}},
		{device.ArgMin, 1, []float64{0, 1, 1}},
		{device.ArgMax, 0, []float64{2, 2, 2, 0}},
		{device.ArgMin, 0, []float64{1, 2, 1, 1}},
	}
	for _, tc := range cases {
		n := 12 / shape[tc.axis]
		dst := nanBuf(d, n)
		d.ArgReduce(tc.op, shape, tc.axis, dst, src)
		assertClose(t, fmt.Sprintf("%v axis %d", tc.op, tc.axis), download(t, d, dst, n), tc.want, 0, 0)
	}
}

func TestSoftmaxAndCrossEntropy(t *testing.T) {
	d := New()
	r := rand.New(rand.NewPCG(11, 12))
	for _, dims := range [][3]int{{1, 1, 1}, {4, 10, 1}, {2, 5, 3}, {3, 7, 4}} {
		outer, n, inner := dims[0], dims[1], dims[2]
		total := outer * n * inner
		x := randSlice(r, total)
		x[0] = 80 // large values must not overflow
		for _, log := range []bool{false, true} {
			dst := nanBuf(d, total)
			d.Softmax(log, outer, n, inner, dst, upload(d, x))
			got := download(t, d, dst, total)
			want := make([]float64, total)
			for o := 0; o < outer; o++ {
				for in := 0; in < inner; in++ {
					m := math.Inf(-1)
					for j := 0; j < n; j++ {
						m = math.Max(m, float64(x[(o*n+j)*inner+in]))
					}
					var s float64
					for j := 0; j < n; j++ {
						s += math.Exp(float64(x[(o*n+j)*inner+in]) - m)
					}
					for j := 0; j < n; j++ {
						k := (o*n+j)*inner + in
						if log {
							want[k] = float64(x[k]) - m - math.Log(s)
						} else {
							want[k] = math.Exp(float64(x[k])-m) / s
						}
					}
				}
			}
			assertClose(t, fmt.Sprintf("softmax log=%v %v", log, dims), got, want, 1e-6, 1e-5)
		}
	}

	batch, classes := 5, 4
	logits := randSlice(r, batch*classes)
	labels := []float32{0, 3, 2, 2, 1}
	loss, grad := nanBuf(d, 1), nanBuf(d, batch*classes)
	d.SoftmaxCrossEntropy(batch, classes, -100, loss, grad, upload(d, logits), upload(d, labels))
	var wantLoss float64
	wantGrad := make([]float64, batch*classes)
	for b := 0; b < batch; b++ {
		row := logits[b*classes : (b+1)*classes]
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v))
		}
		wantLoss += -math.Log(math.Exp(float64(row[int(labels[b])])) / s)
		for j, v := range row {
			p := math.Exp(float64(v)) / s
			if j == int(labels[b]) {
				p--
			}
			wantGrad[b*classes+j] = p / float64(batch)
		}
	}
	assertClose(t, "loss", download(t, d, loss, 1), []float64{wantLoss / float64(batch)}, 1e-6, 1e-5)
	assertClose(t, "grad", download(t, d, grad, batch*classes), wantGrad, 1e-6, 1e-5)

	// A bad label gives NaN and a LabelError from the next read, once;
	// not a panic or a silent zero.
	d.SoftmaxCrossEntropy(1, 3, -100, loss, nil, upload(d, []float32{1, 2, 3}), upload(d, []float32{3}))
	v := make([]float32, 1)
	err := d.Download(v, loss, 0)
	var le *device.LabelError
	if !errors.As(err, &le) || le.Row != 0 || le.Label != 3 || le.Classes != 3 || le.Count != 1 {
		t.Errorf("bad label: error %v", err)
	}
	if v[0] == v[0] {
		t.Errorf("loss with label 3 of 3 classes = %v, want NaN", v[0])
	}
	if err := d.Sync(); err != nil {
		t.Errorf("the label error came back twice: %v", err)
	}
}

func TestRandomMatchesPhilox(t *testing.T) {
	d := New()
	const n = 100
	u, z, m := device.MustAlloc(d, n), device.MustAlloc(d, n), device.MustAlloc(d, n)
	d.RandUniform(u, n, 42, 7, -1, 3)
	d.RandNormal(z, n, 42, 7, 2, 0.5)
	d.Bernoulli(m, n, 42, 7, 0.25, 4)
	gu, gz, gm := download(t, d, u, n), download(t, d, z, n), download(t, d, m, n)
	for i := 0; i < n; i++ {
		c := uint64(7 + i)
		if gu[i] != philox.Uniform(42, c, -1, 3) || gz[i] != philox.Normal(42, c, 2, 0.5) || gm[i] != philox.Bernoulli(42, c, 0.25, 4) {
			t.Fatalf("element %d: %v %v %v differ from the reference generator", i, gu[i], gz[i], gm[i])
		}
		if gm[i] != 0 && gm[i] != 4 {
			t.Fatalf("mask value %v", gm[i])
		}
	}
	a := device.MustAlloc(d, 5)
	d.Arange(a, 5, 1, 0.5)
	assertClose(t, "arange", download(t, d, a, 5), []float64{1, 1.5, 2, 2.5, 3}, 0, 0)
	d.Fill(a, 1, 3, 9)
	assertClose(t, "fill", download(t, d, a, 5), []float64{1, 9, 9, 9, 3}, 0, 0)
}
