package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/device/vulkan"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
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
