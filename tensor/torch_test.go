package tensor_test

import (
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/internal/torchref"
)

// TestTorch replays every PyTorch reference of internal/torchref
// (trajectories, recurrent layers, index ops, norms, attention and
// Transformer layers, transposed convolution, resizing) on the CPU.
func TestTorch(t *testing.T) { torchref.RunReplays(t, cpu.New()) }
