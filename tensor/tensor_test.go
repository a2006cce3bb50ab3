package tensor

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vkgrad/vkgrad/internal/testutil"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
)

func data(t *testing.T, x *Tensor) []float32 {
	t.Helper()
	d, err := x.Data()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestBroadcastShapes(t *testing.T) {
	tests := []struct {
		a, b, want []int
		ok         bool
	}{
		{[]int{}, []int{}, []int{}, true},
		{[]int{}, []int{2, 3}, []int{2, 3}, true},
		{[]int{3}, []int{2, 3}, []int{2, 3}, true},
		{[]int{2, 1}, []int{1, 3}, []int{2, 3}, true},
		{[]int{5, 1, 4}, []int{3, 1}, []int{5, 3, 4}, true},
		{[]int{8, 1, 6, 1}, []int{7, 1, 5}, []int{8, 7, 6, 5}, true},
		{[]int{1}, []int{0}, []int{0}, true},
		{[]int{0, 3}, []int{1, 3}, []int{0, 3}, true},
		{[]int{3}, []int{4}, nil, false},
		{[]int{2, 1}, []int{8, 4, 3}, nil, false},
		{[]int{2, 3}, []int{3, 2}, nil, false},
		{[]int{0}, []int{2}, nil, false},
	}
	for _, tc := range tests {
		got, ok := BroadcastShapes(tc.a, tc.b)
		if ok != tc.ok || (ok && !slices.Equal(got, tc.want)) {
			t.Errorf("BroadcastShapes(%v, %v) = %v, %v; want %v, %v", tc.a, tc.b, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBroadcastValues(t *testing.T) {
	dev := cpu.New()
	a := FromSlice(dev, []float32{1, 2, 3}, 3, 1)
	b := FromSlice(dev, []float32{10, 20}, 2)
	got := data(t, a.Add(b))
	want := []float32{11, 21, 12, 22, 13, 23}
	if !slices.Equal(got, want) {
		t.Fatalf("[3,1] + [2] = %v, want %v", got, want)
	}
	mustPanic(t, "tensor: add: shapes [3 1] and [2 4] do not broadcast", func() { a.Add(Zeros(dev, 2, 4)) })
}

func TestViewsShareStorage(t *testing.T) {
	dev := cpu.New()
	x := Arange(dev, 0, 12, 1).Reshape(3, 4)
	views := map[string]*Tensor{
		"Reshape":   x.Reshape(4, 3),
		"Transpose": x.Transpose(0, 1),
		"Permute":   x.Permute(1, 0),
		"Narrow":    x.Narrow(1, 1, 2),
		"Slice":     x.Slice(0, 1, 3),
		"Unsqueeze": x.Unsqueeze(0),
		"Squeeze":   x.Unsqueeze(1).Squeeze(1),
		"Expand":    x.Narrow(0, 0, 1).Expand(5, 4),
		"Detach":    x.Detach(),
	}
	for name, v := range views {
		if v.st != x.st {
			t.Errorf("%s does not share storage", name)
		}
	}
	if got := data(t, x.T()); !slices.Equal(got, []float32{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}) {
		t.Errorf("x.T() = %v", got)
	}
	if got := data(t, x.Narrow(1, 1, 2)); !slices.Equal(got, []float32{1, 2, 5, 6, 9, 10}) {
		t.Errorf("narrow = %v", got)
	}
	if got := data(t, x.Narrow(0, 2, 1).Expand(2, 4)); !slices.Equal(got, []float32{8, 9, 10, 11, 8, 9, 10, 11}) {
		t.Errorf("expand = %v", got)
	}
	// A write through a view shows in the base.
	Assign(x.Narrow(1, 0, 1), Full(dev, -1, 3, 1))
	if got := data(t, x.Slice(1, 0, 2)); !slices.Equal(got, []float32{-1, 1, -1, 5, -1, 9}) {
		t.Errorf("after writing column 0: %v", got)
	}
	// Contiguous of a non-contiguous view copies; writes do not leak back.
	tc := x.T().Contiguous()
	if tc.st == x.st {
		t.Fatal("Contiguous of a transposed view shares storage")
	}
	Assign(tc, Zeros(dev, 4, 3))
	if got := data(t, x.Narrow(0, 0, 1)); !slices.Equal(got, []float32{-1, 1, 2, 3}) {
		t.Errorf("a write to a Contiguous copy leaked back: %v", got)
	}
	// Contiguous of a contiguous tensor is the tensor itself.
	if x.Contiguous() != x {
		t.Error("Contiguous copied a contiguous tensor")
	}
	// Reshape of a non-contiguous view copies.
	if x.T().Reshape(12).st == x.st {
		t.Error("Reshape of a transposed view shares storage")
	}
}

func TestConcatStack(t *testing.T) {
	dev := cpu.New()
	a := FromSlice(dev, []float32{1, 2, 3, 4}, 2, 2)
	b := FromSlice(dev, []float32{5, 6}, 2, 1)
	if got := data(t, Concat(1, a, b)); !slices.Equal(got, []float32{1, 2, 5, 3, 4, 6}) {
		t.Errorf("concat axis 1 = %v", got)
	}
	if got := data(t, Concat(0, a, b.T())); !slices.Equal(got, []float32{1, 2, 3, 4, 5, 6}) {
		t.Errorf("concat axis 0 = %v", got)
	}
	s := Stack(1, a, a.MulScalar(10))
	if !slices.Equal(s.Shape(), []int{2, 2, 2}) || !slices.Equal(data(t, s), []float32{1, 2, 10, 20, 3, 4, 30, 40}) {
		t.Errorf("stack = %v %v", s.Shape(), data(t, s))
	}
	mustPanic(t, "tensor: Concat: shapes [2 2] and [2 1] differ outside axis 0", func() { Concat(0, a, b) })
	mustPanic(t, "tensor: Stack: shapes [2 2] and [2 1] differ", func() { Stack(0, a, b) })
}

func TestMisusePanics(t *testing.T) {
	dev, other := cpu.New(), cpu.New()
	a, b := Zeros(dev, 2, 3), Zeros(dev, 4, 5)
	tests := []struct {
		want string
		fn   func()
	}{
		{"tensor: MatMul: shapes [2 3] and [4 5] do not multiply", func() { a.MatMul(b) }},
		{"tensor: mul: shapes [2 3] and [4 5] do not broadcast", func() { a.Mul(b) }},
		{"tensor: add: tensors on different devices", func() { a.Add(Zeros(other, 2, 3)) }},
		{"tensor: Backward: called on a tensor of shape [2 3] without a gradient", func() {
			a.SetRequiresGrad(true).Exp().Backward()
		}},
		{"tensor: Backward: tensor of shape [] does not require grad", func() { b.Sum().Backward() }},
		{"tensor: Reshape: shape [7] (7 elements) for a tensor of shape [2 3] (6 elements)", func() { a.Reshape(7) }},
		{"tensor: Reshape: cannot infer -1 in [-1 4]", func() { a.Reshape(-1, 4) }},
		{"tensor: Narrow: [2, 5) out of range for axis 1 of shape [2 3]", func() { a.Narrow(1, 2, 3) }},
		{"tensor: Transpose: axis 2 out of range for shape [2 3]", func() { a.Transpose(0, 2) }},
		{"tensor: Permute: axes [0 0] repeat an axis", func() { a.Permute(0, 0) }},
		{"tensor: Squeeze: axis 0 of shape [2 3] has size 2, not 1", func() { a.Squeeze(0) }},
		{"tensor: Expand: shape [2 3] cannot be expanded to [4 3]", func() { a.Expand(4, 3) }},
		{"tensor: FromSlice: 3 values for shape [2 2] (4 elements)", func() { FromSlice(dev, []float32{1, 2, 3}, 2, 2) }},
		{"tensor: Item: tensor of shape [2 3] has 6 elements, want 1", func() { a.Item() }},
		{"tensor: Linear: input [2 3] and weight [4 5]", func() { Linear(a, b, nil, device.UnaryIdentity, 0) }},
		{"tensor: Conv2d: input [2 3] and weight [4 5] must be 4-D", func() { Conv2d(a, b, nil, Conv2dOptions{}) }},
		{"tensor: CrossEntropy: logits [2 3] and labels [4 5]", func() { CrossEntropy(a, b) }},
		{"tensor: sum: repeated axis in [1 -1]", func() { a.Sum(1, -1) }},
		{"tensor: Full: negative size in shape [-1]", func() { Full(dev, 0, -1) }},
		{"tensor: SGDStep: parameter of shape [4 5] has no gradient", func() { SGDStep(device.SGDParams{}, b, nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) { mustPanic(t, tc.want, tc.fn) })
	}
}

func TestReleasedTensorPanics(t *testing.T) {
	dev := cpu.New()
	x := Ones(dev, 3)
	v := x.Reshape(1, 3)
	x.Release()
	x.Release() // harmless
	mustPanic(t, "use of a released tensor of shape [1 3]", func() { v.Exp() })
	if !strings.Contains(v.String(), "released") {
		t.Errorf("String of a released tensor: %q", v.String())
	}
}

func TestAutogradSemantics(t *testing.T) {
	dev := cpu.New()
	x := FromSlice(dev, []float32{1, 2}).SetRequiresGrad(true)
	// Gradients accumulate across Backward calls until ZeroGrad.
	x.Square().Sum().Backward()
	x.Square().Sum().Backward()
	if got := data(t, x.Grad()); !slices.Equal(got, []float32{4, 8}) {
		t.Fatalf("accumulated grad %v, want [4 8]", got)
	}
	x.ZeroGrad()
	if x.Grad() != nil {
		t.Fatal("ZeroGrad left a gradient")
	}
	// Detach cuts the graph.
	y := x.Detach().Mul(x).Sum()
	y.Backward()
	if got := data(t, x.Grad()); !slices.Equal(got, []float32{1, 2}) {
		t.Fatalf("grad through detached factor %v, want [1 2]", got)
	}
	// NoGrad records nothing.
	NoGrad(func() {
		if z := x.Exp(); z.RequiresGrad() {
			t.Fatal("op under NoGrad requires grad")
		}
	})
	// A second Backward through a freed graph panics.
	h := x.Exp()
	l1, l2 := h.Sum(), h.Mean()
	l1.Backward()
	mustPanic(t, "was freed by an earlier Backward", func() { l2.Backward() })
	// Backward with an explicit gradient.
	x.ZeroGrad()
	x.MulScalar(3).BackwardWithGrad(FromSlice(dev, []float32{1, -1}))
	if got := data(t, x.Grad()); !slices.Equal(got, []float32{3, -3}) {
		t.Fatalf("grad with explicit upstream %v", got)
	}
	mustPanic(t, "tensor: SetRequiresGrad: tensor of shape [2] is the result of exp", func() { x.Exp().SetRequiresGrad(true) })
	// Two leaves sharing one upstream gradient get separate storage.
	a := Ones(dev, 2).SetRequiresGrad(true)
	b := Ones(dev, 2).SetRequiresGrad(true)
	a.Add(b).Sum().Backward()
	if a.Grad().st == b.Grad().st {
		t.Fatal("two leaves share a gradient buffer")
	}
	a.ZeroGrad()
	if got := data(t, b.Grad()); !slices.Equal(got, []float32{1, 1}) {
		t.Fatalf("b's grad after a.ZeroGrad: %v", got)
	}
}

func TestCreationAndRandom(t *testing.T) {
	dev := cpu.New()
	if got := data(t, Arange(dev, 0, 1, 0.25)); !slices.Equal(got, []float32{0, 0.25, 0.5, 0.75}) {
		t.Errorf("Arange(0, 1, 0.25) = %v", got)
	}
	if got := data(t, Arange(dev, 5, 0, -2)); !slices.Equal(got, []float32{5, 3, 1}) {
		t.Errorf("Arange(5, 0, -2) = %v", got)
	}
	if got := Arange(dev, 0, 0, 1).Size(); got != 0 {
		t.Errorf("Arange(0, 0, 1) has %d elements", got)
	}
	r1, r2, r3 := data(t, RandNormal(dev, 5, 0, 1, 100)), data(t, RandNormal(dev, 5, 0, 1, 100)), data(t, RandNormal(dev, 6, 0, 1, 100))
	if !slices.Equal(r1, r2) || slices.Equal(r1, r3) {
		t.Error("Randn is not determined by its seed")
	}
	u := data(t, RandUniform(dev, 1, 0, 1, 1000))
	for _, v := range u {
		if v < 0 || v >= 1 {
			t.Fatalf("Rand gave %v", v)
		}
	}
	v, err := Scalar(dev, 2.5).Item()
	if err != nil || v != 2.5 {
		t.Errorf("Scalar(2.5).Item() = %v, %v", v, err)
	}
	// Dropout keeps the expected fraction and scales the kept values.
	d := data(t, Dropout(Ones(dev, 10000), 0.25, 3, 0))
	kept := 0
	for _, x := range d {
		if x != 0 {
			kept++
			if math.Abs(float64(x)-4.0/3) > 1e-6 {
				t.Fatalf("kept value %v, want 1/(1-p)", x)
			}
		}
	}
	if kept < 7300 || kept > 7700 {
		t.Errorf("dropout kept %d of 10000 at p=0.25", kept)
	}
}

func TestMatMulShapes(t *testing.T) {
	dev := cpu.New()
	tests := []struct {
		a, b, want []int
	}{
		{[]int{3}, []int{3}, []int{}},
		{[]int{3}, []int{3, 4}, []int{4}},
		{[]int{2, 3}, []int{3}, []int{2}},
		{[]int{5, 2, 3}, []int{3, 4}, []int{5, 2, 4}},
		{[]int{2, 1, 2, 3}, []int{4, 3, 2}, []int{2, 4, 2, 2}},
		{[]int{0, 3}, []int{3, 2}, []int{0, 2}},
		{[]int{2, 0}, []int{0, 2}, []int{2, 2}},
	}
	for _, tc := range tests {
		a, b := RandNormal(dev, 1, 0, 1, tc.a...), RandNormal(dev, 2, 0, 1, tc.b...)
		got := a.MatMul(b)
		if !slices.Equal(got.Shape(), tc.want) {
			t.Errorf("%v @ %v: shape %v, want %v", tc.a, tc.b, got.Shape(), tc.want)
			continue
		}
	}
	// Values: a broadcast batch product against per-matrix products.
	a := RandNormal(dev, 3, 0, 1, 2, 1, 3, 4)
	b := RandNormal(dev, 4, 0, 1, 3, 4, 5)
	p := a.MatMul(b)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			want := data(t, a.Narrow(0, i, 1).Reshape(3, 4).MatMul(b.Narrow(0, j, 1).Reshape(4, 5)))
			got := data(t, p.Narrow(0, i, 1).Narrow(1, j, 1))
			for k := range want {
				if math.Abs(float64(got[k]-want[k])) > 1e-5 {
					t.Fatalf("batch (%d,%d) element %d: %v vs %v", i, j, k, got[k], want[k])
				}
			}
		}
	}
	// 0 elements in K: the product is zeros.
	if got := data(t, RandNormal(dev, 1, 0, 1, 2, 0).MatMul(RandNormal(dev, 1, 0, 1, 0, 2))); !slices.Equal(got, []float32{0, 0, 0, 0}) {
		t.Errorf("empty K product %v", got)
	}
}

func TestString(t *testing.T) {
	dev := cpu.New()
	tests := []struct {
		t    *Tensor
		want string
	}{
		{Scalar(dev, 3.5), "3.5"},
		{FromSlice(dev, []float32{1, 2, 3}), "[1 2 3]"},
		{FromSlice(dev, []float32{1, -2, 3, 40}, 2, 2), "[[ 1 -2]\n [ 3 40]]"},
		{Arange(dev, 0, 8, 1).Reshape(2, 2, 2), "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]"},
		{Arange(dev, 0, 2000, 1), "[   0    1    2 ... 1997 1998 1999]"},
	}
	for _, tc := range tests {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("String() =\n%s\nwant\n%s", got, tc.want)
		}
	}
}

// TestMemoryFlatWithTidy runs 1,000 forward and backward steps of a small
// MLP with an optimizer and checks that the device's live buffer count does
// not move from step 10 on.
func TestMemoryFlatWithTidy(t *testing.T) {
	dev := cpu.New()
	var w1, b1, w2, x, y *Tensor
	Tidy(func() { // releases the temporaries of the initialisation
		w1 = Keep(RandNormal(dev, 1, 0, 1, 16, 8).MulScalar(0.3)).SetRequiresGrad(true)
		b1 = Keep(Zeros(dev, 16)).SetRequiresGrad(true)
		w2 = Keep(RandNormal(dev, 2, 0, 1, 4, 16).MulScalar(0.3)).SetRequiresGrad(true)
		x = Keep(RandNormal(dev, 3, 0, 1, 32, 8))
		y = Keep(FromSlice(dev, make([]float32, 32)))
	})
	params := []*Tensor{w1, b1, w2}
	var live10 int64
	var first, last float32
	for step := 1; step <= 1000; step++ {
		Tidy(func() {
			h := Linear(x, w1, b1, device.UnaryReLU, 0)
			logits := h.MatMul(w2.T())
			loss := CrossEntropy(logits, y).Add(w1.Square().Mean().MulScalar(1e-3))
			loss.Backward()
			for _, p := range params {
				SGDStep(device.SGDParams{LR: 0.05}, p, nil)
				p.ZeroGrad()
			}
			if step == 1 || step == 1000 {
				v, err := loss.Item()
				if err != nil {
					t.Fatal(err)
				}
				if step == 1 {
					first = v
				} else {
					last = v
				}
			}
		})
		if step == 10 {
			live10 = dev.Stats().LiveBuffers
		}
		if step > 10 && dev.Stats().LiveBuffers != live10 {
			t.Fatalf("step %d: %d live buffers, %d at step 10", step, dev.Stats().LiveBuffers, live10)
		}
	}
	if !(last < first/10) {
		t.Errorf("loss went from %v to %v: the training loop does not learn", first, last)
	}
	if live := dev.Stats().LiveBuffers; live != 5 {
		t.Errorf("%d live buffers after the loop, want 5 (3 parameters, x, y)", live)
	}
}

// TestGarbageCollectorReleases checks the safety net: tensors dropped
// without Release or Tidy return their memory once collected.
func TestGarbageCollectorReleases(t *testing.T) {
	dev := cpu.New()
	w := RandNormal(dev, 1, 0, 1, 8, 8).SetRequiresGrad(true)
	base := dev.Stats().LiveBuffers
	for i := 0; i < 100; i++ {
		loss := RandNormal(dev, uint64(i), 0, 1, 4, 8).MatMul(w).Tanh().Sum()
		loss.Backward()
		w.ZeroGrad()
	}
	deadline := time.Now().Add(5 * time.Second)
	for dev.Stats().LiveBuffers > base && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if live := dev.Stats().LiveBuffers; live != base {
		t.Fatalf("%d live buffers after collection, want %d", live, base)
	}
	runtime.KeepAlive(w)
}

func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	testutil.MustPanic(t, want, fn)
}

// Split and Chunk cut as torch.split and torch.chunk do (values from
// PyTorch 1.13); Var and Std with corrections 1 and 0 too.
func TestSplitChunkVar(t *testing.T) {
	d := cpu.New()
	r := FromSlice(d, []float32{0, 1, 2, 3, 4, 5, 6}, 7)
	parts := func(ts []*Tensor) string {
		var s []string
		for _, x := range ts {
			v, _ := x.Data()
			s = append(s, fmt.Sprint(v))
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		got, want string
	}{
		{parts(r.Chunk(3, 0)), "[0 1 2] [3 4 5] [6]"},
		{parts(r.Chunk(4, 0)), "[0 1] [2 3] [4 5] [6]"},
		{parts(r.Narrow(0, 0, 6).Chunk(4, 0)), "[0 1] [2 3] [4 5]"},
		{parts(r.Split(0, 2, 0, 5)), "[0 1] [] [2 3 4 5 6]"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
	a := FromSlice(d, []float32{1, 2, 4, 3, 5, 9}, 2, 3)
	for _, tc := range []struct {
		x    *Tensor
		want []float32
	}{
		{a.Var(1), []float32{8}},
		{a.Var(1, 1), []float32{2.3333333, 9.333333}},
		{a.Var(0, 0), []float32{1, 2.25, 6.25}},
		{a.Std(1, 1), []float32{1.5275252, 3.0550504}},
	} {
		got, _ := tc.x.Data()
		for i := range tc.want {
			if math.Abs(float64(got[i]-tc.want[i])) > 1e-5 {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		}
	}
	mustPanic(t, "sizes [2 2] add up to 4", func() { r.Split(0, 2, 2) })
	mustPanic(t, "correction 3 for 3 elements", func() { a.Var(3, 1) })
}
