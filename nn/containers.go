package nn

import (
	"fmt"
	"maps"
	"slices"

	"github.com/vkgrad/vkgrad/tensor"
)

// Identity is PyTorch's nn.Identity: Forward returns its input.
type Identity struct{ stateless }

// NewIdentity returns the identity layer.
func NewIdentity() Identity { return Identity{} }

// Forward returns x.
func (Identity) Forward(x *tensor.Tensor) *tensor.Tensor { return x }

// ModuleList is PyTorch's nn.ModuleList: modules held in order, their
// params named by index ("0.weight", "1.bias"). It has no Forward of its
// own; loop over it.
type ModuleList []Module

// Params lists every module's params under its index.
func (l ModuleList) Params() []Param {
	var ps []Param
	for i, m := range l {
		ps = append(ps, Prefixed(fmt.Sprint(i), m)...)
	}
	return ps
}

// SetTraining sets every module's mode.
func (l ModuleList) SetTraining(training bool) {
	for _, m := range l {
		m.SetTraining(training)
	}
}

// ModuleDict is PyTorch's nn.ModuleDict: each module's params under its
// name, the names in sorted order (PyTorch keeps insertion order; loading
// goes by name, so the order does not matter there). It is also the
// one-line Params of a custom module:
//
//	func (m *Model) Params() []nn.Param {
//		return nn.ModuleDict{"emb": m.Emb, "lstm": m.LSTM, "head": m.Head}.Params()
//	}
type ModuleDict map[string]Parametrized

// Params lists every module's params under its name, names sorted. An
// empty name panics.
func (d ModuleDict) Params() []Param {
	var ps []Param
	for _, name := range slices.Sorted(maps.Keys(d)) {
		if name == "" {
			panic("nn: ModuleDict: an empty name")
		}
		ps = append(ps, Prefixed(name, d[name])...)
	}
	return ps
}

// SetTraining sets the mode of every entry that has one.
func (d ModuleDict) SetTraining(training bool) {
	for _, m := range d {
		if t, ok := m.(interface{ SetTraining(bool) }); ok {
			t.SetTraining(training)
		}
	}
}
