package cpu

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/internal/testutil"

	"github.com/vkgrad/vkgrad/device"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func upload(d *Device, data []float32) device.Buffer {
	b := device.MustAlloc(d, len(data))
	d.Upload(b, 0, data)
	return b
}

// nanBuf returns a buffer of n NaNs, so a missed write shows.
func nanBuf(d *Device, n int) device.Buffer {
	b := device.MustAlloc(d, n)
	d.Fill(b, 0, n, float32(math.NaN()))
	return b
}

func download(t *testing.T, d *Device, b device.Buffer, n int) []float32 {
	t.Helper()
	out := make([]float32, n)
	if err := d.Download(out, b, 0); err != nil {
		t.Fatal(err)
	}
	return out
}

// closeTo compares within atol + rtol*|want|, NaN equal to NaN.
func closeTo(got, want float64, atol, rtol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= atol+rtol*math.Abs(want)
}

func assertClose(t *testing.T, name string, got []float32, want []float64, atol, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	bad := 0
	for i := range got {
		if !closeTo(float64(got[i]), want[i], atol, rtol) {
			if bad < 5 {
				t.Errorf("%s[%d] = %v, want %v", name, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d values differ", name, bad, len(got))
	}
}

// at reads element idx of a strided view from host data.
func at(data []float32, off int, strides, idx []int) float32 {
	for i, v := range idx {
		off += v * strides[i]
	}
	return data[off]
}

// eachIndex calls fn with every multi-index of shape in row-major order.
func eachIndex(shape []int, fn func(idx []int)) {
	n := device.NumElements(shape)
	idx := make([]int, len(shape))
	for k := 0; k < n; k++ {
		rem := k
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d] = rem % shape[d]
			rem /= shape[d]
		}
		fn(idx)
	}
}

func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	testutil.MustPanic(t, want, fn)
}
