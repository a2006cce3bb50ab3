package tensor

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/petermattis/goid"
)

// Grad mode (NoGrad) and Tidy scopes belong to the goroutine that enters
// them: each goroutine has its own stack of scopes and its own NoGrad
// depth, so goroutines serving inference under NoGrad, or each wrapping
// its steps in Tidy, do not affect one another. A goroutine started inside
// NoGrad or Tidy does not inherit them.

// scope collects the storages created while a Tidy runs.
type scope struct {
	storages []*storage
}

var (
	scopeMu sync.Mutex
	// scopes is each goroutine's stack of open Tidy scopes.
	scopes = map[int64][]*scope{}
	// openScopes counts open scopes of every goroutine: while it is 0,
	// creating a tensor needs no goroutine lookup.
	openScopes atomic.Int64

	gradMu sync.Mutex
	// noGrad is each goroutine's NoGrad depth.
	noGrad = map[int64]int{}
	// noGradAll counts NoGrad calls in progress in every goroutine.
	noGradAll atomic.Int64
)

// goroutineID returns the calling goroutine's ID, fast (github.com/
// petermattis/goid reads it from the runtime's goroutine struct) once a
// self-check at start-up has shown that the fast path agrees with the ID
// the runtime prints; otherwise from runtime.Stack.
var goroutineID = func() func() int64 {
	if fast, slow := goid.Get(), slowGoroutineID(); fast == slow && fast > 0 {
		ch := make(chan bool)
		go func() { ch <- goid.Get() == slowGoroutineID() }()
		if <-ch {
			return goid.Get
		}
	}
	return slowGoroutineID
}()

// slowGoroutineID parses "goroutine N [" from the stack trace.
func slowGoroutineID() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}

func track(st *storage) {
	if openScopes.Load() == 0 {
		return
	}
	id := goroutineID()
	scopeMu.Lock()
	if l := scopes[id]; len(l) > 0 {
		s := l[len(l)-1]
		s.storages = append(s.storages, st)
	}
	scopeMu.Unlock()
}

func pushScope() (*scope, int64) {
	s := &scope{}
	id := goroutineID()
	scopeMu.Lock()
	scopes[id] = append(scopes[id], s)
	scopeMu.Unlock()
	openScopes.Add(1)
	return s, id
}

// popScope ends s, opened by goroutine id, and releases every storage it
// created that was not kept.
func popScope(s *scope, id int64) {
	scopeMu.Lock()
	l := scopes[id]
	for i := len(l) - 1; i >= 0; i-- {
		if l[i] == s {
			l = append(l[:i], l[i+1:]...)
			break
		}
	}
	if len(l) == 0 {
		delete(scopes, id)
	} else {
		scopes[id] = l
	}
	scopeMu.Unlock()
	openScopes.Add(-1)
	for _, st := range s.storages {
		if !st.kept.Load() {
			st.release()
		}
	}
	s.storages = nil
}

// Tidy runs fn and then releases the device memory of every tensor the
// calling goroutine created during fn, except those passed to Keep (and
// gradients, which Backward keeps). It is the way to keep a training
// loop's memory flat without waiting for the garbage collector:
//
//	for step := range steps {
//		tensor.Tidy(func() {
//			loss := model.Forward(x).CrossEntropy(y)
//			loss.Backward()
//			opt.Step()
//		})
//	}
//
// Tidy scopes nest, and they are per goroutine: tensors that other
// goroutines create meanwhile, including goroutines fn starts, are not
// collected. Tidy releases even when fn panics.
func Tidy(fn func()) {
	s, id := pushScope()
	defer popScope(s, id)
	fn()
}

// Keep exempts t's storage (shared with its views) from every Tidy scope:
// it lives until Release or until the garbage collector finds it
// unreachable. Keep returns t.
func Keep(t *Tensor) *Tensor {
	t.st.kept.Store(true)
	return t
}

// NoGrad runs fn without recording ops for autograd: tensors the calling
// goroutine creates in fn do not require gradients, as in PyTorch's
// torch.no_grad(). Use it for evaluation and for updates to parameters.
// Like PyTorch's grad mode it is per goroutine (PyTorch: per thread):
// other goroutines, including those fn starts, go on recording.
func NoGrad(fn func()) {
	defer enterNoGrad()()
	fn()
}

// enterNoGrad turns recording off for the calling goroutine until the
// returned function is called.
func enterNoGrad() func() {
	id := goroutineID()
	gradMu.Lock()
	noGrad[id]++
	gradMu.Unlock()
	noGradAll.Add(1)
	return func() {
		gradMu.Lock()
		if noGrad[id]--; noGrad[id] == 0 {
			delete(noGrad, id)
		}
		gradMu.Unlock()
		noGradAll.Add(-1)
	}
}

// GradEnabled reports whether the calling goroutine records ops (false
// inside NoGrad).
func GradEnabled() bool {
	if noGradAll.Load() == 0 {
		return true
	}
	id := goroutineID()
	gradMu.Lock()
	off := noGrad[id] > 0
	gradMu.Unlock()
	return !off
}
