package main

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdversaries trains a small DCGAN for 40 steps on 640 images: every
// loss stays finite, the discriminator's falls from its start near
// 2·log 2 while the generator's rises (the discriminator wins the first
// round, as it does in PyTorch's DCGAN), and the images of each epoch's
// grid are not constant and differ from one another.
func TestAdversaries(t *testing.T) {
	dir := t.TempDir()
	c := config{device: "cpu", out: dir, epochs: 2, batch: 32, limit: 640, nz: 16, gWidth: 16, dWidth: 16, every: 10, lr: 2e-4, beta1: 0.5, seed: 1}
	var out bytes.Buffer
	steps, err := run(c, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 40 {
		t.Fatalf("%d steps, want 40", len(steps))
	}
	mean := func(ss []step, f func(step) float64) float64 {
		s := 0.0
		for _, x := range ss {
			s += f(x)
		}
		return s / float64(len(ss))
	}
	for i, s := range steps {
		if math.IsNaN(s.d) || math.IsInf(s.d, 0) || math.IsNaN(s.g) || math.IsInf(s.g, 0) {
			t.Fatalf("step %d: losses %v", i, s)
		}
	}
	d := func(s step) float64 { return s.d }
	g := func(s step) float64 { return s.g }
	d0, d1 := mean(steps[:5], d), mean(steps[35:], d)
	g0, g1 := mean(steps[:5], g), mean(steps[35:], g)
	if math.Abs(d0-2*math.Ln2) > 0.3 || d1 >= d0-0.1 || g1 <= g0+0.1 {
		t.Fatalf("D loss %.3f → %.3f, G loss %.3f → %.3f: want D to start near %.3f and fall, G to rise\n%s", d0, d1, g0, g1, 2*math.Ln2, out.String())
	}
	for epoch := 1; epoch <= 2; epoch++ {
		f, err := os.Open(filepath.Join(dir, "dcgan-epoch-"+string(rune('0'+epoch))+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 8*29+1 || b.Dy() != 8*29+1 {
			t.Fatalf("grid %v, want 8×8 images of 28×28 with borders", b)
		}
		// Pixels of the first two images: spread within each, and the two
		// not the same.
		var a, b []float64
		for y := range 28 {
			for x := range 28 {
				ra, _, _, _ := img.At(1+x, 1+y).RGBA()
				rb, _, _, _ := img.At(30+x, 1+y).RGBA()
				a, b = append(a, float64(ra)/65535), append(b, float64(rb)/65535)
			}
		}
		if std(a) < 0.01 || std(b) < 0.01 || same(a, b) {
			t.Fatalf("epoch %d: generated images constant or equal (std %.4f, %.4f)", epoch, std(a), std(b))
		}
	}
	t.Log(out.String())
}

func std(v []float64) float64 {
	m, s := 0.0, 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)))
}

func same(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-epochs", "0"}, {"-batch", "1"}, {"-lr", "0"}, {"-beta1", "1"}, {"-out", "/no/such/dir"}, {"-g", "0"}} {
		var stdout, stderr bytes.Buffer
		if code := mainStatus(args, &stdout, &stderr); code != 1 || !strings.HasPrefix(stderr.String(), "dcgan: ") || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, %q", args, code, stderr.String())
		}
	}
}
