package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
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

// timedCPU is a CPU device that pretends to time its work with GPU
// timestamps: each op adds a millisecond.
type timedCPU struct{ *cpu.Device }

func (timedCPU) Profiling() bool { return true }
func (d timedCPU) GPUTime() time.Duration {
	return time.Duration(d.Stats().Ops) * time.Millisecond
}

// Single kernels are timed by timestamps; wall-clock cases (training
// steps, convolution passes) by the wall clock, with the GPU's share.
func TestTimingByCase(t *testing.T) {
	d := timedCPU{cpu.New()}
	mk := func(name string, wall bool) Case {
		return Case{Group: name, Name: name, Work: 1, Unit: "runs/s", Scale: 1, WallClock: wall,
			Setup: func(dev device.Device) (func(), func()) {
				b := device.MustAlloc(dev, 4)
				return func() {
					dev.Fill(b, 0, 4, 1)
					time.Sleep(4 * time.Millisecond)
				}, func() { dev.Release(b) }
			}}
	}
	results := Run([]Case{mk("kernel", false), mk("step", true)}, []Target{{Name: "gpu", Dev: d}}, Options{Reps: 3}, nil)
	k, s := results[0], results[1]
	if k.Timing != "gpu-timestamps" || k.Median != 0.001 || k.GPUBusy != 0 {
		t.Errorf("kernel case: %+v", k)
	}
	if s.Timing != "wall-clock" || s.Median < 0.004 || s.GPUBusy <= 0 || s.GPUBusy > 0.25 {
		t.Errorf("wall-clock case: %+v", s)
	}
	rep := NewReport([]Target{{Name: "gpu", Dev: d}}, results)
	if note := rep.timingNote(); note != "gpu gpu-timestamps (kernel) and wall-clock (step)" {
		t.Errorf("timing note %q", note)
	}
}

// A CPU training case reports the share of its step outside GEMM; a
// single-kernel case does not.
func TestOutsideGEMM(t *testing.T) {
	d := cpu.New()
	var cases []Case
	for _, c := range Suite(true) {
		if strings.HasPrefix(c.Name, "mlp step") || c.Group == "elementwise" {
			cases = append(cases, c)
		}
	}
	results := Run(cases, []Target{{Name: "cpu", Dev: d}}, Options{Warmup: 1, Reps: 3}, nil)
	if len(results) != 2 {
		t.Fatalf("%d results", len(results))
	}
	for _, r := range results {
		train := strings.HasPrefix(r.Name, "mlp step")
		if train && !(r.OutsideGEMM > 0 && r.OutsideGEMM < 1) || !train && r.OutsideGEMM != 0 {
			t.Errorf("%s: outside GEMM %v", r.Name, r.OutsideGEMM)
		}
	}
	var md bytes.Buffer
	if err := NewReport([]Target{{Name: "cpu", Dev: d}}, results).WriteMarkdown(&md); err != nil || !strings.Contains(md.String(), "the share of a step outside GEMM: cpu: mlp step (batch 128) ") {
		t.Fatalf("markdown (%v):\n%s", err, md.String())
	}
}
