//go:build cgo

package kernels

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device/vulkan"
	"github.com/vkgrad/vkgrad/shaders"
)

// push builds a push-constant block: 4-byte little-endian words.
type push []byte

func (p push) u(v int) push {
	if v < 0 || v > math.MaxUint32 {
		panic(fmt.Sprintf("vulkan: push constant %d out of range", v))
	}
	return binary.LittleEndian.AppendUint32(p, uint32(v))
}

// i appends an int32.
func (p push) i(v int) push {
	if v < math.MinInt32 || v > math.MaxInt32 {
		panic(fmt.Sprintf("vulkan: push constant %d out of the int32 range", v))
	}
	return binary.LittleEndian.AppendUint32(p, uint32(int32(v)))
}

func (p push) f(v float32) push { return binary.LittleEndian.AppendUint32(p, math.Float32bits(v)) }

// arr appends vals padded with zeros to n words.
func (p push) arr(vals []int, n int) push {
	for i := 0; i < n; i++ {
		v := 0
		if i < len(vals) {
			v = vals[i]
		}
		p = p.u(v)
	}
	return p
}

// pipeline returns the pipeline of shader name with the given
// specialization (constant 0 is always the workgroup size); its bindings
// and push-constant size come from the shader's SPIR-V.
func (d *Device) pipeline(name string, spec ...uint32) *vulkan.Pipeline {
	return d.rt.Pipeline(name, shaders.SPIRV, spec...)
}

// grid returns a 2-D grid of workgroups covering groups workgroups within
// the 65535-per-dimension limit.
func grid(groups int) [3]uint32 {
	if groups <= 0 {
		return [3]uint32{0, 1, 1}
	}
	x := min(groups, 65535)
	y := (groups + x - 1) / x
	if y > 65535 {
		panic(fmt.Sprintf("vulkan: %d workgroups exceed a 65535x65535 grid", groups))
	}
	return [3]uint32{uint32(x), uint32(y), 1}
}

// elems returns the grid for n elements at wg per workgroup.
func (d *Device) elems(n int) [3]uint32 { return grid((n + int(d.wg) - 1) / int(d.wg)) }

// dispatch records the pipeline over grid g; the first nw buffers are
// written.
func (d *Device) dispatch(p *vulkan.Pipeline, g [3]uint32, pc push, nw int, bufs ...*vulkan.Buffer) {
	var w [8]bool // a dispatch binds at most 8 buffers
	writes := w[:len(bufs)]
	for i := 0; i < nw; i++ {
		writes[i] = true
	}
	d.rt.Dispatch(p, bufs, writes, pc, g)
}

// splitOuter calls fn for each index of the leading axes of shape beyond
// the last max, with those axes' offsets added for each view, so that
// kernels with a fixed maximum rank take any rank.
func splitOuter(shape []int, strides [][]int, max int, fn func(shape []int, strides [][]int, offs []int)) {
	offs := make([]int, len(strides))
	if len(shape) <= max {
		fn(shape, strides, offs)
		return
	}
	lead := len(shape) - max
	inner := make([][]int, len(strides))
	for k := range strides {
		inner[k] = strides[k][lead:]
	}
	idx := make([]int, lead)
	for {
		for k := range strides {
			offs[k] = 0
			for a := 0; a < lead; a++ {
				offs[k] += idx[a] * strides[k][a]
			}
		}
		fn(shape[lead:], inner, offs)
		a := lead - 1
		for ; a >= 0; a-- {
			idx[a]++
			if idx[a] < shape[a] {
				break
			}
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}
