// Package nn is vkgrad's layer API, close to what PyTorch and Keras users
// know: modules (Linear, Conv2d, ConvTranspose2d, pooling and resizing,
// BatchNorm, LayerNorm, GroupNorm, Dropout, activations, Embedding, RNN,
// LSTM and GRU layers and cells, multi-head attention and Transformer
// encoder layers, a ResNet basic block) composed with Sequential,
// ModuleList and ModuleDict, losses, optimizers that
// update parameters with the device's fused kernels, learning-rate
// schedules, initializers, a data loader, and save/load in the safetensors
// format.
//
// Parameters and optimizer state live on the device for the whole of
// training; only the batches go up and only what you read comes back.
//
// Names taken from PyTorch mean PyTorch's behaviour, with the same
// parameter names and layouts, so a state_dict saved as safetensors loads
// by name. Where vkgrad differs on purpose (Keras' Glorot initialization
// and RMSprop defaults, zero biases, float32 labels, no reduction or
// class-weight options, bad labels reported as errors rather than
// exceptions) the doc of the name says so, and the README lists every
// difference in one table.
package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/tensor"
)

// Module is a layer or a network of layers.
type Module interface {
	// Forward computes the module's output for the batch x.
	Forward(x *tensor.Tensor) *tensor.Tensor
	// Params lists the module's tensors with PyTorch-style dotted names
	// ("0.weight", "bn1.running_mean"): the trainable parameters and the
	// buffers (running statistics) that Save writes too.
	Params() []Param
	// SetTraining switches between training mode (dropout active,
	// batch statistics) and evaluation mode.
	SetTraining(training bool)
}

// Param is a named tensor of a module.
type Param struct {
	Name   string
	Tensor *tensor.Tensor
	// Buffer marks state that is saved but not trained, such as
	// BatchNorm's running mean; optimizers skip it.
	Buffer bool
	// Int64 marks a counter that PyTorch keeps as an int64 buffer, such
	// as BatchNorm's num_batches_tracked: its float32 tensor holds an
	// integer (exact to 2^24), saved as a safetensors I64 entry and
	// loaded from one. A file without it (written before vkgrad kept the
	// counter) loads and leaves the counter as it is. Int64 params are
	// buffers too.
	Int64 bool
}

// Trainable returns the params that are not buffers.
func Trainable(ps []Param) []Param {
	var out []Param
	for _, p := range ps {
		if !p.Buffer {
			out = append(out, p)
		}
	}
	return out
}

// Parametrized is anything with named parameters: every Module, and the
// containers ModuleList and ModuleDict.
type Parametrized interface {
	Params() []Param
}

// Prefixed returns m's params with prefix+"." in front of their names,
// as PyTorch names the params of a submodule: a model made of parts lists
// its Params as the parts' Prefixed ones (ModuleDict does that in one
// line).
func Prefixed(prefix string, m Parametrized) []Param {
	ps := m.Params()
	out := make([]Param, len(ps))
	for i, p := range ps {
		p.Name = prefix + "." + p.Name
		out[i] = p
	}
	return out
}

// weightBias lists "weight" and "bias", those that are not nil: the
// params of most layers.
func weightBias(w, b *tensor.Tensor) []Param {
	var ps []Param
	if w != nil {
		ps = append(ps, Param{Name: "weight", Tensor: w})
	}
	if b != nil {
		ps = append(ps, Param{Name: "bias", Tensor: b})
	}
	return ps
}

// stateless is embedded by modules without parameters or modes.
type stateless struct{}

// Params returns nil: the module has no parameters.
func (stateless) Params() []Param { return nil }

// SetTraining does nothing: the module behaves the same in both modes.
func (stateless) SetTraining(bool) {}

// Sequential applies its layers in order.
type Sequential struct {
	Layers []Module
}

// NewSequential returns a Sequential of the given layers.
func NewSequential(layers ...Module) *Sequential {
	return &Sequential{Layers: layers}
}

// Forward applies every layer in turn.
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// Params lists the layers' params, named by layer index ("0.weight").
func (s *Sequential) Params() []Param {
	var out []Param
	for i, l := range s.Layers {
		out = append(out, Prefixed(fmt.Sprint(i), l)...)
	}
	return out
}

// SetTraining sets the mode of every layer.
func (s *Sequential) SetTraining(training bool) {
	for _, l := range s.Layers {
		l.SetTraining(training)
	}
}

// Func is a Module made from a function without parameters.
type Func struct {
	stateless
	F func(x *tensor.Tensor) *tensor.Tensor
}

// Forward applies the function.
func (f Func) Forward(x *tensor.Tensor) *tensor.Tensor { return f.F(x) }

// NumParams counts the elements of the trainable params.
func NumParams(m Module) int {
	n := 0
	for _, p := range Trainable(m.Params()) {
		n += p.Tensor.Size()
	}
	return n
}
