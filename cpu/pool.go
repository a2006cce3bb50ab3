package cpu

import (
	"math/bits"
	"sync"
)

// maxPooled bounds the bytes the pool keeps for reuse; beyond it, released
// memory goes to the garbage collector.
const maxPooled = 1 << 30

// pool keeps released slices in size classes: four classes per power of
// two, so a request wastes at most a quarter of its size.
type pool struct {
	mu     sync.Mutex
	free   map[int][][]float32
	pooled int64
	fresh  int64 // bytes made because no class had a slice to reuse
}

func (p *pool) init() { p.free = map[int][][]float32{} }

// sizeClass rounds n up to its class's capacity.
func sizeClass(n int) int {
	if n <= 64 {
		return 64
	}
	shift := bits.Len(uint(n-1)) - 3 // 4 classes between 2^k and 2^(k+1)
	step := 1 << shift
	return (n + step - 1) / step * step
}

func (p *pool) get(n int) []float32 {
	c := sizeClass(n)
	p.mu.Lock()
	if l := p.free[c]; len(l) > 0 {
		s := l[len(l)-1]
		p.free[c] = l[:len(l)-1]
		p.pooled -= int64(c) * 4
		p.mu.Unlock()
		return s[:n]
	}
	p.fresh += int64(c) * 4
	p.mu.Unlock()
	return make([]float32, n, c)
}

func (p *pool) put(s []float32) {
	c := cap(s)
	if c != sizeClass(c) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pooled+int64(c)*4 > maxPooled {
		return
	}
	p.free[c] = append(p.free[c], s[:0])
	p.pooled += int64(c) * 4
}

func (p *pool) bytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pooled
}

func (p *pool) drain() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = map[int][][]float32{}
	p.pooled = 0
}

func (p *pool) freshBytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fresh
}
