package reliability

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

func near(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.IsNaN(want[i]) != math.IsNaN(float64(got[i])) || math.Abs(float64(got[i])-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s: %v, want %v (tolerance %g)", what, got, want, tol)
		}
	}
}

func data(t *testing.T, x *tensor.Tensor) []float32 {
	t.Helper()
	v, err := x.Data()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLargeLogits: log-softmax and cross-entropy of rows far from zero
// keep their digits on every device. PyTorch 1.13 in float64:
// log_softmax([10000, 10001, 10002, 10003]) = [-3.4401897, -2.4401897,
// -1.4401897, -0.4401897]; cross_entropy([1e5 … 1e5+3], 0) = 3.4401897.
func TestLargeLogits(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		ls := tensor.FromSlice(d, []float32{10000, 10001, 10002, 10003}, 1, 4).LogSoftmax(1)
		near(t, "log_softmax at 1e4", data(t, ls), []float64{-3.4401897, -2.4401897, -1.4401897, -0.4401897}, 2e-7)
		ce := tensor.CrossEntropy(tensor.FromSlice(d, []float32{1e5, 1e5 + 1, 1e5 + 2, 1e5 + 3}, 1, 4), tensor.FromSlice(d, []float32{0}, 1))
		near(t, "cross_entropy at 1e5", data(t, ce), []float64{3.4401897}, 2e-7)
	})
}

// TestCrossEntropyIgnoreIndex checks ignore_index against PyTorch 1.13
// (float64): F.cross_entropy(x, labels, ignore_index=...) and x.grad.
func TestCrossEntropyIgnoreIndex(t *testing.T) {
	logits := []float32{0.5, -1, 2, 0.25, 3, 0, -2, 1, -0.5, 0.75, 0, 1.5}
	tests := []struct {
		labels   []float32
		ignore   int
		loss     float64
		gradient []float64
	}{
		{[]float32{2, -100, 0}, -100, 1.4870247523373714, []float64{0.0771174126420811, 0.017207220633060103, -0.1543837346292346, 0.06005910135409342,
			0, 0, 0, 0, -0.46303995027316136, 0.12900324927151074, 0.06093682015077336, 0.2730998808508773}},
		{[]float32{1, 3, 1}, 1, 2.1755153626167143, []float64{0, 0, 0, 0,
			0.839024507462532, 0.04177257051535046, 0.005653302662216331, -0.8864503806400987, 0, 0, 0, 0}},
		// Every row ignored: NaN loss and a zero gradient, as PyTorch.
		{[]float32{-100, -100, -100}, -100, math.NaN(), make([]float64, 12)},
	}
	eachDevice(t, func(t *testing.T, d device.Device) {
		for _, tc := range tests {
			x := tensor.FromSlice(d, logits, 3, 4).SetRequiresGrad(true)
			loss := nn.CrossEntropyIgnore(x, tensor.FromSlice(d, tc.labels, 3), tc.ignore)
			loss.Backward()
			near(t, "loss", data(t, loss), []float64{tc.loss}, 1e-6)
			near(t, "gradient", data(t, x.Grad()), tc.gradient, 1e-6)
		}
	})
}

// TestInvalidLabel: a label outside [0, classes) or not an integer is an
// error naming the op and the label, returned once by the next read; the
// loss is NaN; the device goes on working.
func TestInvalidLabel(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		for _, tc := range []struct {
			labels []float32
			row    int
			label  float32
			count  int
		}{{[]float32{1, 7, 0}, 1, 7, 1}, {[]float32{0.5, 1, -3}, 0, 0.5, 2}, {[]float32{2, 1, -1}, 2, -1, 1}} {
			x := tensor.RandNormal(d, 1, 0, 1, 3, 5).SetRequiresGrad(true)
			loss := nn.CrossEntropy(x, tensor.FromSlice(d, tc.labels, 3))
			loss.Backward()
			_, err := loss.Item()
			var le *device.LabelError
			if !errors.As(err, &le) || le.Op != "SoftmaxCrossEntropy" || le.Row != tc.row || le.Label != tc.label || le.Classes != 5 || le.Count != tc.count {
				t.Fatalf("labels %v: error %v, want a LabelError for row %d, label %v", tc.labels, err, tc.row, tc.label)
			}
			// Reported once: read again, the loss is NaN.
			if v, err := loss.Item(); err != nil || v == v {
				t.Fatalf("labels %v: loss %v (%v), want NaN", tc.labels, v, err)
			}
			// The device works on.
			good := nn.CrossEntropy(x.Detach(), tensor.FromSlice(d, []float32{0, 1, 2}, 3))
			if v, err := good.Item(); err != nil || v != v {
				t.Fatalf("after a bad label: %v, %v", v, err)
			}
		}
	})
}

