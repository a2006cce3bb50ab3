package vulkan

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// SPIR-V numbers used by PreserveNaNInf.
const (
	spvMagic                        = 0x07230203
	spvOpEntryPoint                 = 15
	spvOpExecutionMode              = 16
	spvOpCapability                 = 17
	spvCapSignedZeroInfNanPreserve  = 4466
	spvModeSignedZeroInfNanPreserve = 4461
)

// PreserveNaNInf returns the SPIR-V module spv with the
// SignedZeroInfNanPreserve execution mode for 32-bit floats on every entry
// point (and the capability it needs), so that a driver may not optimize
// on the assumption that no NaN or Inf occurs (float controls: core in
// SPIR-V 1.4 and Vulkan 1.2). A module that has the mode already comes
// back unchanged.
func PreserveNaNInf(spv []byte) ([]byte, error) {
	if len(spv) < 20 || len(spv)%4 != 0 || binary.LittleEndian.Uint32(spv) != spvMagic {
		return nil, fmt.Errorf("not a little-endian SPIR-V module (%d bytes)", len(spv))
	}
	words := make([]uint32, len(spv)/4)
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(spv[4*i:])
	}
	var entries []uint32
	lastEntry, hasCap := -1, false
	for i := 5; i < len(words); {
		n, op := int(words[i]>>16), words[i]&0xffff
		if n == 0 || i+n > len(words) {
			return nil, fmt.Errorf("malformed SPIR-V: instruction at word %d", i)
		}
		switch op {
		case spvOpCapability:
			hasCap = hasCap || words[i+1] == spvCapSignedZeroInfNanPreserve
		case spvOpEntryPoint:
			entries = append(entries, words[i+2])
			lastEntry = i + n
		case spvOpExecutionMode:
			if n >= 4 && words[i+2] == spvModeSignedZeroInfNanPreserve && words[i+3] == 32 {
				return spv, nil
			}
		}
		i += n
	}
	if lastEntry < 0 {
		return nil, fmt.Errorf("SPIR-V module without an entry point")
	}
	out := make([]uint32, 0, len(words)+2+4*len(entries))
	out = append(out, words[:5]...)
	if !hasCap {
		out = append(out, 2<<16|spvOpCapability, spvCapSignedZeroInfNanPreserve)
	}
	out = append(out, words[5:lastEntry]...)
	for _, id := range entries {
		out = append(out, 4<<16|spvOpExecutionMode, id, spvModeSignedZeroInfNanPreserve, 32)
	}
	out = append(out, words[lastEntry:]...)
	b := make([]byte, 4*len(out))
	for i, w := range out {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b, nil
}

// Layout is a compute shader's interface as its SPIR-V declares it.
type Layout struct {
	// Bindings is the number of storage-buffer bindings (0, 1, ... at
	// descriptor set 0); variables that alias one binding count once.
	Bindings int
	// PushSize is the size of the push-constant block in bytes (0 when
	// there is none).
	PushSize int
	// SpecIDs are the constant_id values of the specialization constants,
	// in increasing order.
	SpecIDs []uint32
}

// More SPIR-V numbers, for Reflect.
const (
	spvOpTypeInt          = 21
	spvOpTypeFloat        = 22
	spvOpTypeVector       = 23
	spvOpTypeMatrix       = 24
	spvOpTypeArray        = 28
	spvOpTypeRuntimeArray = 29
	spvOpTypeStruct       = 30
	spvOpTypePointer      = 32
	spvOpConstant         = 43
	spvOpVariable         = 59
	spvOpDecorate         = 71
	spvOpMemberDecorate   = 72

	spvDecSpecID       = 1
	spvDecArrayStride  = 6
	spvDecBinding      = 33
	spvDecDescSet      = 34
	spvDecOffset       = 35
	spvStoragePushCons = 9
	spvStorageStorage  = 12
	spvStorageUniform  = 2
)

