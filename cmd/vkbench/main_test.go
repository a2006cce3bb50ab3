package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
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

// Every bad flag fails at once, before any benchmark runs: one line on
// stderr, exit status 1.
func TestBadFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-reps", "-1"}, "-reps -1: must be at least 0"},
		{[]string{"-groups", "gemm,nosuch"}, `-groups "nosuch": unknown (want gemm, conv2d,`},
		{[]string{"-json", filepath.Join(dir, "r.txt")}, `unknown extension ".txt" (want .json)`},
		{[]string{"-md", filepath.Join(dir, "no", "r.md")}, "no such file or directory"},
		{[]string{"-plot", filepath.Join(dir, "p.jpg")}, `unknown extension ".jpg" (want .svg or .png)`},
		{[]string{"-plot", filepath.Join(dir, "p.svg"), "-groups", "train"}, "draws the square GEMMs, which -groups train leaves out"},
		{[]string{"-from", filepath.Join(dir, "none.json")}, "no such file or directory"},
		{[]string{"-devices", "cpu,,gonum"}, "an empty device name"},
		{[]string{"-run", "lstm("}, `-run "lstm(": error parsing regexp`},
		{[]string{"-run", "^nosuch", "-quick"}, `-run "^nosuch": no case of the quick suite matches`},
		{[]string{"-run", "lstm", "-groups", "gemm"}, `-run "lstm": no case of the full suite matches`},
		{[]string{"-quick", "now"}, `unexpected argument "now"`},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		code := mainStatus(tc.args, &stdout, &stderr)
		msg := stderr.String()
		if code != 1 || !strings.HasPrefix(msg, "vkbench: ") || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tc.want) || stdout.Len() != 0 {
			t.Errorf("%q: status %d, stderr %q, stdout %q; want status 1 and one line with %q", tc.args, code, msg, stdout.String(), tc.want)
		}
	}
}

// -run keeps the cases whose name matches, within -groups.
func TestSelectCasesRun(t *testing.T) {
	tests := []struct {
		c    config
		want []string
	}{
		{config{quick: true, match: "^lstm"}, []string{"lstm step (batch 16, hidden 64, 8 steps)"}},
		{config{quick: true, match: "step", groups: "train"}, []string{"mlp step (batch 128)", "lstm step (batch 16, hidden 64, 8 steps)", "transformer layer step (batch 4, 32 tokens, d 64, 2 heads)"}},
		{config{quick: true, match: "lookups", groups: "embedding,gemm"}, []string{"512 lookups of 10000x64, fwd+bwd"}},
	}
	for _, tc := range tests {
		var got []string
		for _, cs := range selectCases(tc.c) {
			got = append(got, cs.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: got %q, want %q", tc.c, got, tc.want)
		}
	}
}
