package tensor

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/device"
)

// LayerNorm normalises x over its last len(normalizedShape) dimensions,
// which must equal normalizedShape, by their mean and biased variance, then
// scales by weight and adds bias (both of normalizedShape; either may be
// nil): PyTorch's F.layer_norm(x, normalized_shape, weight, bias, eps).
// Forward and backward are fused device ops; gradients flow to x, weight
// and bias.
func LayerNorm(x *Tensor, normalizedShape []int, weight, bias *Tensor, eps float32) *Tensor {
	const op = "LayerNorm"
	k := len(normalizedShape)
	if k == 0 || k > len(x.shape) || !slices.Equal(x.shape[len(x.shape)-k:], normalizedShape) {
		panic(fmt.Sprintf("tensor: %s: input %v does not end in the normalized shape %v", op, x.shape, normalizedShape))
	}
	for _, p := range []struct {
		name string
		t    *Tensor
	}{{"weight", weight}, {"bias", bias}} {
		if p.t == nil {
			continue
		}
		sameDevice(op, x, p.t)
		if !slices.Equal(p.t.shape, normalizedShape) {
			panic(fmt.Sprintf("tensor: %s: %s of shape %v for the normalized shape %v", op, p.name, p.t.shape, normalizedShape))
		}
	}
	if weight == nil && bias != nil {
		// The device op takes a bias only with a weight.
		return LayerNorm(x, normalizedShape, nil, nil, eps).Add(bias)
	}
	dev := x.st.dev
	n := device.NumElements(normalizedShape)
	rows := device.NumElements(x.shape[:len(x.shape)-k])
	xc := x.contig()
	out := empty(dev, x.shape)
	mean, rstd := empty(dev, []int{rows}), empty(dev, []int{rows})
	var wc, bc *Tensor
	var wb, bb device.Buffer
	if weight != nil {
		wc = weight.contig()
		wb = wc.buf(op)
	}
	if bias != nil {
		bc = bias.contig()
		bb = bc.buf(op)
	}
	dev.LayerNorm(rows, n, eps, out.buf(op), mean.buf(op), rstd.buf(op), xc.buf(op), wb, bb)
	if bc != nil {
		releaseTemp(bc, bias)
	}
	needs := x.requiresGrad || (weight != nil && weight.requiresGrad) || (bias != nil && bias.requiresGrad)
	if !needs || !GradEnabled() {
		releaseTemp(xc, x)
		if wc != nil {
			releaseTemp(wc, weight)
		}
		mean.Release()
		rstd.Release()
		return out
	}
	inputs := []*Tensor{x}
	if weight != nil {
		inputs = append(inputs, weight)
	}
	if bias != nil {
		inputs = append(inputs, bias)
	}
	return record(out, op, func(g *Tensor, needs []bool) []*Tensor {
		gc := g.contig()
		dx := empty(dev, x.shape)
		var dyx *Tensor
		var yxb device.Buffer
		if weight != nil && needs[1] {
			dyx = empty(dev, x.shape)
			yxb = dyx.buf(op)
		}
		dev.LayerNormBackward(rows, n, dx.buf(op), yxb, gc.buf(op), xc.buf(op), mean.buf(op), rstd.buf(op), wb)
		grads := []*Tensor{dx}
		if weight != nil {
			var dw *Tensor
			if dyx != nil {
				dw = dyx.Reshape(rows, n).Sum(0).Reshape(normalizedShape...)
				dyx.Release()
			}
			grads = append(grads, dw)
		}
		if bias != nil {
			var db *Tensor
			if needs[len(needs)-1] {
				db = gc.Reshape(rows, n).Sum(0).Reshape(normalizedShape...)
			}
			grads = append(grads, db)
		}
		releaseTemp(gc, g)
		return grads
	}, inputs...)
}

// GroupNorm normalises x [N, C, ...] over each of numGroups groups of
// C/numGroups channels (with all their positions), then scales and shifts
// each channel by weight and bias [C] (either may be nil): PyTorch's
// F.group_norm. The normalisation is the fused LayerNorm op over each
// (sample, group) row.
func GroupNorm(x *Tensor, numGroups int, weight, bias *Tensor, eps float32) *Tensor {
	const op = "GroupNorm"
	if len(x.shape) < 2 || numGroups < 1 || x.shape[1]%numGroups != 0 {
		panic(fmt.Sprintf("tensor: %s: input %v and %d groups (want [N, C, ...] with C divisible by the groups)", op, x.shape, numGroups))
	}
	n, c := x.shape[0], x.shape[1]
	per := x.Size() / max(n*numGroups, 1)
	bshape := slices.Repeat([]int{1}, len(x.shape))
	bshape[1] = c
	for _, p := range []struct {
		name string
		t    *Tensor
	}{{"weight", weight}, {"bias", bias}} {
		if p.t != nil && !slices.Equal(p.t.shape, []int{c}) {
			panic(fmt.Sprintf("tensor: %s: %s of shape %v for %d channels", op, p.name, p.t.shape, c))
		}
	}
	y := LayerNorm(x.Reshape(n*numGroups, per), []int{per}, nil, nil, eps).Reshape(x.shape...)
	if weight != nil {
		y = y.Mul(weight.Reshape(bshape...))
	}
	if bias != nil {
		y = y.Add(bias.Reshape(bshape...))
	}
	return y
}
