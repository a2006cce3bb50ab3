package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/tensor"
)

// Upsample is PyTorch's nn.Upsample with an integer scale_factor (or a
// fixed Size): nearest-neighbour or bilinear resizing of [N, C, H, W]
// inputs.
type Upsample struct {
	stateless
	// ScaleFactor multiplies the height and width, unless Size is set
	// ([2]int{outH, outW}).
	ScaleFactor int
	Size        [2]int
	Mode        tensor.UpsampleMode
	// AlignCorners is PyTorch's align_corners (bilinear only).
	AlignCorners bool
}

// NewUpsample returns an upsampling by an integer factor.
func NewUpsample(scaleFactor int, mode tensor.UpsampleMode) *Upsample {
	if scaleFactor < 1 {
		panic(fmt.Sprintf("nn: NewUpsample: scale factor %d", scaleFactor))
	}
	return &Upsample{ScaleFactor: scaleFactor, Mode: mode}
}

// Forward resizes x.
func (u *Upsample) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dims() != 4 {
		panic(fmt.Sprintf("nn: Upsample: input %v (want [N, C, H, W])", x.Shape()))
	}
	h, w := u.Size[0], u.Size[1]
	if h == 0 || w == 0 {
		h, w = x.Dim(2)*u.ScaleFactor, x.Dim(3)*u.ScaleFactor
	}
	return tensor.Upsample(x, h, w, u.Mode, u.AlignCorners)
}

// AdaptiveAvgPool2d is PyTorch's nn.AdaptiveAvgPool2d: average pooling to
// a fixed output size (1×1: global average pooling).
type AdaptiveAvgPool2d struct {
	stateless
	OutH, OutW int
}

// NewAdaptiveAvgPool2d returns average pooling to outH×outW.
func NewAdaptiveAvgPool2d(outH, outW int) *AdaptiveAvgPool2d {
	return &AdaptiveAvgPool2d{OutH: outH, OutW: outW}
}

// Forward pools x [N, C, H, W].
func (a *AdaptiveAvgPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return tensor.AdaptiveAvgPool2d(x, a.OutH, a.OutW)
}
