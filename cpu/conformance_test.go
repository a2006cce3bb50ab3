package cpu

import (
	"testing"

	"github.com/vkgrad/vkgrad/internal/conformance"
)

// TestConformance runs the conformance suite on the CPU backend against a
// second CPU device: it checks that every op writes all of its output and
// nothing past it, and that results do not depend on the device's state.
func TestConformance(t *testing.T) {
	conformance.Run(t, New(), New())
}
