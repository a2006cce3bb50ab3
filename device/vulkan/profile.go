//go:build cgo

package vulkan

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
	"unsafe"

	vk "github.com/goki/vulkan"
)

type profiler struct {
	times map[string]*KernelTime
}

// collect reads the timestamps of a completed batch.
func (p *profiler) collect(r *Runtime, sl *slot) {
	if sl.qpool == vk.NullQueryPool || len(sl.names) == 0 {
		return
	}
	n := uint32(2 * len(sl.names))
	raw := make([]uint64, n)
	if vk.GetQueryPoolResults(r.dev, sl.qpool, 0, n, uint64(8*n), unsafe.Pointer(&raw[0]), 8,
		vk.QueryResultFlags(vk.QueryResult64Bit|vk.QueryResultWaitBit)) != vk.Success {
		return
	}
	mask := ^uint64(0)
	if b := r.props.TimestampBits; b > 0 && b < 64 {
		mask = 1<<b - 1
	}
	if p.times == nil {
		p.times = map[string]*KernelTime{}
	}
	for i, name := range sl.names {
		ticks := (raw[2*i+1] - raw[2*i]) & mask
		kt := p.times[name]
		if kt == nil {
			kt = &KernelTime{Name: name}
			p.times[name] = kt
		}
		kt.Count++
		kt.Total += time.Duration(float64(ticks) * float64(r.props.TimestampPeriod))
	}
}

// Profile returns the GPU time per kernel since the device was opened,
// longest total first; empty unless profiling is on (VKGRAD_PROFILE=1). It
// waits for recorded work first.
func (r *Runtime) Profile() []KernelTime {
	defer r.lock("Profile")()
	return r.profileLocked()
}

func (r *Runtime) profileLocked() []KernelTime {
	r.stream.flush(true)
	var out []KernelTime
	for _, kt := range r.prof.times {
		out = append(out, *kt)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	return out
}

// ProfileTable formats Profile as a table.
func (r *Runtime) ProfileTable() string { return profileTable(r.Profile()) }

func profileTable(times []KernelTime) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-40s %8s %12s %12s\n", "kernel", "count", "total", "mean")
	for _, k := range times {
		fmt.Fprintf(&b, "%-40s %8d %12v %12v\n", k.Name, k.Count, k.Total.Round(time.Microsecond), k.Mean().Round(100*time.Nanosecond))
	}
	return b.String()
}

// report prints the table to stderr at Close when VKGRAD_PROFILE=1 (other
// values, such as "timestamps", time dispatches without printing).
func (p *profiler) report(r *Runtime) {
	if r.profile && os.Getenv("VKGRAD_PROFILE") == "1" && len(p.times) > 0 {
		fmt.Fprintf(os.Stderr, "vkgrad profile (%s):\n%s", r.props.Name, profileTable(r.profileLocked()))
	}
}

// Profiling reports whether dispatches are timed with GPU timestamps.
func (r *Runtime) Profiling() bool { return r.profile && r.props.TimestampBits > 0 }
