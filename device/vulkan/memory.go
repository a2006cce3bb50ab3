//go:build cgo

package vulkan

import (
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"

	vk "github.com/goki/vulkan"

	"github.com/vkgrad/vkgrad/device"
)

// The memory pools: buffers are ranges of large blocks (one VkBuffer bound
// to one VkDeviceMemory each), in size classes with free lists, so that a
// training step allocates no Vulkan memory after its first run. Requests
// larger than half a block get a block of their own, which is pooled the
// same way.
const (
	deviceBlockSize = 64 << 20
	hostBlockSize   = 16 << 20
	minClass        = 256
)

type block struct {
	buf    vk.Buffer
	mem    vk.DeviceMemory
	size   uint64
	used   uint64
	mapped unsafe.Pointer
}

// Buffer is a range of device memory holding float32 elements.
type Buffer struct {
	blk      *block
	off, cap uint64 // byte offset in the block and class size
	n        int
	pool     *pool
	// The serials of the last batches that used (read or wrote) and wrote
	// the buffer: atomic, because Release may run on the garbage
	// collector's cleanup goroutine.
	lastUse, lastWrite atomic.Uint64
	released           bool
}

// Len is the number of float32 elements.
func (b *Buffer) Len() int { return b.n }

// Bytes is the size of the buffer's range in bytes.
func (b *Buffer) Bytes() uint64 { return uint64(b.n) * 4 }

// pool is one memory type's blocks and free lists.
type pool struct {
	name      string
	typ       uint32
	heap      int // the memory heap the type lives in
	blockSize uint64
	mapped    bool
	blocks    []*block
	free      map[uint64][]*Buffer
	pooled    uint64
}

type memory struct {
	r            *Runtime
	mu           sync.Mutex
	dev          pool // device-local: every tensor
	up, down     pool // upload and read-back staging, where the plan has them
	plan         MemoryPlan
	align        uint64
	pending      []*Buffer // released while batches that use them may still run
	pendingBytes uint64
	closed       bool // destroyed: late releases (from cleanups) are ignored

	// heapSize and heapUsed are each memory heap's size and the bytes of
	// the blocks vkgrad allocated in it; a block that would pass the size
	// is refused before the driver is asked.
	heapSize, heapUsed []uint64
	// maxBuffer is the largest buffer an op can bind, in bytes:
	// maxStorageBufferRange.
	maxBuffer uint64

	live, liveBytes, allocs, releases int64
	fresh                             int64 // bytes of the blocks created
}

func (m *memory) init(r *Runtime, forceStaging bool) error {
	m.r = r
	m.align = max(minClass, r.props.MinStorageAlign)
	plan, err := PlanMemory(r.props.MemoryTypes, r.props.Heaps, r.props.Type, forceStaging)
	if err != nil {
		return fmt.Errorf("vulkan: %s: %w", r.props.Name, err)
	}
	m.plan = plan
	m.heapSize = make([]uint64, len(r.props.Heaps))
	m.heapUsed = make([]uint64, len(r.props.Heaps))
	for i, h := range r.props.Heaps {
		m.heapSize[i] = h.Size
	}
	m.maxBuffer = uint64(r.props.MaxStorageRange)
	newPool := func(name string, typ int, blockSize uint64, mapped bool) pool {
		return pool{name: name, typ: uint32(typ), heap: r.props.MemoryTypes[typ].Heap, blockSize: blockSize, mapped: mapped, free: map[uint64][]*Buffer{}}
	}
	m.dev = newPool("device", plan.Device, deviceBlockSize, plan.Mapped())
	if plan.Upload >= 0 {
		m.up = newPool("upload staging", plan.Upload, hostBlockSize, true)
	} else {
		// Direct uploads still stage into memory that unfinished work uses:
		// from the device's own (mapped) type, in a pool of its own, whose
		// buffers wait for their batch before they are reused.
		m.up = newPool("upload staging", plan.Device, hostBlockSize, true)
	}
	if plan.Readback >= 0 {
		m.down = newPool("read-back staging", plan.Readback, hostBlockSize, true)
	}
	return nil
}

// hostPool is where small host-read records (the status records) live:
// the read-back pool, or the device pool where the host reads it
// directly.
func (m *memory) hostPool() *pool {
	if m.plan.Readback >= 0 {
		return &m.down
	}
	return &m.dev
}

