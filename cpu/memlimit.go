package cpu

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// EnvMemory is the environment variable that sets the CPU devices' memory
// limit: bytes, optionally with a unit (KiB, MiB, GiB, TiB, or K, M, G, T
// meaning the same), or "off" for none.
const EnvMemory = "VKGRAD_CPU_MEMORY"

// defaultLimit returns the memory limit a new CPU device starts with, and
// where it comes from: $VKGRAD_CPU_MEMORY, else the host's physical memory
// (or the cgroup's limit, when lower), else none.
func defaultLimit() (int64, string) {
	if v := os.Getenv(EnvMemory); v != "" {
		n, err := ParseBytes(v)
		if err == nil {
			return n, EnvMemory
		}
		// A bad setting must not silently mean "no limit": fall through to
		// the physical limit and say so.
		lim, src := physicalLimit()
		return lim, fmt.Sprintf("%s (%s=%q is not a size: %v)", src, EnvMemory, v, err)
	}
	return physicalLimit()
}

// physicalLimit is the host's memory as this process may use it.
func physicalLimit() (int64, string) {
	lim, src := int64(0), "no limit known on this system"
	if n, ok := memTotal(); ok {
		lim, src = n, "physical memory"
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err == nil && n > 0 && (lim == 0 || n < lim) {
			lim, src = n, "the cgroup's memory limit"
		}
	}
	return lim, src
}

// memTotal reads MemTotal from /proc/meminfo (Linux).
func memTotal() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kib, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kib <= 0 || kib > math.MaxInt64/1024 {
				return 0, false
			}
			return kib * 1024, true
		}
	}
	return 0, false
}

// ParseBytes reads a size such as "8GiB", "512M", "1073741824" or "off"
// (0: no limit).
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "none" {
		return 0, nil
	}
	units := []struct {
		suffix string
		mul    int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}
	mul := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mul = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mul
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v*float64(mul) >= math.MaxInt64 {
		return 0, fmt.Errorf("bad size %q (want bytes, such as 8GiB, or off)", s)
	}
	return int64(v * float64(mul)), nil
}
