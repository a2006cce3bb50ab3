package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vkgrad/vkgrad/device"
)

// naiveConv computes the forward convolution and both gradients directly
// from the definition, in float64.
func naiveConv(p device.Conv2dParams, x, w, bias, dy []float32) (y, dx, dw []float64) {
	oh, ow := p.OutH(), p.OutW()
	cg, kg := p.C/p.Groups, p.OutC/p.Groups
	y = make([]float64, p.N*p.OutC*oh*ow)
	dx = make([]float64, len(x))
	dw = make([]float64, len(w))
	for n := 0; n < p.N; n++ {
		for oc := 0; oc < p.OutC; oc++ {
			g := oc / kg
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					yi := ((n*p.OutC+oc)*oh+i)*ow + j
					var s float64
					if bias != nil {
						s = float64(bias[oc])
					}
					for c := 0; c < cg; c++ {
						ic := g*cg + c
						for kh := 0; kh < p.KH; kh++ {
							h := i*p.StrideH - p.PadH + kh*p.DilationH
							for kw := 0; kw < p.KW; kw++ {
								ww := j*p.StrideW - p.PadW + kw*p.DilationW
								if h < 0 || h >= p.H || ww < 0 || ww >= p.W {
									continue
								}
								xi := ((n*p.C+ic)*p.H+h)*p.W + ww
								wi := ((oc*cg+c)*p.KH+kh)*p.KW + kw
								s += float64(x[xi]) * float64(w[wi])
								dx[xi] += float64(dy[yi]) * float64(w[wi])
								dw[wi] += float64(dy[yi]) * float64(x[xi])
							}
						}
					}
					y[yi] = s
				}
			}
		}
	}
	return y, dx, dw
}

func TestConv2dAgainstNaive(t *testing.T) {
	base := device.Conv2dParams{StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1}
	with := func(f func(p *device.Conv2dParams)) device.Conv2dParams {
		p := base
		f(&p)
		return p
	}
	cases := []device.Conv2dParams{
		with(func(p *device.Conv2dParams) { p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW = 1, 1, 1, 1, 1, 1, 1 }),
		with(func(p *device.Conv2dParams) { p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW = 2, 3, 7, 6, 4, 3, 3 }),
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.PadH, p.PadW = 3, 2, 9, 8, 5, 3, 3, 1, 1
		}),
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.StrideH, p.StrideW, p.PadH = 2, 3, 11, 10, 2, 3, 2, 2, 3, 2
		}),
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.DilationH, p.DilationW, p.PadW = 2, 2, 9, 9, 3, 3, 3, 2, 3, 1
		}),
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.Groups, p.PadH, p.PadW = 2, 6, 5, 7, 4, 3, 3, 2, 1, 1
		}),
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.Groups = 3, 4, 5, 5, 4, 1, 1, 4
		}),
		with(func(p *device.Conv2dParams) { p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW = 0, 2, 5, 5, 3, 3, 3 }),
		// "Same" shapes, im2col's shifted-block path: 5×5 with padding 2,
		// a 3-wide kernel padded only across, dilation down the rows, a
		// kernel wider than the image.
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.PadH, p.PadW = 2, 3, 6, 7, 2, 5, 5, 2, 2
		}),
		with(func(p *device.Conv2dParams) { p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.PadW = 2, 2, 5, 6, 3, 1, 3, 1 }),
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.PadH, p.PadW, p.DilationH = 2, 2, 7, 5, 3, 3, 3, 2, 1, 2
		}),
		with(func(p *device.Conv2dParams) {
			p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.PadH, p.PadW = 1, 1, 4, 2, 2, 3, 5, 1, 2
		}),
	}
	cases = append(cases, with(func(p *device.Conv2dParams) { // 20 images: per-image filter-gradient groups of 2
		p.N, p.C, p.H, p.W, p.OutC, p.KH, p.KW, p.PadH, p.PadW = 20, 2, 4, 5, 3, 3, 3, 1, 1
	}))
	r := rand.New(rand.NewPCG(13, 14))
	d := New()
	for _, mode := range []struct {
		name                string
		budget, perImageMax int
	}{
		{"batched", colBudget, 0},
		{"batched, one image per chunk", 50, 0},
		{"per image", colBudget, perImageCols},
	} {
		oldBudget, oldPerImage := colBudget, perImageCols
		colBudget, perImageCols, perImageAnyEngine = mode.budget, mode.perImageMax, true
		for _, p := range cases {
			t.Run(fmt.Sprintf("%s/%+v", mode.name, p), func(t *testing.T) {
				oh, ow := p.OutH(), p.OutW()
				nx, nw, ny := p.N*p.C*p.H*p.W, p.OutC*p.C/p.Groups*p.KH*p.KW, p.N*p.OutC*oh*ow
				x, w, b, dy := randSlice(r, nx), randSlice(r, nw), randSlice(r, p.OutC), randSlice(r, ny)
				wantY, wantDx, wantDw := naiveConv(p, x, w, b, dy)
				y, dx, dw := nanBuf(d, ny), nanBuf(d, nx), nanBuf(d, nw)
				xb, wb, dyb := upload(d, x), upload(d, w), upload(d, dy)
				d.Conv2d(p, y, xb, wb, upload(d, b))
				d.Conv2dBackwardData(p, dx, dyb, wb)
				d.Conv2dBackwardFilter(p, dw, xb, dyb)
				assertClose(t, "y", download(t, d, y, ny), wantY, 1e-4, 1e-4)
				assertClose(t, "dx", download(t, d, dx, nx), wantDx, 1e-4, 1e-4)
				assertClose(t, "dw", download(t, d, dw, nw), wantDw, 1e-4, 1e-4)
			})
		}
		colBudget, perImageCols, perImageAnyEngine = oldBudget, oldPerImage, false
	}
}

