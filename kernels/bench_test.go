//go:build cgo

package kernels

import (
	"fmt"
	"testing"

	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
)

func benchDevice(b *testing.B) *Device {
	b.Helper()
	d, err := Open(vulkan.Options{Index: -1})
	if err != nil {
		b.Skipf("no Vulkan device: %v", err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

// BenchmarkDispatch measures the cost of a dispatch: 1,000 dependent
// dispatches (each reads what the previous wrote) recorded into one batch
// and submitted once, against the same with a submit and a wait after each.
func BenchmarkDispatch(b *testing.B) {
	d := benchDevice(b)
	const n = 1024
	buf := device.MustAlloc(d, n)
	d.Fill(buf, 0, n, 1)
	shape := []int{n}
	v := device.Contiguous(buf, 0, shape)
	for _, mode := range []string{"batched", "submit-each"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				for i := 0; i < 1000; i++ {
					d.Unary(device.UnaryReLU, 0, shape, buf, v)
					if mode == "submit-each" {
						if err := d.Sync(); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := d.Sync(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*1000), "µs/dispatch")
		})
	}
}

// BenchmarkGEMM measures the tiled GEMM against the naive kernel (one
// invocation per output) on square matrices, in GFLOP/s, timing with a wait
// for the GPU after each product.
func BenchmarkGEMM(b *testing.B) {
	d := benchDevice(b)
	for _, n := range []int{256, 512, 1024} {
		a, bb, c := device.MustAlloc(d, n*n), device.MustAlloc(d, n*n), device.MustAlloc(d, n*n)
		d.RandNormal(a, n*n, 1, 0, 0, 1)
		d.RandNormal(bb, n*n, 2, 0, 0, 1)
		flops := 2 * float64(n) * float64(n) * float64(n)
		p := device.GemmParams{M: n, N: n, K: n, Alpha: 1,
			A: device.Matrix{Buf: a, LD: n}, B: device.Matrix{Buf: bb, LD: n}, C: device.Matrix{Buf: c, LD: n}}
		naive := d.pipeline("gemm_naive", d.wg)
		for _, kind := range []string{"tiled", "naive"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, kind), func(b *testing.B) {
				for range b.N {
					if kind == "tiled" {
						d.Gemm(p)
					} else {
						d.dispatch(naive, d.elems(n*n), push(nil).u(n).u(n).u(n), 1, d.buf("", c), d.buf("", a), d.buf("", bb))
					}
					if err := d.Sync(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		d.Release(a)
		d.Release(bb)
		d.Release(c)
	}
}
