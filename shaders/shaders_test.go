package shaders

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/shaders/internal/glslc"
	"github.com/vkgrad/vkgrad/shaders/internal/opsgen"
)

// TestSPIRVIsFresh recompiles every shader and compares it with the
// committed SPIR-V, so a shader edited without `go generate ./shaders`
// fails here.
func TestSPIRVIsFresh(t *testing.T) {
	if _, err := exec.LookPath("glslc"); err != nil {
		t.Skip("glslc is not on the PATH (Debian package glslc): the committed SPIR-V cannot be checked")
	}
	if _, err := exec.LookPath("spirv-val"); err != nil {
		t.Skip("spirv-val is not on the PATH (Debian package spirv-tools): the committed SPIR-V cannot be checked")
	}
	have, err := glslc.Version()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("glslc.version")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != have {
		t.Skipf("the SPIR-V was compiled by %q, this machine has %q: byte comparison would be meaningless", strings.TrimSpace(string(want)), have)
	}
	names, err := glslc.Sources(".")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, Names()) {
		t.Fatalf("shader sources %v but embedded SPIR-V %v: run go generate ./shaders", names, Names())
	}
	for _, name := range names {
		spv, err := glslc.Compile(".", name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(spv, SPIRV(name)) {
			t.Errorf("%s.spv is stale: run go generate ./shaders", name)
		}
	}
}

func TestSPIRVHeaders(t *testing.T) {
	for _, name := range Names() {
		b := SPIRV(name)
		if len(b) < 20 || len(b)%4 != 0 || !bytes.Equal(b[:4], []byte{0x03, 0x02, 0x23, 0x07}) {
			t.Errorf("%s: not little-endian SPIR-V", name)
		}
	}
}

// TestOpsGLSLIsFresh: ops.glsl is what the device op tables generate, so
// an op added to the tables without `go generate ./shaders` fails here
// (without glslc too).
func TestOpsGLSLIsFresh(t *testing.T) {
	have, err := os.ReadFile("ops.glsl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, opsgen.GLSL()) {
		t.Fatal("ops.glsl is stale: run go generate ./shaders")
	}
}
