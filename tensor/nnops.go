package tensor

import (
	"fmt"
	"math"

	"github.com/vkgrad/vkgrad/device"
)

// split3 views shape as [outer, n, inner] around axis.
func split3(shape []int, axis int) (outer, n, inner int) {
	return device.NumElements(shape[:axis]), shape[axis], device.NumElements(shape[axis+1:])
}

func (t *Tensor) softmax(log bool, axis int) *Tensor {
	name := "Softmax"
	if log {
		name = "LogSoftmax"
	}
	axis = t.axis(name, axis)
	x := t.contig()
	dev := t.st.dev
	outer, n, inner := split3(t.shape, axis)
	out := empty(dev, t.shape)
	dev.Softmax(log, outer, n, inner, out.buf(name), x.buf(name))
	releaseTemp(x, t)
	return record(out, name, func(g *Tensor, _ []bool) []*Tensor {
		gc := g.contig()
		dx := empty(dev, t.shape)
		dev.SoftmaxBackward(log, outer, n, inner, dx.buf(name), out.buf(name), gc.buf(name))
		releaseTemp(gc, g)
		return []*Tensor{dx}
	}, t)
}

// contig returns t when it is contiguous from element 0 of its buffer, and
// an unrecorded contiguous copy otherwise, for the device ops that take
// plain buffers. Callers keep the result referenced while the device uses
// its buffer.
func (t *Tensor) contig() *Tensor {
	if t.IsContiguous() && t.offset == 0 {
		return t
	}
	return t.contiguousCopy()
}

// releaseTemp releases c when it is a temporary copy of t made by contig.
func releaseTemp(c, t *Tensor) {
	if c.st != t.st {
		c.Release()
	}
}

// Softmax returns exp(t) / sum(exp(t)) along axis, computed stably.
func (t *Tensor) Softmax(axis int) *Tensor { return t.softmax(false, axis) }

// LogSoftmax returns log(Softmax(t)) along axis, computed stably.
func (t *Tensor) LogSoftmax(axis int) *Tensor { return t.softmax(true, axis) }

// DefaultIgnoreIndex is the label CrossEntropy ignores: PyTorch's default
// ignore_index, -100.
const DefaultIgnoreIndex = -100

// CrossEntropy returns the mean over the batch of the softmax cross-entropy
// between logits [batch, classes] and labels [batch] (class indices stored
// as float32), fused: the softmax, the loss and its gradient come from one
// device op. As PyTorch's F.cross_entropy, rows labelled
// DefaultIgnoreIndex (-100) are left out of the loss and the mean (see
// CrossEntropyIgnore).
//
// A label that is neither an integer in [0, classes) nor the ignore index
// makes the loss NaN, and the device reports it as a *device.LabelError
// from the next Data, Item or Sync (once; the device goes on working):
// loss.Item() returns it. PyTorch raises an exception at once instead.
func CrossEntropy(logits, labels *Tensor) *Tensor {
	return CrossEntropyIgnore(logits, labels, DefaultIgnoreIndex)
}

// CrossEntropyIgnore is CrossEntropy with PyTorch's ignore_index: rows
// labelled ignoreIndex add nothing to the loss or the gradient, and the
// mean is over the other rows (a batch of only ignored rows gives NaN, as
// in PyTorch). ignoreIndex must fit in an int32.
func CrossEntropyIgnore(logits, labels *Tensor, ignoreIndex int) *Tensor {
	dev := sameDevice("CrossEntropy", logits, labels)
	if len(logits.shape) != 2 || len(labels.shape) != 1 || labels.shape[0] != logits.shape[0] {
		panic(fmt.Sprintf("tensor: CrossEntropy: logits %v and labels %v (want [batch, classes] and [batch])", logits.shape, labels.shape))
	}
	if ignoreIndex < math.MinInt32 || ignoreIndex > math.MaxInt32 {
		panic(fmt.Sprintf("tensor: CrossEntropy: ignore index %d does not fit in an int32", ignoreIndex))
	}
	batch, classes := logits.shape[0], logits.shape[1]
	loss := empty(dev, nil)
	var grad *Tensor
	if logits.requiresGrad && GradEnabled() {
		grad = empty(dev, logits.shape)
	}
	var gbuf device.Buffer
	if grad != nil {
		gbuf = grad.buf("CrossEntropy")
	}
	lc, yc := logits.contig(), labels.contig()
	dev.SoftmaxCrossEntropy(batch, classes, ignoreIndex, loss.buf("CrossEntropy"), gbuf, lc.buf("CrossEntropy"), yc.buf("CrossEntropy"))
	releaseTemp(lc, logits)
	releaseTemp(yc, labels)
	return record(loss, "CrossEntropy", func(g *Tensor, _ []bool) []*Tensor {
		return []*Tensor{grad.Mul(g)}
	}, logits, labels.Detach())
}

