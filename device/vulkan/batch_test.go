package vulkan

import "testing"

// From idle the first batch is short, later ones double up to maxBatch,
// and going idle starts again.
func TestBatchLimit(t *testing.T) {
	limit, got := 0, []int{}
	for _, idle := range []bool{true, false, false, false, false, false, false, true, false} {
		limit = batchLimit(limit, idle)
		got = append(got, limit)
	}
	want := []int{32, 64, 128, 256, 512, 512, 512, 32, 64}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("limits %v, want %v", got, want)
		}
	}
}
