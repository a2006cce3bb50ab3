package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// plotHistory draws the loss and the training accuracy per epoch side by
// side into a PNG or SVG file.
func plotHistory(path string, h history) error {
	mk := func(title, ylabel string, ys []float64) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "epoch"
		p.Y.Label.Text = ylabel
		pts := make(plotter.XYs, len(ys))
		for i, y := range ys {
			pts[i] = plotter.XY{X: float64(i + 1), Y: y}
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		p.Add(line, points, plotter.NewGrid())
		return p, nil
	}
	lossPlot, err := mk("training loss", "cross-entropy", h.loss)
	if err != nil {
		return err
	}
	accPct := make([]float64, len(h.acc))
	for i, a := range h.acc {
		accPct[i] = 100 * a
	}
	accPlot, err := mk("training accuracy", "%", accPct)
	if err != nil {
		return err
	}
	w, ht := 10*vg.Inch, 4*vg.Inch
	var canvas vg.CanvasWriterTo
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.New(w, ht)}
	case ".svg":
		canvas = vgsvg.New(w, ht)
	default:
		return fmt.Errorf("plot %s: want a .png or .svg file", path)
	}
	dc := draw.New(canvas)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	plots := [][]*plot.Plot{{lossPlot, accPlot}}
	canvases := plot.Align(plots, tiles, dc)
	plots[0][0].Draw(canvases[0][0])
	plots[0][1].Draw(canvases[0][1])
	return writeFile(path, canvas)
}
