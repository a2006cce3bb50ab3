//go:build cgo

package vulkan

import (
	"math"
	"unsafe"

	"github.com/vkgrad/vkgrad/device"
)

// The status records: a kernel that finds bad input (a label outside its
// classes) writes it into the status record of the batch it runs in,
// which the host reads when the batch completes, without a read-back of
// its own. Each slot has its own record, in host-visible memory, so
// reading and resetting one never races with the GPU writing another.
const (
	statusWords = 5
	// statusNone is the first word of a record that holds nothing.
	statusNone = 0xffffffff
)

// StatusBuffer is what a kernel binds to reach the status record of the
// batch its dispatch lands in: Dispatch replaces it with that record.
var StatusBuffer = &Buffer{n: statusWords}

// initStatus allocates and clears each slot's status record. The records
// are the runtime's own: they do not count in Stats.
func (s *stream) initStatus() error {
	m := &s.r.mem
	for _, sl := range s.slots {
		b, err := m.alloc(m.hostPool(), statusWords)
		if err != nil {
			return err
		}
		m.mu.Lock()
		m.live--
		m.liveBytes -= int64(b.cap)
		m.allocs--
		m.mu.Unlock()
		sl.status = b
		resetStatus(b)
	}
	return nil
}

func statusWordsOf(b *Buffer) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Add(b.blk.mapped, b.off)), statusWords)
}

func resetStatus(b *Buffer) {
	w := statusWordsOf(b)
	w[0] = statusNone
	clear(w[1:])
}

// collectStatus reads the record of a completed slot into the runtime's
// pending data error (the first one wins until it is returned) and clears
// it.
func (s *stream) collectStatus(sl *slot) {
	if sl.status == nil {
		return
	}
	w := statusWordsOf(sl.status)
	if w[2] == 0 {
		return
	}
	pos, value, count, limit := int(w[0]), math.Float32frombits(w[1]), int(w[2]), int(w[3])
	if op, ok := statusOps[w[4]]; ok {
		s.r.dataError(&device.IndexError{Op: op, Position: pos, Index: value, Limit: limit, Count: count})
	} else {
		s.r.dataError(&device.LabelError{Op: "SoftmaxCrossEntropy", Row: pos, Label: value, Classes: limit, Count: count})
	}
	resetStatus(sl.status)
}