// Reflect reads a compute shader's bindings, push-constant block size and
// specialization constants from its SPIR-V, so that no caller retypes
// them. It refuses modules whose bindings are not 0..n-1 of set 0.
func Reflect(spv []byte) (Layout, error) {
	if len(spv) < 20 || len(spv)%4 != 0 || binary.LittleEndian.Uint32(spv) != spvMagic {
		return Layout{}, fmt.Errorf("not a little-endian SPIR-V module (%d bytes)", len(spv))
	}
	w := make([]uint32, len(spv)/4)
	for i := range w {
		w[i] = binary.LittleEndian.Uint32(spv[4*i:])
	}
	type typ struct {
		op   uint32
		args []uint32
	}
	types := map[uint32]typ{}
	consts := map[uint32]uint32{}
	binding := map[uint32]uint32{}
	set := map[uint32]uint32{}
	stride := map[uint32]uint32{}
	offsets := map[[2]uint32]uint32{}
	var specIDs []uint32
	var buffers []uint32 // variables in StorageBuffer or Uniform storage
	push := uint32(0)    // the push-constant variable's pointer type
	for i := 5; i < len(w); {
		n, op := int(w[i]>>16), w[i]&0xffff
		if n == 0 || i+n > len(w) {
			return Layout{}, fmt.Errorf("malformed SPIR-V: instruction at word %d", i)
		}
		a := w[i+1 : i+n]
		switch op {
		case spvOpTypeInt, spvOpTypeFloat, spvOpTypeVector, spvOpTypeMatrix, spvOpTypeArray, spvOpTypeRuntimeArray, spvOpTypeStruct, spvOpTypePointer:
			types[a[0]] = typ{op, a[1:]}
		case spvOpConstant:
			if len(a) >= 3 {
				consts[a[1]] = a[2]
			}
		case spvOpDecorate:
			if len(a) >= 3 {
				switch a[1] {
				case spvDecSpecID:
					specIDs = append(specIDs, a[2])
				case spvDecBinding:
					binding[a[0]] = a[2]
				case spvDecDescSet:
					set[a[0]] = a[2]
				case spvDecArrayStride:
					stride[a[0]] = a[2]
				}
			}
		case spvOpMemberDecorate:
			if len(a) >= 4 && a[2] == spvDecOffset {
				offsets[[2]uint32{a[0], a[1]}] = a[3]
			}
		case spvOpVariable:
			if len(a) >= 3 {
				switch a[2] {
				case spvStorageStorage, spvStorageUniform:
					buffers = append(buffers, a[1])
				case spvStoragePushCons:
					push = a[0]
				}
			}
		}
		i += n
	}
	var size func(id uint32, depth int) (uint32, error)
	size = func(id uint32, depth int) (uint32, error) {
		t, ok := types[id]
		if !ok || depth > 16 {
			return 0, fmt.Errorf("type %%%d is not a sized type", id)
		}
		switch t.op {
		case spvOpTypeInt, spvOpTypeFloat:
			return t.args[0] / 8, nil
		case spvOpTypeVector, spvOpTypeMatrix:
			e, err := size(t.args[0], depth+1)
			return e * t.args[1], err
		case spvOpTypeArray:
			n, ok := consts[t.args[1]]
			if !ok {
				return 0, fmt.Errorf("array %%%d: its length is not a constant", id)
			}
			if s, ok := stride[id]; ok {
				return s * n, nil
			}
			e, err := size(t.args[0], depth+1)
			return e * n, err
		case spvOpTypeStruct:
			end := uint32(0)
			for m, mt := range t.args {
				s, err := size(mt, depth+1)
				if err != nil {
					return 0, err
				}
				end = max(end, offsets[[2]uint32{id, uint32(m)}]+s)
			}
			return end, nil
		}
		return 0, fmt.Errorf("type %%%d (op %d) has no fixed size", id, t.op)
	}
	var l Layout
	if push != 0 {
		p, ok := types[push]
		if !ok || p.op != spvOpTypePointer {
			return Layout{}, fmt.Errorf("push constants of type %%%d", push)
		}
		s, err := size(p.args[1], 0)
		if err != nil {
			return Layout{}, fmt.Errorf("push constants: %w", err)
		}
		l.PushSize = int(s)
	}
	seen := map[uint32]bool{}
	for _, v := range buffers {
		b, ok := binding[v]
		if !ok || set[v] != 0 {
			return Layout{}, fmt.Errorf("buffer %%%d: binding %d of set %d (want set 0)", v, b, set[v])
		}
		seen[b] = true
	}
	for b := range seen {
		if int(b) >= len(seen) {
			return Layout{}, fmt.Errorf("bindings %v are not 0..%d", seen, len(seen)-1)
		}
	}
	l.Bindings = len(seen)
	slices.Sort(specIDs)
	l.SpecIDs = specIDs
	return l, nil
}
