package device

import "fmt"

// Normalization is the family of fused normalisation ops. Tensors are
// contiguous and viewed as [rows, n]: each row is normalised on its own.
type Normalization interface {
	// LayerNorm normalises each row of x [rows, n] by its mean and its
	// biased variance (as PyTorch does): y = (x − mean)·rstd·w + b with
	// rstd = 1/√(var + eps), w and b of n elements (nil: w = 1, b = 0;
	// b may only be given with w). It writes mean and rstd [rows] for the
	// backward pass. A row of n = 0 has a NaN mean and rstd, as in
	// PyTorch.
	LayerNorm(rows, n int, eps float32, y, mean, rstd, x, w, b Buffer)
	// LayerNormBackward computes, from dy, x and the forward pass's mean
	// and rstd, dx [rows, n] = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with
	// x̂ = (x − mean)·rstd and ĝ = dy·w (w nil: ĝ = dy), the means over
	// each row. When dyXhat is not nil it also gets dy·x̂ [rows, n], which
	// summed over the rows is w's gradient (b's is dy's sum).
	LayerNormBackward(rows, n int, dx, dyXhat, dy, x, mean, rstd, w Buffer)
}

// CheckNorm panics, naming op, when a normalisation's sizes are negative,
// a bias comes without a weight, or w or b (when not nil) holds fewer than
// n elements.
func CheckNorm(op string, rows, n int, w, b Buffer) {
	if rows < 0 || n < 0 {
		panic(fmt.Sprintf("%s: negative size [%d, %d]", op, rows, n))
	}
	if b != nil && w == nil {
		panic(fmt.Sprintf("%s: a bias without a weight", op))
	}
	if w != nil {
		CheckLen(op, "w", w, 0, n)
	}
	if b != nil {
		CheckLen(op, "b", b, 0, n)
	}
}
