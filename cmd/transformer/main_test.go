package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReversal trains a small Transformer (2 layers, d_model 32) to
// reverse 6 digits: at least 99% of 500 fresh sequences must come out
// exactly right after 300 steps, and the attention PNG is written (one
// 24-pixel cell per query and key position).
func TestReversal(t *testing.T) {
	png_ := filepath.Join(t.TempDir(), "attn.png")
	c := config{device: "cpu", steps: 300, batch: 32, length: 6, layers: 2, dModel: 32, heads: 2, ff: 64, every: 100, evalN: 500, lr: 3e-3, seed: 1, png: png_}
	var out bytes.Buffer
	res, err := run(c, &out)
	if err != nil {
		t.Fatal(err)
	}
	if res.accuracy < 0.99 {
		t.Fatalf("exact-match accuracy %.3f after 300 steps, want >= 0.99:\n%s", res.accuracy, out.String())
	}
	f, err := os.Open(png_)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 6*24 || b.Dy() != 6*24 {
		t.Fatalf("attention image %v, want 144x144", b)
	}
	t.Log(out.String())
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-steps", "0"}, {"-lr", "-1"}, {"-len", "1"}, {"-heads", "3"}, {"-png", "a.jpg"}, {"-png", "/no/such/dir/a.png"}} {
		var stdout, stderr bytes.Buffer
		if code := mainStatus(args, &stdout, &stderr); code != 1 || !strings.HasPrefix(stderr.String(), "transformer: ") || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, %q", args, code, stderr.String())
		}
	}
}