// TestMultiMarginLossIsPyTorchs: nn.MultiMarginLoss equals PyTorch 1.13's
// F.multi_margin_loss(x, y, p, margin), which divides by the number of
// classes: 0.9167 (p=1), 4.2083 (p=2), 0.75 (margin 0.5).
func TestMultiMarginLossIsPyTorchs(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		x := tensor.FromSlice(d, []float32{3, 1, 2.5, 0, 5, 1}, 2, 3)
		y := tensor.FromSlice(d, []float32{0, 2}, 2)
		near(t, "p=1", data(t, nn.MultiMarginLoss(x, y, 1, 1)), []float64{0.91666667}, 1e-6)
		near(t, "p=2", data(t, nn.MultiMarginLoss(x, y, 2, 1)), []float64{4.20833333}, 1e-6)
		near(t, "margin 0.5", data(t, nn.MultiMarginLoss(x, y, 1, 0.5)), []float64{0.75}, 1e-6)
	})
}

// TestSiLUIsPyTorchs: tensor.SiLU and its gradient equal PyTorch 1.13's
// F.silu (float64) on every device.
func TestSiLUIsPyTorchs(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		x := tensor.FromSlice(d, []float32{-2, -0.5, 0, 1, 3}, 5).SetRequiresGrad(true)
		y := x.SiLU()
		y.Sum().Backward()
		near(t, "silu", data(t, y), []float64{-0.2384058440442351, -0.1887703343990727, 0, 0.7310585786300049, 2.8577223804672998}, 2e-6)
		near(t, "silu gradient", data(t, x.Grad()), []float64{-0.09078424878489547, 0.2600388126973482, 0.5, 0.9276705118714869, 1.0881041060151693}, 2e-6)
	})
}

// TestUnaryOpsArePyTorchs: the unary ops added for sequence models, and
// their gradients, equal PyTorch 1.13's (float64: torch.erf, floor, ceil,
// round, sin, cos, F.softplus, F.elu, F.gelu(approximate="tanh")) on every
// device; x = 25 takes softplus past its threshold.
func TestUnaryOpsArePyTorchs(t *testing.T) {
	xs := []float32{-2.3, -0.7, 0.25, 1.6, 3.2, 25}
	zero := make([]float64, 6)
	tests := []struct {
		name string
		f    func(*tensor.Tensor) *tensor.Tensor
		y, g []float64
	}{
		{"erf", (*tensor.Tensor).Erf, []float64{-0.9988568234026434, -0.6778011938374184, 0.27632639016823696, 0.976348383344644, 0.9999939742388483, 1},
			[]float64{0.005689017242525367, 0.6912748604105386, 1.0600141293761143, 0.08722905863394531, 4.029763553323554e-05, 0}},
		{"floor", (*tensor.Tensor).Floor, []float64{-3, -1, 0, 1, 3, 25}, zero},
		{"ceil", (*tensor.Tensor).Ceil, []float64{-2, 0, 1, 2, 4, 25}, zero},
		{"round", (*tensor.Tensor).Round, []float64{-2, -1, 0, 2, 3, 25}, zero},
		{"sin", (*tensor.Tensor).Sin, []float64{-0.7457052121767203, -0.644217687237691, 0.24740395925452294, 0.9995736030415052, -0.058374143427580086, -0.13235175009777303},
			[]float64{-0.6662760212798241, 0.7648421872844885, 0.9689124217106447, -0.029199522301288815, -0.9982947757947531, 0.9912028118634736}},
		{"cos", (*tensor.Tensor).Cos, []float64{-0.6662760212798241, 0.7648421872844885, 0.9689124217106447, -0.029199522301288815, -0.9982947757947531, 0.9912028118634736},
			[]float64{0.7457052121767203, 0.644217687237691, -0.24740395925452294, -0.9995736030415052, 0.058374143427580086, 0.13235175009777303}},
		{"softplus", (*tensor.Tensor).Softplus, []float64{0.09554546459796295, 0.4031860488854579, 0.8259394198788436, 1.7839007408883387, 3.2399533331624304, 25},
			[]float64{0.09112296101485615, 0.33181222783183395, 0.5621765008857981, 0.8320183851339245, 0.9608342772032357, 1}},
		{"elu", func(x *tensor.Tensor) *tensor.Tensor { return x.ELU(1) }, []float64{-0.8997411562771962, -0.5034146962085905, 0.25, 1.6, 3.2, 25},
			[]float64{0.10025884372280375, 0.4965853037914095, 1, 1, 1, 1}},
		{"gelu_tanh", (*tensor.Tensor).GELUTanh, []float64{-0.024327029795919095, -0.16942986529488321, 0.149675350701685, 1.5121369621443617, 3.198130434837916, 25},
			[]float64{-0.05508932954974449, 0.023642781343896052, 0.6953540951510604, 1.1231005130917877, 1.0064931420873777, 1}},
	}
	eachDevice(t, func(t *testing.T, d device.Device) {
		for _, tc := range tests {
			x := tensor.FromSlice(d, xs, 6).SetRequiresGrad(true)
			y := tc.f(x)
			y.Sum().Backward()
			near(t, tc.name, data(t, y), tc.y, 1e-6)
			near(t, tc.name+" gradient", data(t, x.Grad()), tc.g, 1e-6)
		}
	})
}