// class rounds a byte size up to its size class: multiples of the
// alignment, four classes per power of two.
func (m *memory) class(size uint64) uint64 {
	if size <= m.align {
		return m.align
	}
	step := uint64(1) << max(0, bits.Len64(size-1)-3)
	step = max(step, m.align)
	return (size + step - 1) / step * step
}

// newBlock allocates a block of size bytes for pool p; the caller holds
// m.mu. A block the heap has no room for is refused as an AllocError
// without asking the driver, and so is one the driver refuses for lack of
// memory: neither is kept as the device's error.
func (m *memory) newBlock(p *pool, size uint64, n int) (*block, error) {
	r := m.r
	if h := p.heap; h < len(m.heapSize) && m.heapUsed[h]+size > m.heapSize[h] {
		return nil, m.refuse(n, int64(m.heapSize[h]), fmt.Sprintf("the %s memory heap %d (%s used by vkgrad)", p.name, h, device.FormatBytes(int64(m.heapUsed[h]))))
	}
	blk := &block{size: size}
	buf, mem, res := createBlock(r.fns, unsafe.Pointer(r.dev), size, p.typ)
	if buf != nil {
		blk.buf = vk.Buffer(buf)
	}
	if mem != nil {
		blk.mem = vk.DeviceMemory(mem)
	}
	fail := func(err error) (*block, error) {
		if blk.mem != vk.NullDeviceMemory {
			vk.FreeMemory(r.dev, blk.mem, nil)
		}
		if blk.buf != vk.NullBuffer {
			vk.DestroyBuffer(r.dev, blk.buf, nil)
		}
		return nil, err
	}
	switch vk.Result(res) {
	case 0:
	case 1:
		return fail(fmt.Errorf("vulkan: memory type %d cannot back storage buffers", p.typ))
	case vk.ErrorOutOfDeviceMemory, vk.ErrorOutOfHostMemory:
		used := m.heapUsed[min(p.heap, len(m.heapUsed)-1)]
		return fail(m.refuse(n, int64(used), fmt.Sprintf("what the driver could give (%v for a block of %s) beside the memory vkgrad holds in the %s heap", vk.Error(vk.Result(res)), device.FormatBytes(int64(size)), p.name)))
	default:
		return fail(vkErr(vk.Result(res), fmt.Sprintf("allocating a block of %d MiB (%s)", size>>20, p.name)))
	}
	if err := vkErr(vk.BindBufferMemory(r.dev, blk.buf, blk.mem, 0), "vkBindBufferMemory"); err != nil {
		return fail(err)
	}
	if p.mapped {
		var ptr unsafe.Pointer
		if err := vkErr(vk.MapMemory(r.dev, blk.mem, 0, vk.DeviceSize(vk.WholeSize), 0, &ptr), "vkMapMemory"); err != nil {
			return fail(err)
		}
		blk.mapped = ptr
	}
	p.blocks = append(p.blocks, blk)
	m.fresh += int64(size)
	if p.heap < len(m.heapUsed) {
		m.heapUsed[p.heap] += size
	}
	return blk, nil
}

// refuse builds the AllocError for n elements.
func (m *memory) refuse(n int, limit int64, what string) error {
	return &device.AllocError{Device: fmt.Sprintf("vulkan:%d (%s)", m.r.props.Index, m.r.props.Name), Elements: n, Limit: limit, What: what}
}

