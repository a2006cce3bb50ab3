package devicetest

import (
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/device"
)

// Tolerances: float32 arithmetic that both sides round the same way, and
// transcendental functions and sums whose rounding may differ.
const (
	tightA, tightR = 1e-7, 2e-6
	looseA, looseR = 1e-5, 2e-5
	sumA, sumR     = 2e-4, 1e-4
)

// tolerance is a tolerance class's Atol and Rtol.
func tolerance(t device.Tolerance) (atol, rtol float64) {
	if t == device.Loose {
		return looseA, looseR
	}
	return tightA, tightR
}

// generator draws from a domain of the op tables.
func generator(d device.Domain) func(r *rand.Rand, i int) float32 {
	switch d {
	case device.PositiveReals:
		return Positive
	case device.AwayFromKinks:
		return AwayFromZero
	case device.AwayFromIntegers:
		return AwayFromIntegers
	}
	return Normal
}

// layout is a strided view of a logical shape.
type layout struct {
	name    string
	shape   []int
	strides []int
	offset  int
	size    int // elements the buffer needs
}

func contiguous(name string, off int, shape ...int) layout {
	return layout{name, shape, device.ContiguousStrides(shape), off, off + device.NumElements(shape)}
}

// columnMajor stores the axes in reverse order (a permuted view).
func columnMajor(name string, shape ...int) layout {
	st := make([]int, len(shape))
	acc := 1
	for i := range shape {
		st[i] = acc
		acc *= shape[i]
	}
	return layout{name, shape, st, 0, acc}
}

// broadcastFirst repeats the data along axis 0 (stride 0).
func broadcastFirst(name string, shape ...int) layout {
	st := device.ContiguousStrides(shape)
	st[0] = 0
	return layout{name, shape, st, 0, device.NumElements(shape[1:])}
}

func (l layout) view(b device.Buffer) device.Strided {
	return device.Strided{Buf: b, Offset: l.offset, Strides: l.strides}
}

// layouts are the shapes every elementwise op runs on: a scalar, odd
// sizes, a transposed and a broadcast view, a large offset one, a rank-7
// permuted view (beyond the shaders' maximum rank) and an empty one.
func layouts() [][2]layout {
	ls := []layout{
		contiguous("scalar", 0),
		contiguous("7", 0, 7),
		columnMajor("5x3T", 5, 3),
		broadcastFirst("4x3x5bcast", 4, 3, 5),
		contiguous("70x601+3", 3, 70, 601),
		columnMajor("rank7", 2, 3, 2, 2, 2, 3, 2),
		contiguous("0x3", 0, 0, 3),
	}
	// Second operands of the same shapes in other layouts.
	other := []layout{
		contiguous("scalar+1", 1),
		columnMajor("7", 7),
		contiguous("5x3", 2, 5, 3),
		contiguous("4x3x5", 0, 4, 3, 5),
		columnMajor("70x601T", 70, 601),
		contiguous("rank7", 1, 2, 3, 2, 2, 2, 3, 2),
		columnMajor("0x3", 0, 3),
	}
	out := make([][2]layout, len(ls))
	for i := range ls {
		out[i] = [2]layout{ls[i], other[i]}
	}
	return out
}

// Cases returns the whole table.
func Cases() []Case {
	var cs []Case
	cs = append(cs, memoryCases()...)
	cs = append(cs, elementwiseCases()...)
	cs = append(cs, reduceCases()...)
	cs = append(cs, softmaxCases()...)
	cs = append(cs, indexCases()...)
	cs = append(cs, recurrentCases()...)
	cs = append(cs, normCases()...)
	cs = append(cs, attentionCases()...)
	cs = append(cs, gemmCases()...)
	cs = append(cs, generatorCases()...)
	cs = append(cs, optimizerCases()...)
	cs = append(cs, convPoolCases()...)
	return cs
}
