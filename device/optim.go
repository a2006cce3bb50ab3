package device

// Optimizers is the family of fused optimizer updates. Each step reads a
// parameter, its gradient and the optimizer's state (all contiguous, n
// elements from offset 0) and updates the parameter and the state in place,
// in one pass, so neither ever leaves the device. The formulas are
// PyTorch's; the fields make Keras' variants expressible too.
//
// One deliberate difference from PyTorch: every step stores a state value
// (a moment, square average, velocity or sum) whose magnitude is below
// float32's smallest normal number, 2^-126 (SmallestNormal32), as zero. On
// a weight whose gradient stays zero (MNIST's always-blank border pixels, a
// dead ReLU unit) a decaying average sinks into the subnormal range within
// a thousand steps, and a CPU takes some hundred cycles per operation on a
// subnormal: one training run's optimizer step measured 44 times slower
// per such element. The weights' updates do not change: a subnormal square
// average is far below any eps. PyTorch keeps subnormals unless
// torch.set_flush_denormal(True).
type Optimizers interface {
	// SGDStep: g = grad + WeightDecay*param; with Momentum, v = g on the
	// first step and v = Momentum*v + (1-Dampening)*g after, and g = v (or
	// g + Momentum*v with Nesterov); param -= LR*g. velocity may be nil when
	// Momentum is 0.
	SGDStep(p SGDParams, n int, param, grad, velocity Buffer)
	// AdamStep is Adam, or AdamW when p.Decoupled: m and v are the first and
	// second moment estimates.
	AdamStep(p AdamParams, n int, param, grad, m, v Buffer)
	// RMSpropStep: sq = Rho*sq + (1-Rho)*g²; with Centered, avg =
	// Rho*avg + (1-Rho)*g and the denominator uses sq - avg²; with Momentum,
	// buf = Momentum*buf + g/denom and param -= LR*buf. gradAvg may be nil
	// unless Centered, buf nil unless Momentum is not 0.
	RMSpropStep(p RMSpropParams, n int, param, grad, sq, gradAvg, buf Buffer)
	// AdaGradStep: sum += g²; param -= LR/(1+(Step-1)*LRDecay) * g /
	// (sqrt(sum) + Eps).
	AdaGradStep(p AdaGradParams, n int, param, grad, sum Buffer)
}

// SmallestNormal32 is float32's smallest positive normal number, 2^-126:
// the optimizers store state values of smaller magnitude as zero.
const SmallestNormal32 = 0x1p-126

// SGDParams configure SGDStep.
type SGDParams struct {
	LR, Momentum, Dampening, WeightDecay float32
	Nesterov                             bool
	// Step is the 1-based step number; the first step initialises the
	// velocity from the gradient.
	Step int
}

// AdamParams configure AdamStep.
type AdamParams struct {
	LR, Beta1, Beta2, Eps, WeightDecay float32
	// Decoupled applies weight decay as param *= 1 - LR*WeightDecay before
	// the update (AdamW) instead of adding it to the gradient (Adam).
	Decoupled bool
	// Step is the 1-based step number, used for bias correction.
	Step int
}

// RMSpropParams configure RMSpropStep. PyTorch's defaults are Rho 0.99, Eps
// 1e-8; Keras' are Rho 0.9, Eps 1e-7.
type RMSpropParams struct {
	LR, Rho, Eps, WeightDecay, Momentum float32
	Centered                            bool
	// EpsInsideSqrt uses sqrt(sq + Eps) as the denominator, as TensorFlow's
	// ApplyRMSProp kernel does, instead of sqrt(sq) + Eps (PyTorch, Keras 3).
	EpsInsideSqrt bool
}

// AdaGradParams configure AdaGradStep.
type AdaGradParams struct {
	LR, Eps, WeightDecay, LRDecay float32
	// Step is the 1-based step number, used for the learning-rate decay.
	Step int
}
