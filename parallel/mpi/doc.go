// Package mpi runs data-parallel training across processes and machines
// over MPI (Open MPI or MPICH, through their C API): every rank holds a
// replica, takes its share of each batch, and the ranks average their
// gradients with MPI_Allreduce before every optimizer step, after the
// first rank's weights are broadcast to the others.
//
// It needs cgo, an MPI development package (Debian: libopenmpi-dev and
// openmpi-bin) and the build tag mpi:
//
//	go build -tags mpi ./...
//	mpirun -np 2 ./train
//
// Without the tag (or without cgo) the package still builds, and Init
// returns ErrNoMPI, so a program can fall back to one process.
package mpi

import "errors"

// ErrNoMPI is Init's error in a binary built without MPI.
var ErrNoMPI = errors.New("mpi: built without MPI (build with -tags mpi, cgo and an MPI development package such as libopenmpi-dev)")
