//go:build cgo

package vulkan

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	vk "github.com/goki/vulkan"
)

// The command stream: dispatches are recorded into a command buffer without
// waiting for the GPU; the buffer is submitted when a result is read, at
// Sync, or when it holds its limit of commands (batchLimit: from 32 after
// the GPU went idle, doubling to maxBatch). Up to len(slots) batches are in
// flight at once. A barrier is recorded only before a command that reads or
// writes a buffer an earlier command wrote, or writes a buffer an earlier
// command read, since the last barrier.
const nSlots = 3

type slot struct {
	cmd    vk.CommandBuffer
	fence  vk.Fence
	dpool  unsafe.Pointer // descriptor pool, without push descriptors
	qpool  vk.QueryPool
	serial uint64
	names  []string // the kernel of each timed dispatch
	count  int
	status *Buffer // the batch's status record (see status.go)
}

type stream struct {
	r         *Runtime
	pool      vk.CommandPool
	slots     []*slot
	free      []*slot
	inflight  []*slot // submitted, oldest first
	cur       *slot   // being recorded
	serial    uint64  // the serial of the next batch to begin
	completed atomic.Uint64
	written   map[*Buffer]struct{}
	read      map[*Buffer]struct{}
	args      dispatchArgs
	limit     int // commands the batch being recorded may hold
}

func (s *stream) init(r *Runtime) error {
	s.r = r
	s.serial = 1
	s.written, s.read = map[*Buffer]struct{}{}, map[*Buffer]struct{}{}
	var pool vk.CommandPool
	if err := vkErr(vk.CreateCommandPool(r.dev, &vk.CommandPoolCreateInfo{
		SType:            vk.StructureTypeCommandPoolCreateInfo,
		Flags:            vk.CommandPoolCreateFlags(vk.CommandPoolCreateResetCommandBufferBit),
		QueueFamilyIndex: r.qfi,
	}, nil, &pool), "vkCreateCommandPool"); err != nil {
		return err
	}
	s.pool = pool
	cmds := make([]vk.CommandBuffer, nSlots)
	if err := vkErr(vk.AllocateCommandBuffers(r.dev, &vk.CommandBufferAllocateInfo{
		SType:              vk.StructureTypeCommandBufferAllocateInfo,
		CommandPool:        pool,
		Level:              vk.CommandBufferLevelPrimary,
		CommandBufferCount: nSlots,
	}, cmds), "vkAllocateCommandBuffers"); err != nil {
		return err
	}
	for i := 0; i < nSlots; i++ {
		sl := &slot{cmd: cmds[i]}
		var f vk.Fence
		if err := vkErr(vk.CreateFence(r.dev, &vk.FenceCreateInfo{SType: vk.StructureTypeFenceCreateInfo}, nil, &f), "vkCreateFence"); err != nil {
			return err
		}
		sl.fence = f
		if !r.pushDesc {
			p, res := createDescPool(r.fns, unsafe.Pointer(r.dev), maxBatch)
			if err := vkErr(vk.Result(res), "vkCreateDescriptorPool"); err != nil {
				return err
			}
			sl.dpool = p
		}
		if r.profile && r.props.TimestampBits > 0 {
			var q vk.QueryPool
			if err := vkErr(vk.CreateQueryPool(r.dev, &vk.QueryPoolCreateInfo{
				SType:      vk.StructureTypeQueryPoolCreateInfo,
				QueryType:  vk.QueryTypeTimestamp,
				QueryCount: 2 * maxBatch,
			}, nil, &q), "vkCreateQueryPool"); err != nil {
				return err
			}
			sl.qpool = q
		}
		s.slots = append(s.slots, sl)
		s.free = append(s.free, sl)
	}
	return s.initStatus()
}

func (s *stream) destroy() {
	d := s.r.dev
	for _, sl := range s.slots {
		vk.DestroyFence(d, sl.fence, nil)
		if sl.dpool != nil {
			destroyDescPool(s.r.fns, unsafe.Pointer(d), sl.dpool)
		}
		if sl.qpool != vk.NullQueryPool {
			vk.DestroyQueryPool(d, sl.qpool, nil)
		}
	}
	vk.DestroyCommandPool(d, s.pool, nil)
}

