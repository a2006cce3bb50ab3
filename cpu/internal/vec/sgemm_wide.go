package vec

import "github.com/vkgrad/vkgrad/cpu/internal/team"

// The wide scheme serves products with few rows (a batch of 32–512 in the
// MNIST, LSTM and convolution products): every goroutine packs all of
// op(A) for itself (small when m is), and the units of work are column
// chunks of C, each packing its own B panels, so no goroutine ever waits
// for another's packing. When op(A) is too large to copy per goroutine, k
// is cut into groups, each summed into a buffer of its own and the
// buffers added in group order at the end.
const (
	wideMaxRows    = 512
	wideAFloats    = 512 << 10 // one goroutine's packed op(A) for one group: 2 MiB
	widePartFloats = 4 << 20   // the groups' partial sums: 16 MiB
	wideChunkBytes = 256 << 10 // a unit's B panels for one k block
	// wideMinUnits is how many units of work a plan aims for: enough for
	// a few goroutines to share out (and a fixed number, so that the plan,
	// and with it the order of every sum, depends on the shape alone).
	wideMinUnits = 8
)

// wide is one product's plan under the wide scheme.
type wide struct {
	operands
	m, n, k     int
	mPad        int // m rounded up to whole A panels
	kc          int // k block
	groupK      int // k per group, a multiple of kc
	groups      int
	chunkPanels int // B panels per unit
	chunks      int
}

// planWide plans the product under the wide scheme, or says it does not
// suit it (too many rows, or partial sums too large).
func planWide(o operands, m, n, k int) (wide, bool) {
	if m > wideMaxRows {
		return wide{}, false
	}
	w := wide{operands: o, m: m, n: n, k: k, mPad: roundUp(m, sgemmMR)}
	w.kc = ceilDiv(k, ceilDiv(k, sgemmMaxKC))
	blocks := ceilDiv(k, w.kc)
	w.groups = min(blocks, ceilDiv(w.mPad*k, wideAFloats))
	panels := ceilDiv(n, sgemmNR)
	w.chunkPanels = max(1, min(wideChunkBytes/(4*sgemmNR*w.kc), ceilDiv(panels, wideMinUnits)))
	w.chunks = ceilDiv(panels, w.chunkPanels)
	// Too few units to share out: more groups, while k has blocks to cut.
	for w.groups < blocks && w.groups*w.chunks < wideMinUnits {
		w.groups++
	}
	w.groupK = ceilDiv(blocks, w.groups) * w.kc
	w.groups = ceilDiv(k, w.groupK)
	if w.groups > 1 && w.groups*m*n > widePartFloats {
		return wide{}, false
	}
	return w, true
}

// wideWorker is one goroutine's packing buffers and scratch tile.
type wideWorker struct {
	a, b    []float32
	group   int // the group whose op(A) is in a; -1 for none
	scratch [sgemmMR * sgemmNR]float32
}

var (
	wideWorkers  freeList[wideWorker]
	widePartials freeList[[]float32]
)

// run computes C = alpha·op(A)·op(B) (acc 0) or C += that (acc 1).
func (w *wide) run(alpha float32, acc int, c []float32, ldc, workers int) {
	var partp *[]float32
	var part []float32
	if w.groups > 1 {
		partp = getBuffer(&widePartials, w.groups*w.m*w.n)
		part = *partp
	}
	units := w.groups * w.chunks
	workers = min(workers, units)
	if workers <= 1 { // a small product (a per-image convolution's): no closure, no team
		ww := w.worker()
		for u := range units {
			w.unit(ww, u, alpha, acc, part, c, ldc)
		}
		wideWorkers.put(ww)
	} else {
		workerState := make([]*wideWorker, workers)
		team.Run(units, workers, func(wi, u int) {
			if workerState[wi] == nil {
				workerState[wi] = w.worker()
			}
			w.unit(workerState[wi], u, alpha, acc, part, c, ldc)
		})
		for _, ww := range workerState {
			if ww != nil {
				wideWorkers.put(ww)
			}
		}
	}
	if w.groups > 1 {
		w.sumGroups(part, acc, c, ldc, workers)
		widePartials.put(partp)
	}
}

// worker returns a goroutine's buffers, long enough for this plan.
func (w *wide) worker() *wideWorker {
	ww := wideWorkers.get()
	grow(&ww.a, w.mPad*w.groupK)
	grow(&ww.b, w.chunkPanels*sgemmNR*w.kc)
	ww.group = -1
	return ww
}

// unit computes unit u (group u/chunks, chunk u%chunks) with ww's
// buffers: into its group's partial sum when k is in groups, into C
// otherwise.
func (w *wide) unit(ww *wideWorker, u int, alpha float32, acc int, part, c []float32, ldc int) {
	g, ch := u/w.chunks, u%w.chunks
	if g != ww.group {
		w.packGroupA(ww.a, g)
		ww.group = g
	}
	if w.groups > 1 {
		w.chunk(ww, g, ch, alpha, 0, part[g*w.m*w.n:], w.n)
	} else {
		w.chunk(ww, g, ch, alpha, acc, c, ldc)
	}
}

// packGroupA packs op(A)'s columns of group g into dst: for each k block
// at offset o within the group, its A panels at o·mPad, one after another.
func (w *wide) packGroupA(dst []float32, g int) {
	g0 := g * w.groupK
	for p0 := g0; p0 < min(g0+w.groupK, w.k); p0 += w.kc {
		kcur := min(w.kc, w.k-p0)
		base := (p0 - g0) * w.mPad
		for i0 := 0; i0 < w.m; i0 += sgemmMR {
			w.packA(dst[base+i0*kcur:], i0, min(sgemmMR, w.m-i0), p0, kcur)
		}
	}
}

// chunk computes the columns of chunk ch over group g's k into c (row
// stride ldc): set (acc 0) or added to (acc 1) by its first k block.
func (w *wide) chunk(ww *wideWorker, g, ch int, alpha float32, acc int, c []float32, ldc int) {
	g0 := g * w.groupK
	j0 := ch * w.chunkPanels * sgemmNR
	j1 := min(w.n, j0+w.chunkPanels*sgemmNR)
	for p0 := g0; p0 < min(g0+w.groupK, w.k); p0 += w.kc {
		kcur := min(w.kc, w.k-p0)
		for j := j0; j < j1; j += sgemmNR {
			w.packB(ww.b[(j-j0)*kcur:], j, min(sgemmNR, j1-j), p0, kcur)
		}
		ap := ww.a[(p0-g0)*w.mPad:]
		for i0 := 0; i0 < w.m; i0 += sgemmMR {
			for j := j0; j < j1; j += sgemmNR {
				kernelTile(kcur, ap[i0*kcur:], ww.b[(j-j0)*kcur:], c[i0*ldc+j:], ldc,
					min(sgemmMR, w.m-i0), min(sgemmNR, j1-j), alpha, acc, &ww.scratch)
			}
		}
		acc = 1
	}
}

// sumGroups adds the groups' partial products to C (or sets C to their
// sum, acc 0), in group order, rows shared out.
func (w *wide) sumGroups(part []float32, acc int, c []float32, ldc, workers int) {
	parallelUnits(workers, ceilDiv(w.m, 16), func(u int, _ *[sgemmMR * sgemmNR]float32) {
		for i := 16 * u; i < min(w.m, 16*u+16); i++ {
			row := c[i*ldc : i*ldc+w.n]
			for g := range w.groups {
				p := part[g*w.m*w.n+i*w.n:][:w.n]
				if g == 0 && acc == 0 {
					copy(row, p)
				} else {
					AddTo(row, p)
				}
			}
		}
	})
}
