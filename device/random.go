package device

// Generator is the family of ops that fill buffers: constants, ranges and
// random numbers.
//
// Random numbers come from a counter-based generator (Philox4x32-10, see
// package internal/philox): element i of a draw with a given seed and
// counter offset depends only on (seed, offset+i), so every backend draws
// the same numbers for the same seed, in any order and in parallel.
type Generator interface {
	// Fill sets dst[offset:offset+n] to v.
	Fill(dst Buffer, offset, n int, v float32)
	// Arange sets dst[i] = start + i*step for i in [0, n).
	Arange(dst Buffer, n int, start, step float32)
	// RandUniform sets dst[i], i in [0, n), to a uniform draw in [lo, hi).
	RandUniform(dst Buffer, n int, seed, offset uint64, lo, hi float32)
	// RandNormal sets dst[i] to a normal draw with the given mean and
	// standard deviation.
	RandNormal(dst Buffer, n int, seed, offset uint64, mean, std float32)
	// Bernoulli sets dst[i] to scale with probability p and to 0 otherwise
	// (a dropout mask that keeps with probability p uses scale 1/p).
	Bernoulli(dst Buffer, n int, seed, offset uint64, p, scale float32)
}
