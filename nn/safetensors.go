package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/tensor"
)

// The safetensors format (https://huggingface.co/docs/safetensors): an
// 8-byte little-endian header length, a JSON header mapping each tensor's
// name to its dtype, shape and byte range, then the raw little-endian data.
// PyTorch (safetensors.torch.load_file) and Hugging Face tools read it.

type stEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Save writes the module's params (buffers included) to path in the
// safetensors format. It writes a temporary file beside path and renames it
// into place, so path is never left half-written; the file gets mode 0644
// less the process's umask, as files other tools create do. A temporary
// file that an interrupted Save left behind (its process is gone) is
// removed by the next Save into the same folder.
func Save(path string, m Module) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStaleTemps(dir, base)
	tmp, err := createTemp(dir, base)
	if err != nil {
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := WriteSafetensors(tmp, m.Params()); err != nil {
		tmp.Close()
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	return nil
}

// tempPrefix begins the name of Save's temporary file for base; the
// writer's process ID follows, so that a later Save can tell a leftover
// from a file another process is still writing.
func tempPrefix(base string) string { return "." + base + ".vkgrad-tmp-" }

// createTemp creates a new temporary file for base in dir with mode 0644
// (the kernel applies the umask, as for any file created with that mode).
func createTemp(dir, base string) (*os.File, error) {
	prefix := tempPrefix(base) + strconv.Itoa(os.Getpid()) + "-"
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary name in %s", dir)
}

// removeStaleTemps removes the temporary files of earlier Saves of base in
// dir whose processes no longer run.
func removeStaleTemps(dir, base string) {
	matches, _ := filepath.Glob(filepath.Join(dir, globEscape(tempPrefix(base))+"*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), tempPrefix(base))
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid == os.Getpid() || processRunning(pid) {
			continue
		}
		os.Remove(m)
	}
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WriteSafetensors writes params sorted by name: F32 tensors, and I64
// ones for Int64 params, as PyTorch's int64 buffers are written.
func WriteSafetensors(w io.Writer, params []Param) error {
	ps := slices.Clone(params)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	header := map[string]any{"__metadata__": map[string]string{"format": "pt", "producer": "vkgrad"}}
	var data bytes.Buffer
	for i, p := range ps {
		if i > 0 && ps[i-1].Name == p.Name {
			return fmt.Errorf("two params named %q", p.Name)
		}
		vals, err := p.Tensor.Data()
		if err != nil {
			return fmt.Errorf("reading %s: %w", p.Name, err)
		}
		begin := int64(data.Len())
		dtype := "F32"
		if p.Int64 {
			dtype = "I64"
			ints := make([]int64, len(vals))
			for j, v := range vals {
				if v != float32(math.Trunc(float64(v))) {
					return fmt.Errorf("%s is an integer counter but holds %v", p.Name, v)
				}
				ints[j] = int64(v)
			}
			err = binary.Write(&data, binary.LittleEndian, ints)
		} else {
			err = binary.Write(&data, binary.LittleEndian, vals)
		}
		if err != nil {
			return err
		}
		header[p.Name] = stEntry{DType: dtype, Shape: p.Tensor.Shape(), DataOffsets: [2]int64{begin, int64(data.Len())}}
	}
	h, err := json.Marshal(header)
	if err != nil {
		return err
	}
	// Pad the header with spaces so the data starts 8-byte aligned.
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	if err := binary.Write(w, binary.LittleEndian, uint64(len(h))); err != nil {
		return err
	}
	if _, err := w.Write(h); err != nil {
		return err
	}
	_, err = w.Write(data.Bytes())
	return err
}

// Load reads the params saved at path into the module. It checks the whole
// file first (its structure, every tensor's dtype, shape and bytes, that the
// file has every param of the module and nothing else, that every param is
// live) and changes nothing unless all is well: a model is never left
// half-loaded. F32 entries load into float params and I64 ones (PyTorch's
// int64 buffers, such as BatchNorm's num_batches_tracked) into Int64
// params, which may also be missing from the file.
func Load(path string, m Module) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("nn: load: %w", err)
	}
	if err := LoadSafetensors(b, m.Params()); err != nil {
		return fmt.Errorf("nn: load %s: %w", path, err)
	}
	return nil
}

// LoadSafetensors checks the safetensors file b against params and then
// uploads its values into them.
func LoadSafetensors(b []byte, params []Param) error {
	entries, data, err := parseSafetensors(b)
	if err != nil {
		return err
	}
	values := make([][]float32, len(params))
	seen := map[string]bool{}
	for i, p := range params {
		if p.Tensor == nil {
			return fmt.Errorf("param %q has no tensor", p.Name)
		}
		if p.Tensor.Released() {
			return fmt.Errorf("param %q (shape %v) was released; nothing was loaded", p.Name, p.Tensor.Shape())
		}
		e, ok := entries[p.Name]
		if !ok && p.Int64 {
			continue // a counter the file does not keep: leave it
		}
		if !ok {
			return fmt.Errorf("missing tensor %q (shape %v)", p.Name, p.Tensor.Shape())
		}
		seen[p.Name] = true
		if want := map[bool]string{false: "F32", true: "I64"}[p.Int64]; e.DType != want {
			return fmt.Errorf("tensor %q has dtype %s in the file; the model's param is %s", p.Name, e.DType, want)
		}
		if !p.Tensor.IsContiguous() {
			return fmt.Errorf("param %q is a non-contiguous view; load into its base tensor", p.Name)
		}
		if !slices.Equal(e.Shape, p.Tensor.Shape()) {
			return fmt.Errorf("tensor %q has shape %v in the file but %v in the model", p.Name, e.Shape, p.Tensor.Shape())
		}
		raw := data[e.DataOffsets[0]:e.DataOffsets[1]]
		var v []float32
		if p.Int64 {
			v = make([]float32, len(raw)/8)
			for j := range v {
				v[j] = float32(int64(binary.LittleEndian.Uint64(raw[8*j:])))
			}
		} else {
			v = make([]float32, len(raw)/4)
			for j := range v {
				v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			}
		}
		values[i] = v
	}
	for name := range entries {
		if !seen[name] {
			return fmt.Errorf("unexpected tensor %q: the model has no such param", name)
		}
	}
	for i, p := range params {
		if values[i] != nil {
			tensor.Upload(p.Tensor, values[i])
		}
	}
	return nil
}

// parseSafetensors validates the file's structure and returns its entries
// and data section.
func parseSafetensors(b []byte) (map[string]stEntry, []byte, error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("truncated: %d bytes, too short for the header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, nil, fmt.Errorf("truncated: the header claims %d bytes, the file has %d after the length", n, len(b)-8)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &raw); err != nil {
		return nil, nil, fmt.Errorf("bad header: %w", err)
	}
	data := b[8+n:]
	entries := map[string]stEntry{}
	for name, msg := range raw {
		if name == "__metadata__" {
			continue
		}
		var e stEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, nil, fmt.Errorf("bad header entry %q: %w", name, err)
		}
		size, ok := map[string]int{"F32": 4, "I64": 8}[e.DType]
		if !ok {
			return nil, nil, fmt.Errorf("tensor %q has dtype %s; vkgrad reads F32 (and I64 for counters)", name, e.DType)
		}
		for _, s := range e.Shape {
			if s < 0 {
				return nil, nil, fmt.Errorf("tensor %q has a negative size in shape %v", name, e.Shape)
			}
		}
		lo, hi := e.DataOffsets[0], e.DataOffsets[1]
		if lo < 0 || hi < lo || hi > int64(len(data)) {
			return nil, nil, fmt.Errorf("truncated or corrupt: tensor %q needs bytes [%d, %d) of a data section of %d", name, lo, hi, len(data))
		}
		n, ok := device.CheckedNumElements(e.Shape)
		if !ok || n > math.MaxInt64/8 {
			return nil, nil, fmt.Errorf("tensor %q: shape %v has more elements than an int can count", name, e.Shape)
		}
		if want := int64(size * n); hi-lo != want {
			return nil, nil, fmt.Errorf("tensor %q of shape %v has %d bytes, want %d", name, e.Shape, hi-lo, want)
		}
		entries[name] = e
	}
	return entries, data, nil
}
