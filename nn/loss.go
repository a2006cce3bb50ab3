package nn

import (
	"fmt"
	"slices"

	"github.com/vkgrad/vkgrad/tensor"
)

// CrossEntropy is the mean softmax cross-entropy of logits [batch, classes]
// against integer labels [batch], fused into one device op
// (PyTorch's F.cross_entropy with its default ignore_index of -100, Keras'
// sparse categorical cross-entropy from logits). A bad label is reported
// by the next Item, Data or Sync as a *device.LabelError; see
// tensor.CrossEntropy.
func CrossEntropy(logits, labels *tensor.Tensor) *tensor.Tensor {
	return tensor.CrossEntropy(logits, labels)
}

// CrossEntropyIgnore is CrossEntropy with PyTorch's ignore_index: rows
// labelled ignoreIndex add nothing to the loss or its gradient, and the
// mean is over the others.
func CrossEntropyIgnore(logits, labels *tensor.Tensor, ignoreIndex int) *tensor.Tensor {
	return tensor.CrossEntropyIgnore(logits, labels, ignoreIndex)
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

// MultiMarginLoss is PyTorch's F.multi_margin_loss (the multi-class hinge,
// or SVM, loss) of scores [batch, classes] against integer labels [batch]:
// the mean over the batch of Σ_{j≠y} max(0, margin - s_y + s_j)^p / classes,
// with p 1 or 2 (PyTorch's defaults: p = 1, margin = 1). The division by
// the number of classes is PyTorch's; the CS231n form of the SVM loss
// leaves it out (multiply by classes to get it).
func MultiMarginLoss(scores, labels *tensor.Tensor, p int, margin float32) *tensor.Tensor {
	if scores.Dims() != 2 || labels.Dims() != 1 || labels.Dim(0) != scores.Dim(0) {
		panic(fmt.Sprintf("nn: MultiMarginLoss: scores %v and labels %v (want [batch, classes] and [batch])", scores.Shape(), labels.Shape()))
	}
	if p != 1 && p != 2 {
		panic(fmt.Sprintf("nn: MultiMarginLoss: p = %d; only 1 and 2 are supported (as in PyTorch)", p))
	}
	classes := scores.Dim(1)
	onehot := OneHot(labels, classes)
	sy := scores.Mul(onehot).SumKeep(1)
	margins := scores.Sub(sy).AddScalar(margin).MaximumScalar(0).Mul(onehot.RSubScalar(1))
	if p == 2 {
		margins = margins.Square()
	}
	return margins.Sum(1).Mean().DivScalar(float32(classes))
}

// OneHot turns labels (class indices as float32, any shape) into one-hot
// vectors: it is tensor.OneHot, kept here beside the losses that use it. A
// label outside [0, classes) leaves its row zero and is reported as a
// *device.IndexError by the next Data, Item or Sync.
func OneHot(labels *tensor.Tensor, classes int) *tensor.Tensor {
	return tensor.OneHot(labels, classes)
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
