package vulkan

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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
