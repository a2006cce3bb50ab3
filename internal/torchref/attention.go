package torchref

import (
	_ "embed"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed attention_reference.json
var attentionJSON []byte

// maybeInf is a float that the reference writes as "-inf" where it is one.
type maybeInf float32

func (f *maybeInf) UnmarshalJSON(b []byte) error {
	if string(b) == `"-inf"` {
		*f = maybeInf(math.Inf(-1))
		return nil
	}
	var v float32
	err := json.Unmarshal(b, &v)
	*f = maybeInf(v)
	return err
}

type sdpaCase struct {
	Name        string
	Shape       []int
	L, S, D, DV int
	Causal      bool
	Scale       float32
	Q, K, V, G  []float32
	Mask        []maybeInf
	Out         []float64
	GradQ       []float64 `json:"grad_q"`
	GradK       []float64 `json:"grad_k"`
	GradV       []float64 `json:"grad_v"`
}

type maskedSoftmaxCase struct {
	Name    string
	Shape   []int
	Causal  bool
	Allowed []float32
	X, G    []float32
	Out     []float64
	GradX   []float64 `json:"grad_x"`
}

type mhaCase struct {
	Name           string
	E, H, L, S, N  int
	BatchFirst     bool `json:"batch_first"`
	SelfAttn       bool `json:"self_attn"`
	Weights        map[string][]float32
	KeyPaddingMask []float32 `json:"key_padding_mask"`
	AttnMask       []float32 `json:"attn_mask"`
	Q, K, V, G     []float32
	Out            []float64
	AttnWeights    []float64 `json:"attn_weights"`
	GradQ          []float64 `json:"grad_q"`
	GradK          []float64 `json:"grad_k"`
	GradV          []float64 `json:"grad_v"`
	Grads          map[string][]float64
}

type encoderCase struct {
	Name           string
	D, H, FF, L, N int
	Activation     string
	NormFirst      bool `json:"norm_first"`
	Layers         int
	FinalNorm      bool `json:"final_norm"`
	Weights        map[string][]float32
	KeyPaddingMask []float32 `json:"key_padding_mask"`
	X, G           []float32
	Out            []float64
	GradX          []float64 `json:"grad_x"`
	Grads          map[string][]float64
}

// CheckAttention replays attention_reference.py on dev:
// tensor.ScaledDotProductAttention (causal, masked, a long causal case),
// tensor.MaskedSoftmax (boolean and causal masks),
// nn.MultiheadAttention (self and cross, masks, attention weights) and
// nn.TransformerEncoderLayer and nn.TransformerEncoder with PyTorch's
// weights loaded by name, forward and backward, against PyTorch.
func CheckAttention(t *testing.T, dev device.Device) {
	var ref struct {
		SDPA          []sdpaCase
		MaskedSoftmax []maskedSoftmaxCase `json:"masked_softmax"`
		MHA           []mhaCase
		Encoder       []encoderCase
	}
	if err := json.Unmarshal(attentionJSON, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.SDPA) == 0 || len(ref.MaskedSoftmax) == 0 || len(ref.MHA) == 0 || len(ref.Encoder) == 0 {
		t.Fatal("attention_reference.json lacks cases")
	}
	for _, c := range ref.SDPA {
		t.Run(c.Name, func(t *testing.T) { tensor.Tidy(func() { checkSDPA(t, dev, c) }) })
	}
	for _, c := range ref.MaskedSoftmax {
		t.Run(c.Name, func(t *testing.T) {
			tensor.Tidy(func() {
				x := tensor.FromSlice(dev, c.X, c.Shape...).SetRequiresGrad(true)
				r := len(c.Shape)
				mask := tensor.AttentionMask(tensor.FromSlice(dev, c.Allowed, c.Shape[r-2], c.Shape[r-1]))
				out := tensor.MaskedSoftmax(x, mask, c.Causal)
				compare(t, "output", out, c.Out)
				out.BackwardWithGrad(tensor.FromSlice(dev, c.G, c.Shape...))
				compare(t, "grad x", x.Grad(), c.GradX)
			})
		})
	}
	for _, c := range ref.MHA {
		t.Run(c.Name, func(t *testing.T) { tensor.Tidy(func() { checkMHA(t, dev, c) }) })
	}
	for _, c := range ref.Encoder {
		t.Run(c.Name, func(t *testing.T) { tensor.Tidy(func() { checkEncoder(t, dev, c) }) })
	}
}

func checkSDPA(t *testing.T, dev device.Device, c sdpaCase) {
	shape := func(n, m int) []int { return append(slices.Clone(c.Shape), n, m) }
	q := tensor.FromSlice(dev, c.Q, shape(c.L, c.D)...).SetRequiresGrad(true)
	k := tensor.FromSlice(dev, c.K, shape(c.S, c.D)...).SetRequiresGrad(true)
	v := tensor.FromSlice(dev, c.V, shape(c.S, c.DV)...).SetRequiresGrad(true)
	o := tensor.AttentionOptions{Causal: c.Causal, Scale: c.Scale}
	if c.Mask != nil {
		m := make([]float32, len(c.Mask))
		for i, x := range c.Mask {
			m[i] = float32(x)
		}
		o.Mask = tensor.FromSlice(dev, m, c.L, c.S)
	}
	out := tensor.ScaledDotProductAttention(q, k, v, o)
	compare(t, "output", out, c.Out)
	out.BackwardWithGrad(tensor.FromSlice(dev, c.G, out.Shape()...))
	compare(t, "grad q", q.Grad(), c.GradQ)
	compare(t, "grad k", k.Grad(), c.GradK)
	compare(t, "grad v", v.Grad(), c.GradV)
}

func checkMHA(t *testing.T, dev device.Device, c mhaCase) {
	m := nn.NewMultiheadAttention(dev, nn.MultiheadAttentionConfig{EmbedDim: c.E, NumHeads: c.H, BatchFirst: c.BatchFirst})
	loadWeights(t, m.Params(), c.Weights, nil)
	qs, ks := []int{c.L, c.N, c.E}, []int{c.S, c.N, c.E}
	if c.BatchFirst {
		qs, ks = []int{c.N, c.L, c.E}, []int{c.N, c.S, c.E}
	}
	q := tensor.FromSlice(dev, c.Q, qs...).SetRequiresGrad(true)
	k, v := q, q
	if !c.SelfAttn {
		k = tensor.FromSlice(dev, c.K, ks...).SetRequiresGrad(true)
		v = tensor.FromSlice(dev, c.V, ks...).SetRequiresGrad(true)
	}
	var o nn.AttendOptions
	if c.KeyPaddingMask != nil {
		o.KeyPaddingMask = tensor.FromSlice(dev, c.KeyPaddingMask, c.N, c.S)
	}
	if c.AttnMask != nil {
		o.AttnMask = tensor.FromSlice(dev, c.AttnMask, c.L, c.S)
	}
	out := m.Attend(q, k, v, o)
	compare(t, "output", out, c.Out)
	tensor.NoGrad(func() { compare(t, "attention weights", m.AttentionWeights(q, k, o), c.AttnWeights) })
	out.BackwardWithGrad(tensor.FromSlice(dev, c.G, out.Shape()...))
	compare(t, "grad query", q.Grad(), c.GradQ)
	if !c.SelfAttn {
		compare(t, "grad key", k.Grad(), c.GradK)
		compare(t, "grad value", v.Grad(), c.GradV)
	}
	compareGrads(t, m.Params(), c.Grads)
}

func checkEncoder(t *testing.T, dev device.Device, c encoderCase) {
	cfg := nn.TransformerConfig{DModel: c.D, NHead: c.H, DimFeedforward: c.FF, Activation: c.Activation, BatchFirst: true, NormFirst: c.NormFirst}
	var m interface {
		nn.Module
		ForwardMasked(*tensor.Tensor, nn.AttendOptions) *tensor.Tensor
	}
	if c.Layers > 1 || c.FinalNorm {
		m = nn.NewTransformerEncoder(dev, cfg, c.Layers, c.FinalNorm)
	} else {
		m = nn.NewTransformerEncoderLayer(dev, cfg)
	}
	loadWeights(t, m.Params(), c.Weights, nil)
	x := tensor.FromSlice(dev, c.X, c.N, c.L, c.D).SetRequiresGrad(true)
	out := m.ForwardMasked(x, nn.AttendOptions{KeyPaddingMask: tensor.FromSlice(dev, c.KeyPaddingMask, c.N, c.L)})
	compare(t, "output", out, c.Out)
	out.BackwardWithGrad(tensor.FromSlice(dev, c.G, out.Shape()...))
	compare(t, "grad x", x.Grad(), c.GradX)
	compareGrads(t, m.Params(), c.Grads)
}
