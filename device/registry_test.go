package device_test

import (
	"strings"
	"testing"

	_ "github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
)

func TestOpen(t *testing.T) {
	t.Setenv(device.EnvDevice, "")
	tests := []struct {
		spec    string
		backend string
		errHas  string
	}{
		{"cpu", "cpu", ""},
		{"cpu:0", "cpu", ""},
		{" cpu ", "cpu", ""},
		{"cpu:1", "", "there is one CPU device"},
		{"cpu:x", "", "bad device spec"},
		{"cpu:-1", "", "bad device spec"},
		{"tpu", "", `no backend "tpu" in this binary`},
	}
	for _, tc := range tests {
		d, err := device.Open(tc.spec)
		if tc.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("Open(%q) error = %v, want one containing %q", tc.spec, err, tc.errHas)
			}
			continue
		}
		if err != nil {
			t.Errorf("Open(%q): %v", tc.spec, err)
			continue
		}
		if got := d.Info().Backend; got != tc.backend {
			t.Errorf("Open(%q) opened %s", tc.spec, got)
		}
		d.Close()
	}
}

func TestOpenAutoFallsBackWithReason(t *testing.T) {
	t.Setenv(device.EnvDevice, "")
	d, err := device.Open("auto")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	info := d.Info()
	if info.Kind == device.KindCPU && info.Fallback == "" {
		t.Fatalf("auto chose the CPU without saying why: %v", info)
	}
	if info.Kind == device.KindSoftwareGPU {
		t.Fatalf("auto chose a software GPU: %v", info)
	}
	t.Logf("auto: %v", info)
}

func TestEnvOverridesAuto(t *testing.T) {
	t.Setenv(device.EnvDevice, "cpu")
	d, err := device.Open("")
	if err != nil {
		t.Fatal(err)
	}
	if d.Info().Backend != "cpu" || d.Info().Fallback != "" {
		t.Fatalf("VKGRAD_DEVICE=cpu gave %v", d.Info())
	}
	t.Setenv(device.EnvDevice, "nonsense")
	if _, err := device.Open("auto"); err == nil || !strings.Contains(err.Error(), "VKGRAD_DEVICE") {
		t.Fatalf("a bad VKGRAD_DEVICE gave error %v", err)
	}
	// An explicit spec is not overridden.
	if d, err := device.Open("cpu"); err != nil || d.Info().Backend != "cpu" {
		t.Fatalf("Open(cpu) with VKGRAD_DEVICE set: %v", err)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"cpu" registered twice`) {
			t.Fatalf("recover() = %v", r)
		}
	}()
	device.Register("cpu", 0, nopDriver{})
}

type nopDriver struct{}

func (nopDriver) Open(device.OpenOptions) (device.Device, error) { return nil, nil }

func TestShapeHelpers(t *testing.T) {
	if device.NumElements(nil) != 1 || device.NumElements([]int{2, 0, 3}) != 0 {
		t.Fatal("NumElements")
	}
	if s := device.ContiguousStrides([]int{2, 3, 4}); s[0] != 12 || s[1] != 4 || s[2] != 1 {
		t.Fatalf("ContiguousStrides = %v", s)
	}
	if !device.IsContiguous([]int{2, 1, 3}, []int{3, 99, 1}) || device.IsContiguous([]int{2, 3}, []int{1, 2}) {
		t.Fatal("IsContiguous")
	}
}
