package device

import "fmt"

// Convolution is the 2-D convolution family. All tensors are contiguous:
// x is [N, C, H, W], w is [OutC, C/Groups, KH, KW], the output is
// [N, OutC, OutH, OutW] and bias is [OutC].
type Convolution interface {
	// Conv2d computes dst = conv2d(x, w) + bias; bias may be nil.
	Conv2d(p Conv2dParams, dst, x, w, bias Buffer)
	// Conv2dBackwardData computes the gradient with respect to x from dy.
	Conv2dBackwardData(p Conv2dParams, dx, dy, w Buffer)
	// Conv2dBackwardFilter computes the gradient with respect to w from x
	// and dy.
	Conv2dBackwardFilter(p Conv2dParams, dw, x, dy Buffer)
}

// Conv2dParams are the sizes of a 2-D convolution (cross-correlation, as in
// every deep-learning library).
type Conv2dParams struct {
	// N, C, H, W are the input's batch, channels, height and width.
	N, C, H, W int
	// OutC is the number of output channels; KH and KW the kernel's size.
	OutC, KH, KW int
	// Stride, padding (zeros on both sides) and dilation per axis; Groups
	// splits the channels into independent groups. Stride, dilation and
	// groups must be at least 1.
	StrideH, StrideW     int
	PadH, PadW           int
	DilationH, DilationW int
	Groups               int
}

// OutH is the output's height.
func (p Conv2dParams) OutH() int {
	return (p.H+2*p.PadH-p.DilationH*(p.KH-1)-1)/p.StrideH + 1
}

// OutW is the output's width.
func (p Conv2dParams) OutW() int {
	return (p.W+2*p.PadW-p.DilationW*(p.KW-1)-1)/p.StrideW + 1
}

// Validate returns an error describing the first inconsistent size.
func (p Conv2dParams) Validate() error {
	switch {
	case p.N < 0 || p.C < 1 || p.H < 1 || p.W < 1 || p.OutC < 1 || p.KH < 1 || p.KW < 1:
		return fmt.Errorf("conv2d: sizes must be positive: %+v", p)
	case p.StrideH < 1 || p.StrideW < 1 || p.DilationH < 1 || p.DilationW < 1 || p.Groups < 1:
		return fmt.Errorf("conv2d: stride, dilation and groups must be >= 1: %+v", p)
	case p.PadH < 0 || p.PadW < 0:
		return fmt.Errorf("conv2d: padding must be >= 0: %+v", p)
	case p.C%p.Groups != 0 || p.OutC%p.Groups != 0:
		return fmt.Errorf("conv2d: %d input and %d output channels are not divisible by %d groups", p.C, p.OutC, p.Groups)
	case p.OutH() < 1 || p.OutW() < 1:
		return fmt.Errorf("conv2d: kernel %dx%d (dilation %d,%d) does not fit input %dx%d with padding %d,%d", p.KH, p.KW, p.DilationH, p.DilationW, p.H, p.W, p.PadH, p.PadW)
	}
	return nil
}
