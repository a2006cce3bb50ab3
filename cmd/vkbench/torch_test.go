package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/bench"
	"github.com/vkgrad/vkgrad/datasets/mnist"
)

// EnvRequireTorch makes TestTorchSideBySide fail, not skip, where no
// Python with PyTorch is found (CI sets it: it installs python3-torch).
const EnvRequireTorch = "VKGRAD_REQUIRE_TORCH"

// torchPython returns a Python interpreter that imports torch, or "".
func torchPython() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import torch").Run() == nil {
			return py
		}
	}
	return ""
}

// TestTorchSideBySide runs scripts/torch_bench.py against the CPU PyTorch
// here on every case vkbench has (the quick suite, and the full training
// group for the CNN step and the MNIST epoch), so the script the GPU check
// runs on the GPU machine cannot break there for a typo; then renders it
// beside a vkgrad run in one table.
func TestTorchSideBySide(t *testing.T) {
	py := torchPython()
	if py == "" {
		if os.Getenv(EnvRequireTorch) != "" {
			t.Fatalf("%s is set but no python3 imports torch (apt-get install python3-torch)", EnvRequireTorch)
		}
		t.Skip("no Python with PyTorch (python3-torch)")
	}
	dir := t.TempDir()
	data, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []struct {
		name   string
		c      config
		groups string
	}{
		{"quick", config{quick: true}, ""},
		{"train", config{groups: "train"}, "train"},
	} {
		cases := filepath.Join(dir, set.name+"-cases.json")
		set.c.casesPath = cases
		var out bytes.Buffer
		if err := run(set.c, &out); err != nil {
			t.Fatal(err)
		}
		report := filepath.Join(dir, set.name+"-torch.json")
		cmd := exec.Command(py, "../../scripts/torch_bench.py", "--cases", cases, "--json", report,
			"--min-time", "0", "--reps", "1", "--warmup", "1", "--mnist", data)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: torch_bench.py: %v\n%s", set.name, err, msg)
		}
		var want []bench.CaseInfo
		readJSON(t, cases, &want)
		var rep bench.Report
		readJSON(t, report, &rep)
		if len(rep.Targets) != 1 || rep.Targets[0].Backend != "torch" || rep.Targets[0].Kind != "cpu" {
			t.Fatalf("%s: targets %+v", set.name, rep.Targets)
		}
		got := map[string]bench.Result{}
		for _, r := range rep.Results {
			got[r.Group+"/"+r.Name] = r
		}
		for _, c := range want {
			r, ok := got[c.Group+"/"+c.Name]
			if !ok || r.Rate <= 0 || r.Unit != c.Unit || r.Reps < 1 {
				t.Errorf("%s: case %s/%s: %+v", set.name, c.Group, c.Name, r)
			}
		}
	}
	// One table of vkgrad's CPU column and PyTorch's, with their ratio.
	vk := filepath.Join(dir, "vk.json")
	if err := run(config{devices: "cpu", quick: true, groups: "elementwise,softmax-ce", noFirstRun: true, reps: 1, jsonPath: vk}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := run(config{from: vk + "," + filepath.Join(dir, "quick-torch.json")}, &table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"torch-cpu", "cpu/torch-cpu", "add 1M floats"} {
		if !strings.Contains(table.String(), want) {
			t.Fatalf("the side-by-side table lacks %q:\n%s", want, table.String())
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
