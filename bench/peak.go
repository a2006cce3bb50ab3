package bench

import (
	"strings"

	"github.com/vkgrad/vkgrad/device"
)

// knownPeaks are vendor fp32 peaks (boost clock, GFLOP/s) of GPUs, matched
// by a substring of the device name, most specific first.
var knownPeaks = []struct {
	match  string
	gflops float64
}{
	{"H200", 67000},
	{"H100 PCIe", 51200},
	{"H100", 67000},
	{"A100", 19500},
	{"L40S", 91600},
	{"L40", 90500},
	{"RTX 4090", 82600},
	{"RTX 4080", 48700},
	{"RTX 3090", 35600},
	{"RTX 3080", 29800},
	{"A10G", 31200},
	{"Tesla T4", 8100},
	{"Radeon RX 7900 XTX", 61400},
	{"Radeon RX 6900 XT", 23000},
}

// KnownPeak returns the vendor fp32 peak of a GPU by name, in FLOP/s, or
// 0 when the table does not know it.
func KnownPeak(name string) float64 {
	for _, k := range knownPeaks {
		if strings.Contains(name, k.match) {
			return k.gflops * 1e9
		}
	}
	return 0
}

// peaker is implemented by devices that can measure their fp32 peak (the
// Vulkan backend, with a fused multiply-add loop).
type peaker interface {
	PeakFLOPS() (float64, error)
}

// Peak returns the fp32 peak of a device in FLOP/s and where it comes
// from: the vendor table for known GPUs, else a measured multiply-add loop
// where the device can run one, else 0.
func Peak(d device.Device) (float64, string) {
	if p := KnownPeak(d.Info().Name); p > 0 {
		return p, "vendor table"
	}
	if pk, ok := d.(peaker); ok {
		if v, err := pk.PeakFLOPS(); err == nil && v > 0 {
			return v, "measured FMA loop"
		}
	}
	return 0, ""
}