// alloc returns a buffer of n elements from pool p, or an *AllocError
// when the device has no room for it. Device buffers are limited to what
// an op can bind (maxStorageBufferRange); staging buffers, which only
// copies touch, are not.
func (m *memory) alloc(p *pool, n int) (*Buffer, error) {
	if p == &m.dev && uint64(n) > m.maxBuffer/4 {
		return nil, m.refuse(n, int64(m.maxBuffer), "the largest buffer an op can bind (maxStorageBufferRange)")
	}
	if uint64(n) > 1<<61 {
		return nil, m.refuse(n, 1<<63-1, "the largest buffer Vulkan can describe")
	}
	size := max(uint64(n)*4, 4)
	c := m.class(size)
	if p == &m.dev && c > m.maxBuffer {
		// The size class would pass the binding limit where the size does
		// not: keep the exact size (aligned) instead.
		c = (size + m.align - 1) / m.align * m.align
		if c > m.maxBuffer {
			c = size
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		panic(fmt.Errorf("vulkan: Alloc: %w", device.ErrClosed))
	}
	m.allocs++
	if l := p.free[c]; len(l) > 0 {
		b := l[len(l)-1]
		p.free[c] = l[:len(l)-1]
		p.pooled -= c
		// lastUse and lastWrite stay: a host write into reused memory
		// still waits for the GPU work that used it before.
		b.n, b.released = n, false
		m.live++
		m.liveBytes += int64(c)
		return b, nil
	}
	var blk *block
	off := uint64(0)
	if c > p.blockSize/2 {
		nb, err := m.newBlock(p, c, n)
		if err != nil {
			return nil, err
		}
		blk = nb
		blk.used = c
	} else {
		if len(p.blocks) > 0 {
			last := p.blocks[len(p.blocks)-1]
			if last.size == p.blockSize && last.used+c <= last.size {
				blk = last
			}
		}
		if blk == nil {
			nb, err := m.newBlock(p, p.blockSize, n)
			if err != nil {
				return nil, err
			}
			blk = nb
		}
		off = blk.used
		blk.used += c
	}
	m.live++
	m.liveBytes += int64(c)
	return &Buffer{blk: blk, off: off, cap: c, n: n, pool: p}, nil
}

// release returns b to its pool's free list. Device memory is reusable at
// once: all work runs on one queue in recording order, and the stream puts
// a barrier between the old uses of a buffer and its new ones, so later GPU
// work never overtakes earlier work on the same memory (host writes wait
// for lastUse). Staging memory, which the host writes without the stream,
// waits until the batches that used it have completed.
func (m *memory) release(b *Buffer, completed uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	if b.released {
		panic("vulkan: buffer released twice")
	}
	b.released = true
	m.releases++
	m.live--
	m.liveBytes -= int64(b.cap)
	if b.pool != &m.dev && b.lastUse.Load() > completed {
		m.pending = append(m.pending, b)
		m.pendingBytes += b.cap
		return
	}
	m.toFree(b)
}

func (m *memory) toFree(b *Buffer) {
	b.pool.free[b.cap] = append(b.pool.free[b.cap], b)
	b.pool.pooled += b.cap
}

// retire frees the pending buffers whose batches have completed.
func (m *memory) retire(completed uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := m.pending[:0]
	for _, b := range m.pending {
		if b.lastUse.Load() > completed {
			keep = append(keep, b)
		} else {
			m.pendingBytes -= b.cap
			m.toFree(b)
		}
	}
	clear(m.pending[len(keep):])
	m.pending = keep
}

func (m *memory) counts() (live, liveBytes, pooled, fresh, allocs, releases int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Pending staging buffers are pool memory waiting for their batch.
	return m.live, m.liveBytes, int64(m.dev.pooled + m.up.pooled + m.down.pooled + m.pendingBytes), m.fresh, m.allocs, m.releases
}

func (m *memory) destroy() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.pending = nil
	for _, p := range []*pool{&m.dev, &m.up, &m.down} {
		for _, blk := range p.blocks {
			if blk.mapped != nil {
				vk.UnmapMemory(m.r.dev, blk.mem)
			}
			vk.DestroyBuffer(m.r.dev, blk.buf, nil)
			vk.FreeMemory(m.r.dev, blk.mem, nil)
		}
		p.blocks = nil
		clear(m.heapUsed)
		p.free = map[uint64][]*Buffer{}
	}
}

// floats views n float32s of mapped memory at a byte offset.
func floats(blk *block, off uint64, n int) []float32 {
	return unsafe.Slice((*float32)(unsafe.Add(blk.mapped, off)), n)
}

// Alloc returns a buffer of n elements, or an *device.AllocError when the
// device has no room for it (the device keeps no error and goes on
// working). Alloc on a closed runtime panics.
func (r *Runtime) Alloc(n int) (*Buffer, error) {
	if n < 0 {
		panic(fmt.Sprintf("vulkan: Alloc(%d): negative size", n))
	}
	return r.mem.alloc(&r.mem.dev, n)
}

