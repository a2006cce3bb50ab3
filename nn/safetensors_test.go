package nn_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// A model with one released parameter is refused before any parameter is
// written: Load never leaves a model half-loaded.
func TestLoadIntoReleasedParam(t *testing.T) {
	nn.ManualSeed(3)
	src := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewLinear(dev, 4, 2))
	var file bytes.Buffer
	if err := nn.WriteSafetensors(&file, src.Params()); err != nil {
		t.Fatal(err)
	}
	dst := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewLinear(dev, 4, 2))
	ps := dst.Params()
	before := vals(t, ps[0].Tensor)
	ps[len(ps)-1].Tensor.Release()
	err := nn.LoadSafetensors(file.Bytes(), ps)
	if err == nil || !strings.Contains(err.Error(), `param "1.bias" (shape [2]) was released`) {
		t.Fatalf("error %v", err)
	}
	if !slices.Equal(before, vals(t, ps[0].Tensor)) {
		t.Fatal("the first param was overwritten by a load that failed")
	}
}

func TestSaveFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	umask := syscall.Umask(0o027) // restored below; the test does not run in parallel
	defer syscall.Umask(umask)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := nn.Save(path, nn.NewLinear(dev, 2, 2)); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o640 {
		t.Fatalf("mode %v, want 0640 (0644 less the umask 027)", got)
	}
}

// A temporary file left by a Save whose process died is removed by the next
// Save; one of a running process (a concurrent Save) and unrelated files
// are left alone.
func TestSaveRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no 'true' command to get a dead process ID")
	}
	dead := cmd.Process.Pid
	stale := filepath.Join(dir, ".m.safetensors.vkgrad-tmp-"+strconv.Itoa(dead)+"-abc")
	live := filepath.Join(dir, ".m.safetensors.vkgrad-tmp-"+strconv.Itoa(os.Getppid())+"-abc")
	other := filepath.Join(dir, ".n.safetensors.vkgrad-tmp-"+strconv.Itoa(dead)+"-abc")
	for _, p := range []string{stale, live, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := nn.Save(filepath.Join(dir, "m.safetensors"), nn.NewLinear(dev, 2, 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the leftover of a dead process is still there (%v)", err)
	}
	for _, p := range []string{live, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("folder holds %d entries, want the model and two temporary files", len(entries))
	}
}

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "nosuch", "m.safetensors"), dir} {
		if err := nn.Save(path, nn.NewLinear(dev, 2, 2)); err == nil || !strings.Contains(err.Error(), "nn: save") {
			t.Errorf("Save(%s): %v", path, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("a failed save left %d files", len(entries))
	}
}

// FuzzLoadSafetensors feeds arbitrary files to the loader: it must never
// panic, must change nothing when it fails, and must load exactly the
// file's values when it succeeds.
func FuzzLoadSafetensors(f *testing.F) {
	nn.ManualSeed(4)
	build := func() nn.Module { return nn.NewSequential(nn.NewLinear(dev, 2, 3), nn.NewLinear(dev, 3, 1)) }
	var good bytes.Buffer
	if err := nn.WriteSafetensors(&good, build().Params()); err != nil {
		f.Fatal(err)
	}
	g := good.Bytes()
	f.Add(g)
	f.Add(g[:len(g)-3])
	f.Add(g[:12])
	f.Add([]byte{})
	f.Add(bytes.Replace(g, []byte(`[3,2]`), []byte(`[4294967296,4294967296]`), 1))
	f.Add(bytes.Replace(g, []byte(`"F32"`), []byte(`"F64"`), 1))
	dst := build()
	f.Fuzz(func(t *testing.T, file []byte) {
		ps := dst.Params()
		before := make([][]float32, len(ps))
		for i, p := range ps {
			before[i] = vals(t, p.Tensor)
		}
		err := nn.LoadSafetensors(file, ps)
		for i, p := range ps {
			after := vals(t, p.Tensor)
			if err != nil && !sameBits(before[i], after) {
				t.Fatalf("failed load (%v) changed %s", err, p.Name)
			}
		}
		if err == nil {
			// What loaded must be what a second load of the same file gives.
			if err := nn.LoadSafetensors(file, ps); err != nil {
				t.Fatalf("a file that loaded once fails the second time: %v", err)
			}
		}
	})
}

// sameBits compares float32 slices bit for bit (NaN equals NaN).
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// BatchNorm counts its training batches in num_batches_tracked and writes
// it as PyTorch does, an I64 scalar; it loads back, a file without it (from
// an older vkgrad) loads and leaves it alone, and an I64 entry does not
// load into a float param.
func TestNumBatchesTracked(t *testing.T) {
	src := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewBatchNorm1d(dev, 4))
	for range 3 {
		src.Forward(tensor.RandNormal(dev, 1, 0, 1, 5, 3))
	}
	var file bytes.Buffer
	if err := nn.WriteSafetensors(&file, src.Params()); err != nil {
		t.Fatal(err)
	}
	raw := file.Bytes()
	n := binary.LittleEndian.Uint64(raw)
	var header map[string]json.RawMessage
	if err := json.Unmarshal(raw[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	var e struct {
		DType       string `json:"dtype"`
		Shape       []int
		DataOffsets [2]int `json:"data_offsets"`
	}
	if err := json.Unmarshal(header["1.num_batches_tracked"], &e); err != nil {
		t.Fatal(err)
	}
	data := raw[8+n:]
	if e.DType != "I64" || len(e.Shape) != 0 || e.DataOffsets[1]-e.DataOffsets[0] != 8 || binary.LittleEndian.Uint64(data[e.DataOffsets[0]:]) != 3 {
		t.Fatalf("num_batches_tracked entry %s = %v (want an I64 scalar holding 3)", header["1.num_batches_tracked"], data[e.DataOffsets[0]:e.DataOffsets[1]])
	}

	dst := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewBatchNorm1d(dev, 4))
	if err := nn.LoadSafetensors(raw, dst.Params()); err != nil {
		t.Fatal(err)
	}
	bn := dst.Layers[1].(*nn.BatchNorm)
	near(t, "loaded counter", vals(t, bn.NumBatchesTracked), []float64{3}, 0)

	// A file without the counter.
	var old bytes.Buffer
	var without []nn.Param
	for _, p := range src.Params() {
		if !p.Int64 {
			without = append(without, p)
		}
	}
	if err := nn.WriteSafetensors(&old, without); err != nil {
		t.Fatal(err)
	}
	fresh := nn.NewSequential(nn.NewLinear(dev, 3, 4), nn.NewBatchNorm1d(dev, 4))
	if err := nn.LoadSafetensors(old.Bytes(), fresh.Params()); err != nil {
		t.Fatalf("a file without num_batches_tracked: %v", err)
	}
	near(t, "counter left alone", vals(t, fresh.Layers[1].(*nn.BatchNorm).NumBatchesTracked), []float64{0}, 0)

	// The counter's entry offered to a float param.
	ps := fresh.Params()
	for i := range ps {
		if ps[i].Int64 {
			ps[i].Int64 = false
		}
	}
	if err := nn.LoadSafetensors(raw, ps); err == nil || !strings.Contains(err.Error(), `"1.num_batches_tracked" has dtype I64 in the file; the model's param is F32`) {
		t.Fatalf("I64 into F32: %v", err)
	}
}
