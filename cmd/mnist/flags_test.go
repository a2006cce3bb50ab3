package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every bad flag fails at once, before the data loads: one line on stderr,
// exit status 1, nothing written.
func TestBadFlags(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "readonly")
	os.Mkdir(ro, 0o555)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-batch", "0"}, "-batch 0: must be at least 1"},
		{[]string{"-batch", "-5"}, "-batch -5: must be at least 1"},
		{[]string{"-epochs", "-1"}, "-epochs -1: must be at least 1"},
		{[]string{"-epochs", "0"}, "-epochs 0: must be at least 1"},
		{[]string{"-lr", "NaN"}, "-lr NaN: must be a finite number greater than 0"},
		{[]string{"-lr", "-1"}, "-lr -1: must be a finite number greater than 0"},
		{[]string{"-lr", "0"}, "-lr 0: must be a finite number greater than 0"},
		{[]string{"-lr", "+Inf"}, "-lr +Inf: must be a finite number greater than 0"},
		{[]string{"-model", "foo"}, `-model "foo": unknown (want mlp, cnn or lstm)`},
		{[]string{"-limit", "-2"}, "-limit -2: must be at least 0"},
		{[]string{"-batch", "abc"}, `invalid value "abc" for flag -batch`},
		{[]string{"-nosuch"}, "flag provided but not defined: -nosuch"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-save", filepath.Join(dir, "m.bin")}, `-save ` + filepath.Join(dir, "m.bin") + `: unknown extension ".bin" (want .safetensors)`},
		{[]string{"-save", filepath.Join(dir, "nosuch", "m.safetensors")}, "folder " + filepath.Join(dir, "nosuch") + ": no such file or directory"},
		{[]string{"-save", filepath.Join(file, "m.safetensors")}, "is not a folder"},
		{[]string{"-plot", filepath.Join(dir, "x.jpg"), "-save", filepath.Join(dir, "m.safetensors")}, `unknown extension ".jpg" (want .png or .svg)`},
		{[]string{"-load", filepath.Join(dir, "none.safetensors")}, "no such file or directory"},
		{[]string{"-load", file, "-save", filepath.Join(dir, "m.safetensors")}, "-load evaluates saved weights without training"},
		{[]string{"-save", filepath.Join(dir, "a.safetensors"), "-cpuprofile", filepath.Join(dir, "a.safetensors")}, "name the same file"},
		{[]string{"-data", file}, "-data " + file + ": not a folder"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests = append(tests, struct {
			args []string
			want string
		}{[]string{"-save", filepath.Join(ro, "m.safetensors")}, "is not writable: permission denied"})
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		start := time.Now()
		code := mainStatus(tc.args, &stdout, &stderr)
		msg := stderr.String()
		if code != 1 || !strings.HasPrefix(msg, "mnist: ") || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tc.want) {
			t.Errorf("%q: status %d, stderr %q; want status 1 and one line with %q", tc.args, code, msg, tc.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: printed %q before failing", tc.args, stdout.String())
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("%q: took %v to fail (did it load the data?)", tc.args, el)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("failed runs left files behind: %v", entries)
	}
}

func TestHelpExitsZero(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := mainStatus([]string{"-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-batch") {
		t.Fatalf("status %d, usage %q", code, stderr.String())
	}
}

// The weights are saved before the curves are drawn: a plot that fails
// after training does not lose them.
func TestSaveBeforePlot(t *testing.T) {
	dir := t.TempDir()
	c := config{device: "cpu", model: "mlp", epochs: 1, batch: 32, lr: 1e-3, seed: 1, limit: 2, quiet: true, evalLimit: 100,
		save: filepath.Join(dir, "w.safetensors"), plot: filepath.Join(dir, "gone", "c.png")}
	var out bytes.Buffer
	if err := run(c, &out); err == nil {
		t.Fatal("a plot into a missing folder succeeded")
	}
	if _, err := os.Stat(c.save); err != nil {
		t.Fatalf("the weights were lost: %v", err)
	}
}
