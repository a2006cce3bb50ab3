//go:build mpi && cgo

package mpi

/*
#cgo pkg-config: ompi-c
#include <mpi.h>
#include <stdlib.h>

static int vk_init(void) {
	int provided;
	return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
}
static int vk_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int vk_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int vk_allreduce_sum(float *buf, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}
static int vk_allreduce_sum_f64(double *buf, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
static int vk_bcast(float *buf, int n, int root) { return MPI_Bcast(buf, n, MPI_FLOAT, root, MPI_COMM_WORLD); }
static int vk_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
static void vk_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }
static int vk_finalize(void) { return MPI_Finalize(); }
static void vk_errors_return(void) { MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN); }
static int vk_error_string(int code, char *s, int *n) { return MPI_Error_string(code, s, n); }
*/
import "C"

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// Comm is the world communicator of an MPI job: every process that
// mpirun started. Its methods are collective: every rank must call them
// in the same order. They may be called from any goroutine, one at a time.
type Comm struct {
	mu         sync.Mutex
	rank, size int
	done       bool
}

var (
	initOnce sync.Once
	world    *Comm
	initErr  error
)

// Init starts MPI (once per process; later calls return the same Comm)
// with errors returned rather than aborting the job.
func Init() (*Comm, error) {
	initOnce.Do(func() {
		if rc := C.vk_init(); rc != 0 {
			initErr = fmt.Errorf("mpi: MPI_Init_thread: %s", errorString(rc))
			return
		}
		C.vk_errors_return()
		var r, s C.int
		if rc := C.vk_rank(&r); rc != 0 {
			initErr = fmt.Errorf("mpi: MPI_Comm_rank: %s", errorString(rc))
			return
		}
		if rc := C.vk_size(&s); rc != 0 {
			initErr = fmt.Errorf("mpi: MPI_Comm_size: %s", errorString(rc))
			return
		}
		world = &Comm{rank: int(r), size: int(s)}
	})
	return world, initErr
}

func errorString(rc C.int) string {
	buf := make([]byte, C.MPI_MAX_ERROR_STRING)
	var n C.int
	if C.vk_error_string(rc, (*C.char)(unsafe.Pointer(&buf[0])), &n) != 0 {
		return fmt.Sprintf("MPI error %d", int(rc))
	}
	return string(buf[:n])
}

// Rank is this process's index in [0, Size).
func (c *Comm) Rank() int { return c.rank }

// Size is the number of processes.
func (c *Comm) Size() int { return c.size }

func (c *Comm) call(op string, f func() C.int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return fmt.Errorf("mpi: %s after Finalize", op)
	}
	if rc := f(); rc != 0 {
		return fmt.Errorf("mpi: %s: %s", op, errorString(rc))
	}
	return nil
}

// AllreduceSum replaces buf on every rank by the element-wise sum of all
// ranks' bufs (MPI_Allreduce with MPI_SUM, in place).
func (c *Comm) AllreduceSum(buf []float32) error {
	if len(buf) == 0 {
		return nil
	}
	if len(buf) > math.MaxInt32 {
		return fmt.Errorf("mpi: AllreduceSum of %d values (at most 2^31-1)", len(buf))
	}
	return c.call("MPI_Allreduce", func() C.int { return C.vk_allreduce_sum((*C.float)(unsafe.Pointer(&buf[0])), C.int(len(buf))) })
}

// AllreduceSum64 is AllreduceSum for float64 values (losses, counts).
func (c *Comm) AllreduceSum64(buf []float64) error {
	if len(buf) == 0 {
		return nil
	}
	return c.call("MPI_Allreduce", func() C.int {
		return C.vk_allreduce_sum_f64((*C.double)(unsafe.Pointer(&buf[0])), C.int(len(buf)))
	})
}

// Bcast copies root's buf to every other rank's.
func (c *Comm) Bcast(buf []float32, root int) error {
	if root < 0 || root >= c.size {
		return fmt.Errorf("mpi: Bcast from rank %d of %d", root, c.size)
	}
	if len(buf) == 0 {
		return nil
	}
	return c.call("MPI_Bcast", func() C.int { return C.vk_bcast((*C.float)(unsafe.Pointer(&buf[0])), C.int(len(buf)), C.int(root)) })
}

// Barrier waits until every rank has called it.
func (c *Comm) Barrier() error { return c.call("MPI_Barrier", func() C.int { return C.vk_barrier() }) }

// Abort ends every rank of the job with code: what a rank does on an
// error the others cannot know of, so that none waits forever in a
// collective.
func (c *Comm) Abort(code int) { C.vk_abort(C.int(code)) }

// Finalize ends MPI for this process; the Comm is unusable after it.
func (c *Comm) Finalize() error {
	err := c.call("MPI_Finalize", func() C.int { return C.vk_finalize() })
	c.mu.Lock()
	c.done = true
	c.mu.Unlock()
	return err
}
