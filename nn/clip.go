package nn

import (
	"fmt"

	"github.com/vkgrad/vkgrad/tensor"
)

// ClipGradNorm scales the gradients of params so that their global L2
// norm is at most maxNorm, as PyTorch's clip_grad_norm_ does: every
// gradient is multiplied by min(1, maxNorm/(norm + 1e-6)). It returns the
// norm before clipping as a scalar tensor on the device: nothing is read
// back (read it with Item when you want it). Params without a gradient
// are left out.
func ClipGradNorm(params []Param, maxNorm float32) *tensor.Tensor {
	if !(maxNorm > 0) {
		panic(fmt.Sprintf("nn: ClipGradNorm: max norm %v", maxNorm))
	}
	var norm *tensor.Tensor
	tensor.NoGrad(func() {
		var total *tensor.Tensor
		for _, p := range params {
			g := p.Tensor.Grad()
			if g == nil {
				continue
			}
			s := g.Square().Sum()
			if total == nil {
				total = s
			} else {
				total = total.Add(s)
			}
		}
		if total == nil {
			return
		}
		norm = total.Sqrt()
		scale := norm.AddScalar(1e-6).PowScalar(-1).MulScalar(maxNorm).MinimumScalar(1)
		for _, p := range params {
			if g := p.Tensor.Grad(); g != nil {
				tensor.Assign(g, g.Mul(scale))
			}
		}
	})
	return norm
}

// ClipGradValue clamps every gradient of params into [-clip, clip] in
// place (PyTorch's clip_grad_value_).
func ClipGradValue(params []Param, clip float32) {
	if !(clip > 0) {
		panic(fmt.Sprintf("nn: ClipGradValue: clip %v", clip))
	}
	tensor.NoGrad(func() {
		for _, p := range params {
			if g := p.Tensor.Grad(); g != nil {
				tensor.Assign(g, g.Clamp(-clip, clip))
			}
		}
	})
}
