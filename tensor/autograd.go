package tensor

import (
	"fmt"
	"slices"
)

// node records how a tensor was made: the op's inputs and its backward rule.
type node struct {
	op     string
	inputs []*Tensor
	// backward maps the gradient of the output to the gradients of the
	// inputs; needs[i] tells whether input i wants one (others may be nil).
	backward func(g *Tensor, needs []bool) []*Tensor
	freed    bool
}

// record attaches a backward rule to out when grad recording is on and an
// input requires grad. It returns out.
func record(out *Tensor, op string, backward func(g *Tensor, needs []bool) []*Tensor, inputs ...*Tensor) *Tensor {
	if !GradEnabled() {
		return out
	}
	for _, in := range inputs {
		if in.requiresGrad {
			out.requiresGrad = true
			out.node = &node{op: op, inputs: inputs, backward: backward}
			return out
		}
	}
	return out
}

// RequiresGrad reports whether gradients flow to or through t.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks a leaf tensor (one not made by a recorded op) as a
// parameter whose gradient Backward computes. It returns t.
func (t *Tensor) SetRequiresGrad(v bool) *Tensor {
	if t.node != nil {
		panic(fmt.Sprintf("tensor: SetRequiresGrad: tensor of shape %v is the result of %s, not a leaf; use Detach", t.shape, t.node.op))
	}
	t.requiresGrad = v
	return t
}

// IsLeaf reports whether t was created directly rather than by a recorded
// op.
func (t *Tensor) IsLeaf() bool { return t.node == nil }

// Grad is the gradient accumulated into a leaf by Backward, or nil.
func (t *Tensor) Grad() *Tensor { return t.grad }

// ZeroGrad releases t's gradient; the next Backward starts from zero.
func (t *Tensor) ZeroGrad() {
	if t.grad != nil {
		t.grad.Release()
		t.grad = nil
	}
}

// Detach returns a view of t's storage that is cut from the graph: it does
// not require grad and Backward does not go through it.
func (t *Tensor) Detach() *Tensor {
	return &Tensor{st: t.st, shape: t.shape, strides: t.strides, offset: t.offset}
}

// Backward computes the gradient of t, which must have one element, with
// respect to every leaf that requires grad, and adds it to the leaves' Grad.
// The graph is freed as it goes: a second Backward through the same ops
// panics, and intermediate buffers return to the device.
func (t *Tensor) Backward() {
	if t.Size() != 1 {
		panic(fmt.Sprintf("tensor: Backward: called on a tensor of shape %v without a gradient; only scalars have an implicit one (use BackwardWithGrad)", t.shape))
	}
	t.BackwardWithGrad(nil)
}

// BackwardWithGrad is Backward with the gradient of some scalar with respect
// to t given as g (of t's shape); nil means ones.
func (t *Tensor) BackwardWithGrad(g *Tensor) {
	if !t.requiresGrad {
		panic(fmt.Sprintf("tensor: Backward: tensor of shape %v does not require grad: no leaf it depends on has SetRequiresGrad(true), or it was made under NoGrad", t.shape))
	}
	if g != nil {
		sameDevice("Backward", t, g)
		if !slices.Equal(g.shape, t.shape) {
			panic(fmt.Sprintf("tensor: Backward: gradient of shape %v for a tensor of shape %v", g.shape, t.shape))
		}
	}
	s, id := pushScope()
	defer popScope(s, id)
	defer enterNoGrad()()
	if g == nil {
		g = Ones(t.st.dev, t.shape...)
	}
	order := topoOrder(t)
	grads := map[*Tensor]*Tensor{t: g}
	owned := map[*Tensor]bool{} // gradients the tape made, which it may add into in place
	taken := map[*storage]bool{}
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		gv := grads[v]
		delete(grads, v)
		if gv == nil {
			continue
		}
		if v.node == nil {
			v.accumulateGrad(gv, s, taken)
			continue
		}
		n := v.node
		if n.freed {
			panic(fmt.Sprintf("tensor: Backward: the graph through %s (output shape %v) was freed by an earlier Backward", n.op, v.shape))
		}
		needs := make([]bool, len(n.inputs))
		for j, in := range n.inputs {
			needs[j] = in.requiresGrad
		}
		gs := n.backward(gv, needs)
		for j, in := range n.inputs {
			if !needs[j] || gs[j] == nil {
				continue
			}
			shape := gs[j].shape
			if gs[j].part != nil {
				shape = gs[j].part.shape
			}
			if !slices.Equal(shape, in.shape) {
				panic(fmt.Sprintf("tensor: internal error: backward of %s gave a gradient of shape %v for input %d of shape %v", n.op, gs[j].shape, j, in.shape))
			}
			grads[in] = accumulate(grads[in], gs[j], owned)
		}
	}
	for _, v := range order {
		if v.node != nil {
			v.node.inputs, v.node.backward, v.node.freed = nil, nil, true
		}
	}
}

