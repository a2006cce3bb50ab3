//go:build !mpi || !cgo

package mpi

// Comm is the world communicator of an MPI job. In a binary built
// without MPI there is none: Init returns ErrNoMPI.
type Comm struct{ rank, size int }

// Init returns ErrNoMPI: this binary was built without MPI.
func Init() (*Comm, error) { return nil, ErrNoMPI }

// Rank is this process's index in [0, Size).
func (c *Comm) Rank() int { return c.rank }

// Size is the number of processes.
func (c *Comm) Size() int { return c.size }

// AllreduceSum returns ErrNoMPI.
func (c *Comm) AllreduceSum([]float32) error { return ErrNoMPI }

// AllreduceSum64 returns ErrNoMPI.
func (c *Comm) AllreduceSum64([]float64) error { return ErrNoMPI }

// Bcast returns ErrNoMPI.
func (c *Comm) Bcast([]float32, int) error { return ErrNoMPI }

// Barrier returns ErrNoMPI.
func (c *Comm) Barrier() error { return ErrNoMPI }

// Abort does nothing without MPI.
func (c *Comm) Abort(int) {}

// Finalize returns ErrNoMPI.
func (c *Comm) Finalize() error { return ErrNoMPI }
