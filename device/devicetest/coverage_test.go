package devicetest_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/devicetest"
)

// Every op method of the device contract has conformance cases, named
// after it ("Gemm/...", "Unary/relu/..."), and every unary and binary op
// of the op tables has its own.
func TestConformanceCoverage(t *testing.T) {
	names := map[string]bool{}
	for _, c := range devicetest.Cases() {
		names[strings.SplitN(c.Name, "/", 2)[0]] = true
		parts := strings.Split(c.Name, "/")
		if len(parts) > 1 {
			names[parts[0]+"/"+parts[1]] = true
		}
	}
	notOps := map[string]bool{"Alloc": true, "Release": true, "Upload": true, "Download": true, "Sync": true, "Info": true, "Stats": true, "Close": true}
	typ := reflect.TypeFor[device.Device]()
	for i := range typ.NumMethod() {
		m := typ.Method(i).Name
		if !notOps[m] && !names[m] {
			t.Errorf("no conformance case for device.Device.%s", m)
		}
	}
	for _, op := range device.UnaryOps() {
		for _, kind := range []string{"Unary", "UnaryBackward"} {
			if !names[kind+"/"+op.String()] {
				t.Errorf("no %s conformance case for %v", kind, op)
			}
		}
	}
	for _, op := range device.BinaryOps() {
		for _, kind := range []string{"Binary", "BinaryScalar"} {
			if !names[kind+"/"+op.String()] {
				t.Errorf("no %s conformance case for %v", kind, op)
			}
		}
	}
}

// Every unary op and every differentiable binary op of the op tables has a
// gradient case, and so does each other differentiable op of package
// tensor, by name.
func TestGradientCoverage(t *testing.T) {
	names := map[string]bool{}
	for _, tc := range devicetest.GradCases(cpu.New()) {
		names[tc.Name] = true
	}
	var want []string
	for _, op := range device.UnaryOps() {
		if op != device.UnaryIdentity {
			want = append(want, "Unary/"+op.String())
		}
	}
	for _, op := range device.BinaryOps() {
		if op.Info().Differentiable {
			want = append(want, "Binary/"+op.String())
		}
	}
	want = append(want, "Where",
		"Sum", "Mean", "Max", "Min", "Softmax", "LogSoftmax", "CrossEntropy", "MatMul", "Linear",
		"Conv2d", "MaxPool2d", "AvgPool2d", "Dropout", "Reshape", "Transpose", "Permute", "Narrow",
		"Squeeze", "Unsqueeze", "Expand", "Contiguous", "Concat", "Stack", "Var", "Std", "Split", "Chunk", "IndexSelect", "Embedding", "CumSum",
		"Gather", "Scatter", "ScatterAdd", "Sort", "TopK", "LSTMCell", "LayerNorm", "ScaledDotProductAttention", "ConvTranspose2d", "GroupNorm", "AdaptiveAvgPool2d", "Upsample", "Pad", "MaskedSoftmax")
	for _, w := range want {
		if !names[w] {
			t.Errorf("no gradient check for %q", w)
		}
	}
}

// The kit on the CPU backend against another CPU device: it checks that
// every op writes all of its output and nothing past it, and that results
// do not depend on the device's state.
func TestConformance(t *testing.T) { devicetest.Conformance(t, cpu.New(), cpu.New()) }

func TestGradients(t *testing.T) { devicetest.Gradients(t, cpu.New()) }
