//go:build mpi && cgo

package mpi_test

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/parallel/mpi"
	"github.com/vkgrad/vkgrad/tensor"
)

// EnvRanks, when set, is the number of ranks the tests must see (CI runs
// them under mpirun -np 2 and sets it, so that a lone process cannot
// pass for a job).
const EnvRanks = "VKGRAD_MPI_RANKS"

func comm(t *testing.T) *mpi.Comm {
	t.Helper()
	c, err := mpi.Init()
	if err != nil {
		t.Fatal(err)
	}
	if want := os.Getenv(EnvRanks); want != "" {
		if n, _ := strconv.Atoi(want); c.Size() != n {
			t.Fatalf("%d ranks, %s=%s", c.Size(), EnvRanks, want)
		}
	}
	return c
}

func TestMain(m *testing.M) {
	code := m.Run()
	if c, err := mpi.Init(); err == nil {
		if code != 0 {
			c.Abort(code) // end every rank, not only this one
		}
		c.Finalize()
	}
	os.Exit(code)
}

func TestCollectives(t *testing.T) {
	c := comm(t)
	buf := []float32{float32(c.Rank()), 1}
	if err := c.AllreduceSum(buf); err != nil {
		t.Fatal(err)
	}
	n := float32(c.Size())
	if buf[0] != n*(n-1)/2 || buf[1] != n {
		t.Fatalf("rank %d: allreduce gave %v", c.Rank(), buf)
	}
	b := []float32{float32(c.Rank() + 7)}
	if err := c.Bcast(b, 0); err != nil || b[0] != 7 {
		t.Fatalf("rank %d: bcast gave %v (%v)", c.Rank(), b, err)
	}
	if err := c.Bcast(b, c.Size()); err == nil {
		t.Fatal("a broadcast from a rank that does not exist succeeded")
	}
	if err := c.Barrier(); err != nil {
		t.Fatal(err)
	}
}

func build(dev device.Device, seed uint64) (nn.Module, nn.Optimizer) {
	nn.ManualSeed(seed)
	m := nn.NewSequential(nn.NewLinear(dev, 6, 8, nn.WithActivation(device.UnaryReLU, 0)), nn.NewLinear(dev, 8, 3))
	return m, nn.NewAdam(m.Params(), nn.AdamConfig{LR: 1e-2})
}

// Ranks, each on its share of every batch, end with the weights of one
// process on the whole batch, and all with the same bits.
func TestTrainingMatchesOneProcess(t *testing.T) {
	c := comm(t)
	dev := cpu.New()
	model, opt := build(dev, uint64(10+c.Rank())) // different on every rank until the broadcast
	defer opt.Release()
	if err := mpi.BroadcastParams(c, model.Params(), 0); err != nil {
		t.Fatal(err)
	}
	ref, refOpt := build(dev, 10) // rank 0's start, trained on whole batches
	defer refOpt.Release()
	r := rand.New(rand.NewPCG(1, 2)) // the same batches on every rank
	const batch = 11
	for range 6 {
		x, y := make([]float32, batch*6), make([]float32, batch)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		for i := range y {
			y[i] = float32(r.IntN(3))
		}
		lo, hi := mpi.Shard(c, batch)
		tensor.Tidy(func() {
			nn.CrossEntropy(model.Forward(tensor.FromSlice(dev, x[lo*6:hi*6], hi-lo, 6)), tensor.FromSlice(dev, y[lo:hi], hi-lo)).Backward()
			if err := mpi.AverageGrads(c, model.Params(), hi-lo, batch); err != nil {
				t.Fatal(err)
			}
			opt.Step()
			opt.ZeroGrad()
			nn.CrossEntropy(ref.Forward(tensor.FromSlice(dev, x, batch, 6)), tensor.FromSlice(dev, y, batch)).Backward()
			refOpt.Step()
			refOpt.ZeroGrad()
		})
	}
	var mine []float32
	for k, p := range model.Params() {
		v, _ := p.Tensor.Data()
		w, _ := ref.Params()[k].Tensor.Data()
		for i := range v {
			if d := math.Abs(float64(v[i] - w[i])); d > 1e-5 {
				t.Fatalf("rank %d: %s[%d] = %v, one process %v", c.Rank(), p.Name, i, v[i], w[i])
			}
		}
		mine = append(mine, v...)
	}
	// Identical on every rank: the sum over ranks is size times each.
	sum := append([]float32(nil), mine...)
	if err := c.AllreduceSum(sum); err != nil {
		t.Fatal(err)
	}
	for i := range sum {
		if sum[i] != float32(c.Size())*mine[i] {
			t.Fatalf("rank %d: weight %d differs between ranks (sum %v, mine %v)", c.Rank(), i, sum[i], mine[i])
		}
	}
}
