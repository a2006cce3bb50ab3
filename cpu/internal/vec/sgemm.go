package vec

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/vkgrad/vkgrad/cpu/internal/team"
)

// Sgemm's blocking. The micro-kernel keeps an 8×48 tile of C in 24 of the
// 32 vector registers and, for each k, multiplies three vectors of a
// packed B panel by eight broadcast values of a packed A panel: 24
// multiply-adds to 3 vector loads and 8 broadcasts, so the two FMA units
// (not the loads) bound it. A panels (8 rows × kc, 12 KiB at kc = 384)
// stay in L1 while B panels stream from L2, where the packed B block
// (kc × nc, at most packBFloats) fits.
const (
	sgemmMR     = 8
	sgemmNR     = 48
	sgemmMaxKC  = 384
	sgemmMaxMC  = 768
	packBFloats = 256 << 10 // 1 MiB of a 2 MiB L2
	// sgemmChunk is how many B panels one unit of work covers: the units
	// that run at once share them in L2.
	sgemmChunk = 4
	// sgemmSerialMACs: below this many multiply-adds one goroutine does it
	// all (waking a second costs more than it saves).
	sgemmSerialMACs = 1 << 22
)

// SgemmAvailable says whether Sgemm runs here (AVX-512, and the vector
// kernels not turned off).
func SgemmAvailable() bool { return simd && haveAVX512 }

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices:
// op(A) is m×k (A itself k×m when transA), op(B) is k×n (B n×k when
// transB), C is m×n; lda, ldb and ldc are row strides. As in BLAS, A and B
// are not read when alpha or k is 0, and C is not read when beta is 0 (so
// NaNs in it do not survive). Blocks of A and B are packed into panels
// (Goto's scheme) and the work is shared out to GOMAXPROCS goroutines in
// units claimed as they finish, so a core that neighbours slow down takes
// fewer; each element of C is summed in an order fixed by the shape alone,
// so the result does not depend on the number of goroutines. It must only
// be called when SgemmAvailable.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("vec: Sgemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if lda < max(1, ac) || ldb < max(1, bc) || ldc < n ||
		(k > 0 && (len(a) < (ar-1)*lda+ac || len(b) < (br-1)*ldb+bc)) || len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("vec: Sgemm: slices or strides too short for m=%d n=%d k=%d (lda=%d ldb=%d ldc=%d)", m, n, k, lda, ldb, ldc))
	}
	if beta != 0 && beta != 1 || k == 0 || alpha == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		if k == 0 || alpha == 0 {
			return
		}
		beta = 1
	}
	workers := runtime.GOMAXPROCS(0)
	if m*n*k < sgemmSerialMACs {
		workers = 1
	}
	o := operands{transA: transA, transB: transB, a: a, lda: lda, b: b, ldb: ldb}
	acc := 0
	if beta != 0 {
		acc = 1
	}
	if w, ok := planWide(o, m, n, k); ok {
		w.run(alpha, acc, c, ldc, workers)
		return
	}
	sgemmGoto(o, m, n, k, alpha, acc, c, ldc, workers)
}

// sgemmGoto is Goto's loop nest for products with many rows: blocks of B
// (kc × nc, in L2) and of A (mc × kc) packed by all the goroutines
// together, then multiplied, tile rows shared out.
func sgemmGoto(o operands, m, n, k int, alpha float32, acc int, c []float32, ldc, workers int) {
	g := sgemmGeometry(m, n, k)
	bufp := getBuffer(&sgemmBuffers, g.bufLen())
	s := sgemm{
		operands: o, alpha: alpha, c: c, ldc: ldc,
		bp: (*bufp)[:g.kc*g.nc], ap: (*bufp)[g.kc*g.nc : g.bufLen()],
	}
	for jc := 0; jc < n; jc += g.nc {
		s.jc, s.ncur = jc, min(g.nc, n-jc)
		for pc := 0; pc < k; pc += g.kc {
			s.pc, s.kcur = pc, min(g.kc, k-pc)
			s.acc = acc
			if pc > 0 {
				s.acc = 1
			}
			for ic := 0; ic < m; ic += g.mc {
				s.ic, s.mcur = ic, min(g.mc, m-ic)
				s.packBBlock = ic == 0
				s.run(workers)
			}
		}
	}
	sgemmBuffers.put(bufp)
}

// sgemmBuffers holds the Goto scheme's packing buffers between calls.
var sgemmBuffers freeList[[]float32]

// freeList keeps Sgemm's buffers between calls, so that a training loop's
// products allocate nothing once warm. Unlike a sync.Pool it is not
// emptied by the garbage collector, which here would mean a fresh
// megabyte now and then; it holds as many buffers as products ran at once.
type freeList[T any] struct {
	mu   sync.Mutex
	free []*T
}

// get returns a kept buffer, or a new zero one.
func (l *freeList[T]) get() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(l.free); n > 0 {
		x := l.free[n-1]
		l.free = l.free[:n-1]
		return x
	}
	return new(T)
}

