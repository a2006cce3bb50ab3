// Package philox is the counter-based random number generator every vkgrad
// backend draws from: Philox4x32-10 (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC 2011).
//
// Element i of a draw with seed s and counter offset o is a function of
// (s, o+i) alone, so a GPU thread computes its element without any state and
// every backend gives the same numbers for the same seed. The key is the
// 64-bit seed; the counter is (o+i) in its first two words, zero in the
// others. Conversions to floats are defined here once; GPU shaders follow
// them exactly.
package philox

import "math"

const (
	m0 = 0xD2511F53
	m1 = 0xCD9E8D57
	w0 = 0x9E3779B9
	w1 = 0xBB67AE85
)

// Block returns the four 32-bit outputs of Philox4x32-10 for the key seed
// and the counter ctr.
func Block(seed, ctr uint64) [4]uint32 {
	k0, k1 := uint32(seed), uint32(seed>>32)
	c0, c1, c2, c3 := uint32(ctr), uint32(ctr>>32), uint32(0), uint32(0)
	for r := 0; r < 10; r++ {
		p0 := uint64(m0) * uint64(c0)
		p1 := uint64(m1) * uint64(c2)
		hi0, lo0 := uint32(p0>>32), uint32(p0)
		hi1, lo1 := uint32(p1>>32), uint32(p1)
		c0, c1, c2, c3 = hi1^c1^k0, lo1, hi0^c3^k1, lo0
		k0 += w0
		k1 += w1
	}
	return [4]uint32{c0, c1, c2, c3}
}

// Unit maps x to a float32 in [0, 1) with 24 random bits.
func Unit(x uint32) float32 { return float32(x>>8) * (1.0 / 16777216.0) }

// OpenUnit maps x to a float32 in (0, 1), never 0, with 24 random bits.
func OpenUnit(x uint32) float32 { return (float32(x>>8) + 0.5) * (1.0 / 16777216.0) }

// Uniform is element i of a uniform draw in [lo, hi).
func Uniform(seed, ctr uint64, lo, hi float32) float32 {
	b := Block(seed, ctr)
	return lo + (hi-lo)*Unit(b[0])
}

// Normal is element i of a normal draw (Box-Muller on the first two
// outputs of the block).
func Normal(seed, ctr uint64, mean, std float32) float32 {
	b := Block(seed, ctr)
	u1, u2 := OpenUnit(b[0]), Unit(b[1])
	r := math.Sqrt(-2 * math.Log(float64(u1)))
	return mean + std*float32(r*math.Cos(2*math.Pi*float64(u2)))
}

// Bernoulli is scale with probability p and 0 otherwise.
func Bernoulli(seed, ctr uint64, p, scale float32) float32 {
	b := Block(seed, ctr)
	if Unit(b[0]) < p {
		return scale
	}
	return 0
}
