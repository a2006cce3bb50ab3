package device

// GEMM is the matrix-multiply family.
type GEMM interface {
	// Gemm computes, for each batch b,
	//
	//	C_b = act(Alpha * op(A_b) * op(B_b) + Beta * C_b + bias)
	//
	// where op(X) is X or its transpose, op(A) is M×K, op(B) is K×N and C is
	// M×N, bias (when p.Bias is not nil) is a vector of N values added to
	// every row, and act is p.Act (UnaryIdentity for none). When Beta is 0,
	// C is not read, so NaN in C does not propagate.
	Gemm(p GemmParams)
}

// Matrix locates a row-major matrix, or a batch of them, in a buffer.
type Matrix struct {
	Buf Buffer
	// Offset is the element index of the first matrix's first element.
	Offset int
	// LD is the leading dimension: the distance between rows of the matrix
	// as stored (before any transpose).
	LD int
	// BatchStride is the distance between consecutive matrices of a batch;
	// 0 repeats one matrix for every batch.
	BatchStride int
}

// GemmParams are the arguments of Gemm.
type GemmParams struct {
	// TransA and TransB transpose A and B: A is stored K×M when TransA is
	// set, B is stored N×K when TransB is set.
	TransA, TransB bool
	// M, N, K are the sizes of the product; Batch the number of products
	// (0 means 1).
	M, N, K, Batch int
	// Alpha scales the product; Beta scales the old C.
	Alpha, Beta float32
	A, B, C     Matrix
	// Bias, when not nil, is a vector of N values starting at BiasOffset,
	// added to every row of C before the activation.
	Bias       Buffer
	BiasOffset int
	// Act is the activation applied last, UnaryIdentity for none: every
	// backend applies any unary op here. ActAlpha is its parameter (the
	// negative slope of UnaryLeakyReLU).
	Act      UnaryOp
	ActAlpha float32
}

// Batches is Batch, or 1 when Batch is 0.
func (p GemmParams) Batches() int {
	if p.Batch == 0 {
		return 1
	}
	return p.Batch
}
