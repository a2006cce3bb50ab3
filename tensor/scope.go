package tensor

import (
	"sync"
	"sync/atomic"
)

// scope collects the storages created while a Tidy runs.
type scope struct {
	storages []*storage
}

var (
	scopeMu sync.Mutex
	scopes  []*scope
	noGrad  atomic.Int32
)

func track(st *storage) {
	scopeMu.Lock()
	if n := len(scopes); n > 0 {
		s := scopes[n-1]
		s.storages = append(s.storages, st)
	}
	scopeMu.Unlock()
}

func pushScope() *scope {
	s := &scope{}
	scopeMu.Lock()
	scopes = append(scopes, s)
	scopeMu.Unlock()
	return s
}

// popScope ends s and releases every storage it created that was not kept.
func popScope(s *scope) {
	scopeMu.Lock()
	for i := len(scopes) - 1; i >= 0; i-- {
		if scopes[i] == s {
			scopes = append(scopes[:i], scopes[i+1:]...)
			break
		}
	}
	scopeMu.Unlock()
	for _, st := range s.storages {
		if !st.kept {
			st.release()
		}
	}
	s.storages = nil
}

// Tidy runs fn and then releases the device memory of every tensor created
// during fn, except those passed to Keep (and gradients, which Backward
// keeps). It is the way to keep a training loop's memory flat without
// waiting for the garbage collector:
//
//	for step := range steps {
//		tensor.Tidy(func() {
//			loss := model.Forward(x).CrossEntropy(y)
//			loss.Backward()
//			opt.Step()
//		})
//	}
//
// Tidy scopes nest. A scope collects tensors created by any goroutine while
// it is open, so use Tidy from one goroutine at a time.
func Tidy(fn func()) {
	s := pushScope()
	defer popScope(s)
	fn()
}

// Keep exempts t's storage (shared with its views) from every Tidy scope:
// it lives until Release or until the garbage collector finds it
// unreachable. Keep returns t.
func Keep(t *Tensor) *Tensor {
	t.st.kept = true
	return t
}

// NoGrad runs fn without recording ops for autograd: tensors it creates do
// not require gradients, as in PyTorch's torch.no_grad(). Use it for
// evaluation and for updates to parameters. NoGrad affects every goroutine
// while it runs.
func NoGrad(fn func()) {
	noGrad.Add(1)
	defer noGrad.Add(-1)
	fn()
}

// GradEnabled reports whether ops are being recorded (false inside NoGrad).
func GradEnabled() bool { return noGrad.Load() == 0 }
