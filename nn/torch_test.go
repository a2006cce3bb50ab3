package nn_test

import (
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/internal/torchref"
)

// Training steps match PyTorch's, loss by loss, for every optimizer.
func TestTorchTrajectories(t *testing.T) { torchref.CheckTrajectories(t, cpu.New()) }

func TestTorchRecurrent(t *testing.T) { torchref.CheckRecurrent(t, cpu.New()) }

// TestTorchBatchNormFile loads a PyTorch BatchNorm state_dict, its
// num_batches_tracked an I64 scalar.
func TestTorchBatchNormFile(t *testing.T) { torchref.CheckBatchNormFile(t, cpu.New()) }
