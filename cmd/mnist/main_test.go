package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
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
			wantEpochs := []string{"epoch 1/2  loss", "epoch 2/2  loss"}
			if model == "cnn" { // the cosine schedule: lr, then lr·(1+cos(π/2))/2
				wantEpochs = []string{"epoch 1/2  lr 0.001  loss", "epoch 2/2  lr 0.0005  loss"}
			}
			for _, want := range append(wantEpochs, "device: cpu", "weights saved to", "curves written to") {
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

// TestSameSeedSameResult: the same seed on the same device prints the same
// losses and accuracies; another seed does not. And the few batches
// trained already teach the model something.
func TestSameSeedSameResult(t *testing.T) {
	timing := regexp.MustCompile(`time [0-9.]+s \([0-9]+ images/s\)`)
	train := func(seed uint64) string {
		c := config{device: "cpu", model: "mlp", epochs: 2, batch: 64, lr: 1e-3, seed: seed, limit: 15, quiet: true, evalLimit: 1000}
		var out bytes.Buffer
		if err := run(c, &out); err != nil {
			t.Fatal(err)
		}
		return timing.ReplaceAllString(out.String(), "time …")
	}
	a, b, other := train(3), train(3), train(4)
	if a != b {
		t.Fatalf("seed 3 twice gave different results:\n%s\n---\n%s", a, b)
	}
	if a == other {
		t.Fatalf("seeds 3 and 4 gave the same output:\n%s", a)
	}
	m := regexp.MustCompile(`test accuracy: ([0-9.]+)%`).FindStringSubmatch(a)
	if m == nil {
		t.Fatalf("no test accuracy in:\n%s", a)
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 75 {
		t.Fatalf("after 30 batches of 64 the MLP reaches %.2f%% on 1,000 test images, want ≥ 75%%:\n%s", acc, a)
	}
	t.Log(a)
}

// TestRowLSTMLearns: the LSTM reading the rows as a sequence learns in a
// few batches (the full run, -model lstm -epochs 3, reaches the figure the
// README gives), and its parameters carry PyTorch's names.
func TestRowLSTMLearns(t *testing.T) {
	c := config{device: "cpu", model: "lstm", epochs: 1, batch: 128, lr: lstmLR, seed: 8, limit: 40, quiet: true, evalLimit: 1000}
	var out bytes.Buffer
	if err := run(c, &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`test accuracy: ([0-9.]+)%`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no test accuracy in:\n%s", out.String())
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 35 {
		t.Fatalf("after 40 batches the row LSTM reaches %.2f%% on 1,000 test images, want ≥ 35%%:\n%s", acc, out.String())
	}
	model, _, _ := buildModel(cpu.New(), "lstm")
	var names []string
	for _, p := range model.Params() {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "lstm.weight_ih_l0 lstm.weight_hh_l0 lstm.bias_ih_l0 lstm.bias_hh_l0 fc.weight fc.bias" {
		t.Fatalf("params %s", got)
	}
	t.Log(out.String())
}
