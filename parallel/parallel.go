// Package parallel trains one model on several devices at once by data
// parallelism: every device holds a replica of the model and its
// optimizer, each step's batch is split across them, the gradients are
// averaged through the host (weighted by each share of the batch) and
// every replica applies the same update. The result is that of one device
// training on the whole batch, to float32 rounding (the order in which
// sums are taken differs).
//
// Devices may be of any kinds (several Vulkan GPUs, GPUs and the CPU, or
// several CPU devices); the replicas run concurrently, one goroutine each,
// and synchronise once per step. Replicas on devices of one kind stay
// bit-identical; on devices of different kinds their weights can drift
// by rounding, which Broadcast undoes.
package parallel

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// Replica is a model and its optimizer on one device.
type Replica struct {
	Device device.Device
	Model  nn.Module
	Opt    nn.Optimizer
}

// DataParallel is a model replicated on several devices.
type DataParallel struct {
	Replicas []Replica
}

// New builds a replica on each device with build (called once per device,
// in order) and copies the first replica's parameters and buffers to the
// others, so that all start equal. Every replica's Params must list the
// same names and shapes in the same order.
func New(devs []device.Device, build func(dev device.Device) (nn.Module, nn.Optimizer)) (*DataParallel, error) {
	if len(devs) == 0 {
		return nil, errors.New("parallel: New: no devices")
	}
	dp := &DataParallel{}
	for _, d := range devs {
		m, opt := build(d)
		dp.Replicas = append(dp.Replicas, Replica{Device: d, Model: m, Opt: opt})
	}
	first := dp.Replicas[0].Model.Params()
	for i, r := range dp.Replicas[1:] {
		ps := r.Model.Params()
		if len(ps) != len(first) {
			return nil, fmt.Errorf("parallel: New: replica %d has %d params, replica 0 has %d", i+1, len(ps), len(first))
		}
		for k, p := range ps {
			if p.Name != first[k].Name || !slices.Equal(p.Tensor.Shape(), first[k].Tensor.Shape()) {
				return nil, fmt.Errorf("parallel: New: replica %d's param %d is %s %v, replica 0's is %s %v", i+1, k, p.Name, p.Tensor.Shape(), first[k].Name, first[k].Tensor.Shape())
			}
		}
	}
	return dp, dp.Broadcast()
}

// Broadcast copies the first replica's parameters and buffers to the
// others (through the host).
func (dp *DataParallel) Broadcast() error { return dp.copyFirst(func(nn.Param) bool { return true }) }

// copyFirst copies the first replica's params for which keep holds to
// the others.
func (dp *DataParallel) copyFirst(keep func(nn.Param) bool) error {
	src := dp.Replicas[0].Model.Params()
	for k, p := range src {
		if !keep(p) {
			continue
		}
		v, err := p.Tensor.Data()
		if err != nil {
			return err
		}
		for _, r := range dp.Replicas[1:] {
			dst := r.Model.Params()[k].Tensor
			tensor.Upload(dst, v)
		}
	}
	return nil
}

// Shares splits n rows across k replicas as evenly as possible (the
// first n mod k get one more) and returns each one's [start, end).
func Shares(n, k int) [][2]int {
	out := make([][2]int, k)
	at := 0
	for i := range out {
		m := n / k
		if i < n%k {
			m++
		}
		out[i] = [2]int{at, at + m}
		at += m
	}
	return out
}