// put keeps x for a later get.
func (l *freeList[T]) put(x *T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.free = append(l.free, x)
}

// getBuffer returns a buffer of at least n floats from l.
func getBuffer(l *freeList[[]float32], n int) *[]float32 {
	bufp := l.get()
	grow(bufp, n)
	return bufp
}

// grow makes *buf at least n floats long. A pool's buffers serve products
// of several shapes, so one too short for this product grows past it, by a
// quarter: after a few steps of a training loop, each is long enough for
// all of them and nothing is allocated again.
func grow(buf *[]float32, n int) {
	if len(*buf) < n {
		*buf = make([]float32, max(n, len(*buf))+n/4)
	}
}

// geometry is one product's block sizes: kc of k, nc columns (a multiple
// of sgemmNR), mc rows (a multiple of sgemmMR), each as even as the limits
// allow.
type geometry struct{ kc, nc, mc int }

func sgemmGeometry(m, n, k int) geometry {
	kc := ceilDiv(k, ceilDiv(k, sgemmMaxKC))
	ncMax := max(sgemmNR, packBFloats/kc/sgemmNR*sgemmNR)
	nc := roundUp(ceilDiv(n, ceilDiv(n, ncMax)), sgemmNR)
	mc := roundUp(ceilDiv(m, ceilDiv(m, sgemmMaxMC)), sgemmMR)
	return geometry{kc, nc, mc}
}

func (g geometry) bufLen() int { return g.kc * (g.nc + g.mc) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }
func roundUp(a, b int) int { return ceilDiv(a, b) * b }

// sgemm is one Sgemm call's state; jc…mcur name the block being worked
// on.
type sgemm struct {
	operands
	alpha  float32
	c      []float32
	ldc    int
	bp, ap []float32 // packed B block (panels of kcur×48), packed A block (panels of kcur×8)

	jc, ncur, pc, kcur, ic, mcur int
	acc                          int  // 1: add to C, 0: set it
	packBBlock                   bool // this block's B needs packing (its first row block)
}

// run packs the current block (B's panels when packB, then A's) and
// multiplies it, each phase shared out to workers goroutines.
func (s *sgemm) run(workers int) {
	nbp := ceilDiv(s.ncur, sgemmNR)
	nap := ceilDiv(s.mcur, sgemmMR)
	packUnits := nap
	if s.packBBlock {
		packUnits += nbp
	}
	parallelUnits(workers, packUnits, func(u int, _ *[sgemmMR * sgemmNR]float32) {
		if s.packBBlock {
			if u < nbp {
				s.packBPanel(u)
				return
			}
			u -= nbp
		}
		s.packAPanel(u)
	})
	chunks := ceilDiv(nbp, sgemmChunk)
	parallelUnits(workers, chunks*nap, func(u int, scratch *[sgemmMR * sgemmNR]float32) {
		q := u % nap
		p0 := u / nap * sgemmChunk
		for p := p0; p < min(p0+sgemmChunk, nbp); p++ {
			s.tile(q, p, scratch)
		}
	})
}

// parallelUnits calls fn(u) for every u < units on up to workers
// goroutines of the team (this one among them), each with its own scratch
// tile.
func parallelUnits(workers, units int, fn func(u int, scratch *[sgemmMR * sgemmNR]float32)) {
	workers = max(1, min(workers, units))
	scratch := make([][sgemmMR * sgemmNR]float32, workers)
	team.Run(units, workers, func(w, u int) { fn(u, &scratch[w]) })
}

// packBPanel packs the current block's columns jc+48p … of op(B).
func (s *sgemm) packBPanel(p int) {
	j0 := s.jc + p*sgemmNR
	s.packB(s.bp[p*s.kcur*sgemmNR:(p+1)*s.kcur*sgemmNR], j0, min(sgemmNR, s.jc+s.ncur-j0), s.pc, s.kcur)
}

// packAPanel packs the current block's rows ic+8q … of op(A).
func (s *sgemm) packAPanel(q int) {
	i0 := s.ic + q*sgemmMR
	s.packA(s.ap[q*s.kcur*sgemmMR:(q+1)*s.kcur*sgemmMR], i0, min(sgemmMR, s.ic+s.mcur-i0), s.pc, s.kcur)
}

// tile multiplies A panel q by B panel p into C.
func (s *sgemm) tile(q, p int, scratch *[sgemmMR * sgemmNR]float32) {
	i0 := s.ic + q*sgemmMR
	j0 := s.jc + p*sgemmNR
	kernelTile(s.kcur, s.ap[q*s.kcur*sgemmMR:], s.bp[p*s.kcur*sgemmNR:], s.c[i0*s.ldc+j0:], s.ldc,
		min(sgemmMR, s.ic+s.mcur-i0), min(sgemmNR, s.jc+s.ncur-j0), s.alpha, s.acc, scratch)
}
