package device

import "fmt"

// Pooling is the 2-D pooling family on contiguous [N, C, H, W] tensors; the
// output is [N, C, OutH, OutW].
type Pooling interface {
	// MaxPool2d writes the maximum of each window to dst and, into indices,
	// the position h*W+w in its input plane of the element chosen (the first
	// on ties), which is what MaxPool2dBackward needs. Padding counts as
	// -Inf.
	MaxPool2d(p Pool2dParams, dst, indices, x Buffer)
	// MaxPool2dBackward scatters dy to the chosen positions, summing where
	// windows overlap; dx is overwritten.
	MaxPool2dBackward(p Pool2dParams, dx, dy, indices Buffer)
	// AvgPool2d writes the mean of each window; padded positions count in
	// the divisor when p.CountIncludePad is set, as in PyTorch's default.
	AvgPool2d(p Pool2dParams, dst, x Buffer)
	// AvgPool2dBackward spreads dy evenly over each window; dx is
	// overwritten.
	AvgPool2dBackward(p Pool2dParams, dx, dy Buffer)
}

// Pool2dParams are the sizes of a 2-D pooling.
type Pool2dParams struct {
	// N, C, H, W are the input's sizes.
	N, C, H, W int
	// KH, KW are the window's size; strides and padding per axis.
	KH, KW           int
	StrideH, StrideW int
	PadH, PadW       int
	// CountIncludePad makes average pooling divide by the whole window
	// size, padding included (a window that reaches past the padding, in
	// ceil mode, divides by the part within it, as PyTorch does).
	CountIncludePad bool
	// CeilMode rounds the output size up rather than down (PyTorch's
	// ceil_mode): a last, partial window is kept when it starts inside
	// the input or its left padding. Windows are clipped to the input.
	CeilMode bool
}

// OutH is the output's height.
func (p Pool2dParams) OutH() int { return poolOut(p.H, p.KH, p.StrideH, p.PadH, p.CeilMode) }

// OutW is the output's width.
func (p Pool2dParams) OutW() int { return poolOut(p.W, p.KW, p.StrideW, p.PadW, p.CeilMode) }

// poolOut is PyTorch's pooling output size along one axis.
func poolOut(in, k, stride, pad int, ceil bool) int {
	span := in + 2*pad - k
	if !ceil || span < 0 {
		return floorDiv(span, stride) + 1
	}
	out := (span+stride-1)/stride + 1
	if (out-1)*stride >= in+pad {
		out-- // the last window would start in the right padding
	}
	return out
}

// floorDiv divides rounding towards −Inf (a window larger than the input
// gives an output size of 0, not 1).
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// Validate returns an error describing the first inconsistent size.
func (p Pool2dParams) Validate() error {
	switch {
	case p.N < 0 || p.C < 1 || p.H < 1 || p.W < 1 || p.KH < 1 || p.KW < 1:
		return fmt.Errorf("pool2d: sizes must be positive: %+v", p)
	case p.StrideH < 1 || p.StrideW < 1:
		return fmt.Errorf("pool2d: strides must be >= 1: %+v", p)
	case p.PadH < 0 || p.PadW < 0 || 2*p.PadH > p.KH || 2*p.PadW > p.KW:
		return fmt.Errorf("pool2d: padding must be between 0 and half the window: %+v", p)
	case p.OutH() < 1 || p.OutW() < 1:
		return fmt.Errorf("pool2d: window %dx%d does not fit input %dx%d", p.KH, p.KW, p.H, p.W)
	}
	return nil
}
