package vulkan

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vkgrad/vkgrad/shaders"
)

// Every shader, patched, is valid SPIR-V for Vulkan 1.2 (checked by
// spirv-val where it is installed) and holds the execution mode once.
func TestPreserveNaNInf(t *testing.T) {
	val, valErr := exec.LookPath("spirv-val")
	for _, name := range shaders.Names() {
		spv := shaders.SPIRV(name)
		p, err := PreserveNaNInf(spv)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(p) != len(spv)+24 {
			t.Errorf("%s: %d bytes patched from %d, want 6 more words", name, len(p), len(spv))
		}
		again, err := PreserveNaNInf(p)
		if err != nil || !bytes.Equal(again, p) {
			t.Errorf("%s: patching twice changed the module again (%v)", name, err)
		}
		if valErr != nil {
			continue
		}
		f := filepath.Join(t.TempDir(), name+".spv")
		os.WriteFile(f, p, 0o644)
		if out, err := exec.Command(val, "--target-env", "vulkan1.2", f).CombinedOutput(); err != nil {
			t.Errorf("%s: spirv-val: %v\n%s", name, err, out)
		}
	}
	if valErr != nil {
		t.Logf("spirv-val is not installed (spirv-tools): only the structure was checked")
	}
	for _, bad := range [][]byte{nil, []byte("not spir-v at all"), shaders.SPIRV("unary")[:22]} {
		if _, err := PreserveNaNInf(bad); err == nil {
			t.Errorf("PreserveNaNInf accepted %d bytes of garbage", len(bad))
		}
	}
}

// Reflect reads what the shaders declare: a few checked by hand, and
// every shader parses with bindings 0..n-1 and a push block within the
// 128 bytes Vulkan guarantees.
func TestReflect(t *testing.T) {
	for name, want := range map[string]Layout{
		"gemm":       {Bindings: 4, PushSize: 17 * 4, SpecIDs: []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		"ce_count":   {Bindings: 2, PushSize: 8, SpecIDs: []uint32{0}}, // the unused PER_THREAD is optimized away
		"softmax_ce": {Bindings: 6, PushSize: 12, SpecIDs: []uint32{0, 1, 2}},
		"fma_peak":   {Bindings: 1, PushSize: 12, SpecIDs: []uint32{0}},
	} {
		got, err := Reflect(shaders.SPIRV(name))
		if err != nil || got.Bindings != want.Bindings || got.PushSize != want.PushSize || !slices.Equal(got.SpecIDs, want.SpecIDs) {
			t.Errorf("%s: %+v, %v; want %+v", name, got, err, want)
		}
	}
	for _, name := range shaders.Names() {
		l, err := Reflect(shaders.SPIRV(name))
		if err != nil || l.Bindings == 0 || l.PushSize > 128 || l.PushSize%4 != 0 {
			t.Errorf("%s: %+v, %v", name, l, err)
		}
	}
}
