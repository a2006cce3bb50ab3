// Package devicetest is the test kit every vkgrad backend passes, as
// testing/fstest is for file systems and gonum's testblas for BLAS
// implementations. A backend's tests call
//
//	func TestConformance(t *testing.T) { devicetest.Conformance(t, myDevice, cpu.New()) }
//	func TestGradients(t *testing.T)   { devicetest.Gradients(t, myDevice) }
//
// Conformance runs one table of ops × shapes (odd sizes, sizes that are not
// multiples of any tile, size 1, empty where legal, strided, broadcast and
// offset views) on the device and on a reference device (the CPU backend)
// from the same random inputs, and compares them within each op's
// tolerance class. Outputs start as NaN and every buffer carries NaN guard
// elements past its end, so a missed write or a stray one shows.
//
// Gradients checks every differentiable op of package tensor on the device:
// the backward pass against central differences of the forward pass.
//
// The unary and binary cases of both come from device's op tables, and
// the package's own tests check that every method of device.Device has
// conformance cases and every differentiable op a gradient case: an op
// cannot be added without them.
package devicetest

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

// guard is the number of NaN elements past the end of every buffer.
const guard = 16

// Buf is one buffer of a case: N elements from Gen, or NaN when Gen is nil
// (an output).
type Buf struct {
	N   int
	Gen func(r *rand.Rand, i int) float32
}

// Case is one op on one set of shapes.
type Case struct {
	Name string
	Bufs []Buf
	// Run records the op on d with the case's buffers.
	Run func(d device.Device, b []device.Buffer)
	// Check lists the buffers compared after Run (outputs, and inputs that
	// the op updates in place).
	Check []int
	// Atol and Rtol: |got - want| <= Atol + Rtol*|want|; NaN must match NaN.
	Atol, Rtol float64
	// Property, when set, checks a rule of the op's contract on every
	// device's results (the reference device's too), given the buffers
	// without their guards.
	Property func(out [][]float32) error
	// SyncErr, when set, is part of the error the first Sync after Run
	// must return on every device (bad input an op reports); the error is
	// returned once, so the read-backs that follow succeed.
	SyncErr string
}

// Generators.
var (
	Normal   = func(r *rand.Rand, _ int) float32 { return float32(r.NormFloat64()) }
	Positive = func(r *rand.Rand, _ int) float32 { return float32(0.1 + 2*r.Float64()) }
	NaN      = func(*rand.Rand, int) float32 { return float32(math.NaN()) }
	// AwayFromIntegers draws k + f with f in [0.2, 0.3] or [0.7, 0.8]:
	// away from where floor, ceil and round jump.
	AwayFromIntegers = func(r *rand.Rand, _ int) float32 { return awayFromIntegers(r) }
	// AwayFromZero keeps |x| >= 0.2, away from the kinks of relu and abs.
	AwayFromZero = func(r *rand.Rand, _ int) float32 {
		v := float32(0.2 + 2*r.Float64())
		if r.IntN(2) == 0 {
			return -v
		}
		return v
	}
)

// Offset draws normal values around off: rows of large logits.
func Offset(off float32) func(r *rand.Rand, i int) float32 {
	return func(r *rand.Rand, _ int) float32 { return off + float32(r.NormFloat64()) }
}

// Specials draws normal values with +Inf, -Inf and NaN among them, in
// rows of n: the first row holds one +Inf, the second one -Inf, the third
// a NaN, the fourth only -Inf, and the others none.
func Specials(n int) func(r *rand.Rand, i int) float32 {
	inf := float32(math.Inf(1))
	return func(r *rand.Rand, i int) float32 {
		v := float32(r.NormFloat64())
		switch row, j := i/n, i%n; {
		case row == 0 && j == n/2:
			return inf
		case row == 1 && j == 0:
			return -inf
		case row == 2 && j == n-1:
			return float32(math.NaN())
		case row == 3:
			return -inf
		}
		return v
	}
}