func TestConv2dValidation(t *testing.T) {
	d := New()
	p := device.Conv2dParams{N: 1, C: 3, H: 4, W: 4, OutC: 2, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 2}
	mustPanic(t, "not divisible by 2 groups", func() { d.Conv2d(p, device.MustAlloc(d, 100), device.MustAlloc(d, 100), device.MustAlloc(d, 100), nil) })
	p.Groups, p.KH = 1, 5
	mustPanic(t, "does not fit", func() { d.Conv2d(p, device.MustAlloc(d, 100), device.MustAlloc(d, 100), device.MustAlloc(d, 100), nil) })
	p.KH = 3
	mustPanic(t, "x needs 48 elements", func() { d.Conv2d(p, device.MustAlloc(d, 100), device.MustAlloc(d, 10), device.MustAlloc(d, 100), nil) })
}

func naivePool(p device.Pool2dParams, x, dy []float32, isMax bool) (y, dx []float64) {
	oh, ow := p.OutH(), p.OutW()
	y = make([]float64, p.N*p.C*oh*ow)
	dx = make([]float64, len(x))
	for plane := 0; plane < p.N*p.C; plane++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				yi := (plane*oh+i)*ow + j
				best, bi := math.Inf(-1), -1
				var sum float64
				cnt := 0
				for kh := 0; kh < p.KH; kh++ {
					for kw := 0; kw < p.KW; kw++ {
						h, w := i*p.StrideH-p.PadH+kh, j*p.StrideW-p.PadW+kw
						if h < -p.PadH || h >= p.H+p.PadH || w < -p.PadW || w >= p.W+p.PadW {
							continue
						}
						if p.CountIncludePad {
							cnt++
						}
						if h < 0 || h >= p.H || w < 0 || w >= p.W {
							continue
						}
						if !p.CountIncludePad {
							cnt++
						}
						xi := plane*p.H*p.W + h*p.W + w
						sum += float64(x[xi])
						if float64(x[xi]) > best {
							best, bi = float64(x[xi]), xi
						}
					}
				}
				if isMax {
					y[yi] = best
					dx[bi] += float64(dy[yi])
					continue
				}
				y[yi] = sum / float64(cnt)
				for kh := 0; kh < p.KH; kh++ {
					for kw := 0; kw < p.KW; kw++ {
						h, w := i*p.StrideH-p.PadH+kh, j*p.StrideW-p.PadW+kw
						if h >= 0 && h < p.H && w >= 0 && w < p.W {
							dx[plane*p.H*p.W+h*p.W+w] += float64(dy[yi]) / float64(cnt)
						}
					}
				}
			}
		}
	}
	return y, dx
}

func TestPooling(t *testing.T) {
	cases := []device.Pool2dParams{
		{N: 1, C: 1, H: 1, W: 1, KH: 1, KW: 1, StrideH: 1, StrideW: 1},
		{N: 2, C: 3, H: 8, W: 8, KH: 2, KW: 2, StrideH: 2, StrideW: 2},
		{N: 2, C: 2, H: 7, W: 9, KH: 3, KW: 2, StrideH: 2, StrideW: 1},
		{N: 1, C: 2, H: 7, W: 7, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
		{N: 1, C: 2, H: 7, W: 7, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CountIncludePad: true},
		{N: 3, C: 1, H: 5, W: 6, KH: 3, KW: 3, StrideH: 1, StrideW: 1},
	}
	r := rand.New(rand.NewPCG(15, 16))
	d := New()
	for _, p := range cases {
		nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
		x, dy := randSlice(r, nx), randSlice(r, ny)
		xb, dyb := upload(d, x), upload(d, dy)
		for _, isMax := range []bool{true, false} {
			wantY, wantDx := naivePool(p, x, dy, isMax)
			y, dx := nanBuf(d, ny), nanBuf(d, nx)
			if isMax {
				idx := nanBuf(d, ny)
				d.MaxPool2d(p, y, idx, xb)
				d.MaxPool2dBackward(p, dx, dyb, idx)
			} else {
				d.AvgPool2d(p, y, xb)
				d.AvgPool2dBackward(p, dx, dyb)
			}
			name := fmt.Sprintf("max=%v %+v", isMax, p)
			assertClose(t, name+" y", download(t, d, y, ny), wantY, 1e-6, 1e-5)
			assertClose(t, name+" dx", download(t, d, dx, nx), wantDx, 1e-6, 1e-5)
		}
	}
}
