package torchref

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed index_reference.json
var indexJSON []byte

type indexCase struct {
	Name       string
	Op         string
	Axis       int
	PaddingIdx int `json:"padding_idx"`
	X          []float32
	XShape     []int `json:"x_shape"`
	Idx        []float32
	IdxShape   []int `json:"idx_shape"`
	Src        []float32
	SrcShape   []int `json:"src_shape"`
	G          []float32
	Out        []float64
	OutShape   []int     `json:"out_shape"`
	GradX      []float64 `json:"grad_x"`
	GradSrc    []float64 `json:"grad_src"`
}

// CheckIndexing replays index_reference.py on dev: tensor.Embedding (with
// repeated indices and padding_idx), IndexSelect, Gather, Scatter,
// ScatterAdd, Sort (stable, with ties) and TopK forward and backward, and
// OneHot, against PyTorch.
func CheckIndexing(t *testing.T, dev device.Device) {
	var ref struct {
		Cases  []indexCase
		Sorts  []sortCase
		OneHot struct {
			Idx      []float32
			IdxShape []int `json:"idx_shape"`
			Classes  int
			Out      []float64
			OutShape []int `json:"out_shape"`
		} `json:"one_hot"`
	}
	if err := json.Unmarshal(indexJSON, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 || len(ref.Sorts) == 0 {
		t.Fatal("index_reference.json holds no cases")
	}
	for _, c := range ref.Sorts {
		t.Run(c.Name, func(t *testing.T) {
			tensor.Tidy(func() { checkSortCase(t, dev, c) })
		})
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tensor.Tidy(func() { checkIndexCase(t, dev, c) })
		})
	}
	t.Run("one_hot", func(t *testing.T) {
		tensor.Tidy(func() {
			oh := ref.OneHot
			got := tensor.OneHot(tensor.FromSlice(dev, oh.Idx, oh.IdxShape...), oh.Classes)
			if fmt.Sprint(got.Shape()) != fmt.Sprint(oh.OutShape) {
				t.Fatalf("shape %v, PyTorch %v", got.Shape(), oh.OutShape)
			}
			compare(t, "one-hot", got, oh.Out)
		})
	})
}

func checkIndexCase(t *testing.T, dev device.Device, c indexCase) {
	x := tensor.FromSlice(dev, c.X, c.XShape...).SetRequiresGrad(true)
	idx := tensor.FromSlice(dev, c.Idx, c.IdxShape...)
	var src *tensor.Tensor
	if c.Src != nil {
		src = tensor.FromSlice(dev, c.Src, c.SrcShape...).SetRequiresGrad(true)
	}
	var out *tensor.Tensor
	switch c.Op {
	case "embedding":
		out = tensor.Embedding(idx, x, c.PaddingIdx)
	case "index_select":
		out = tensor.IndexSelect(x, c.Axis, idx)
	case "gather":
		out = tensor.Gather(x, c.Axis, idx)
	case "scatter":
		out = tensor.Scatter(x, c.Axis, idx, src)
	case "scatter_add":
		out = tensor.ScatterAdd(x, c.Axis, idx, src)
	default:
		t.Fatalf("unknown op %q", c.Op)
	}
	if fmt.Sprint(out.Shape()) != fmt.Sprint(c.OutShape) {
		t.Fatalf("output shape %v, PyTorch %v", out.Shape(), c.OutShape)
	}
	out.Mul(tensor.FromSlice(dev, c.G, c.OutShape...)).Sum().Backward()
	compare(t, "output", out, c.Out)
	compare(t, "grad of the input", x.Grad(), c.GradX)
	if src != nil {
		compare(t, "grad of the source", src.Grad(), c.GradSrc)
	}
}

type sortCase struct {
	Name       string
	Op         string
	Axis       int
	Descending bool
	K          int
	X          []float32
	XShape     []int `json:"x_shape"`
	G          []float32
	Out        []float64
	OutShape   []int `json:"out_shape"`
	Indices    []float64
	GradX      []float64 `json:"grad_x"`
}

func checkSortCase(t *testing.T, dev device.Device, c sortCase) {
	x := tensor.FromSlice(dev, c.X, c.XShape...).SetRequiresGrad(true)
	var out, idx *tensor.Tensor
	switch c.Op {
	case "sort":
		out, idx = x.Sort(c.Axis, c.Descending)
		arg := x.ArgSort(c.Axis, c.Descending)
		compare(t, "argsort", arg, c.Indices)
	case "topk":
		out, idx = x.TopK(c.K, c.Axis, c.Descending)
	default:
		t.Fatalf("unknown op %q", c.Op)
	}
	if fmt.Sprint(out.Shape()) != fmt.Sprint(c.OutShape) {
		t.Fatalf("output shape %v, PyTorch %v", out.Shape(), c.OutShape)
	}
	out.Mul(tensor.FromSlice(dev, c.G, c.OutShape...)).Sum().Backward()
	compare(t, "values", out, c.Out)
	compare(t, "indices", idx, c.Indices)
	compare(t, "grad of the input", x.Grad(), c.GradX)
}
