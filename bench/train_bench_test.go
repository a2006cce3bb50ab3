package bench

import (
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
)

// BenchmarkTrainStepsCPU runs the suite's CPU training steps (the MLP, the
// CNN, the LSTM and the Transformer layer at their full benchmark sizes)
// and reports, besides the time per step, samples/s and the share of the
// step's wall time spent outside matrix products (outside-GEMM-%: the
// product's own time comes from the CPU device's GEMMTime). #15's goal for
// the MLP is at most 33%, a step within 1.5× its GEMMs:
//
//	go test ./bench -run XXX -bench TrainStepsCPU
//
// scripts/cpu-counts.sh runs it under callgrind for instruction counts
// per step, which this noisy machine's neighbours do not change.
func BenchmarkTrainStepsCPU(b *testing.B) {
	for _, c := range Suite(false) {
		if c.Group != "train" || !strings.Contains(c.Name, " step") {
			continue
		}
		b.Run(strings.Fields(c.Name)[0], func(b *testing.B) {
			d := cpu.New()
			step, release := c.Setup(d)
			defer release()
			step() // the first step allocates the optimizer state
			if err := d.Sync(); err != nil {
				b.Fatal(err)
			}
			g0 := d.GEMMTime()
			b.ResetTimer()
			runSteps(step, b.N)
			if err := d.Sync(); err != nil {
				b.Fatal(err)
			}
			el := b.Elapsed()
			b.ReportMetric(c.Work*float64(b.N)/el.Seconds(), "samples/s")
			b.ReportMetric(100*max(0, 1-(d.GEMMTime()-g0).Seconds()/el.Seconds()), "outside-GEMM-%")
		})
	}
}

// runSteps runs the timed steps: its own function so that callgrind can
// count it alone (--toggle-collect), without the model's setup.
//
//go:noinline
func runSteps(step func(), n int) {
	for range n {
		step()
	}
}