// TestIndexOpsArePyTorchs: Embedding with repeated indices and a
// padding_idx, and IndexSelect, forward and backward, equal PyTorch 1.13's
// F.embedding and torch.index_select on every device; a bad index is an
// IndexError from the next read, once.
func TestIndexOpsArePyTorchs(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		w := tensor.FromSlice(d, []float32{0.5, -1, 2, 1.5, 0.25, -0.5, 3, 1, -2, -0.75, 0.5, 1.25, 2.5, -1.5, 0.1}, 5, 3).SetRequiresGrad(true)
		idx := tensor.FromSlice(d, []float32{4, 1, 2, 4, 0, 2}, 2, 3)
		g := tensor.FromSlice(d, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, 0.5, 0.5, 0.5, 2, 2, 2}, 2, 3, 3)
		emb := tensor.Embedding(idx, w, 2)
		emb.Mul(g).Sum().Backward()
		near(t, "embedding", data(t, emb), []float64{2.5, -1.5, 0.1, 1.5, 0.25, -0.5, 3, 1, -2, 2.5, -1.5, 0.1, 0.5, -1, 2, 3, 1, -2}, 1e-6)
		near(t, "embedding gradient", data(t, w.Grad()), []float64{0.5, 0.5, 0.5, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1e-6)

		x := tensor.Arange(d, 1, 17, 1).Reshape(2, 4, 2).SetRequiresGrad(true)
		y := tensor.IndexSelect(x, 1, tensor.FromSlice(d, []float32{3, 0, 3, 1}, 4))
		y.Mul(tensor.Arange(d, 0, 16, 1).Reshape(2, 4, 2)).Sum().Backward()
		near(t, "index_select", data(t, y), []float64{7, 8, 1, 2, 7, 8, 3, 4, 15, 16, 9, 10, 15, 16, 11, 12}, 1e-6)
		near(t, "index_select gradient", data(t, x.Grad()), []float64{2, 3, 6, 7, 0, 0, 4, 6, 10, 11, 14, 15, 0, 0, 20, 22}, 1e-6)

		bad := tensor.IndexSelect(x.Detach(), 1, tensor.FromSlice(d, []float32{1, 4}, 2))
		_, err := bad.Data()
		var ie *device.IndexError
		if !errors.As(err, &ie) || ie.Position != 1 || ie.Index != 4 || ie.Limit != 4 {
			t.Fatalf("index 4 of 4: %v", err)
		}
		if v, err := bad.Data(); err != nil || v[2] == v[2] {
			t.Fatalf("after the error: %v, %v (want NaN slices for the bad index)", v, err)
		}
	})
}

// TestCumSumIsPyTorchs: torch.cumsum and its gradient, on every device.
func TestCumSumIsPyTorchs(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		x := tensor.FromSlice(d, []float32{1, -2, 3.5, 0.25, 4, -1}, 2, 3).SetRequiresGrad(true)
		y := x.CumSum(1)
		y.Mul(tensor.FromSlice(d, []float32{1, 2, 3, 4, 5, 6}, 2, 3)).Sum().Backward()
		near(t, "cumsum", data(t, y), []float64{1, -1, 2.5, 0.25, 4.25, 3.25}, 1e-6)
		near(t, "cumsum gradient", data(t, x.Grad()), []float64{6, 5, 3, 15, 11, 6}, 1e-6)
	})
}

