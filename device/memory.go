package device

import (
	"errors"
	"fmt"
	"math"
)

// Memory is the memory half of the contract: buffers, transfers, copies and
// the device's lifetime.
type Memory interface {
	// Alloc returns a buffer of n float32 elements, n >= 0. Its contents are
	// undefined. An allocation the device cannot serve (beyond its memory,
	// beyond the largest buffer its ops can bind, or beyond the limit the
	// device was given) is refused with an *AllocError, which wraps
	// ErrOutOfMemory; the device is not harmed and goes on working. Alloc
	// on a closed device panics.
	Alloc(n int) (Buffer, error)
	// Release returns a buffer to the device. Releasing a buffer twice, or
	// using it after, is a bug; Release of nil is a no-op. Release may be
	// called from any goroutine and never waits for the GPU: memory that
	// in-flight work still reads is reused only once that work completes.
	Release(b Buffer)
	// Upload copies src into dst starting at element offset.
	Upload(dst Buffer, offset int, src []float32)
	// Download copies len(dst) elements of src, starting at element offset,
	// to dst. It waits for all recorded work that src depends on and returns
	// the device's first kept error, if any.
	Download(dst []float32, src Buffer, offset int) error
	// Copy copies n elements from src[srcOffset:] to dst[dstOffset:]. The
	// ranges must not overlap.
	Copy(dst Buffer, dstOffset int, src Buffer, srcOffset int, n int)
	// CopyStrided copies the view src of the given shape into the view dst
	// of the same shape. dst must not have stride-0 dimensions and must not
	// overlap src.
	CopyStrided(shape []int, dst, src Strided)
	// Sync waits until all recorded work has finished and returns the first
	// error the device has kept since it was opened (or nil); on a closed
	// device it returns ErrClosed.
	Sync() error
	// Info describes the device.
	Info() Info
	// Stats returns the device's counters.
	Stats() Stats
	// Close waits for outstanding work, releases everything the device
	// created and returns the first kept error. Afterwards every op,
	// allocation and upload panics with a message saying the device is
	// closed, Download, Sync and a second Close return ErrClosed, and
	// Release is a silent no-op (so garbage-collector cleanups of tensors
	// that outlive the device are harmless).
	Close() error
}

// ErrOutOfMemory is what every refused allocation wraps: test for it with
// errors.Is.
var ErrOutOfMemory = errors.New("out of memory")

// ErrClosed is returned by Download and Sync on a device after Close.
var ErrClosed = errors.New("device is closed")

// AllocError is an allocation a device refused. The device is unharmed:
// it keeps no error and smaller allocations go on working.
type AllocError struct {
	// Device names the device, as Info().String() begins: "cpu:0".
	Device string
	// Shape is the shape asked for, when the request came from a tensor
	// (nil otherwise).
	Shape []int
	// Elements is the number of float32 elements asked for; -1 when the
	// shape's product does not fit in an int.
	Elements int
	// Limit is the limit the request broke, in bytes (or, for an
	// overflowing shape, the largest int).
	Limit int64
	// What names the limit: "the largest buffer an op can bind
	// (maxStorageBufferRange)", "device memory heap", "host memory", ...
	What string
}

// Error names the size asked for and the limit.
func (e *AllocError) Error() string {
	shape := ""
	if e.Shape != nil {
		shape = fmt.Sprintf(" for shape %v", e.Shape)
	}
	if e.Elements < 0 {
		return fmt.Sprintf("%s: out of memory: allocation%s refused: its number of elements does not fit in an int (at most %d)", e.Device, shape, e.Limit)
	}
	size := "more than 8 EiB"
	if int64(e.Elements) <= math.MaxInt64/4 {
		size = FormatBytes(4 * int64(e.Elements))
	}
	return fmt.Sprintf("%s: out of memory: allocation of %d elements (%s)%s refused: %s is %s", e.Device, e.Elements, size, shape, e.What, FormatBytes(e.Limit))
}

// Unwrap makes errors.Is(err, ErrOutOfMemory) true.
func (e *AllocError) Unwrap() error { return ErrOutOfMemory }

// FormatBytes writes a byte count with a binary unit: "512 B", "1.5 GiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.4g %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// MustAlloc is m.Alloc(n) for callers without an error path, such as the
// ops of package tensor: a refused allocation panics with the
// *AllocError itself as the panic value, so that a recover (or
// tensor.Try) gets the error back.
func MustAlloc(m Memory, n int) Buffer {
	b, err := m.Alloc(n)
	if err != nil {
		panic(err)
	}
	return b
}
