// Package team runs the CPU backend's parallel loops on a team of
// goroutines kept hot between calls.
//
// Starting a goroutine on an idle core is slow on a virtual machine: the
// idle virtual CPU has been halted and the host must run it again (about
// 100 µs measured on this project's 2-core CI machine, against the 0.1–1
// ms a training step's products and passes take). So, as OpenBLAS's
// threads do, the team's goroutines spin for a while (Spin) after each
// job, yielding to any other goroutine that wants their processor, before
// they park. The team grows to the largest number of workers asked for
// and is never torn down; a parked team costs nothing.
package team

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Spin is how long a team goroutine waits for the next job, yielding its
// processor to any other runnable goroutine, before it parks.
const Spin = 2 * time.Millisecond

var (
	// busy is held by the one caller whose job the team runs; others run
	// theirs on goroutines of their own.
	busy    sync.Mutex
	members []*member
	gen     atomic.Uint64       // bumped for every job
	current atomic.Pointer[job] // the job the team works on, nil between jobs
)

type job struct {
	fn          func(worker, u int)
	units       int64
	next, done  atomic.Int64
	seats, size atomic.Int64 // seats handed out (0 is the caller's) and the most there are
}

type member struct {
	wake   chan struct{}
	parked atomic.Bool
}

// Run calls fn(worker, u) once for every u in [0, units), on up to workers
// goroutines (the caller's among them), each claiming the next u when it
// finishes one, so a goroutine that the machine slows down takes fewer.
// worker, in [0, workers), names the goroutine, for per-goroutine scratch
// space: calls with the same worker never overlap. Run returns when every
// call has returned. It is safe for concurrent use, and fn may call Run.
func Run(units, workers int, fn func(worker, u int)) {
	workers = min(workers, units)
	if workers <= 1 {
		for u := range units {
			fn(0, u)
		}
		return
	}
	if !busy.TryLock() {
		spawn(units, workers, fn)
		return
	}
	defer busy.Unlock()
	for len(members) < workers-1 {
		m := &member{wake: make(chan struct{}, 1)}
		members = append(members, m)
		go m.loop()
	}
	j := &job{fn: fn, units: int64(units)}
	j.seats.Store(1)
	j.size.Store(int64(workers))
	current.Store(j)
	gen.Add(1)
	for _, m := range members[:workers-1] {
		if m.parked.Load() {
			select {
			case m.wake <- struct{}{}:
			default:
			}
		}
	}
	j.work(0)
	for j.done.Load() < j.units { // units other goroutines claimed, still running
		runtime.Gosched()
	}
	current.Store(nil)
}

// work runs units of j until none are left.
func (j *job) work(worker int) {
	for {
		u := j.next.Add(1) - 1
		if u >= j.units {
			return
		}
		j.fn(worker, int(u))
		j.done.Add(1)
	}
}

// loop is a team goroutine: it joins each job it sees, spinning between
// jobs for Spin, then parking until woken.
func (m *member) loop() {
	var seen uint64
	for {
		deadline := time.Now().Add(Spin)
		for gen.Load() == seen {
			if time.Now().After(deadline) {
				m.parked.Store(true)
				if gen.Load() == seen {
					<-m.wake
				}
				m.parked.Store(false)
				deadline = time.Now().Add(Spin)
				continue
			}
			runtime.Gosched()
		}
		seen = gen.Load()
		j := current.Load()
		if j == nil {
			continue
		}
		if seat := j.seats.Add(1) - 1; seat < j.size.Load() {
			j.work(int(seat))
		}
	}
}

// spawn runs the job on goroutines started for it: what a caller does
// while the team works for another.
func spawn(units, workers int, fn func(worker, u int)) {
	j := &job{fn: fn, units: int64(units)}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.work(w)
		}()
	}
	j.work(0)
	wg.Wait()
}