// gradPart describes a gradient that is a slice of a larger, otherwise
// zero one (Narrow's).
type gradPart struct {
	shape       []int
	axis, start int
}

// accumulate adds the gradient g to prev (nil for none yet) and returns
// the sum. A partial gradient (part set) becomes a whole one on its first
// arrival, and later ones add into the region they cover, in place where
// the tape made the whole one itself.
func accumulate(prev, g *Tensor, owned map[*Tensor]bool) *Tensor {
	if g.part == nil {
		if prev == nil {
			return g
		}
		sum := prev.Add(g)
		owned[sum] = true
		return sum
	}
	p := g.part
	g = &Tensor{st: g.st, shape: g.shape, strides: g.strides, offset: g.offset}
	dev := g.st.dev
	if prev == nil || !owned[prev] {
		whole := Zeros(dev, p.shape...)
		region := whole.Narrow(p.axis, p.start, g.shape[p.axis])
		dev.CopyStrided(g.shape, region.view("Backward"), g.view("Backward"))
		owned[whole] = true
		if prev == nil {
			return whole
		}
		sum := prev.Add(whole)
		owned[sum] = true
		return sum
	}
	region := prev.Narrow(p.axis, p.start, g.shape[p.axis])
	sum := region.Add(g)
	dev.CopyStrided(g.shape, region.view("Backward"), sum.view("Backward"))
	sum.Release()
	return prev
}

// accumulateGrad adds g to the leaf's gradient. The gradient it keeps is a
// contiguous tensor of its own, exempt from Tidy scopes.
func (t *Tensor) accumulateGrad(g *Tensor, s *scope, taken map[*storage]bool) {
	if t.grad != nil {
		sum := t.grad.Add(g)
		t.grad.Release()
		t.grad = sum
	} else if g.IsContiguous() && g.offset == 0 && !taken[g.st] && s.owns(g.st) {
		t.grad = &Tensor{st: g.st, shape: g.shape, strides: g.strides}
	} else {
		t.grad = g.contiguousCopy()
	}
	taken[t.grad.st] = true
	Keep(t.grad)
}

func (s *scope) owns(st *storage) bool {
	scopeMu.Lock()
	defer scopeMu.Unlock()
	return slices.Contains(s.storages, st)
}

// topoOrder lists the tensors t depends on through ops that require grad,
// each after all of its inputs.
func topoOrder(t *Tensor) []*Tensor {
	var order []*Tensor
	seen := map[*Tensor]bool{t: true}
	type frame struct {
		t    *Tensor
		next int
	}
	stack := []frame{{t, 0}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		var ins []*Tensor
		if f.t.node != nil {
			ins = f.t.node.inputs
		}
		if f.next < len(ins) {
			in := ins[f.next]
			f.next++
			if in.requiresGrad && !seen[in] {
				seen[in] = true
				stack = append(stack, frame{in, 0})
			}
			continue
		}
		order = append(order, f.t)
		stack = stack[:len(stack)-1]
	}
	return order
}
