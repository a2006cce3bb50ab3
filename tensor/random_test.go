package tensor_test

import (
	"slices"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/tensor"
)

// Rand and Randn without a seed draw fresh numbers at every call;
// ManualSeed makes the stream repeat; a Generator of its own is a stream
// that does not move the default one.
func TestDefaultGenerator(t *testing.T) {
	dev := cpu.New()
	get := func(x *tensor.Tensor) []float32 {
		t.Helper()
		v, err := x.Data()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tensor.ManualSeed(7)
	a, b := get(tensor.Randn(dev, 64)), get(tensor.Randn(dev, 64))
	u := get(tensor.Rand(dev, 64))
	if slices.Equal(a, b) {
		t.Fatal("two Randn calls drew the same numbers")
	}
	for _, v := range u {
		if v < 0 || v >= 1 {
			t.Fatalf("Rand drew %v", v)
		}
	}
	tensor.ManualSeed(7)
	a2 := get(tensor.Randn(dev, 64))
	own := tensor.NewGenerator(7)
	o1 := get(own.Randn(dev, 64)) // the same stream as the default after ManualSeed(7)
	b2, u2 := get(tensor.Randn(dev, 64)), get(tensor.Rand(dev, 64))
	if !slices.Equal(a, a2) || !slices.Equal(b, b2) || !slices.Equal(u, u2) {
		t.Fatal("ManualSeed(7) did not repeat the draws")
	}
	if !slices.Equal(o1, a) {
		t.Fatal("NewGenerator(7)'s first draw differs from the default stream's after ManualSeed(7)")
	}
	tensor.ManualSeed(8)
	if slices.Equal(get(tensor.Randn(dev, 64)), a) {
		t.Fatal("seeds 7 and 8 drew the same numbers")
	}
}
