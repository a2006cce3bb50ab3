package device

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Driver opens the devices of one backend. Backends register a Driver in
// their init function.
type Driver interface {
	// Open opens a device. With o.Index < 0 it opens the best device of the
	// backend; with o.Auto it opens only a device worth choosing
	// automatically (for a GPU backend, hardware rather than software) and
	// otherwise returns an error saying why there is none.
	Open(o OpenOptions) (Device, error)
}

// OpenOptions are the arguments of Driver.Open.
type OpenOptions struct {
	// Index chooses a device by its index among the backend's devices; -1
	// chooses the best.
	Index int
	// Auto is set when Open("auto") asks: the driver must refuse devices
	// that are slower than the CPU backend.
	Auto bool
	// Fallback, when not empty, is why better devices were passed over; the
	// device reports it in Info().Fallback.
	Fallback string
}

type registered struct {
	name     string
	priority int
	driver   Driver
}

var (
	registryMu sync.Mutex
	registry   = map[string]registered{}
)

// Register makes a backend available to Open under name. Open("auto") tries
// backends other than "cpu" in decreasing priority, then falls back to
// "cpu". Register panics if name is empty or already registered.
func Register(name string, priority int, d Driver) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if name == "" || strings.ContainsAny(name, ": ") || d == nil {
		panic(fmt.Sprintf("device.Register: bad backend name %q or nil driver", name))
	}
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("device.Register: backend %q registered twice", name))
	}
	registry[name] = registered{name, priority, d}
}

// Backends lists the registered backend names, sorted.
func Backends() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// EnvDevice is the environment variable that overrides what Open("auto")
// chooses, with any spec Open accepts.
const EnvDevice = "VKGRAD_DEVICE"

// Open opens a device by spec:
//
//	"auto" (or "")  the best hardware device, else the CPU backend, with the
//	                reason in Info().Fallback; VKGRAD_DEVICE overrides it
//	"cpu"           the CPU backend
//	"vulkan"        the best Vulkan device, software ones included
//	"vulkan:N"      Vulkan device number N
//
// A backend is available once its package is imported; importing package
// github.com/vkgrad/vkgrad registers all of them.
func Open(spec string) (Device, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "auto" {
		if env := strings.TrimSpace(os.Getenv(EnvDevice)); env != "" && env != "auto" {
			d, err := openSpec(env)
			if err != nil {
				return nil, fmt.Errorf("device: %s=%q: %w", EnvDevice, env, err)
			}
			return d, nil
		}
		return openAuto()
	}
	return openSpec(spec)
}

func openSpec(spec string) (Device, error) {
	name, index := spec, -1
	if i := strings.IndexByte(spec, ':'); i >= 0 {
		n, err := strconv.Atoi(spec[i+1:])
		if err != nil || n < 0 {
			return nil, fmt.Errorf("device: bad device spec %q: want name or name:N with N >= 0", spec)
		}
		name, index = spec[:i], n
	}
	registryMu.Lock()
	r, ok := registry[name]
	registryMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("device: no backend %q in this binary (registered: %s)%s", name, strings.Join(Backends(), ", "), missingHint(name))
	}
	d, err := r.driver.Open(OpenOptions{Index: index})
	if err != nil {
		return nil, fmt.Errorf("device: open %s: %w", spec, err)
	}
	return d, nil
}

func missingHint(name string) string {
	if name == "vulkan" {
		return "; the Vulkan backend needs an import of github.com/vkgrad/vkgrad or of github.com/vkgrad/vkgrad/kernels (and cgo)"
	}
	return ""
}

func openAuto() (Device, error) {
	registryMu.Lock()
	var gpus []registered
	cpu, haveCPU := registry["cpu"]
	for _, r := range registry {
		if r.name != "cpu" {
			gpus = append(gpus, r)
		}
	}
	registryMu.Unlock()
	sort.Slice(gpus, func(i, j int) bool {
		if gpus[i].priority != gpus[j].priority {
			return gpus[i].priority > gpus[j].priority
		}
		return gpus[i].name < gpus[j].name
	})
	var reasons []string
	for _, r := range gpus {
		d, err := r.driver.Open(OpenOptions{Index: -1, Auto: true})
		if err == nil {
			return d, nil
		}
		reasons = append(reasons, r.name+": "+err.Error())
	}
	if len(gpus) == 0 {
		reasons = append(reasons, "no GPU backend is registered in this binary")
	}
	reason := strings.Join(reasons, "; ")
	if !haveCPU {
		return nil, errors.New("device: auto: no usable device: " + reason + "; and the cpu backend is not registered (import github.com/vkgrad/vkgrad)")
	}
	d, err := cpu.driver.Open(OpenOptions{Index: -1, Auto: true, Fallback: reason})
	if err != nil {
		return nil, fmt.Errorf("device: auto: %s; cpu: %w", reason, err)
	}
	return d, nil
}