func (s *stream) completedSerial() uint64 { return s.completed.Load() }

// begin makes sure a command buffer is being recorded and returns it.
func (s *stream) begin() *slot {
	if s.cur != nil {
		return s.cur
	}
	if len(s.free) == 0 {
		s.waitSlot(s.inflight[0])
	}
	sl := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	s.r.fail(vkErr(vk.Result(beginCmd(s.r.fns, unsafe.Pointer(sl.cmd))), "vkBeginCommandBuffer"))
	if sl.dpool != nil {
		// The slot's previous batch has completed: its sets are free.
		s.r.fail(vkErr(vk.Result(resetDescPool(s.r.fns, unsafe.Pointer(s.r.dev), sl.dpool)), "vkResetDescriptorPool"))
	}
	if sl.qpool != vk.NullQueryPool {
		cmdResetQueries(s.r.fns, unsafe.Pointer(sl.cmd), unsafe.Pointer(sl.qpool), 2*maxBatch)
	}
	sl.serial, sl.count, sl.names = s.serial, 0, sl.names[:0]
	s.limit = batchLimit(s.limit, s.idle())
	s.cur = sl
	return sl
}

// hazard reports whether a command reading reads and writing writes must
// wait for earlier commands, and records its accesses.
func (s *stream) hazard(reads, writes []*Buffer) bool {
	need := false
	for _, b := range reads {
		if _, ok := s.written[b]; ok {
			need = true
		}
	}
	for _, b := range writes {
		_, w := s.written[b]
		_, rd := s.read[b]
		if w || rd {
			need = true
		}
	}
	if need {
		clear(s.written)
		clear(s.read)
	}
	for _, b := range reads {
		s.read[b] = struct{}{}
	}
	for _, b := range writes {
		s.written[b] = struct{}{}
	}
	return need
}

// touch marks buffers as used (and written) by the current batch.
func (s *stream) touch(sl *slot, reads, writes []*Buffer) {
	for _, b := range reads {
		b.lastUse.Store(sl.serial)
	}
	for _, b := range writes {
		b.lastUse.Store(sl.serial)
		b.lastWrite.Store(sl.serial)
	}
}

// ended counts a recorded command and submits a full batch.
func (s *stream) ended(sl *slot) {
	sl.count++
	s.r.ops.Add(1)
	if sl.count >= s.limit {
		s.submit()
	}
}

// dispatch records one dispatch of p over groups, binding bufs (the ones
// with write set are written).
func (s *stream) dispatch(p *Pipeline, bufs []*Buffer, writes []bool, pc []byte, groups [3]uint32) {
	// Fixed arrays: recording a dispatch allocates nothing for these.
	var rdA, wrA [len(dispatchArgs{}.bufs)]*Buffer
	rd, wr := rdA[:0], wrA[:0]
	for i, b := range bufs {
		if writes[i] {
			wr = append(wr, b)
		} else {
			rd = append(rd, b)
		}
	}
	sl := s.begin()
	for i, b := range wr {
		if b == StatusBuffer {
			wr[i] = sl.status
		}
	}
	barrier := s.hazard(rd, wr)
	for i, b := range bufs {
		if b == StatusBuffer {
			b = sl.status
		}
		s.args.bufs[i] = unsafe.Pointer(b.blk.buf)
		s.args.offsets[i] = cU64(b.off)
		s.args.ranges[i] = cU64(b.cap)
	}
	query := -1
	if sl.qpool != vk.NullQueryPool {
		query = 2 * len(sl.names)
		sl.names = append(sl.names, p.name)
	}
	var dsl unsafe.Pointer
	if sl.dpool != nil {
		dsl = unsafe.Pointer(p.dsl)
	}
	res := cmdDispatch(s.r.fns, unsafe.Pointer(s.r.dev), unsafe.Pointer(sl.cmd), barrier, unsafe.Pointer(p.pipe), unsafe.Pointer(p.layout), sl.dpool, dsl,
		&s.args, len(bufs), pc, groups[0], groups[1], groups[2], unsafe.Pointer(sl.qpool), query)
	s.r.fail(vkErr(vk.Result(res), "vkAllocateDescriptorSets"))
	s.touch(sl, rd, wr)
	s.ended(sl)
}

