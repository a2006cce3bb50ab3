package vulkan

import (
	"encoding/binary"
	"fmt"
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
