package mpi

import (
	"fmt"

	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/parallel"
	"github.com/vkgrad/vkgrad/tensor"
)

// Shard is this rank's rows [lo, hi) of a batch of n, the shares of
// parallel.Shares: every rank computes the same split.
func Shard(c *Comm, n int) (lo, hi int) {
	s := parallel.Shares(n, c.Size())[c.Rank()]
	return s[0], s[1]
}

// BroadcastParams copies rank root's parameters and buffers to every
// rank, in one MPI_Bcast: call it once after building the model, so that
// all ranks start equal.
func BroadcastParams(c *Comm, ps []nn.Param, root int) error {
	var flat []float32
	if c.Rank() == root {
		for _, p := range ps {
			v, err := p.Tensor.Data()
			if err != nil {
				return err
			}
			flat = append(flat, v...)
		}
	} else {
		flat = make([]float32, size(ps))
	}
	if err := c.Bcast(flat, root); err != nil {
		return err
	}
	if c.Rank() != root {
		return unpack(ps, flat, func(p nn.Param) *tensor.Tensor { return p.Tensor })
	}
	return nil
}

// AverageGrads replaces every trainable parameter's gradient, on every
// rank, by the share-weighted sum of all ranks' (share/total each: this
// rank's rows over the batch's), so that each rank then takes the step
// one process would take on the whole batch. All gradients travel in one
// MPI_Allreduce (one bucket); every trainable parameter must have a
// gradient.
func AverageGrads(c *Comm, ps []nn.Param, share, total int) error {
	if share < 0 || total < 1 || share > total {
		return fmt.Errorf("mpi: AverageGrads: a share of %d rows of %d", share, total)
	}
	w := float32(share) / float32(total)
	var flat []float32
	var train []nn.Param
	for _, p := range nn.Trainable(ps) {
		g := p.Tensor.Grad()
		if g == nil {
			return fmt.Errorf("mpi: AverageGrads: %s has no gradient", p.Name)
		}
		v, err := g.Data()
		if err != nil {
			return err
		}
		for i := range v {
			v[i] *= w
		}
		flat = append(flat, v...)
		train = append(train, p)
	}
	if err := c.AllreduceSum(flat); err != nil {
		return err
	}
	return unpack(train, flat, func(p nn.Param) *tensor.Tensor { return p.Tensor.Grad() })
}

func size(ps []nn.Param) int {
	n := 0
	for _, p := range ps {
		n += p.Tensor.Size()
	}
	return n
}

// unpack assigns consecutive runs of flat to each param's target tensor.
func unpack(ps []nn.Param, flat []float32, target func(nn.Param) *tensor.Tensor) error {
	at := 0
	for _, p := range ps {
		t := target(p)
		n := t.Size()
		if at+n > len(flat) {
			return fmt.Errorf("mpi: %d values for params of %d", len(flat), size(ps))
		}
		tensor.Upload(t, flat[at:at+n])
		at += n
	}
	return nil
}
