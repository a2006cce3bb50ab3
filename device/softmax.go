package device

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
	// [batch] (class indices stored as float32), the mean over the batch of
	// -log softmax(logits)[label] into loss[0], and when grad is not nil the
	// gradient of that mean, (softmax(logits) - onehot(label)) / batch, into
	// grad [batch, classes]. A label outside [0, classes) makes the loss NaN
	// and that row of grad NaN.
	SoftmaxCrossEntropy(batch, classes int, loss, grad, logits, labels Buffer)
}
