package tensor_test

import (
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/internal/torchref"
)

// TestTorchIndexing replays PyTorch's Embedding, IndexSelect, Gather,
// Scatter, ScatterAdd and one_hot forward and backward on the CPU.
func TestTorchIndexing(t *testing.T) { torchref.CheckIndexing(t, cpu.New()) }

func TestTorchNorms(t *testing.T) { torchref.CheckNorms(t, cpu.New()) }

func TestTorchAttention(t *testing.T) { torchref.CheckAttention(t, cpu.New()) }

func TestTorchConvTranspose(t *testing.T) { torchref.CheckConvTranspose(t, cpu.New()) }

func TestTorchResize(t *testing.T) { torchref.CheckResize(t, cpu.New()) }
