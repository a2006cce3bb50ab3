package main

import (
	"bytes"
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
