//go:build cgo

package kernels

import (
	"fmt"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

// benchDevices is the CPU backend and the best Vulkan device, for
// side-by-side benchmarks.
func benchDevices(b *testing.B) []device.Device {
	devs := []device.Device{cpu.New()}
	if d, err := Open(vulkan.Options{Index: -1}); err == nil {
		b.Cleanup(func() { d.Close() })
		devs = append(devs, d)
	}
	return devs
}

func devName(d device.Device) string {
	i := d.Info()
	return fmt.Sprintf("%s:%d", i.Backend, i.Index)
}

// run times fn (which records work) with a Sync after each call and
// reports rate units of work per second.
func run(b *testing.B, d device.Device, work float64, unit string, fn func()) {
	fn() // warm-up: pipelines, pools
	if err := d.Sync(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		fn()
		if err := d.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(work*float64(b.N)/b.Elapsed().Seconds()/1e9, unit)
}

var convShapes = []device.Conv2dParams{
	{N: 128, C: 1, H: 28, W: 28, OutC: 32, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1, Groups: 1},
	{N: 128, C: 32, H: 14, W: 14, OutC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1, Groups: 1},
	{N: 32, C: 64, H: 56, W: 56, OutC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1, Groups: 1},
}

// BenchmarkConv2d measures the forward pass and both backward passes in
// GFLOP/s (2·N·OutC·OH·OW·C·KH·KW each) on every device.
func BenchmarkConv2d(b *testing.B) {
	for _, d := range benchDevices(b) {
		for _, p := range convShapes {
			nx, nw, ny := p.N*p.C*p.H*p.W, p.OutC*p.C*p.KH*p.KW, p.N*p.OutC*p.OutH()*p.OutW()
			x, w, y, bias := device.MustAlloc(d, nx), device.MustAlloc(d, nw), device.MustAlloc(d, ny), device.MustAlloc(d, p.OutC)
			d.RandNormal(x, nx, 1, 0, 0, 1)
			d.RandNormal(w, nw, 2, 0, 0, 1)
			d.RandNormal(y, ny, 3, 0, 0, 1)
			d.Fill(bias, 0, p.OutC, 0)
			flops := 2 * float64(ny) * float64(p.C*p.KH*p.KW)
			name := fmt.Sprintf("%s/%dx%dx%dx%d-k%d-out%d", devName(d), p.N, p.C, p.H, p.W, p.KH, p.OutC)
			b.Run(name+"/forward", func(b *testing.B) { run(b, d, flops, "GFLOP/s", func() { d.Conv2d(p, y, x, w, bias) }) })
			b.Run(name+"/backward-data", func(b *testing.B) { run(b, d, flops, "GFLOP/s", func() { d.Conv2dBackwardData(p, x, y, w) }) })
			b.Run(name+"/backward-filter", func(b *testing.B) { run(b, d, flops, "GFLOP/s", func() { d.Conv2dBackwardFilter(p, w, x, y) }) })
			for _, buf := range []device.Buffer{x, w, y, bias} {
				d.Release(buf)
			}
		}
	}
}

// BenchmarkPool measures 2×2 max and average pooling of a 128×32×28×28
// batch, forward and backward, in GB/s of input read.
func BenchmarkPool(b *testing.B) {
	p := device.Pool2dParams{N: 128, C: 32, H: 28, W: 28, KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	nIn, nOut := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
	for _, d := range benchDevices(b) {
		x, y, idx, dx := device.MustAlloc(d, nIn), device.MustAlloc(d, nOut), device.MustAlloc(d, nOut), device.MustAlloc(d, nIn)
		d.RandNormal(x, nIn, 1, 0, 0, 1)
		bytes := 4 * float64(nIn)
		b.Run(devName(d)+"/max", func(b *testing.B) { run(b, d, bytes, "GB/s", func() { d.MaxPool2d(p, y, idx, x) }) })
		b.Run(devName(d)+"/max-backward", func(b *testing.B) { run(b, d, bytes, "GB/s", func() { d.MaxPool2dBackward(p, dx, y, idx) }) })
		b.Run(devName(d)+"/avg", func(b *testing.B) { run(b, d, bytes, "GB/s", func() { d.AvgPool2d(p, y, x) }) })
		b.Run(devName(d)+"/avg-backward", func(b *testing.B) { run(b, d, bytes, "GB/s", func() { d.AvgPool2dBackward(p, dx, y) }) })
		for _, buf := range []device.Buffer{x, y, idx, dx} {
			d.Release(buf)
		}
	}
}

// BenchmarkCrossEntropy measures the fused softmax cross-entropy with its
// gradient on a 128×10 batch (MNIST) and a 128×1000 one, in GB/s of logits.
func BenchmarkCrossEntropy(b *testing.B) {
	for _, d := range benchDevices(b) {
		for _, classes := range []int{10, 1000} {
			n := 128 * classes
			logits, grad, labels, loss := device.MustAlloc(d, n), device.MustAlloc(d, n), device.MustAlloc(d, 128), device.MustAlloc(d, 1)
			d.RandNormal(logits, n, 1, 0, 0, 1)
			d.Fill(labels, 0, 128, 3)
			b.Run(fmt.Sprintf("%s/128x%d", devName(d), classes), func(b *testing.B) {
				run(b, d, 4*float64(n), "GB/s", func() { d.SoftmaxCrossEntropy(128, classes, -100, loss, grad, logits, labels) })
			})
			for _, buf := range []device.Buffer{logits, grad, labels, loss} {
				d.Release(buf)
			}
		}
	}
}
