package reliability

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/datasets/mnist"
	"github.com/vkgrad/vkgrad/internal/testutil"
	"github.com/vkgrad/vkgrad/nn"
)

// writeIDX writes an IDX file (gzipped when the name ends in .gz).
func writeIDX(t *testing.T, path string, magic uint32, sizes []uint32, body []byte) {
	t.Helper()
	data := testutil.IDX(magic, sizes, body)
	if strings.HasSuffix(path, ".gz") {
		data = testutil.Gzip(data)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMNISTLyingFiles: image files whose headers claim 2^28 images, or
// sizes whose product overflows, fail with an error before the reader
// allocates what they claim (raw and gzipped).
func TestMNISTLyingFiles(t *testing.T) {
	dir := t.TempDir()
	labels := filepath.Join(dir, "labels")
	writeIDX(t, labels, 0x801, []uint32{1}, []byte{3})
	for _, tc := range []struct {
		name  string
		sizes []uint32
		want  string
	}{
		{"huge", []uint32{1 << 28, 28, 28}, "announce more than"},
		{"huge.gz", []uint32{1 << 28, 28, 28}, "announce more than"},
		{"overflow", []uint32{0xffffffff, 0xffffffff, 0xffffffff}, "announce more than"},
		{"overflow.gz", []uint32{1 << 16, 1 << 16, 1 << 16}, "announce more than"},
		{"claims-more.gz", []uint32{1 << 20, 28, 28}, "truncated"},
		{"claims-more", []uint32{1 << 20, 28, 28}, "truncated"},
	} {
		path := filepath.Join(dir, tc.name)
		writeIDX(t, path, 0x803, tc.sizes, []byte{1, 2, 3, 4})
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := mnist.LoadSet(path, labels)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
			t.Errorf("%s: the reader allocated %d bytes for a 20-byte file", tc.name, grew)
		}
	}
}

// TestMNISTCorruptGzip: a gzip file with a flipped byte fails to load
// (flate error or CRC mismatch); it never loads as other data.
func TestMNISTCorruptGzip(t *testing.T) {
	dir := t.TempDir()
	img, lab := filepath.Join(dir, "img.gz"), filepath.Join(dir, "lab.gz")
	pix := make([]byte, 50*4*4)
	for i := range pix {
		pix[i] = byte(i * 7)
	}
	labs := make([]byte, 50)
	for i := range labs {
		labs[i] = byte(i % 10)
	}
	writeIDX(t, img, 0x803, []uint32{50, 4, 4}, pix)
	writeIDX(t, lab, 0x801, []uint32{50}, labs)
	good, err := mnist.LoadSet(img, lab)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(lab)
	for pos := 10; pos < len(raw); pos++ { // every byte after the gzip header
		bad := slices.Clone(raw)
		bad[pos] ^= 0x10
		os.WriteFile(lab, bad, 0o644)
		s, err := mnist.LoadSet(img, lab)
		if err == nil && !slices.Equal(s.Labels, good.Labels) {
			t.Fatalf("byte %d flipped: loaded without error, labels %v", pos, s.Labels)
		}
	}
}

// TestLoadIntoReleasedParam: nn.Load into a model with one released
// parameter fails before writing any parameter.
func TestLoadIntoReleasedParam(t *testing.T) {
	d := open(t, "cpu")
	src := nn.NewSequential(nn.NewLinear(d, 2, 3), nn.NewLinear(d, 3, 1))
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := nn.Save(path, src); err != nil {
		t.Fatal(err)
	}
	dst := nn.NewSequential(nn.NewLinear(d, 2, 3), nn.NewLinear(d, 3, 1))
	first := data(t, dst.Params()[0].Tensor)
	dst.Params()[3].Tensor.Release()
	if err := nn.Load(path, dst); err == nil || !strings.Contains(err.Error(), "was released; nothing was loaded") {
		t.Fatalf("Load: %v", err)
	}
	if !slices.Equal(first, data(t, dst.Params()[0].Tensor)) {
		t.Fatal("a failed Load overwrote the first parameter")
	}
}
