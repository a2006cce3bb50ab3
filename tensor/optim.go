package tensor

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/device"
)

// stepBuffers checks a parameter, its gradient and the optimizer state for
// a fused update and returns their buffers (nil for a nil state tensor).
func stepBuffers(op string, param *Tensor, state ...*Tensor) (n int, p, g device.Buffer, s []device.Buffer) {
	if param.grad == nil {
		panic(fmt.Sprintf("tensor: %s: parameter of shape %v has no gradient (call Backward first)", op, param.shape))
	}
	for _, t := range append([]*Tensor{param, param.grad}, state...) {
		if t == nil {
			s = append(s, nil)
			continue
		}
		sameDevice(op, param, t)
		if !t.IsContiguous() || t.offset != 0 || t.Size() != param.Size() {
			panic(fmt.Sprintf("tensor: %s: tensor of shape %v (offset %d) is not a contiguous match for the parameter of shape %v", op, t.shape, t.offset, param.shape))
		}
		s = append(s, t.buf(op))
	}
	return param.Size(), s[0], s[1], s[2:]
}

// SGDStep updates param in place from its gradient with one fused device
// op; velocity is the momentum state (nil without momentum).
func SGDStep(p device.SGDParams, param, velocity *Tensor) {
	n, w, g, s := stepBuffers("SGDStep", param, velocity)
	param.st.dev.SGDStep(p, n, w, g, s[0])
}

// AdamStep updates param in place with Adam or AdamW; m and v are its
// moment estimates.
func AdamStep(p device.AdamParams, param, m, v *Tensor) {
	n, w, g, s := stepBuffers("AdamStep", param, m, v)
	param.st.dev.AdamStep(p, n, w, g, s[0], s[1])
}

// RMSpropStep updates param in place with RMSprop; gradAvg (centered) and
// buf (momentum) may be nil when unused.
func RMSpropStep(p device.RMSpropParams, param, sq, gradAvg, buf *Tensor) {
	n, w, g, s := stepBuffers("RMSpropStep", param, sq, gradAvg, buf)
	param.st.dev.RMSpropStep(p, n, w, g, s[0], s[1], s[2])
}

// AdaGradStep updates param in place with AdaGrad; sum is its accumulator.
func AdaGradStep(p device.AdaGradParams, param, sum *Tensor) {
	n, w, g, s := stepBuffers("AdaGradStep", param, sum)
	param.st.dev.AdaGradStep(p, n, w, g, s[0])
}

// Assign copies src's values into dst in place (shapes must match; dst must
// not be a broadcast view). It is not recorded by autograd: use it under
// NoGrad to set parameters, or to load saved weights.
func Assign(dst, src *Tensor) {
	dev := sameDevice("Assign", dst, src)
	if !slices.Equal(dst.shape, src.shape) {
		panic(fmt.Sprintf("tensor: Assign: shapes %v and %v differ", dst.shape, src.shape))
	}
	if dst.Size() > 0 {
		dev.CopyStrided(dst.shape, dst.view("Assign"), src.view("Assign"))
	}
}

// Upload copies host values into t in place; t must be contiguous and
// len(data) must equal t.Size().
func Upload(t *Tensor, data []float32) {
	if !t.IsContiguous() || len(data) != t.Size() {
		panic(fmt.Sprintf("tensor: Upload: %d values into a tensor of shape %v (contiguous: %v)", len(data), t.shape, t.IsContiguous()))
	}
	if len(data) > 0 {
		t.st.dev.Upload(t.buf("Upload"), t.offset, data)
	}
}