// Conv2dOptions are the hyper-parameters of Conv2d; zero values mean stride
// 1, no padding, dilation 1 and one group.
type Conv2dOptions struct {
	Stride, Padding, Dilation [2]int
	Groups                    int
}

// or1 replaces 0 with 1.
func or1(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// Conv2d convolves x [N, C, H, W] with w [OutC, C/Groups, KH, KW] and adds
// bias [OutC] (or nil), giving [N, OutC, OutH, OutW].
func Conv2d(x, w, bias *Tensor, o Conv2dOptions) *Tensor {
	dev := sameDevice("Conv2d", x, w)
	if len(x.shape) != 4 || len(w.shape) != 4 {
		panic(fmt.Sprintf("tensor: Conv2d: input %v and weight %v must be 4-D ([N, C, H, W] and [OutC, C/groups, KH, KW])", x.shape, w.shape))
	}
	p := device.Conv2dParams{
		N: x.shape[0], C: x.shape[1], H: x.shape[2], W: x.shape[3],
		OutC: w.shape[0], KH: w.shape[2], KW: w.shape[3],
		StrideH: or1(o.Stride[0]), StrideW: or1(o.Stride[1]),
		PadH: o.Padding[0], PadW: o.Padding[1],
		DilationH: or1(o.Dilation[0]), DilationW: or1(o.Dilation[1]),
		Groups: or1(o.Groups),
	}
	if w.shape[1]*p.Groups != p.C {
		panic(fmt.Sprintf("tensor: Conv2d: input %v has %d channels but weight %v with %d groups expects %d", x.shape, p.C, w.shape, p.Groups, w.shape[1]*p.Groups))
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Sprintf("tensor: Conv2d: input %v, weight %v: %v", x.shape, w.shape, err))
	}
	var bc *Tensor
	var bbuf device.Buffer
	inputs := []*Tensor{x, w}
	if bias != nil {
		sameDevice("Conv2d", x, bias)
		if len(bias.shape) != 1 || bias.shape[0] != p.OutC {
			panic(fmt.Sprintf("tensor: Conv2d: bias of shape %v for %d output channels", bias.shape, p.OutC))
		}
		bc = bias.contig()
		bbuf = bc.buf("Conv2d")
		inputs = append(inputs, bias)
	}
	// xc and wc stay referenced by the backward rule, which reads them.
	xc, wc := x.contig(), w.contig()
	out := empty(dev, []int{p.N, p.OutC, p.OutH(), p.OutW()})
	dev.Conv2d(p, out.buf("Conv2d"), xc.buf("Conv2d"), wc.buf("Conv2d"), bbuf)
	if bc != nil {
		releaseTemp(bc, bias)
	}
	return record(out, "Conv2d", func(g *Tensor, needs []bool) []*Tensor {
		gc := g.contig()
		defer releaseTemp(gc, g)
		gs := make([]*Tensor, len(inputs))
		if needs[0] {
			gs[0] = empty(dev, x.shape)
			dev.Conv2dBackwardData(p, gs[0].buf("Conv2d"), gc.buf("Conv2d"), wc.buf("Conv2d"))
		}
		if needs[1] {
			gs[1] = empty(dev, w.shape)
			dev.Conv2dBackwardFilter(p, gs[1].buf("Conv2d"), xc.buf("Conv2d"), gc.buf("Conv2d"))
		}
		if len(inputs) == 3 && needs[2] {
			gs[2] = g.Sum(0, 2, 3)
		}
		return gs
	}, inputs...)
}

