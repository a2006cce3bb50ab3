package reliability

import (
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
	"github.com/vkgrad/vkgrad/tensor"
)

const goroutines = 8

// TestConcurrentUse: 8 goroutines use one device at once, each with its
// own tensors and all reading one shared weight matrix, each result
// checked against a value computed on the host.
func TestConcurrentUse(t *testing.T) {
	eachDevice(t, func(t *testing.T, d device.Device) {
		w := tensor.FromSlice(d, []float32{1, 2, 3, 4, 5, 6}, 2, 3) // shared, read by all
		inParallel(t, func(g int) error { return worker(d, w, g, 60) })
		if err := d.Sync(); err != nil {
			t.Fatal(err)
		}
	})
}

// worker runs steps of a small mixed program (upload, matmul with the
// shared w, elementwise, reduction, softmax, read-back) and checks each
// result.
func worker(d device.Device, w *tensor.Tensor, g, steps int) error {
	for s := range steps {
		var err error
		tensor.Tidy(func() {
			a := float32(g*1000 + s)
			x := tensor.FromSlice(d, []float32{a, 1, -1}, 1, 3)
			// x·wᵀ = [a+2-3, 4a+5-6] = [a-1, 4a-1]
			y := x.MatMul(w.T()).AddScalar(1) // [a, 4a]
			sum := y.Sum()                    // 5a
			sm := y.Sub(y).Softmax(1)         // [0.5, 0.5]
			var v []float32
			if v, err = tensor.Concat(1, y, sum.Reshape(1, 1), sm).Data(); err != nil {
				return
			}
			if s%10 == 0 { // concurrent reads of the shared tensor
				var wv []float32
				if wv, err = w.Data(); err != nil {
					return
				}
				if !slices.Equal(wv, []float32{1, 2, 3, 4, 5, 6}) {
					err = fmt.Errorf("goroutine %d step %d: the shared tensor reads %v", g, s, wv)
					return
				}
			}
			want := []float32{a, 4 * a, 5 * a, 0.5, 0.5}
			for i := range want {
				if math.Abs(float64(v[i]-want[i])) > 1e-3*math.Max(1, math.Abs(float64(want[i]))) {
					err = fmt.Errorf("goroutine %d step %d: got %v, want %v", g, s, v, want)
					return
				}
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// TestConcurrentStress runs about 10,000 mixed ops across 8 goroutines
// (records from several goroutines interleave in one command stream) and
// checks every goroutine's final values.
func TestConcurrentStress(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	eachDevice(t, func(t *testing.T, d device.Device) {
		const n, rounds = 33, 250 // 5 ops a round: 8*250*5 = 10,000
		inParallel(t, func(g int) error { return stress(d, g, n, rounds) })
	})
}

// inParallel runs fn(g) for g = 0..goroutines-1, each in its own
// goroutine, and fails t with every error they return.
func inParallel(t *testing.T, fn func(g int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- fn(g)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// stress keeps a running vector through rounds of ops whose result is
// known in closed form: v ← ((v + g) · 2 − g·2) / 2 = v, then v + 1, and
// a sum and a max read back every 50 rounds.
func stress(d device.Device, g, n, rounds int) error {
	v := tensor.Keep(tensor.Arange(d, 0, float32(n), 1))
	defer v.Release()
	for r := range rounds {
		var err error
		tensor.Tidy(func() {
			next := v.AddScalar(float32(g)).MulScalar(2).AddScalar(-2 * float32(g)).DivScalar(2).AddScalar(1)
			tensor.Assign(v, next)
			if r%50 == 49 {
				var s, m float32
				if s, err = v.Sum().Item(); err != nil {
					return
				}
				if m, err = v.Max().Item(); err != nil {
					return
				}
				k := float32(r + 1)
				wantSum := float32(n*(n-1)/2) + float32(n)*k
				if s != wantSum || m != float32(n-1)+k {
					err = fmt.Errorf("goroutine %d round %d: sum %v max %v, want %v and %v", g, r, s, m, wantSum, float32(n-1)+k)
				}
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// gcPercent reads the garbage collector's setting (GOGC) without
// changing it.
func gcPercent() uint64 {
	m := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(m)
	return m[0].Value.Uint64()
}

// TestConcurrentOpen opens and closes devices and lists the Vulkan
// devices from many goroutines at once while the garbage collector runs
// all the time: nothing crashes (no C memory of a call is the collector's
// to free) and the collector's setting is what it was (Open changes
// nothing process-wide).
func TestConcurrentOpen(t *testing.T) {
	before := gcPercent()
	stop := make(chan struct{})
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if g%2 == 0 {
					vulkan.Devices()
					continue
				}
				d, err := vkgrad.Open("vulkan")
				if err != nil {
					d, err = vkgrad.Open("cpu")
				}
				if err != nil {
					t.Error(err)
					return
				}
				if err := d.Close(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-collected
	if got := gcPercent(); got != before {
		t.Fatalf("GC percent %d after concurrent opens, want the %d it was", got, before)
	}
}

// TestGradModeAndTidyPerGoroutine: NoGrad in one goroutine does not stop
// another from recording, and one goroutine's Tidy does not release
// another's tensors.
func TestGradModeAndTidyPerGoroutine(t *testing.T) {
	d := open(t, "cpu")
	inNoGrad, recorded := make(chan struct{}), make(chan bool)
	leave := make(chan struct{})
	go func() {
		tensor.NoGrad(func() {
			close(inNoGrad)
			<-leave
		})
	}()
	<-inNoGrad
	w := tensor.Ones(d, 2).SetRequiresGrad(true)
	go func() { recorded <- w.MulScalar(2).RequiresGrad() }()
	if !<-recorded {
		t.Error("another goroutine's NoGrad stopped this one recording")
	}
	if !tensor.GradEnabled() {
		t.Error("GradEnabled is false outside NoGrad")
	}
	close(leave)

	made := make(chan *tensor.Tensor)
	tidyOpen, tidyDone := make(chan struct{}), make(chan struct{})
	go func() {
		tensor.Tidy(func() {
			close(tidyOpen)
			<-made // another goroutine creates a tensor meanwhile
		})
		close(tidyDone)
	}()
	<-tidyOpen
	x := tensor.Ones(d, 3)
	made <- x
	<-tidyDone
	if x.Released() {
		t.Fatal("another goroutine's Tidy released this goroutine's tensor")
	}
}