func (s *stream) copy(src *Buffer, srcOff uint64, dst *Buffer, dstOff, size uint64) {
	sl := s.begin()
	barrier := s.hazard([]*Buffer{src}, []*Buffer{dst})
	cmdCopy(s.r.fns, unsafe.Pointer(sl.cmd), barrier, unsafe.Pointer(src.blk.buf), src.off+srcOff, unsafe.Pointer(dst.blk.buf), dst.off+dstOff, size)
	s.touch(sl, []*Buffer{src}, []*Buffer{dst})
	s.ended(sl)
}

func (s *stream) fill(dst *Buffer, off, size uint64, bits uint32) {
	sl := s.begin()
	barrier := s.hazard(nil, []*Buffer{dst})
	cmdFill(s.r.fns, unsafe.Pointer(sl.cmd), barrier, unsafe.Pointer(dst.blk.buf), dst.off+off, size, bits)
	s.touch(sl, nil, []*Buffer{dst})
	s.ended(sl)
}

// submit hands the batch being recorded to the queue, without waiting.
func (s *stream) submit() {
	sl := s.cur
	if sl == nil {
		return
	}
	s.cur = nil
	s.serial++
	cmdHostBarrier(s.r.fns, unsafe.Pointer(sl.cmd))
	err := vkErr(vk.Result(endCmd(s.r.fns, unsafe.Pointer(sl.cmd))), "vkEndCommandBuffer")
	if err == nil {
		err = vkErr(vk.Result(submit(s.r.fns, unsafe.Pointer(s.r.queue), unsafe.Pointer(sl.cmd), unsafe.Pointer(sl.fence))), "vkQueueSubmit")
	}
	s.r.submits.Add(1)
	if err != nil {
		// The batch never runs; its serial counts as done so nothing waits
		// for it forever.
		s.r.fail(err)
		s.markDone(sl)
		return
	}
	s.inflight = append(s.inflight, sl)
}

// idle reports whether every submitted batch has completed, polling the
// fences of those in flight.
func (s *stream) idle() bool {
	s.retire(false)
	return len(s.inflight) == 0
}

// waitSlot waits for the oldest batches up to and including sl.
func (s *stream) waitSlot(sl *slot) {
	for len(s.inflight) > 0 {
		head := s.inflight[0]
		err := vkErr(vk.WaitForFences(s.r.dev, 1, []vk.Fence{head.fence}, vk.True, ^uint64(0)), "vkWaitForFences")
		s.r.fail(err)
		s.r.prof.collect(s.r, head)
		s.r.fail(vkErr(vk.ResetFences(s.r.dev, 1, []vk.Fence{head.fence}), "vkResetFences"))
		s.inflight = s.inflight[1:]
		s.markDone(head)
		if head == sl {
			break
		}
	}
}

func (s *stream) markDone(sl *slot) {
	s.collectStatus(sl)
	if sl.serial > s.completed.Load() {
		s.completed.Store(sl.serial)
	}
	s.free = append(s.free, sl)
	s.r.mem.retire(s.completed.Load())
}

// waitFor returns once the batch with the given serial has completed,
// submitting it first if it is being recorded.
func (s *stream) waitFor(serial uint64) {
	if serial == 0 || serial <= s.completed.Load() {
		return
	}
	if s.cur != nil && serial >= s.cur.serial {
		s.submit()
	}
	for len(s.inflight) > 0 && s.completed.Load() < serial {
		s.waitSlot(s.inflight[0])
	}
	if s.completed.Load() < serial {
		s.r.fail(fmt.Errorf("vulkan: internal error: batch %d never completed", serial))
	}
}

// flush submits the batch being recorded and, with wait, waits for every
// batch in flight.
func (s *stream) flush(wait bool) {
	s.submit()
	if wait {
		for len(s.inflight) > 0 {
			s.waitSlot(s.inflight[len(s.inflight)-1])
		}
	}
}

// retire polls the fences of batches in flight and frees what they held.
func (s *stream) retire(all bool) {
	if all {
		s.flush(true)
		return
	}
	for len(s.inflight) > 0 && vk.GetFenceStatus(s.r.dev, s.inflight[0].fence) == vk.Success {
		s.waitSlot(s.inflight[0])
	}
}
