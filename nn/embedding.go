package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// Embedding is a table of NumEmbeddings learned vectors of EmbeddingDim
// values: Forward looks up the rows its input names (indices as float32
// integers, of any shape), giving the input's shape and then
// EmbeddingDim (PyTorch's nn.Embedding, parameter "weight" [num, dim]).
type Embedding struct {
	stateless
	Weight *tensor.Tensor
	// PaddingIdx is a row that gets no gradient (and starts at zero), or
	// -1 for none.
	PaddingIdx int
}

// NewEmbedding returns a table of num vectors of dim values, drawn from
// N(0, 1) as PyTorch's nn.Embedding does (WithSeed chooses the draw);
// paddingIdx is a row that starts at zero and gets no gradient, or -1 for
// none (PyTorch's padding_idx; a negative index other than -1 is not
// accepted here, where PyTorch counts it from the end).
func NewEmbedding(dev device.Device, num, dim, paddingIdx int, opts ...Option) *Embedding {
	if num < 1 || dim < 1 || paddingIdx < -1 || paddingIdx >= num {
		panic(fmt.Sprintf("nn: NewEmbedding(%d, %d, padding %d): want num >= 1, dim >= 1 and a padding index in [-1, num)", num, dim, paddingIdx))
	}
	o := collect(opts)
	e := &Embedding{PaddingIdx: paddingIdx}
	build(func() {
		w := tensor.RandNormal(dev, o.seed, 0, 1, num, dim)
		if paddingIdx >= 0 {
			mask := make([]float32, num)
			for i := range mask {
				mask[i] = 1
			}
			mask[paddingIdx] = 0
			w = w.Mul(tensor.FromSlice(dev, mask, num, 1))
		}
		e.Weight = param(w)
	})
	return e
}

// Forward looks up the rows named by idx.
func (e *Embedding) Forward(idx *tensor.Tensor) *tensor.Tensor {
	return tensor.Embedding(idx, e.Weight, e.PaddingIdx)
}

// Params returns "weight".
func (e *Embedding) Params() []Param { return []Param{{Name: "weight", Tensor: e.Weight}} }
