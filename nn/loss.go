package nn

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/tensor"
)

// CrossEntropy is the mean softmax cross-entropy of logits [batch, classes]
// against integer labels [batch], fused into one device op
// (PyTorch's F.cross_entropy, Keras' sparse categorical cross-entropy from
// logits).
func CrossEntropy(logits, labels *tensor.Tensor) *tensor.Tensor {
	return tensor.CrossEntropy(logits, labels)
}

// MSE is the mean squared error between pred and target (same shape).
func MSE(pred, target *tensor.Tensor) *tensor.Tensor {
	checkSame("MSE", pred, target)
	return pred.Sub(target).Square().Mean()
}

// BCEWithLogits is the mean binary cross-entropy between sigmoid(logits)
// and targets in [0, 1], computed stably from the logits:
// max(x, 0) - x·y + log(1 + exp(-|x|)).
func BCEWithLogits(logits, targets *tensor.Tensor) *tensor.Tensor {
	checkSame("BCEWithLogits", logits, targets)
	softplus := logits.Abs().Neg().Exp().AddScalar(1).Log()
	return logits.ReLU().Sub(logits.Mul(targets)).Add(softplus).Mean()
}

// MultiMarginLoss is the multi-class hinge (SVM) loss of scores [batch,
// classes] against integer labels [batch]: the mean over the batch of
// Σ_{j≠y} max(0, s_j - s_y + margin).
func MultiMarginLoss(scores, labels *tensor.Tensor, margin float32) *tensor.Tensor {
	if scores.Dims() != 2 || labels.Dims() != 1 || labels.Dim(0) != scores.Dim(0) {
		panic(fmt.Sprintf("nn: MultiMarginLoss: scores %v and labels %v (want [batch, classes] and [batch])", scores.Shape(), labels.Shape()))
	}
	onehot := OneHot(labels, scores.Dim(1))
	sy := scores.Mul(onehot).SumKeep(1)
	margins := scores.Sub(sy).AddScalar(margin).MaximumScalar(0).Mul(onehot.RSubScalar(1))
	return margins.Sum(1).Mean()
}

// OneHot turns labels [batch] (class indices as float32) into [batch,
// classes] rows of zeros with a one at the label, on the labels' device.
func OneHot(labels *tensor.Tensor, classes int) *tensor.Tensor {
	classIdx := tensor.Arange(labels.Device(), 0, float32(classes), 1)
	return labels.Unsqueeze(1).Eq(classIdx)
}

// Accuracy is the fraction of rows of logits whose largest entry is at the
// label, as a scalar tensor (read it with Item).
func Accuracy(logits, labels *tensor.Tensor) *tensor.Tensor {
	return logits.ArgMax(1).Eq(labels).Mean()
}

func checkSame(op string, a, b *tensor.Tensor) {
	if !slices.Equal(a.Shape(), b.Shape()) {
		panic(fmt.Sprintf("nn: %s: shapes %v and %v differ", op, a.Shape(), b.Shape()))
	}
}
