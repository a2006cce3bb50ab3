package nn

import (
	"math"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// Optimizer updates parameters from their gradients. Every update is one
// fused device op per parameter; the optimizer's state (momentum, moment
// estimates) is created on the parameter's device at the first Step and
// stays there.
type Optimizer interface {
	// Step updates every trainable parameter that has a gradient.
	Step()
	// ZeroGrad releases the parameters' gradients.
	ZeroGrad()
	// LR is the learning rate; SetLR changes it (for schedules).
	LR() float32
	SetLR(lr float32)
	// Release frees the optimizer's state on the device; the next Step
	// starts it afresh.
	Release()
}

// slots keeps an optimizer's parameters and per-parameter state tensors.
type slots struct {
	params []Param
	lr     float32
	steps  []int
	state  [][]*tensor.Tensor
}

func newSlots(params []Param, lr float32, nState int) slots {
	ps := Trainable(params)
	s := slots{params: ps, lr: lr, steps: make([]int, len(ps)), state: make([][]*tensor.Tensor, len(ps))}
	for i := range s.state {
		s.state[i] = make([]*tensor.Tensor, nState)
	}
	return s
}

// each calls fn for every parameter with a gradient, its step number
// (1-based) and its state, creating zero state tensors the first time (those
// named in fill start at the given value instead).
func (s *slots) each(fill map[int]float32, fn func(p *tensor.Tensor, step int, st []*tensor.Tensor)) {
	for i, p := range s.params {
		t := p.Tensor
		if t.Grad() == nil {
			continue
		}
		for j := range s.state[i] {
			if s.state[i][j] == nil {
				s.state[i][j] = tensor.Keep(tensor.Full(t.Device(), fill[j], t.Shape()...))
			}
		}
		s.steps[i]++
		fn(t, s.steps[i], s.state[i])
	}
}

// ZeroGrad releases every parameter's gradient.
func (s *slots) ZeroGrad() {
	for _, p := range s.params {
		p.Tensor.ZeroGrad()
	}
}

// Release frees every state tensor and restarts the step counts.
func (s *slots) Release() {
	for i, st := range s.state {
		for j, t := range st {
			t.Release()
			st[j] = nil
		}
		s.steps[i] = 0
	}
}

// LR is the learning rate.
func (s *slots) LR() float32 { return s.lr }

// SetLR changes the learning rate.
func (s *slots) SetLR(lr float32) { s.lr = lr }

// SGDConfig configures SGD; zero fields mean plain SGD.
type SGDConfig struct {
	LR, Momentum, Dampening, WeightDecay float32
	Nesterov                             bool
}

// SGD is stochastic gradient descent with optional momentum (Nesterov too)
// and weight decay, as in PyTorch.
type SGD struct {
	slots
	cfg SGDConfig
}

// NewSGD returns an SGD optimizer of the trainable params.
func NewSGD(params []Param, cfg SGDConfig) *SGD {
	return &SGD{slots: newSlots(params, cfg.LR, 1), cfg: cfg}
}

// Step applies one update.
func (o *SGD) Step() {
	o.each(nil, func(p *tensor.Tensor, step int, st []*tensor.Tensor) {
		v := st[0]
		if o.cfg.Momentum == 0 {
			v = nil
		}
		tensor.SGDStep(device.SGDParams{LR: o.lr, Momentum: o.cfg.Momentum, Dampening: o.cfg.Dampening,
			WeightDecay: o.cfg.WeightDecay, Nesterov: o.cfg.Nesterov, Step: step}, p, v)
	})
}

// AdamConfig configures Adam and AdamW; zero Beta1, Beta2 and Eps take
// PyTorch's defaults 0.9, 0.999 and 1e-8.
type AdamConfig struct {
	LR, Beta1, Beta2, Eps, WeightDecay float32
}

// Adam is the Adam optimizer, or AdamW with decoupled weight decay.
type Adam struct {
	slots
	cfg       AdamConfig
	decoupled bool
}

func (c AdamConfig) withDefaults() AdamConfig {
	if c.Beta1 == 0 {
		c.Beta1 = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Eps == 0 {
		c.Eps = 1e-8
	}
	return c
}

// NewAdam returns Adam (weight decay added to the gradient).
func NewAdam(params []Param, cfg AdamConfig) *Adam {
	return &Adam{slots: newSlots(params, cfg.LR, 2), cfg: cfg.withDefaults()}
}

// NewAdamW returns AdamW (weight decay applied to the weights directly).
// A zero WeightDecay means none: PyTorch's AdamW defaults to 0.01, which
// a zero-valued config cannot tell from an explicit 0, so set it.
func NewAdamW(params []Param, cfg AdamConfig) *Adam {
	a := NewAdam(params, cfg)
	a.decoupled = true
	return a
}

// Step applies one update.
func (o *Adam) Step() {
	o.each(nil, func(p *tensor.Tensor, step int, st []*tensor.Tensor) {
		tensor.AdamStep(device.AdamParams{LR: o.lr, Beta1: o.cfg.Beta1, Beta2: o.cfg.Beta2, Eps: o.cfg.Eps,
			WeightDecay: o.cfg.WeightDecay, Decoupled: o.decoupled, Step: step}, p, st[0], st[1])
	})
}

// RMSpropConfig configures RMSprop. Zero Rho and Eps take Keras' defaults,
// 0.9 and 1e-7; PyTorch's are 0.99 and 1e-8.
type RMSpropConfig struct {
	LR, Rho, Eps, WeightDecay, Momentum float32
	Centered                            bool
	// EpsInsideSqrt divides by sqrt(avg + eps) as TensorFlow's kernel
	// does, rather than sqrt(avg) + eps.
	EpsInsideSqrt bool
}

// RMSprop divides each gradient by a running root mean square.
type RMSprop struct {
	slots
	cfg RMSpropConfig
}

// NewRMSprop returns an RMSprop optimizer.
func NewRMSprop(params []Param, cfg RMSpropConfig) *RMSprop {
	if cfg.Rho == 0 {
		cfg.Rho = 0.9
	}
	if cfg.Eps == 0 {
		cfg.Eps = 1e-7
	}
	return &RMSprop{slots: newSlots(params, cfg.LR, 3), cfg: cfg}
}

// Step applies one update.
func (o *RMSprop) Step() {
	o.each(nil, func(p *tensor.Tensor, _ int, st []*tensor.Tensor) {
		ga, buf := st[1], st[2]
		if !o.cfg.Centered {
			ga = nil
		}
		if o.cfg.Momentum == 0 {
			buf = nil
		}
		tensor.RMSpropStep(device.RMSpropParams{LR: o.lr, Rho: o.cfg.Rho, Eps: o.cfg.Eps, WeightDecay: o.cfg.WeightDecay,
			Momentum: o.cfg.Momentum, Centered: o.cfg.Centered, EpsInsideSqrt: o.cfg.EpsInsideSqrt}, p, st[0], ga, buf)
	})
}

// AdaGradConfig configures AdaGrad; a zero Eps takes PyTorch's 1e-10.
// InitialAccumulator starts the sum of squares (Keras uses 0.1).
type AdaGradConfig struct {
	LR, Eps, WeightDecay, LRDecay, InitialAccumulator float32
}

// AdaGrad scales each gradient by the root of its running sum of squares.
type AdaGrad struct {
	slots
	cfg AdaGradConfig
}

// NewAdaGrad returns an AdaGrad optimizer.
func NewAdaGrad(params []Param, cfg AdaGradConfig) *AdaGrad {
	if cfg.Eps == 0 {
		cfg.Eps = 1e-10
	}
	return &AdaGrad{slots: newSlots(params, cfg.LR, 1), cfg: cfg}
}

// Step applies one update.
func (o *AdaGrad) Step() {
	o.each(map[int]float32{0: o.cfg.InitialAccumulator}, func(p *tensor.Tensor, step int, st []*tensor.Tensor) {
		tensor.AdaGradStep(device.AdaGradParams{LR: o.lr, Eps: o.cfg.Eps, WeightDecay: o.cfg.WeightDecay,
			LRDecay: o.cfg.LRDecay, Step: step}, p, st[0])
	})
}

// Schedule gives the learning rate of an epoch, or of a step for the
// per-step schedules (WarmupCosineLR, OneCycleLR): i counts from 0, and
// the caller sets it with the optimizer's SetLR before the step or epoch.
type Schedule interface {
	LR(i int) float32
}

// ExponentialLR multiplies the base rate by Gamma every epoch (PyTorch's
// ExponentialLR): Base·Gamma^i.
type ExponentialLR struct {
	Base, Gamma float32
}

// LR is Base·Gamma^i.
func (s ExponentialLR) LR(i int) float32 {
	return s.Base * float32(math.Pow(float64(s.Gamma), float64(i)))
}

// MultiStepLR multiplies the base rate by Gamma at each milestone
// (PyTorch's MultiStepLR): Base·Gamma^(milestones passed).
type MultiStepLR struct {
	Base       float32
	Milestones []int
	Gamma      float32
}

// LR is Base·Gamma^k, k the number of milestones <= i.
func (s MultiStepLR) LR(i int) float32 {
	k := 0
	for _, m := range s.Milestones {
		if i >= m {
			k++
		}
	}
	return s.Base * float32(math.Pow(float64(s.Gamma), float64(k)))
}

// WarmupCosineLR rises linearly from 0 to Base over Warmup steps, then
// anneals to Min along half a cosine until Total steps, and stays at Min
// (the schedule of Transformers' get_cosine_schedule_with_warmup, with a
// floor).
type WarmupCosineLR struct {
	Base, Min     float32
	Warmup, Total int
}

// LR is Base·i/Warmup while i < Warmup, then
// Min + (Base−Min)·(1 + cos(π·(i−Warmup)/(Total−Warmup)))/2.
func (s WarmupCosineLR) LR(i int) float32 {
	if i < s.Warmup {
		return s.Base * float32(i) / float32(s.Warmup)
	}
	if i >= s.Total {
		return s.Min
	}
	p := float64(i-s.Warmup) / float64(max(1, s.Total-s.Warmup))
	return s.Min + (s.Base-s.Min)*float32((1+math.Cos(math.Pi*p))/2)
}

// OneCycleLR is PyTorch's OneCycleLR (two phases): from Max/DivFactor up
// to Max over the first PctStart of TotalSteps, then down to
// Max/DivFactor/FinalDivFactor, along cosines (or straight lines with
// Linear). Zero fields take PyTorch's defaults: PctStart 0.3, DivFactor 25,
// FinalDivFactor 1e4.
type OneCycleLR struct {
	Max                                 float32
	TotalSteps                          int
	PctStart, DivFactor, FinalDivFactor float32
	Linear                              bool
}

// LR is the rate at step i.
func (s OneCycleLR) LR(i int) float32 {
	pct, div, final := float64(s.PctStart), float64(s.DivFactor), float64(s.FinalDivFactor)
	if pct == 0 {
		pct = 0.3
	}
	if div == 0 {
		div = 25
	}
	if final == 0 {
		final = 1e4
	}
	top := float64(s.Max)
	start, end := top/div, top/div/final
	end1 := pct*float64(s.TotalSteps) - 1
	end2 := float64(s.TotalSteps) - 1
	anneal := func(a, b, p float64) float64 {
		if s.Linear {
			return a + (b-a)*p
		}
		return b + (a-b)/2*(1+math.Cos(math.Pi*p))
	}
	x := float64(min(i, s.TotalSteps-1))
	if x <= end1 {
		return float32(anneal(start, top, x/end1))
	}
	return float32(anneal(top, end, (x-end1)/(end2-end1)))
}

// StepLR multiplies the base rate by Gamma every StepSize epochs.
type StepLR struct {
	Base     float32
	StepSize int
	Gamma    float32
}

// LR is Base·Gamma^(epoch/StepSize).
func (s StepLR) LR(epoch int) float32 {
	return s.Base * float32(math.Pow(float64(s.Gamma), float64(epoch/max(s.StepSize, 1))))
}

// CosineLR anneals from Base to Min over Epochs along half a cosine.
type CosineLR struct {
	Base, Min float32
	Epochs    int
}

// LR is Min + (Base-Min)·(1+cos(π·epoch/Epochs))/2, and Min after Epochs.
func (s CosineLR) LR(epoch int) float32 {
	if epoch >= s.Epochs {
		return s.Min
	}
	c := (1 + math.Cos(math.Pi*float64(epoch)/float64(s.Epochs))) / 2
	return s.Min + (s.Base-s.Min)*float32(c)
}
