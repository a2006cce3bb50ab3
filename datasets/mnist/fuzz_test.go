package mnist

import (
	"bytes"
	"testing"

	"github.com/vkgrad/vkgrad/internal/testutil"
)

var idxBytes, gzipBytes = testutil.IDX, testutil.Gzip

// fuzzSeeds are valid, truncated, padded and lying IDX files.
func fuzzSeeds() [][]byte {
	img := idxBytes(imageMagic, []uint32{2, 2, 3}, []byte{0, 255, 51, 0, 0, 0, 1, 2, 3, 4, 5, 255})
	lab := idxBytes(labelMagic, []uint32{3}, []byte{7, 3, 1})
	return [][]byte{
		img, lab,
		img[:10], lab[:9], append(bytes.Clone(img), 1),
		idxBytes(imageMagic, []uint32{1 << 28, 28, 28}, nil),
		idxBytes(imageMagic, []uint32{1 << 16, 1 << 16, 1 << 16}, nil),
		idxBytes(imageMagic, []uint32{0, 0xffffffff, 0xffffffff}, nil),
		idxBytes(labelMagic, []uint32{0xffffffff}, []byte{1}),
		{},
	}
}

// checkDecode decodes data as an image file and as a label file and checks
// that a success is consistent with its header.
func checkDecode(t *testing.T, data []byte) {
	x, err := newIDX(bytes.NewReader(data), int64(len(data)), "fuzz")
	if err == nil {
		n, rows, cols, pix, err := decodeImages(x)
		if err == nil && (n*rows*cols != len(pix) || len(pix) > MaxDataBytes) {
			t.Fatalf("%d images of %dx%d but %d bytes", n, rows, cols, len(pix))
		}
		if err == nil && !x.gzipped && len(pix)+16 != len(data) {
			t.Fatalf("raw file of %d bytes decoded to %d pixels", len(data), len(pix))
		}
	}
	x, err = newIDX(bytes.NewReader(data), int64(len(data)), "fuzz")
	if err == nil {
		labels, err := decodeLabels(x)
		if err == nil && !x.gzipped && len(labels)+8 != len(data) {
			t.Fatalf("raw file of %d bytes decoded to %d labels", len(data), len(labels))
		}
	}
}

// FuzzIDX feeds arbitrary bytes to the IDX reader, raw or as a gzip stream
// (a valid gzip stream is among the seeds, so the fuzzer mutates gzip
// headers, deflate data and checksums too).
func FuzzIDX(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
		f.Add(gzipBytes(s))
	}
	f.Fuzz(checkDecode)
}

// FuzzIDXGzip gzips arbitrary IDX bytes before reading them, so that every
// lying header reaches the incremental gzip path, where the input's size is
// not known in advance.
func FuzzIDXGzip(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		z := gzipBytes(data)
		x, err := newIDX(bytes.NewReader(z), int64(len(z)), "fuzz")
		if err != nil {
			t.Fatalf("a valid gzip stream was refused: %v", err)
		}
		n, rows, cols, pix, err := decodeImages(x)
		if err == nil && (n*rows*cols != len(pix) || len(pix)+16 != len(data)) {
			t.Fatalf("%d images of %dx%d from %d bytes: %d pixels", n, rows, cols, len(data), len(pix))
		}
		checkDecode(t, z)
	})
}
