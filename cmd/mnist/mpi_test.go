//go:build mpi && cgo

package main

import (
	"io"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/datasets/mnist"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/parallel/mpi"
	"github.com/vkgrad/vkgrad/tensor"
)

// TestMain ends MPI as the job needs: every rank finalizes, and a failing
// rank aborts them all.
func TestMain(m *testing.M) {
	code := m.Run()
	if comm, err := mpi.Init(); err == nil {
		if code != 0 {
			comm.Abort(code)
		}
		comm.Finalize()
	}
	os.Exit(code)
}

// TestMPIMatchesOneProcess runs under mpirun (CI: -np 2 with
// VKGRAD_MPI_RANKS=2): the ranks, each with a batch of 64, train the MLP
// for 20 steps and end with the weights one process reaches with batches
// of 128 (to 1e-5), all ranks with the same bits.
func TestMPIMatchesOneProcess(t *testing.T) {
	comm, err := mpi.Init()
	if err != nil {
		t.Fatal(err)
	}
	if want := os.Getenv("VKGRAD_MPI_RANKS"); want != "" {
		if n, _ := strconv.Atoi(want); comm.Size() != n {
			t.Fatalf("%d ranks, VKGRAD_MPI_RANKS=%s", comm.Size(), want)
		}
	}
	dir, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	train, _, err := mnist.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	dev := cpu.New()
	c := config{model: "mlp", epochs: 1, batch: 64, lr: 1e-3, seed: defaultSeed, limit: 20, quiet: true, mpi: true}
	weights := func(m nn.Module) []float32 {
		var all []float32
		for _, p := range m.Params() {
			v, err := p.Tensor.Data()
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, v...)
		}
		return all
	}
	nn.ManualSeed(uint64(100 + comm.Rank())) // unequal until the broadcast
	job, shape, _ := buildModel(dev, "mlp")
	if err := mpi.BroadcastParams(comm, job.Params(), 0); err != nil {
		t.Fatal(err)
	}
	ref, _, _ := buildModel(dev, "mlp")
	for k, p := range job.Params() { // one process starts where rank 0 started
		v, err := p.Tensor.Data()
		if err != nil {
			t.Fatal(err)
		}
		dst := ref.Params()[k].Tensor
		tensor.Upload(dst, v)
	}
	if _, err := fit(dev, job, shape, train, c, comm, io.Discard); err != nil {
		t.Fatal(err)
	}
	one := c
	one.mpi, one.batch = false, 64*comm.Size()
	if _, err := fit(dev, ref, shape, train, one, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	w, r := weights(job), weights(ref)
	for i := range w {
		if d := math.Abs(float64(w[i] - r[i])); d > 1e-5 {
			t.Fatalf("rank %d: weight %d = %v, one process with batch %d: %v", comm.Rank(), i, w[i], one.batch, r[i])
		}
	}
	sum := append([]float32(nil), w...)
	if err := comm.AllreduceSum(sum); err != nil {
		t.Fatal(err)
	}
	for i := range sum {
		if sum[i] != float32(comm.Size())*w[i] {
			t.Fatalf("rank %d: weight %d differs between ranks", comm.Rank(), i)
		}
	}
}
