package device

import "fmt"

// Elementwise is the family of ops applied element by element. Every op
// writes a contiguous dst of the given shape, starting at element 0; inputs
// are strided views whose strides are aligned with shape (broadcasting is
// expressed by stride 0). dst may be the buffer of an input only when that
// input is contiguous at offset 0 (an in-place op).
type Elementwise interface {
	// Unary computes dst = op(x); alpha is the op's parameter (the negative
	// slope of UnaryLeakyReLU), ignored by the others.
	Unary(op UnaryOp, alpha float32, shape []int, dst Buffer, x Strided)
	// UnaryBackward computes dx = dy * op'(x), given the op's input x and
	// output y (each op reads the one its derivative is cheapest from).
	UnaryBackward(op UnaryOp, alpha float32, shape []int, dx Buffer, x, y, dy Strided)
	// Binary computes dst = op(a, b).
	Binary(op BinaryOp, shape []int, dst Buffer, a, b Strided)
	// BinaryScalar computes dst = op(a, s), or op(s, a) when scalarFirst.
	BinaryScalar(op BinaryOp, shape []int, dst Buffer, a Strided, s float32, scalarFirst bool)
	// Where computes dst = cond != 0 ? a : b.
	Where(shape []int, dst Buffer, cond, a, b Strided)
}

// String names the op (its table entry's name).
func (op UnaryOp) String() string {
	if op >= 0 && op < numUnaryOps {
		return unaryTable[op].Name
	}
	return fmt.Sprintf("UnaryOp(%d)", int(op))
}

// UnaryOps lists every unary op, for tests and benchmarks.
func UnaryOps() []UnaryOp {
	ops := make([]UnaryOp, numUnaryOps)
	for i := range ops {
		ops[i] = UnaryOp(i)
	}
	return ops
}

// String names the op (its table entry's name).
func (op BinaryOp) String() string {
	if op >= 0 && op < numBinaryOps {
		return binaryTable[op].Name
	}
	return fmt.Sprintf("BinaryOp(%d)", int(op))
}

// BinaryOps lists every binary op, for tests and benchmarks.
func BinaryOps() []BinaryOp {
	ops := make([]BinaryOp, numBinaryOps)
	for i := range ops {
		ops[i] = BinaryOp(i)
	}
	return ops
}
