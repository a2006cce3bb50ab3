// Package bench is vkgrad's CPU-against-GPU benchmark suite: the same work
// (GEMM, convolution, pooling, losses, elementwise ops, whole training
// steps) on every device, after a warm-up, repeated, reported as the median
// with its spread, beside reference columns (gonum's SGEMM called directly,
// the device's measured fp32 peak). cmd/vkbench is its command line.
package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/vkgrad/vkgrad/device"
)

// Case is one benchmark: the same work on every device.
type Case struct {
	// Group is the family ("gemm", "conv2d", "train", ...) and Name the
	// shapes.
	Group, Name string
	// Size is the x coordinate of the case in plots (n of a square GEMM);
	// 0 keeps it out of plots.
	Size int
	// Work is what one run does, in units of Unit's numerator; Scale
	// divides the rate (1e9 for GFLOP/s and GB/s, 1 for samples/s).
	Work  float64
	Unit  string
	Scale float64
	// Setup prepares the case on a device and returns the function that
	// records one run, and the cleanup. A nil run means the case does not
	// apply to the device.
	Setup func(d device.Device) (run func(), cleanup func())
	// Host, when not nil, runs the same work on the host reference
	// (gonum's pure-Go BLAS, called directly).
	Host func() (run func())
	// WallClock times the case by the wall clock around Sync even where
	// the device has GPU timestamps: for work of many dispatches (training
	// steps, convolution passes), whose copies, fills, barriers and host
	// time count too. Single kernels are timed by timestamps.
	WallClock bool
	// Spec says what the case computes, for other engines to do the same
	// work under the same name (scripts/torch_bench.py reads it from
	// `vkbench -cases`).
	Spec Spec
}

// Spec is what a case computes, in terms any engine can reproduce.
type Spec struct {
	// Op is "gemm", "conv2d", "pool", "softmax-ce", "add", "embedding",
	// "attention", "train" or "epoch".
	Op string
	// GEMM: C[M,N] = op(A)·op(B) over K.
	M, N, K        int  `json:",omitempty"`
	TransA, TransB bool `json:",omitempty"`
	// Conv2d and pooling: the parameters, and the pass: "fwd",
	// "bwd-data", "bwd-filter"; "max fwd", "max bwd", "avg fwd", "avg bwd".
	Conv *device.Conv2dParams `json:",omitempty"`
	Pool *device.Pool2dParams `json:",omitempty"`
	Pass string               `json:",omitempty"`
	// Softmax cross-entropy: rows and classes; add: elements.
	Batch, Classes, Elements int `json:",omitempty"`
	// Embedding: a table of Vocab rows of Dim, looked up at indices of
	// Shape (drawn uniformly, repeats allowed), forward and the backward
	// pass to the table's dense gradient for a given output gradient.
	Vocab, Dim int `json:",omitempty"`
	// Attention: scaled dot-product attention over Shape [batch, heads,
	// tokens, head size] (queries, keys and values alike, standard normal),
	// Causal or not, forward and backward to q, k and v for a standard
	// normal output gradient; its work is counted as 3.5 times the
	// forward's 4·batch·heads·tokens²·head size.
	Causal bool `json:",omitempty"`
	// Training: the model ("mlp": 784-512 ReLU-10 with RMSprop lr 1e-3,
	// rho 0.9, eps 1e-7; "cnn": conv32-ReLU-maxpool, conv64-ReLU-maxpool,
	// 128 ReLU, 10 with Adam lr 1e-3, Glorot-uniform weights; "lstm": a
	// one-layer LSTM of Hidden units, batch first, its last hidden state
	// into Linear(Hidden, 10), cross-entropy, Adam lr 1e-3; "transformer":
	// one post-norm TransformerEncoderLayer of d_model Shape[2], Heads
	// heads, feed-forward Hidden, relu, no dropout, batch first, the
	// tokens' mean into Linear(d_model, 10), cross-entropy, Adam lr 1e-3),
	// and the input shape of a step ([batch, steps, features] for the LSTM
	// and the Transformer; an epoch: 60,000 MNIST images in batches of 128,
	// shuffled).
	Model  string `json:",omitempty"`
	Shape  []int  `json:",omitempty"`
	Hidden int    `json:",omitempty"`
	Heads  int    `json:",omitempty"`
}

// CaseInfo is a case as `vkbench -cases` lists it: everything but the
// code.
type CaseInfo struct {
	Group, Name, Unit string
	Size              int `json:",omitempty"`
	Work, Scale       float64
	WallClock         bool `json:",omitempty"`
	Spec              Spec
}

// Info describes the case.
func (c Case) Info() CaseInfo {
	return CaseInfo{Group: c.Group, Name: c.Name, Unit: c.Unit, Size: c.Size, Work: c.Work, Scale: c.Scale, WallClock: c.WallClock, Spec: c.Spec}
}

// Target is a column of the report: a device, or the host reference when
// Dev is nil.
type Target struct {
	Name string
	Dev  device.Device
	// Peak is the measured fp32 peak in FLOP/s, 0 when unknown.
	Peak float64
	// PeakSource says where Peak comes from.
	PeakSource string
}

