package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"

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
// safetensors format, through a temporary file renamed into place.
func Save(path string, m Module) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vkgrad-save-*")
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

// WriteSafetensors writes params as F32 tensors, sorted by name.
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
		if err := binary.Write(&data, binary.LittleEndian, vals); err != nil {
			return err
		}
		header[p.Name] = stEntry{DType: "F32", Shape: p.Tensor.Shape(), DataOffsets: [2]int64{begin, int64(data.Len())}}
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
// file has every param of the module and nothing else) and changes nothing
// unless all is well: a model is never left half-loaded.
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
		e, ok := entries[p.Name]
		if !ok {
			return fmt.Errorf("missing tensor %q (shape %v)", p.Name, p.Tensor.Shape())
		}
		seen[p.Name] = true
		if !p.Tensor.IsContiguous() {
			return fmt.Errorf("param %q is a non-contiguous view; load into its base tensor", p.Name)
		}
		if !slices.Equal(e.Shape, p.Tensor.Shape()) {
			return fmt.Errorf("tensor %q has shape %v in the file but %v in the model", p.Name, e.Shape, p.Tensor.Shape())
		}
		raw := data[e.DataOffsets[0]:e.DataOffsets[1]]
		v := make([]float32, len(raw)/4)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
		values[i] = v
	}
	for name := range entries {
		if !seen[name] {
			return fmt.Errorf("unexpected tensor %q: the model has no such param", name)
		}
	}
	for i, p := range params {
		tensor.Upload(p.Tensor, values[i])
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
		if e.DType != "F32" {
			return nil, nil, fmt.Errorf("tensor %q has dtype %s; vkgrad reads F32", name, e.DType)
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
		if want := int64(4 * device.NumElements(e.Shape)); hi-lo != want {
			return nil, nil, fmt.Errorf("tensor %q of shape %v has %d bytes, want %d", name, e.Shape, hi-lo, want)
		}
		entries[name] = e
	}
	return entries, data, nil
}
