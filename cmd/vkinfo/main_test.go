package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, `"auto" uses`) {
		t.Fatalf("no line about auto:\n%s", s)
	}
	devs, err := vulkan.Devices()
	if err != nil {
		t.Logf("no Vulkan here (%v); output:\n%s", err, s)
		return
	}
	for _, d := range devs {
		if !strings.Contains(s, d.Name) || !strings.Contains(s, "subgroup size") {
			t.Fatalf("device %s missing from:\n%s", d.Name, s)
		}
	}
}

// TestRequireGPU: the GPU check's preflight fails, fast and with a reason,
// unless a hardware GPU is listed (here, in CI, only lavapipe is).
func TestRequireGPU(t *testing.T) {
	var out bytes.Buffer
	start := time.Now()
	err := run(&out, true)
	took := time.Since(start)
	devs, _ := vulkan.Devices()
	hardware := false
	for _, d := range devs {
		hardware = hardware || (d.Compute && d.Type != device.KindSoftwareGPU)
	}
	if hardware != (err == nil) {
		t.Fatalf("hardware GPU %v, but -require-gpu returned %v", hardware, err)
	}
	if err != nil && !strings.Contains(err.Error(), "no hardware GPU") {
		t.Fatalf("error %q does not say why", err)
	}
	if took > 15*time.Second {
		t.Fatalf("the preflight took %v", took)
	}
}

// TestGPUCheckPreflight runs scripts/gpu-check.sh with vkinfo alone in its
// bundle: without a hardware GPU (CI has only lavapipe) the check must
// fail at its preflight, within seconds, saying why, before any other
// step.
func TestGPUCheckPreflight(t *testing.T) {
	devs, _ := vulkan.Devices()
	for _, d := range devs {
		if d.Compute && d.Type != device.KindSoftwareGPU {
			t.Skip("this machine has a hardware GPU: the preflight passes")
		}
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, ".gpu", "bin")
	os.MkdirAll(bin, 0o755)
	os.MkdirAll(filepath.Join(dir, "scripts"), 0o755)
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "vkinfo"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	script, err := os.ReadFile("../../scripts/gpu-check.sh")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "scripts", "gpu-check.sh"), script, 0o755)
	cmd := exec.Command("bash", "scripts/gpu-check.sh")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OUT="+filepath.Join(dir, "out"), "GPU_CHECK_NO_INSTALL=1", "GPU_CHECK_ALLOW_SOFTWARE=")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("the check without a GPU: %v, want exit 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "FAILED: preflight: no hardware GPU") || strings.Contains(string(out), "kernels tests") {
		t.Fatalf("output does not stop at the preflight:\n%s", out)
	}
	if took > 20*time.Second {
		t.Fatalf("the preflight took %v", took)
	}
}
