package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
)

func TestRunAndReports(t *testing.T) {
	d := cpu.New()
	var cases []Case
	for _, c := range Suite(true) {
		if c.Group == "gemm" && c.Size == 256 || c.Group == "elementwise" || c.Group == "softmax-ce" {
			cases = append(cases, c)
		}
	}
	targets := []Target{{Name: "cpu", Dev: d}, {Name: "gonum"}}
	var progress bytes.Buffer
	results := Run(cases, targets, Options{Warmup: 1, Reps: 2}, &progress)
	// gonum runs only the GEMM: 1 + 3 cases on the CPU, 1 on gonum.
	if len(results) != len(cases)+1 {
		t.Fatalf("%d results for %d cases:\n%s", len(results), len(cases), progress.String())
	}
	for _, r := range results {
		if r.Rate <= 0 || r.Median <= 0 || r.Min > r.Median || r.Max < r.Median || r.Reps != 2 || r.Timing != "wall-clock" {
			t.Fatalf("result %+v", r)
		}
	}
	rep := NewReport(targets, results)
	var table, md, js bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"256x256x256", "GFLOP/s", "add 1M floats", "gonum", "timing: cpu wall-clock"} {
		if !strings.Contains(table.String(), want) {
			t.Fatalf("table lacks %q:\n%s", want, table.String())
		}
	}
	if !strings.Contains(md.String(), "| gemm | 256x256x256 | GFLOP/s |") {
		t.Fatalf("markdown:\n%s", md.String())
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Results) != len(results) || back.GoVersion == "" || back.Targets[0].Backend != "cpu" {
		t.Fatalf("json: %v %+v", err, back.Targets)
	}
	path := filepath.Join(t.TempDir(), "gemm.svg")
	if err := rep.Plot(path); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.Contains(b, []byte("<svg")) {
		t.Fatalf("plot: %v", err)
	}
}

func TestKnownPeak(t *testing.T) {
	tests := map[string]float64{"NVIDIA H200": 67e12, "NVIDIA H100 PCIe": 51.2e12, "NVIDIA H100 80GB HBM3": 67e12, "llvmpipe (LLVM 15.0.6, 256 bits)": 0}
	for name, want := range tests {
		if got := KnownPeak(name); got != want {
			t.Errorf("KnownPeak(%q) = %g, want %g", name, got, want)
		}
	}
}

func TestSuiteCasesRun(t *testing.T) {
	// Every quick case sets up and runs once on the CPU backend.
	d := cpu.New()
	for _, c := range Suite(true) {
		run, cleanup := c.Setup(d)
		if run == nil {
			t.Fatalf("%s/%s does not run on the CPU", c.Group, c.Name)
		}
		run()
		if err := d.Sync(); err != nil {
			t.Fatal(err)
		}
		cleanup()
	}
	if live := d.Stats().LiveBuffers; live != 0 {
		t.Fatalf("%d buffers left after the suite's cleanups", live)
	}
}
