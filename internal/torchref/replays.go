package torchref

import (
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

// Replay is one of the package's checks against PyTorch, run on a device.
type Replay struct {
	Name  string
	Check func(t *testing.T, dev device.Device)
}

// Replays lists every check against PyTorch: the CPU tests and the tests
// on every Vulkan device run them all from here, so a new reference runs
// everywhere at once.
var Replays = []Replay{
	{"Trajectories", CheckTrajectories},
	{"Recurrent", CheckRecurrent},
	{"BatchNormFile", CheckBatchNormFile},
	{"Indexing", CheckIndexing},
	{"Norms", CheckNorms},
	{"Attention", CheckAttention},
	{"ConvTranspose", CheckConvTranspose},
	{"Resize", CheckResize},
}

// RunReplays runs every replay on dev as subtests named after them.
func RunReplays(t *testing.T, dev device.Device) {
	for _, r := range Replays {
		t.Run(r.Name, func(t *testing.T) { r.Check(t, dev) })
	}
}
