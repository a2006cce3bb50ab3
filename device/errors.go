package device

import "sync"

// Errors keeps a device's errors for its backend, as the contract asks:
// the first failure of the world (kept for good: every later Sync and
// Download returns it) and bad input an op found in its data (returned
// once, by the next Sync or Download). The zero value is ready to use; it
// is safe for concurrent use.
type Errors struct {
	mu   sync.Mutex
	err  error
	data error
}

// Fail keeps err unless an error is kept already (the first wins); nil
// is ignored.
func (e *Errors) Fail(err error) {
	if err == nil {
		return
	}
	e.mu.Lock()
	if e.err == nil {
		e.err = err
	}
	e.mu.Unlock()
}

// BadInput records bad input unless some is pending already.
func (e *Errors) BadInput(err error) {
	e.mu.Lock()
	if e.data == nil {
		e.data = err
	}
	e.mu.Unlock()
}

// Err returns the kept error.
func (e *Errors) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// Result is what Sync and Download return: the kept error, else the
// pending bad input, which it forgets.
func (e *Errors) Result() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return e.err
	}
	err := e.data
	e.data = nil
	return err
}

// Clear forgets the kept error and any pending bad input.
func (e *Errors) Clear() {
	e.mu.Lock()
	e.err, e.data = nil, nil
	e.mu.Unlock()
}
