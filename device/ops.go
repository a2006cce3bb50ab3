package device

import "fmt"

// The op tables: what every backend, the shader generator and the tests
// know about each elementwise op, in one place. The CPU backend and the
// Vulkan backend take from here which input an op's derivative reads;
// package tensor which activations fuse into a GEMM; go generate
// ./shaders writes the GLSL op numbers and names from here (ops.glsl); the
// conformance suite takes each op's tolerance and input domain, and the
// gradient checks their coverage list.

// UnaryOp names a unary elementwise function.
type UnaryOp int

// The unary ops. GELU is the exact form x·Φ(x) with Φ the normal CDF and
// GELUTanh PyTorch's approximate="tanh" form; SiLU is x·σ(x) (the swish);
// Round rounds half to even, as torch.round; Softplus is log(1 + e^x),
// x itself above 20 (PyTorch's threshold); ELU is x for x > 0 and
// alpha·(e^x − 1) below.
// Each has an entry in the op table below.
const (
	UnaryIdentity UnaryOp = iota
	UnaryNeg
	UnaryAbs
	UnaryExp
	UnaryLog
	UnarySqrt
	UnarySquare
	UnaryReLU
	UnaryLeakyReLU
	UnarySigmoid
	UnaryTanh
	UnaryGELU
	UnarySiLU
	UnaryErf
	UnaryFloor
	UnaryCeil
	UnaryRound
	UnarySin
	UnaryCos
	UnarySoftplus
	UnaryELU
	UnaryGELUTanh
	numUnaryOps
)

// BinaryOp names a binary elementwise function. Comparisons give 1 where
// they hold and 0 where they do not.
type BinaryOp int

// The binary ops; each has an entry in the op table below.
const (
	BinaryAdd BinaryOp = iota
	BinarySub
	BinaryMul
	BinaryDiv
	BinaryMax
	BinaryMin
	BinaryPow
	BinaryEq
	BinaryNe
	BinaryLt
	BinaryLe
	BinaryGt
	BinaryGe
	numBinaryOps
)

// GradInput says which tensor a unary op's derivative is computed from.
type GradInput int

const (
	// GradFromX computes the derivative from the op's input.
	GradFromX GradInput = iota
	// GradFromY computes it from the op's output, where that is cheaper
	// (exp: y; sigmoid: y(1-y)).
	GradFromY
)

// Tolerance is how closely a backend must match the CPU backend on an op:
// the conformance suite's tolerance classes.
type Tolerance int

const (
	// Tight: exact arithmetic, one rounding (|Δ| <= 1e-6 + 1e-6·|x|).
	Tight Tolerance = iota
	// Loose: transcendental functions, whose GPU versions differ by a few
	// ulps (|Δ| <= 1e-5 + 2e-5·|x|).
	Loose
)

// Domain is where an op's inputs are drawn from in tests.
type Domain int

const (
	// AnyReal draws standard normal values.
	AnyReal Domain = iota
	// PositiveReals draws from [0.5, 2.5) (log, sqrt, pow's base).
	PositiveReals
	// AwayFromKinks keeps |x| >= 0.2, away from where relu and abs have
	// no derivative.
	AwayFromKinks
	// AwayFromIntegers keeps x at least 0.2 from an integer and from a
	// half (where floor, ceil and round jump).
	AwayFromIntegers
)

// UnaryInfo is what there is to know about a unary op outside its
// formula.
type UnaryInfo struct {
	// Name is the op's name in messages, shaders (UNARY_<NAME>) and tests.
	Name string
	// Grad says what the derivative reads.
	Grad GradInput
	// Fusable reports that a GEMM epilogue may apply the op: its
	// derivative can be computed from the output alone (so the backward
	// pass needs no pre-activation). For LeakyReLU only with a slope >= 0.
	Fusable bool
	// Tolerance and Domain are the op's test classes.
	Tolerance Tolerance
	Domain    Domain
}