// LabelsIgnoring draws class indices in [0, classes) with about a third
// of them replaced by ignore.
func LabelsIgnoring(classes int, ignore float32) func(r *rand.Rand, i int) float32 {
	return func(r *rand.Rand, _ int) float32 {
		if r.IntN(3) == 0 {
			return ignore
		}
		return float32(r.IntN(classes))
	}
}

// Labels draws class indices in [0, classes).
func Labels(classes int) func(r *rand.Rand, i int) float32 {
	return func(r *rand.Rand, _ int) float32 { return float32(r.IntN(classes)) }
}

// Const fills with v.
func Const(v float32) func(r *rand.Rand, i int) float32 {
	return func(*rand.Rand, int) float32 { return v }
}

// Run runs every case on dev and on ref and compares them.
func Conformance(t *testing.T, dev, ref device.Device) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) { runCase(t, c, dev, ref) })
	}
}

func runCase(t *testing.T, c Case, dev, ref device.Device) {
	r := rand.New(rand.NewPCG(7, uint64(len(c.Name))))
	host := make([][]float32, len(c.Bufs))
	for i, b := range c.Bufs {
		host[i] = make([]float32, b.N+guard)
		for j := range host[i] {
			if j < b.N && b.Gen != nil {
				host[i][j] = b.Gen(r, j)
			} else {
				host[i][j] = float32(math.NaN())
			}
		}
	}
	results := make([][][]float32, 2)
	for k, d := range []device.Device{ref, dev} {
		bufs := make([]device.Buffer, len(host))
		for i := range host {
			bufs[i] = device.MustAlloc(d, len(host[i]))
			d.Upload(bufs[i], 0, host[i])
		}
		c.Run(d, bufs)
		err := d.Sync()
		switch {
		case c.SyncErr == "" && err != nil:
			t.Fatal(err)
		case c.SyncErr != "" && (err == nil || !strings.Contains(err.Error(), c.SyncErr)):
			t.Fatalf("%s: Sync returned %v, want an error with %q", d.Info().Backend, err, c.SyncErr)
		}
		results[k] = make([][]float32, len(host))
		for i := range host {
			results[k][i] = make([]float32, len(host[i]))
			if err := d.Download(results[k][i], bufs[i], 0); err != nil {
				t.Fatal(err)
			}
			d.Release(bufs[i])
		}
		if c.Property != nil {
			out := make([][]float32, len(host))
			for i, b := range c.Bufs {
				out[i] = results[k][i][:b.N]
			}
			if err := c.Property(out); err != nil {
				t.Errorf("%s: %v", d.Info().Backend, err)
			}
		}
	}
	for i, b := range c.Bufs {
		got := results[1][i]
		for j := b.N; j < b.N+guard; j++ {
			if !math.IsNaN(float64(got[j])) {
				t.Fatalf("buffer %d: element %d past its end was written (%v)", i, j-b.N, got[j])
			}
		}
	}
	for _, i := range c.Check {
		want, got := results[0][i][:c.Bufs[i].N], results[1][i][:c.Bufs[i].N]
		bad := 0
		for j := range want {
			w, g := float64(want[j]), float64(got[j])
			ok := math.IsNaN(w) == math.IsNaN(g) && (math.IsNaN(w) || w == g || math.Abs(g-w) <= c.Atol+c.Rtol*math.Abs(w))
			if !ok {
				if bad < 4 {
					t.Errorf("buffer %d element %d: %v, the CPU backend gives %v (tolerance %g + %g·|x|)", i, j, g, w, c.Atol, c.Rtol)
				}
				bad++
			}
		}
		if bad > 4 {
			t.Errorf("buffer %d: %d of %d elements differ", i, bad, len(want))
		}
	}
}

func awayFromIntegers(r *rand.Rand) float32 {
	f := 0.2 + 0.1*r.Float64()
	if r.IntN(2) == 0 {
		f += 0.5
	}
	return float32(float64(r.IntN(7)-3) + f)
}
