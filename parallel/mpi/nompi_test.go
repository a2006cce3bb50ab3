//go:build !mpi || !cgo

package mpi_test

import (
	"errors"
	"testing"

	"github.com/vkgrad/vkgrad/parallel/mpi"
)

// Without MPI the package builds and says so.
func TestNoMPI(t *testing.T) {
	if _, err := mpi.Init(); !errors.Is(err, mpi.ErrNoMPI) {
		t.Fatalf("Init: %v, want ErrNoMPI", err)
	}
}
