package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTrainSaveLoad trains a few batches of each model, saves the weights,
// evaluates them again from the file, and checks the curves file.
func TestTrainSaveLoad(t *testing.T) {
	for _, model := range []string{"mlp", "cnn"} {
		t.Run(model, func(t *testing.T) {
			dir := t.TempDir()
			c := config{device: "cpu", model: model, epochs: 2, batch: 32, lr: 1e-3, seed: 1, limit: 10, quiet: true, evalLimit: 500,
				save: filepath.Join(dir, "w.safetensors"), plot: filepath.Join(dir, "curves.png")}
			var out bytes.Buffer
			if err := run(c, &out); err != nil {
				t.Fatal(err)
			}
			log := out.String()
			for _, want := range []string{"device: cpu", "epoch 1/2  loss", "epoch 2/2", "weights saved to", "curves written to"} {
				if !strings.Contains(log, want) {
					t.Fatalf("output lacks %q:\n%s", want, log)
				}
			}
			acc := regexp.MustCompile(`test accuracy: ([0-9.]+)%`).FindStringSubmatch(log)
			if acc == nil {
				t.Fatalf("no test accuracy in:\n%s", log)
			}
			if png, err := os.ReadFile(c.plot); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
				t.Fatalf("curves file: %v", err)
			}
			// Evaluating the saved weights gives the same accuracy.
			var again bytes.Buffer
			if err := run(config{device: "cpu", model: model, load: c.save, seed: 2, evalLimit: 500}, &again); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(again.String(), acc[0]) {
				t.Fatalf("after -load: %s, want %s", again.String(), acc[0])
			}
		})
	}
	var out bytes.Buffer
	if err := run(config{device: "cpu", model: "rnn"}, &out); err == nil || !strings.Contains(err.Error(), `unknown model "rnn"`) {
		t.Fatalf("unknown model: %v", err)
	}
}
