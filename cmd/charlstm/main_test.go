package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestLossFalls trains a small model briefly: the loss starts near
// log(41) ≈ 3.7 nats per character (41 distinct characters) and must fall
// below 2.2 (the mean of steps 101-150) within 150 steps; the samples
// start from the prompt.
func TestLossFalls(t *testing.T) {
	c := config{device: "cpu", steps: 150, batch: 16, seq: 32, hidden: 64, embed: 32, every: 50, sampleLen: 40, lr: 3e-3, clip: 1, seed: 1, prompt: "The "}
	var out bytes.Buffer
	loss, err := run(c, &out)
	if err != nil {
		t.Fatal(err)
	}
	if loss >= 2.2 || math.IsNaN(loss) {
		t.Fatalf("loss %.3f after 150 steps, want < 2.2:\n%s", loss, out.String())
	}
	if !strings.Contains(out.String(), `"The `) {
		t.Fatalf("no sample in:\n%s", out.String())
	}
	t.Log(out.String())
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-steps", "0"}, {"-lr", "-1"}, {"-seq", "100000"}, {"-clip", "0"}} {
		var stdout, stderr bytes.Buffer
		if code := mainStatus(args, &stdout, &stderr); code != 1 || !strings.HasPrefix(stderr.String(), "charlstm: ") || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, %q", args, code, stderr.String())
		}
	}
}
