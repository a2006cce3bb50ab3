package reliability

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// closedPanic runs fn and returns what it panicked with; it fails the test
// unless that is an error wrapping device.ErrClosed.
func closedPanic(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, device.ErrClosed) {
			t.Errorf("%s on a closed device: panic %v, want an error wrapping device.ErrClosed", what, r)
		}
	}()
	fn()
}

// TestClosedDevice: after Close every op, allocation and upload panics
// with "device is closed", Data, Item, Sync and a second Close return
// device.ErrClosed, and Release and the garbage collector's cleanups are
// silent.
func TestClosedDevice(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		a := tensor.FromSlice(d, []float32{1, 2, 3, 4}, 2, 2)
		b := tensor.Ones(d, 2, 2)
		one := tensor.Scalar(d, 5)
		img := tensor.Ones(d, 1, 1, 4, 4)
		for range 100 { // garbage for the collector to clean up after Close
			tensor.Ones(d, 64)
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		ops := []struct {
			name string
			fn   func()
		}{
			{"Add", func() { a.Add(b) }},
			{"MatMul", func() { a.MatMul(b) }},
			{"Sum", func() { a.Sum() }},
			{"Exp", func() { a.Exp() }},
			{"Softmax", func() { a.Softmax(1) }},
			{"Contiguous", func() { a.T().Contiguous() }},
			{"CrossEntropy", func() { tensor.CrossEntropy(a, tensor.Zeros(d, 2)) }},
			{"MaxPool2d", func() { tensor.MaxPool2d(img, tensor.Pool2dOptions{Kernel: [2]int{2, 2}}) }},
			{"Zeros", func() { tensor.Zeros(d, 3) }},
			{"FromSlice", func() { tensor.FromSlice(d, []float32{1}, 1) }},
			{"Randn", func() { tensor.RandNormal(d, 1, 0, 1, 4) }},
			{"Upload", func() { tensor.Upload(a, []float32{1, 2, 3, 4}) }},
			{"Alloc", func() { d.Alloc(4) }},
		}
		for _, op := range ops {
			closedPanic(t, op.name, op.fn)
		}
		for name, fn := range map[string]func() error{
			"Data":           func() error { _, err := a.Data(); return err },
			"Data of a view": func() error { _, err := a.T().Data(); return err },
			"Item":           func() error { _, err := one.Item(); return err },
			"Sync":           d.Sync,
			"a second Close": d.Close,
		} {
			if err := fn(); !errors.Is(err, device.ErrClosed) || !strings.Contains(err.Error(), "device is closed") {
				t.Errorf("%s: %v, want device.ErrClosed", name, err)
			}
		}
		a.Release()
		b.Release()
		runtime.GC()
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // let the cleanups run
	})
}

// TestCloseWhileInUse closes a device while goroutines are running ops on
// it: each goroutine ends with a closed-device panic or error, none
// crashes.
func TestCloseWhileInUse(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		var wg sync.WaitGroup
		started := make(chan struct{}, goroutines)
		results := make(chan error, goroutines)
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results <- untilClosed(d, started)
			}()
		}
		for range goroutines {
			<-started
		}
		time.Sleep(5 * time.Millisecond)
		if err := d.Close(); err != nil {
			t.Error(err)
		}
		wg.Wait()
		close(results)
		for err := range results {
			if !errors.Is(err, device.ErrClosed) {
				t.Errorf("a goroutine ended with %v, want device.ErrClosed", err)
			}
		}
	})
}

// untilClosed runs ops until the device is closed under it and returns
// the closed-device error it saw (as a panic or an error).
func untilClosed(d device.Device, started chan<- struct{}) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
				return
			}
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	started <- struct{}{}
	for i := 0; ; i++ {
		var e error
		tensor.Tidy(func() {
			x := tensor.Ones(d, 16, 16)
			y := x.MatMul(x).Exp().Sum()
			if i%4 == 0 {
				_, e = y.Item()
			}
		})
		if e != nil {
			return e
		}
	}
}
