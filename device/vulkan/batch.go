package vulkan

// Submission ramps up from idle: the first batch after the GPU has
// finished everything goes to the queue after firstBatch commands, so
// that the GPU starts while the host records the rest; each later batch
// may be twice as long, up to maxBatch (the descriptor pools and timestamp
// queries of a slot are sized for maxBatch).
const (
	firstBatch = 32
	maxBatch   = 512
)

// batchLimit is how many commands the batch being begun may hold, after
// one that could hold prev, when the GPU has (idle) or has not finished
// every batch in flight.
func batchLimit(prev int, idle bool) int {
	if idle || prev < firstBatch {
		return firstBatch
	}
	return min(2*prev, maxBatch)
}
