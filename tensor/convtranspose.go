package tensor

import (
	"fmt"

	"github.com/vkgrad/vkgrad/device"
)

// ConvTranspose2dOptions are ConvTranspose2d's hyper-parameters, as
// PyTorch's: zero values mean stride 1, no padding, no output padding,
// dilation 1 and one group.
type ConvTranspose2dOptions struct {
	Stride, Padding, OutputPadding, Dilation [2]int
	Groups                                   int
}

// ConvTranspose2d is PyTorch's F.conv_transpose2d: the gradient of a
// convolution with respect to its input, used as a layer that upsamples. x
// is [N, Cin, H, W] and w [Cin, Cout/groups, KH, KW] (PyTorch's layout);
// the output is [N, Cout, Hout, Wout] with Hout = (H−1)·stride − 2·padding
// + dilation·(KH−1) + output_padding + 1 (and likewise Wout). bias is
// [Cout] or nil. It runs on the convolution's kernels: forward is
// Conv2dBackwardData, backward Conv2d and Conv2dBackwardFilter.
func ConvTranspose2d(x, w, bias *Tensor, o ConvTranspose2dOptions) *Tensor {
	const op = "ConvTranspose2d"
	dev := sameDevice(op, x, w)
	if len(x.shape) != 4 || len(w.shape) != 4 {
		panic(fmt.Sprintf("tensor: %s: input %v and weight %v must be 4-D ([N, Cin, H, W] and [Cin, Cout/groups, KH, KW])", op, x.shape, w.shape))
	}
	groups := or1(o.Groups)
	if w.shape[0] != x.shape[1] {
		panic(fmt.Sprintf("tensor: %s: input %v has %d channels but weight %v expects %d", op, x.shape, x.shape[1], w.shape, w.shape[0]))
	}
	// The convolution whose input gradient this is: its input is the
	// output here, its output the input.
	p := device.Conv2dParams{
		N: x.shape[0], C: w.shape[1] * groups, OutC: x.shape[1], KH: w.shape[2], KW: w.shape[3],
		StrideH: or1(o.Stride[0]), StrideW: or1(o.Stride[1]),
		PadH: o.Padding[0], PadW: o.Padding[1],
		DilationH: or1(o.Dilation[0]), DilationW: or1(o.Dilation[1]),
		Groups: groups,
	}
	for i, op2 := range o.OutputPadding {
		s, d := []int{p.StrideH, p.StrideW}[i], []int{p.DilationH, p.DilationW}[i]
		if op2 < 0 || (op2 >= s && op2 >= d) {
			panic(fmt.Sprintf("tensor: %s: output padding %v must be smaller than the stride %d or the dilation %d", op, o.OutputPadding, s, d))
		}
	}
	p.H = (x.shape[2]-1)*p.StrideH - 2*p.PadH + p.DilationH*(p.KH-1) + o.OutputPadding[0] + 1
	p.W = (x.shape[3]-1)*p.StrideW - 2*p.PadW + p.DilationW*(p.KW-1) + o.OutputPadding[1] + 1
	if err := p.Validate(); err != nil || p.OutH() != x.shape[2] || p.OutW() != x.shape[3] {
		panic(fmt.Sprintf("tensor: %s: input %v, weight %v, %+v: no output size fits (%v)", op, x.shape, w.shape, o, err))
	}
	xc, wc := x.contig(), w.contig() // the backward rule reads them
	out := empty(dev, []int{p.N, p.C, p.H, p.W})
	dev.Conv2dBackwardData(p, out.buf(op), xc.buf(op), wc.buf(op))
	out = record(out, op, func(g *Tensor, needs []bool) []*Tensor {
		gc := g.contig()
		defer releaseTemp(gc, g)
		gs := make([]*Tensor, 2)
		if needs[0] {
			gs[0] = empty(dev, x.shape)
			dev.Conv2d(p, gs[0].buf(op), gc.buf(op), wc.buf(op), nil)
		}
		if needs[1] {
			gs[1] = empty(dev, w.shape)
			dev.Conv2dBackwardFilter(p, gs[1].buf(op), gc.buf(op), xc.buf(op))
		}
		return gs
	}, x, w)
	if bias == nil {
		return out
	}
	sameDevice(op, x, bias)
	if len(bias.shape) != 1 || bias.shape[0] != p.C {
		panic(fmt.Sprintf("tensor: %s: bias of shape %v for %d output channels", op, bias.shape, p.C))
	}
	return out.Add(bias.Reshape(1, p.C, 1, 1))
}
