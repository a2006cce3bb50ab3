package bench

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Plot draws GFLOP/s against size for the cases with a size (the square
// GEMMs), one line per target, into a .png or .svg file.
func (r *Report) Plot(path string) error {
	p := plot.New()
	p.Title.Text = "square SGEMM"
	p.X.Label.Text = "n"
	p.Y.Label.Text = "GFLOP/s"
	p.X.Scale = plot.LogScale{}
	byTarget := map[string]plotter.XYs{}
	var ticks []plot.Tick
	seen := map[int]bool{}
	for _, res := range r.Results {
		if res.Size > 0 && res.Rate > 0 {
			byTarget[res.Target] = append(byTarget[res.Target], plotter.XY{X: float64(res.Size), Y: res.Rate})
			if !seen[res.Size] {
				seen[res.Size] = true
				ticks = append(ticks, plot.Tick{Value: float64(res.Size), Label: fmt.Sprint(res.Size)})
			}
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	if len(byTarget) == 0 {
		return fmt.Errorf("bench: nothing to plot (no square GEMM results)")
	}
	var names []string
	for n := range byTarget {
		names = append(names, n)
	}
	sort.Strings(names)
	var args []any
	for _, n := range names {
		pts := byTarget[n]
		sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
		args = append(args, n, pts)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return err
	}
	p.Legend.Top = true
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg":
	default:
		return fmt.Errorf("bench: plot %s: want a .png or .svg file", path)
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}
