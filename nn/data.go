package nn

import (
	"fmt"
	"iter"
	"math/rand/v2"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// Loader cuts a dataset held in host memory into batches on a device,
// shuffled each epoch from a seed. While the loop body works on one batch, a
// goroutine gathers the next one, so the host-side copying overlaps the
// training step.
type Loader struct {
	dev         device.Device
	x, y        []float32
	sampleShape []int
	sampleSize  int
	n           int
	// Batch is the batch size; the last batch of an epoch may be smaller.
	Batch int
	// Shuffle reorders the samples each epoch, from Seed and the epoch.
	Shuffle bool
	Seed    uint64
}

// NewLoader returns a loader of the samples in x (each of sampleShape, one
// after another) and their targets y (one float32 per sample, such as a class
// index; nil for none).
func NewLoader(dev device.Device, x []float32, sampleShape []int, y []float32, batch int, shuffle bool, seed uint64) *Loader {
	size := device.NumElements(sampleShape)
	if size == 0 || len(x)%size != 0 {
		panic(fmt.Sprintf("nn: NewLoader: %d values are not a whole number of samples of shape %v", len(x), sampleShape))
	}
	n := len(x) / size
	if y != nil && len(y) != n {
		panic(fmt.Sprintf("nn: NewLoader: %d samples but %d targets", n, len(y)))
	}
	if batch < 1 {
		panic(fmt.Sprintf("nn: NewLoader: batch size %d", batch))
	}
	return &Loader{dev: dev, x: x, y: y, sampleShape: append([]int(nil), sampleShape...), sampleSize: size, n: n, Batch: batch, Shuffle: shuffle, Seed: seed}
}

// Len is the number of batches per epoch.
func (l *Loader) Len() int { return (l.n + l.Batch - 1) / l.Batch }

// Samples is the number of samples.
func (l *Loader) Samples() int { return l.n }

// order returns the sample order of an epoch.
func (l *Loader) order(epoch int) []int {
	idx := make([]int, l.n)
	for i := range idx {
		idx[i] = i
	}
	if l.Shuffle {
		r := rand.New(rand.NewPCG(l.Seed, uint64(epoch)))
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	return idx
}

type hostBatch struct {
	x, y []float32
	n    int
}

// Epoch yields the batches of one epoch as (inputs [b, sampleShape...],
// targets [b]) tensors on the loader's device; targets is nil when the
// loader has none. The tensors are released when the loop body returns, so
// keep nothing of them beyond it.
func (l *Loader) Epoch(epoch int) iter.Seq2[*tensor.Tensor, *tensor.Tensor] {
	return func(yield func(*tensor.Tensor, *tensor.Tensor) bool) {
		order := l.order(epoch)
		ready := make(chan hostBatch, 1)
		free := make(chan hostBatch, 2)
		done := make(chan struct{})
		defer close(done)
		// A batch holds at most every sample: a batch size beyond the
		// dataset costs no more host memory than the dataset.
		room := min(l.Batch, l.n)
		for range 2 {
			free <- hostBatch{x: make([]float32, room*l.sampleSize), y: make([]float32, room)}
		}
		go func() {
			defer close(ready)
			for start := 0; start < l.n; start += l.Batch {
				var hb hostBatch
				select {
				case hb = <-free:
				case <-done:
					return
				}
				hb.n = min(l.Batch, l.n-start)
				for i, s := range order[start : start+hb.n] {
					copy(hb.x[i*l.sampleSize:(i+1)*l.sampleSize], l.x[s*l.sampleSize:(s+1)*l.sampleSize])
					if l.y != nil {
						hb.y[i] = l.y[s]
					}
				}
				select {
				case ready <- hb:
				case <-done:
					return
				}
			}
		}()
		for hb := range ready {
			xb := tensor.FromSlice(l.dev, hb.x[:hb.n*l.sampleSize], append([]int{hb.n}, l.sampleShape...)...)
			var yb *tensor.Tensor
			if l.y != nil {
				yb = tensor.FromSlice(l.dev, hb.y[:hb.n], hb.n)
			}
			free <- hb
			more := yield(xb, yb)
			xb.Release()
			yb.Release()
			if !more {
				return
			}
		}
	}
}