// Step trains every replica on its share of one batch and returns the
// batch's mean loss. x holds the batch's rows (row-major, each of shape
// sample), y its targets (len(y)/batch values per row: class labels for
// a cross-entropy, or target rows); loss maps a replica's output and
// targets to the mean loss over its rows. The gradients are averaged with
// weights share/batch, so that a mean loss over the whole batch is what
// is minimised; the batch needs a row for every replica at least. Buffers (BatchNorm's running
// statistics) are copied from the first replica after the step, as
// PyTorch's DistributedDataParallel broadcasts them.
func (dp *DataParallel) Step(x []float32, sample []int, y []float32, loss func(out, y *tensor.Tensor) *tensor.Tensor) (float64, error) {
	per := device.NumElements(sample)
	if per == 0 || len(x)%per != 0 {
		return 0, fmt.Errorf("parallel: Step: %d values are not whole rows of shape %v", len(x), sample)
	}
	batch := len(x) / per
	if batch < len(dp.Replicas) {
		return 0, fmt.Errorf("parallel: Step: a batch of %d rows for %d replicas (each needs one at least)", batch, len(dp.Replicas))
	}
	if len(y)%batch != 0 {
		return 0, fmt.Errorf("parallel: Step: %d targets for a batch of %d rows", len(y), batch)
	}
	ty := len(y) / batch
	shares := Shares(batch, len(dp.Replicas))
	losses := make([]float64, len(dp.Replicas))
	errs := make([]error, len(dp.Replicas))
	dp.each(func(i int, r Replica) {
		lo, hi := shares[i][0], shares[i][1]
		errs[i] = tensor.Try(func() {
			tensor.Tidy(func() {
				xs := tensor.FromSlice(r.Device, x[lo*per:hi*per], append([]int{hi - lo}, sample...)...)
				yshape := []int{hi - lo}
				if ty > 1 {
					yshape = append(yshape, ty)
				}
				ys := tensor.FromSlice(r.Device, y[lo*ty:hi*ty], yshape...)
				l := loss(r.Model.Forward(xs), ys)
				l.Backward()
				v, err := l.Item()
				if err != nil {
					panic(err)
				}
				losses[i] = float64(v)
			})
		})
	})
	if err := errors.Join(errs...); err != nil {
		dp.zeroGrad()
		return 0, err
	}
	if err := dp.averageGrads(shares, batch); err != nil {
		dp.zeroGrad()
		return 0, err
	}
	dp.each(func(i int, r Replica) {
		errs[i] = tensor.Try(func() {
			tensor.Tidy(func() {
				r.Opt.Step()
				r.Opt.ZeroGrad()
			})
		})
	})
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	if err := dp.broadcastBuffers(); err != nil {
		return 0, err
	}
	mean := 0.0
	for i, s := range shares {
		mean += losses[i] * float64(s[1]-s[0]) / float64(batch)
	}
	return mean, nil
}

// each runs fn for every replica, one goroutine each, and waits.
func (dp *DataParallel) each(fn func(i int, r Replica)) {
	var wg sync.WaitGroup
	for i, r := range dp.Replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i, r)
		}()
	}
	wg.Wait()
}

// averageGrads replaces every replica's gradient of each trainable
// parameter by the share-weighted mean of all of them, summed on the host
// in replica order (the same bits on every replica, every run).
func (dp *DataParallel) averageGrads(shares [][2]int, batch int) error {
	params := make([][]nn.Param, len(dp.Replicas))
	for i, r := range dp.Replicas {
		params[i] = r.Model.Params()
	}
	for k, p0 := range params[0] {
		if p0.Buffer {
			continue
		}
		sum := make([]float32, p0.Tensor.Size())
		found := false
		for i := range dp.Replicas {
			g := params[i][k].Tensor.Grad()
			if g == nil {
				continue
			}
			v, err := g.Data()
			if err != nil {
				return err
			}
			w := float32(shares[i][1]-shares[i][0]) / float32(batch)
			for j, x := range v {
				sum[j] += w * x
			}
			found = true
		}
		if !found {
			continue
		}
		for i := range dp.Replicas {
			t := params[i][k].Tensor
			if t.Grad() == nil {
				return fmt.Errorf("parallel: Step: replica %d has no gradient for %s, which others have", i, p0.Name)
			}
			tensor.Upload(t.Grad(), sum)
		}
	}
	return nil
}

// broadcastBuffers copies the first replica's buffers to the others.
func (dp *DataParallel) broadcastBuffers() error {
	return dp.copyFirst(func(p nn.Param) bool { return p.Buffer })
}

func (dp *DataParallel) zeroGrad() {
	for _, r := range dp.Replicas {
		r.Opt.ZeroGrad()
	}
}

// Release frees every replica's parameters and optimizer state.
func (dp *DataParallel) Release() {
	for _, r := range dp.Replicas {
		r.Opt.Release()
		for _, p := range r.Model.Params() {
			p.Tensor.Release()
		}
	}
}
