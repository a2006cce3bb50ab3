// Package imgout draws the small PNG images the example programs write:
// a heat map of a matrix (attention weights) and a grid of grey images
// (generated digits).
package imgout

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// Heatmap draws m (rows of equal length) with each value a cell×cell
// square, from white (the smallest value) to black (the largest).
func Heatmap(m [][]float32, cell int) *image.Gray {
	if len(m) == 0 || len(m[0]) == 0 || cell < 1 {
		panic(fmt.Sprintf("imgout: Heatmap of %d rows, cells of %d", len(m), cell))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range m {
		for _, v := range row {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
	}
	img := image.NewGray(image.Rect(0, 0, len(m[0])*cell, len(m)*cell))
	for i, row := range m {
		for j, v := range row {
			g := 255.0
			if hi > lo {
				g = 255 * (1 - (float64(v)-lo)/(hi-lo))
			}
			for y := range cell {
				for x := range cell {
					img.SetGray(j*cell+x, i*cell+y, color.Gray{Y: uint8(math.Round(g))})
				}
			}
		}
	}
	return img
}

// Grid draws n images of h×w values (in [0, 1], clamped; row after row in
// pixels) in rows of cols, with a one-pixel black border between them.
func Grid(pixels []float32, n, h, w, cols int) *image.Gray {
	if n < 1 || h < 1 || w < 1 || cols < 1 || len(pixels) < n*h*w {
		panic(fmt.Sprintf("imgout: Grid of %d images of %dx%d in %d columns from %d values", n, h, w, cols, len(pixels)))
	}
	rows := (n + cols - 1) / cols
	img := image.NewGray(image.Rect(0, 0, cols*(w+1)+1, rows*(h+1)+1))
	for k := range n {
		ox, oy := 1+(k%cols)*(w+1), 1+(k/cols)*(h+1)
		for y := range h {
			for x := range w {
				v := math.Max(0, math.Min(1, float64(pixels[(k*h+y)*w+x])))
				img.SetGray(ox+x, oy+y, color.Gray{Y: uint8(math.Round(255 * v))})
			}
		}
	}
	return img
}

// WritePNG writes img to path through a temporary file in the same folder,
// renamed into place, so a failed write leaves no partial image.
func WritePNG(path string, img image.Image) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := png.Encode(tmp, img); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
