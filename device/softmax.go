package device

import "fmt"

// Softmax is the softmax and loss family. Tensors are contiguous and viewed
// as [outer, n, inner]: the softmax runs over the middle axis of length n.
type Softmax interface {
	// Softmax writes dst = softmax(src) (or log-softmax when log is set)
	// over the middle axis; it subtracts the maximum first, so large inputs
	// do not overflow.
	Softmax(log bool, outer, n, inner int, dst, src Buffer)
	// SoftmaxBackward computes dx from the forward output y and dy:
	// dx = y * (dy - sum(dy*y)) for softmax and dx = dy - exp(y) * sum(dy)
	// for log-softmax, the sums taken over the middle axis.
	SoftmaxBackward(log bool, outer, n, inner int, dx, y, dy Buffer)
	// SoftmaxCrossEntropy computes, from logits [batch, classes] and labels
	// [batch] (class indices stored as float32), the mean of
	// -log softmax(logits)[label] over the rows whose label is not
	// ignoreIndex into loss[0], and when grad is not nil the gradient of
	// that mean, (softmax(logits) - onehot(label)) / count, into grad
	// [batch, classes], zero in ignored rows (PyTorch's ignore_index; a
	// batch of ignored rows has a NaN loss, as in PyTorch). A label that is
	// neither an integer in [0, classes) nor ignoreIndex makes the loss NaN
	// and its row of grad NaN, and is reported as a *LabelError by the next
	// Sync or Download (once: the device goes on working). ignoreIndex must
	// fit in an int32.
	SoftmaxCrossEntropy(batch, classes, ignoreIndex int, loss, grad, logits, labels Buffer)
}

// LabelError is a class label an op found invalid: not an integer in
// [0, Classes) and not the ignore index. On the CPU it is found as the op
// runs, on a GPU by the kernel (in a small status record read when the
// batch completes); either way the next Sync or Download returns it once.
type LabelError struct {
	// Op names the op: "SoftmaxCrossEntropy".
	Op string
	// Row is the first bad row found and Label its label.
	Row   int
	Label float32
	// Classes is the op's number of classes.
	Classes int
	// Count is how many rows had bad labels (in the op, or on a GPU in
	// the batch of work that reported it).
	Count int
}

// Error names the op, the row and the label.
func (e *LabelError) Error() string {
	more := ""
	if e.Count > 1 {
		more = fmt.Sprintf(" (and %d more bad labels)", e.Count-1)
	}
	return fmt.Sprintf("%s: label %v of row %d is not a class index in [0, %d)%s", e.Op, e.Label, e.Row, e.Classes, more)
}
