package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickSubset runs two cheap groups of the quick suite on every device
// and writes every report.
func TestQuickSubset(t *testing.T) {
	dir := t.TempDir()
	c := config{devices: "all", quick: true, groups: "elementwise,softmax-ce", noFirstRun: true, reps: 1,
		jsonPath: filepath.Join(dir, "r.json"), mdPath: filepath.Join(dir, "r.md")}
	var out bytes.Buffer
	if err := run(c, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"add 1M floats", "128x10 with gradient", "cpu", "timing:"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, f := range []string{c.jsonPath, c.mdPath} {
		if b, err := os.ReadFile(f); err != nil || len(b) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// The reports render again from the JSON.
	var again bytes.Buffer
	if err := run(config{from: c.jsonPath}, &again); err != nil || !strings.Contains(again.String(), "add 1M floats") {
		t.Fatalf("-from: %v\n%s", err, again.String())
	}
	// The plot needs square GEMMs, which this subset lacks: a clear error.
	c.plotPath = filepath.Join(dir, "p.svg")
	if err := run(c, &out); err == nil || !strings.Contains(err.Error(), "nothing to plot") {
		t.Fatalf("plot without GEMMs: %v", err)
	}
}
