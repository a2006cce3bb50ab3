package device

import (
	"strings"
	"testing"
)

// Every op has a table entry with a unique, shader-safe name.
func TestOpTables(t *testing.T) {
	seen := map[string]bool{}
	check := func(name string) {
		if name == "" || seen[name] || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz_") != "" {
			t.Errorf("op name %q: empty, repeated or not lower-case letters and _", name)
		}
		seen[name] = true
	}
	for _, op := range UnaryOps() {
		check(op.Info().Name)
		if op.String() != op.Info().Name {
			t.Errorf("%v: String %q", op, op.String())
		}
	}
	seen = map[string]bool{}
	for _, op := range BinaryOps() {
		check(op.Info().Name)
	}
	// The fused activations of a GEMM can be differentiated from the
	// output: those that read their input are exactly those whose sign
	// the output keeps (relu, leaky relu with slope >= 0, identity).
	for _, op := range UnaryOps() {
		in := op.Info()
		if in.Fusable && in.Grad == GradFromX && op != UnaryIdentity && op != UnaryReLU && op != UnaryLeakyReLU {
			t.Errorf("%v is fusable but its derivative reads its input", op)
		}
	}
}
