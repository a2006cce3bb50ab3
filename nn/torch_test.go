package nn_test

import (
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/internal/torchref"
)

// Training steps match PyTorch's, loss by loss, for every optimizer.
func TestTorchTrajectories(t *testing.T) { torchref.CheckTrajectories(t, cpu.New()) }

func TestTorchRecurrent(t *testing.T) { torchref.CheckRecurrent(t, cpu.New()) }