// Result is one case on one target.
type Result struct {
	Group, Name, Target string
	Size                int
	Unit                string
	// Seconds per run: the median, the fastest and the slowest.
	Median, Min, Max float64
	// Rate is Work/Median/Scale; Spread is (Max-Min)/Median.
	Rate, Spread float64
	// PeakFraction is the rate as a fraction of the target's peak (GFLOP/s
	// cases on targets with a known peak), else 0.
	PeakFraction float64
	// Timing says how runs were timed: "gpu-timestamps" or "wall-clock".
	Timing string
	Reps   int
	// GPUBusy, for a wall-clock case on a device with timestamps, is the
	// median GPU time of the dispatches of a run as a fraction of the
	// median run: how much of the wall time the GPU computed.
	GPUBusy float64 `json:",omitempty"`
	// OutsideGEMM, for a wall-clock case on a device that times its GEMMs
	// (the CPU backend), is the median share of a run spent outside Gemm:
	// the overhead of a training step beyond its matrix products.
	OutsideGEMM float64 `json:",omitempty"`
}

// Options configure Run.
type Options struct {
	// Warmup runs precede timing (pipeline creation, pools); Reps are
	// timed, and more are run, up to MaxReps, until MinTime has passed.
	Warmup, Reps, MaxReps int
	MinTime               time.Duration
}

// gpuTimer is implemented by devices that time their work with GPU
// timestamps (the Vulkan backend opened with profiling).
type gpuTimer interface {
	Profiling() bool
	GPUTime() time.Duration
}

// gemmTimer is implemented by devices that time their Gemm calls (the
// CPU backend).
type gemmTimer interface {
	GEMMTime() time.Duration
}

// Run runs every case on every target and returns the results in case
// order. Progress lines go to progress when it is not nil.
func Run(cases []Case, targets []Target, o Options, progress io.Writer) []Result {
	var out []Result
	for _, c := range cases {
		for _, t := range targets {
			r, ok := runOne(c, t, o)
			if !ok {
				continue
			}
			out = append(out, r)
			if progress != nil {
				note := ""
				if r.OutsideGEMM > 0 {
					note = fmt.Sprintf(", %.0f%% outside GEMM", 100*r.OutsideGEMM)
				}
				fmt.Fprintf(progress, "%-12s %-28s %-22s %10.3g %s (±%.0f%%, %s%s)\n", c.Group, c.Name, t.Name, r.Rate, r.Unit, 100*r.Spread/2, r.Timing, note)
			}
		}
	}
	return out
}

func runOne(c Case, t Target, o Options) (Result, bool) {
	var run, cleanup func()
	var sync func() error
	timing := "wall-clock"
	var timer gpuTimer
	if t.Dev == nil {
		if c.Host == nil {
			return Result{}, false
		}
		run, cleanup, sync = c.Host(), func() {}, func() error { return nil }
	} else {
		run, cleanup = c.Setup(t.Dev)
		if run == nil {
			return Result{}, false
		}
		sync = t.Dev.Sync
		if g, ok := t.Dev.(gpuTimer); ok && g.Profiling() {
			timer, timing = g, "gpu-timestamps"
			if c.WallClock {
				timing = "wall-clock"
			}
		}
	}
	defer cleanup()
	for i := 0; i < max(o.Warmup, 1); i++ {
		run()
	}
	if err := sync(); err != nil {
		return Result{Group: c.Group, Name: c.Name, Target: t.Name, Unit: c.Unit, Timing: "failed: " + err.Error()}, true
	}
	var secs, gpuSecs, outside []float64
	gt, _ := t.Dev.(gemmTimer)
	if !c.WallClock {
		gt = nil
	}
	start := time.Now()
	for len(secs) < max(o.Reps, 1) || (time.Since(start) < o.MinTime && len(secs) < max(o.MaxReps, o.Reps)) {
		var g0, m0 time.Duration
		if timer != nil {
			g0 = timer.GPUTime()
		}
		if gt != nil {
			m0 = gt.GEMMTime()
		}
		t0 := time.Now()
		run()
		if err := sync(); err != nil {
			return Result{Group: c.Group, Name: c.Name, Target: t.Name, Unit: c.Unit, Timing: "failed: " + err.Error()}, true
		}
		el := time.Since(t0)
		if gt != nil && el > 0 {
			outside = append(outside, max(0, 1-(gt.GEMMTime()-m0).Seconds()/el.Seconds()))
		}
		if timer != nil {
			gpu := timer.GPUTime() - g0
			if c.WallClock {
				gpuSecs = append(gpuSecs, gpu.Seconds())
			} else {
				el = gpu
			}
		}
		secs = append(secs, el.Seconds())
	}
	med := median(secs)
	r := Result{Group: c.Group, Name: c.Name, Target: t.Name, Size: c.Size, Unit: c.Unit,
		Median: med, Min: slices.Min(secs), Max: slices.Max(secs), Timing: timing, Reps: len(secs)}
	if med > 0 {
		r.Rate = c.Work / med / c.Scale
		r.Spread = (r.Max - r.Min) / med
		if len(gpuSecs) > 0 {
			r.GPUBusy = median(gpuSecs) / med
		}
		if len(outside) > 0 {
			r.OutsideGEMM = median(outside)
		}
	}
	if c.Unit == "GFLOP/s" && t.Peak > 0 {
		r.PeakFraction = r.Rate * 1e9 / t.Peak
	}
	if math.IsInf(r.Rate, 0) {
		r.Rate = 0
	}
	return r, true
}

// median sorts v and returns its median.
func median(v []float64) float64 {
	sort.Float64s(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return m
}