// TestGatherScatterErrors: a bad index in Gather, Scatter, ScatterAdd and
// OneHot is an IndexError naming the op, the position in the index tensor
// and the value, from the next read, once, on every device; the elements
// it names are NaN (Gather) or left alone (Scatter); shapes that do not
// fit panic with a message naming them.
func TestGatherScatterErrors(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		x := tensor.FromSlice(d, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
		idx := tensor.FromSlice(d, []float32{0, 2, 3, 1}, 2, 2)
		ones := tensor.Ones(d, 2, 2)
		nan := float32(math.NaN())
		for _, tc := range []struct {
			name string
			f    func() *tensor.Tensor
			op   string
			want []float32 // NaN where the bad index was
		}{
			{"Gather", func() *tensor.Tensor { return tensor.Gather(x, 1, idx) }, "Gather", []float32{1, 3, nan, 5}},
			{"Scatter", func() *tensor.Tensor { return tensor.Scatter(x, 1, idx, ones) }, "Scatter", []float32{1, 2, 1, 4, 1, 6}},
			{"ScatterAdd", func() *tensor.Tensor { return tensor.ScatterAdd(x, 1, idx, ones) }, "Scatter", []float32{2, 2, 4, 4, 6, 6}},
			{"OneHot", func() *tensor.Tensor { return tensor.OneHot(tensor.FromSlice(d, []float32{1, 3.5}, 2), 3) }, "Scatter", []float32{0, 1, 0, 0, 0, 0}},
		} {
			y := tc.f()
			_, err := y.Data()
			var ie *device.IndexError
			if !errors.As(err, &ie) || ie.Op != tc.op || ie.Count != 1 {
				t.Fatalf("%s: %v (want an IndexError from %s)", tc.name, err, tc.op)
			}
			if tc.name == "OneHot" {
				if ie.Position != 1 || ie.Index != 3.5 || ie.Limit != 3 {
					t.Fatalf("%s: %+v", tc.name, ie)
				}
			} else if ie.Position != 2 || ie.Index != 3 || ie.Limit != 3 {
				t.Fatalf("%s: %+v (want position 2, index 3, limit 3)", tc.name, ie)
			}
			got, err := y.Data()
			if err != nil {
				t.Fatalf("%s: second read: %v", tc.name, err)
			}
			for i, w := range tc.want {
				if w != w && got[i] == got[i] || w == w && got[i] != w {
					t.Fatalf("%s: %v, want %v", tc.name, got, tc.want)
				}
			}
		}
		for _, tc := range []struct {
			name, want string
			f          func()
		}{
			{"Gather rank", "want the same rank", func() { tensor.Gather(x, 1, tensor.Zeros(d, 4)) }},
			{"Gather larger", "exceed shape", func() { tensor.Gather(x, 1, tensor.Zeros(d, 3, 1)) }},
			{"Scatter part", "vkgrad does not scatter into part of them", func() { tensor.Scatter(x, 1, tensor.Zeros(d, 1, 2), tensor.Ones(d, 1, 2)) }},
			{"Scatter source", "exceed the source's shape", func() { tensor.ScatterAdd(x, 1, idx, tensor.Ones(d, 2, 1)) }},
			{"Gather axis", "axis", func() { tensor.Gather(x, 2, idx) }},
		} {
			func() {
				defer func() {
					r := recover()
					if r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
						t.Errorf("%s: panic %v, want one containing %q", tc.name, r, tc.want)
					}
				}()
				tc.f()
			}()
		}
	})
}

// TestSortNaNAndTies: NaN ranks above every number and ties keep their
// order, in Sort, ArgSort and TopK on every device. PyTorch 1.13's
// torch.sort(stable=True) gives these results; its torch.topk the same
// values, but which of two equal elements it takes first is undefined (it
// gives position 3, vkgrad the earlier 0). k beyond the axis panics with
// the shape.
func TestSortNaNAndTies(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		nan := float32(math.NaN())
		x := tensor.FromSlice(d, []float32{3, nan, -1, 3, 0, nan}, 6)
		v, i := x.Sort(0, false)
		got := data(t, v)
		if got[4] == got[4] || got[5] == got[5] {
			t.Fatalf("ascending: %v (want NaN last)", got)
		}
		near(t, "ascending values", got[:4], []float64{-1, 0, 3, 3}, 0)
		near(t, "ascending indices", data(t, i), []float64{2, 4, 0, 3, 1, 5}, 0)
		near(t, "descending indices", data(t, x.ArgSort(0, true)), []float64{1, 5, 0, 3, 4, 2}, 0)
		top, ti := x.TopK(3, 0, true)
		if g := data(t, top); g[0] == g[0] || g[1] == g[1] || g[2] != 3 {
			t.Fatalf("topk: %v (want NaN, NaN, 3)", g)
		}
		near(t, "topk indices", data(t, ti), []float64{1, 5, 0}, 0)
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "k = 7 for axis 0 of shape [6]") {
				t.Fatalf("TopK(7) of 6: panic %v", r)
			}
		}()
		x.TopK(7, 0, true)
	})
}
