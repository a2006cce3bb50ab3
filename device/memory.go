package device

// Memory is the memory half of the contract: buffers, transfers, copies and
// the device's lifetime.
type Memory interface {
	// Alloc returns a buffer of n float32 elements, n >= 0. Its contents are
	// undefined. If the device is out of memory, the error is kept and
	// returned by the next Sync or Download, and the buffer is unusable.
	Alloc(n int) Buffer
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
	// error the device has kept since it was opened (or nil).
	Sync() error
	// Info describes the device.
	Info() Info
	// Stats returns the device's counters.
	Stats() Stats
	// Close waits for outstanding work, releases everything the device
	// created and returns the first kept error. The device is unusable
	// afterwards.
	Close() error
}