var unaryTable = [numUnaryOps]UnaryInfo{
	UnaryIdentity:  {Name: "identity", Fusable: true},
	UnaryNeg:       {Name: "neg"},
	UnaryAbs:       {Name: "abs", Domain: AwayFromKinks},
	UnaryExp:       {Name: "exp", Grad: GradFromY, Fusable: true, Tolerance: Loose},
	UnaryLog:       {Name: "log", Tolerance: Loose, Domain: PositiveReals},
	UnarySqrt:      {Name: "sqrt", Grad: GradFromY, Fusable: true, Tolerance: Loose, Domain: PositiveReals},
	UnarySquare:    {Name: "square"},
	UnaryReLU:      {Name: "relu", Fusable: true, Domain: AwayFromKinks},
	UnaryLeakyReLU: {Name: "leaky_relu", Fusable: true, Domain: AwayFromKinks},
	UnarySigmoid:   {Name: "sigmoid", Grad: GradFromY, Fusable: true, Tolerance: Loose},
	UnaryTanh:      {Name: "tanh", Grad: GradFromY, Fusable: true, Tolerance: Loose},
	UnaryGELU:      {Name: "gelu", Tolerance: Loose},
	UnarySiLU:      {Name: "silu", Tolerance: Loose},
	UnaryErf:       {Name: "erf", Tolerance: Loose},
	UnaryFloor:     {Name: "floor", Domain: AwayFromIntegers},
	UnaryCeil:      {Name: "ceil", Domain: AwayFromIntegers},
	UnaryRound:     {Name: "round", Domain: AwayFromIntegers},
	UnarySin:       {Name: "sin", Tolerance: Loose},
	UnaryCos:       {Name: "cos", Tolerance: Loose},
	UnarySoftplus:  {Name: "softplus", Tolerance: Loose},
	UnaryELU:       {Name: "elu", Tolerance: Loose, Domain: AwayFromKinks},
	UnaryGELUTanh:  {Name: "gelu_tanh", Tolerance: Loose},
}

// Info returns the op's entry in the table.
func (op UnaryOp) Info() UnaryInfo {
	if op < 0 || op >= numUnaryOps {
		panic(fmt.Sprintf("device: unknown unary op %d", int(op)))
	}
	return unaryTable[op]
}

// BinaryInfo is what there is to know about a binary op outside its
// formula.
type BinaryInfo struct {
	// Name is the op's name in messages, shaders (BINARY_<NAME>) and
	// tests.
	Name string
	// Differentiable is false for the comparisons (their gradient is zero
	// almost everywhere and package tensor records none).
	Differentiable bool
	// Tolerance is the op's conformance class; DomainA and DomainB where
	// its operands are drawn from in tests.
	Tolerance        Tolerance
	DomainA, DomainB Domain
}

var binaryTable = [numBinaryOps]BinaryInfo{
	BinaryAdd: {Name: "add", Differentiable: true},
	BinarySub: {Name: "sub", Differentiable: true},
	BinaryMul: {Name: "mul", Differentiable: true},
	BinaryDiv: {Name: "div", Differentiable: true, DomainB: PositiveReals},
	BinaryMax: {Name: "max", Differentiable: true},
	BinaryMin: {Name: "min", Differentiable: true},
	BinaryPow: {Name: "pow", Differentiable: true, Tolerance: Loose, DomainA: PositiveReals},
	BinaryEq:  {Name: "eq"},
	BinaryNe:  {Name: "ne"},
	BinaryLt:  {Name: "lt"},
	BinaryLe:  {Name: "le"},
	BinaryGt:  {Name: "gt"},
	BinaryGe:  {Name: "ge"},
}

// Info returns the op's entry in the table.
func (op BinaryOp) Info() BinaryInfo {
	if op < 0 || op >= numBinaryOps {
		panic(fmt.Sprintf("device: unknown binary op %d", int(op)))
	}
	return binaryTable[op]
}
