package team

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunCoversEveryUnitOnce runs jobs of many sizes, back to back (the
// team hot) and apart (the team parked), concurrently and nested, and
// wants every unit run exactly once, by a worker below workers, never two
// calls of one worker at a time.
func TestRunCoversEveryUnitOnce(t *testing.T) {
	check := func(t *testing.T, units, workers int) {
		counts := make([]atomic.Int32, units)
		active := make([]atomic.Int32, max(workers, 1))
		Run(units, workers, func(w, u int) {
			if w < 0 || w >= max(workers, 1) {
				t.Errorf("worker %d of %d", w, workers)
				return
			}
			if active[w].Add(1) != 1 {
				t.Errorf("worker %d runs two units at once", w)
			}
			counts[u].Add(1)
			active[w].Add(-1)
		})
		for u := range counts {
			if n := counts[u].Load(); n != 1 {
				t.Fatalf("units=%d workers=%d: unit %d ran %d times", units, workers, u, n)
			}
		}
	}
	for _, s := range []struct{ units, workers int }{{0, 4}, {1, 4}, {5, 1}, {2, 2}, {100, 2}, {1000, 3}, {7, 16}} {
		check(t, s.units, s.workers)
	}
	time.Sleep(2 * Spin) // the team parks
	check(t, 50, 3)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				check(t, 64, 3)
			}
		}()
	}
	wg.Wait()
	var inner atomic.Int64
	Run(8, 2, func(_, _ int) {
		Run(10, 2, func(_, _ int) { inner.Add(1) })
	})
	if inner.Load() != 80 {
		t.Fatalf("nested runs ran %d inner units, want 80", inner.Load())
	}
}