// Release returns b to the pool; later work may reuse its memory, ordered
// after the work recorded before. It never waits and may be called from
// any goroutine; after Close it does nothing.
func (r *Runtime) Release(b *Buffer) {
	if b.blk == nil {
		return
	}
	r.mem.release(b, r.stream.completedSerial())
}

// Upload copies src into b at element offset off. Where device memory is
// mapped and no unfinished work uses b, the host writes it directly;
// otherwise the data goes through a staging buffer and a copy recorded in
// the stream, so the upload takes its place after the work recorded before
// it without waiting for the GPU (a training loop's next batch lands in
// memory the last step may still be using). A staging buffer the device
// has no room for panics with its *device.AllocError.
func (r *Runtime) Upload(b *Buffer, off int, src []float32) {
	defer r.lock("Upload")()
	checkRange("Upload", b, off, len(src))
	if len(src) == 0 || b.blk == nil {
		return
	}
	r.uploads.Add(1)
	r.upBytes.Add(int64(len(src)) * 4)
	direct := r.mem.plan.Upload < 0
	if direct && b.lastUse.Load() <= r.stream.completedSerial() {
		copy(floats(b.blk, b.off+uint64(off)*4, len(src)), src)
		return
	}
	// Memory still in use is written after that use through a staging
	// copy.
	st, err := r.mem.alloc(&r.mem.up, len(src))
	if err != nil {
		panic(err)
	}
	// A reused staging buffer is free: staging memory returns to its pool
	// only after the batches that used it have completed.
	copy(floats(st.blk, st.off, len(src)), src)
	r.stream.copy(st, 0, b, uint64(off)*4, uint64(len(src))*4)
	r.mem.release(st, r.stream.completedSerial())
}

// Download copies len(dst) elements of b from element offset off, waiting
// for the work that writes b, and returns the first kept error. On a
// closed runtime it returns device.ErrClosed.
func (r *Runtime) Download(dst []float32, b *Buffer, off int) error {
	unlock, err := r.tryLock("Download")
	if err != nil {
		return err
	}
	defer unlock()
	checkRange("Download", b, off, len(dst))
	if len(dst) == 0 || b.blk == nil {
		return r.syncLocked()
	}
	r.downloads.Add(1)
	r.downBytes.Add(int64(len(dst)) * 4)
	if r.mem.plan.Readback < 0 {
		r.stream.waitFor(b.lastWrite.Load())
		copy(dst, floats(b.blk, b.off+uint64(off)*4, len(dst)))
		r.checkMessages()
		return r.result()
	}
	st, err := r.mem.alloc(&r.mem.down, len(dst))
	if err != nil {
		return err
	}
	r.stream.copy(b, uint64(off)*4, st, 0, uint64(len(dst))*4)
	r.stream.waitFor(st.lastWrite.Load())
	copy(dst, floats(st.blk, st.off, len(dst)))
	r.mem.release(st, r.stream.completedSerial())
	r.checkMessages()
	return r.result()
}

// CopyBuffer records a copy of n elements between buffers.
func (r *Runtime) CopyBuffer(dst *Buffer, dstOff int, src *Buffer, srcOff int, n int) {
	defer r.lock("Copy")()
	checkRange("Copy", dst, dstOff, n)
	checkRange("Copy", src, srcOff, n)
	if n == 0 || dst.blk == nil || src.blk == nil {
		return
	}
	r.stream.copy(src, uint64(srcOff)*4, dst, uint64(dstOff)*4, uint64(n)*4)
}

// Fill records setting n elements of b from off to the float32 v.
func (r *Runtime) Fill(b *Buffer, off, n int, bits uint32) {
	defer r.lock("Fill")()
	checkRange("Fill", b, off, n)
	if n == 0 || b.blk == nil {
		return
	}
	r.stream.fill(b, uint64(off)*4, uint64(n)*4, bits)
}

func checkRange(op string, b *Buffer, off, n int) {
	if b.released {
		panic(fmt.Sprintf("vulkan: %s: use of a released buffer", op))
	}
	if off < 0 || n < 0 || off > b.n-n {
		panic(fmt.Sprintf("vulkan: %s: %d elements from offset %d in a buffer of %d", op, n, off, b.n))
	}
}

// Owns reports whether b is one of r's buffers.
func (r *Runtime) Owns(b *Buffer) bool { return b.pool == &r.mem.dev }