// Pool2dOptions are the hyper-parameters of the 2-D poolings. A zero Stride
// means the kernel size (PyTorch's default); CountIncludePad makes average
// pooling count padded zeros in its divisor (PyTorch's default is true, so
// set it to match).
type Pool2dOptions struct {
	Kernel, Stride, Padding [2]int
	CountIncludePad         bool
	// CeilMode rounds the output size up, as PyTorch's ceil_mode.
	CeilMode bool
}

func poolParams(op string, x *Tensor, o Pool2dOptions) device.Pool2dParams {
	if len(x.shape) != 4 {
		panic(fmt.Sprintf("tensor: %s: input %v must be 4-D [N, C, H, W]", op, x.shape))
	}
	p := device.Pool2dParams{
		N: x.shape[0], C: x.shape[1], H: x.shape[2], W: x.shape[3],
		KH: o.Kernel[0], KW: o.Kernel[1],
		StrideH: o.Stride[0], StrideW: o.Stride[1],
		PadH: o.Padding[0], PadW: o.Padding[1],
		CountIncludePad: o.CountIncludePad, CeilMode: o.CeilMode,
	}
	if p.StrideH == 0 {
		p.StrideH = p.KH
	}
	if p.StrideW == 0 {
		p.StrideW = p.KW
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Sprintf("tensor: %s: input %v: %v", op, x.shape, err))
	}
	return p
}

// MaxPool2d takes the maximum of each window of x [N, C, H, W].
func MaxPool2d(x *Tensor, o Pool2dOptions) *Tensor {
	p := poolParams("MaxPool2d", x, o)
	dev := x.st.dev
	shape := []int{p.N, p.C, p.OutH(), p.OutW()}
	out := empty(dev, shape)
	idx := empty(dev, shape)
	xc := x.contig()
	dev.MaxPool2d(p, out.buf("MaxPool2d"), idx.buf("MaxPool2d"), xc.buf("MaxPool2d"))
	releaseTemp(xc, x)
	if !x.requiresGrad || !GradEnabled() {
		idx.Release()
		return out
	}
	return record(out, "MaxPool2d", func(g *Tensor, _ []bool) []*Tensor {
		dx := empty(dev, x.shape)
		gc := g.contig()
		dev.MaxPool2dBackward(p, dx.buf("MaxPool2d"), gc.buf("MaxPool2d"), idx.buf("MaxPool2d"))
		releaseTemp(gc, g)
		return []*Tensor{dx}
	}, x)
}

// AvgPool2d averages each window of x [N, C, H, W].
func AvgPool2d(x *Tensor, o Pool2dOptions) *Tensor {
	p := poolParams("AvgPool2d", x, o)
	dev := x.st.dev
	out := empty(dev, []int{p.N, p.C, p.OutH(), p.OutW()})
	xc := x.contig()
	dev.AvgPool2d(p, out.buf("AvgPool2d"), xc.buf("AvgPool2d"))
	releaseTemp(xc, x)
	return record(out, "AvgPool2d", func(g *Tensor, _ []bool) []*Tensor {
		dx := empty(dev, x.shape)
		gc := g.contig()
		dev.AvgPool2dBackward(p, dx.buf("AvgPool2d"), gc.buf("AvgPool2d"))
		releaseTemp(gc, g)
		return []*Tensor{dx}
	}, x)
}

// Dropout zeroes each element of x with probability p and scales the rest
// by 1/(1-p) (inverted dropout). The mask is draw (seed, offset) of the
// counter-based generator, so it is the same on every device; callers
// advance offset by x.Size() per call.
func Dropout(x *Tensor, p float32, seed, offset uint64) *Tensor {
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("tensor: Dropout: probability %v outside [0, 1)", p))
	}
	if p == 0 {
		return x
	}
	dev := x.st.dev
	mask := empty(dev, x.shape)
	dev.Bernoulli(mask.buf("Dropout"), mask.Size(), seed, offset, 1-p, 1/(1-p))
	return x.Mul(mask)
}

// BernoulliMask returns a tensor of the given shape whose elements are scale
// with probability p and 0 otherwise.
func BernoulliMask(dev device.Device, seed, offset uint64, p, scale float32, shape ...int) *Tensor {
	checkShape("BernoulliMask", shape)
	t := empty(dev, shape)
	dev.Bernoulli(t.buf("BernoulliMask"), t.Size(), seed, offset, p, scale)
	return t
}
