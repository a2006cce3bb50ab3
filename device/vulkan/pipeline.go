//go:build cgo

package vulkan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	vk "github.com/goki/vulkan"
)

// maxSpec is the most specialization constants a pipeline takes.
const maxSpec = 16

// pipelineKey identifies a pipeline: a shader and its specialization.
type pipelineKey struct {
	name string
	n    int
	spec [maxSpec]uint32
}

// Pipeline is a compute pipeline ready to dispatch.
type Pipeline struct {
	name     string
	module   vk.ShaderModule
	dsl      vk.DescriptorSetLayout
	layout   vk.PipelineLayout
	pipe     vk.Pipeline
	bindings int
	pushSize int
}

// Name is the pipeline's name with its specialization.
func (p *Pipeline) Name() string { return p.name }

type pipelines struct {
	r       *Runtime
	byKey   map[pipelineKey]*Pipeline
	cache   vk.PipelineCache
	path    string
	created int
}

// cacheDir is where pipeline caches are kept: os.UserCacheDir()/vkgrad,
// or VKGRAD_CACHE_DIR; VKGRAD_PIPELINE_CACHE=0 disables the disk cache.
func cacheDir() string {
	if d := os.Getenv("VKGRAD_CACHE_DIR"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "vkgrad")
}

func (ps *pipelines) init(r *Runtime) {
	ps.r = r
	ps.byKey = map[pipelineKey]*Pipeline{}
	var initial []byte
	if os.Getenv("VKGRAD_PIPELINE_CACHE") != "0" {
		if dir := cacheDir(); dir != "" {
			h := sha256.Sum256([]byte(fmt.Sprintf("%x/%x/%s/%s/%s", r.props.VendorID, r.props.DeviceID, r.props.Name, r.props.DriverName, r.props.DriverInfo)))
			ps.path = filepath.Join(dir, "pipelines-"+hex.EncodeToString(h[:8])+".bin")
			initial, _ = os.ReadFile(ps.path)
		}
	}
	ps.cache = ps.newCache(initial)
	if ps.cache == vk.NullPipelineCache && len(initial) > 0 {
		ps.cache = ps.newCache(nil) // the driver rejected the file
	}
}

func (ps *pipelines) newCache(data []byte) vk.PipelineCache {
	ci := vk.PipelineCacheCreateInfo{SType: vk.StructureTypePipelineCacheCreateInfo}
	if len(data) > 0 {
		ci.InitialDataSize = uint64(len(data))
		ci.PInitialData = unsafe.Pointer(&data[0])
	}
	var c vk.PipelineCache
	if vk.CreatePipelineCache(ps.r.dev, &ci, nil, &c) != vk.Success {
		return vk.NullPipelineCache
	}
	return c
}

// save writes the pipeline cache to disk when this run created pipelines.
func (ps *pipelines) save() {
	if ps.path == "" || ps.created == 0 || ps.cache == vk.NullPipelineCache {
		return
	}
	var n uint64
	if vk.GetPipelineCacheData(ps.r.dev, ps.cache, &n, nil) != vk.Success || n == 0 {
		return
	}
	data := make([]byte, n)
	if vk.GetPipelineCacheData(ps.r.dev, ps.cache, &n, unsafe.Pointer(&data[0])) != vk.Success {
		return
	}
	if err := os.MkdirAll(filepath.Dir(ps.path), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(ps.path), ".pipelines-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data[:n])
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), ps.path) != nil {
		os.Remove(tmp.Name())
	}
}

func (ps *pipelines) destroy() {
	ps.save()
	d := ps.r.dev
	for _, p := range ps.byKey {
		vk.DestroyPipeline(d, p.pipe, nil)
		vk.DestroyPipelineLayout(d, p.layout, nil)
		vk.DestroyDescriptorSetLayout(d, p.dsl, nil)
		vk.DestroyShaderModule(d, p.module, nil)
	}
	ps.byKey = nil
	if ps.cache != vk.NullPipelineCache {
		vk.DestroyPipelineCache(d, ps.cache, nil)
	}
}

// CachePath is the file the pipeline cache is kept in ("" when none).
func (r *Runtime) CachePath() string { return r.pipelines.path }

// Pipeline returns the compute pipeline of shader name with the given
// specialization constants (constant_id 0, 1, ...; constant 0 is the
// workgroup size), from the runtime's one cache after the first use, so
// that recording a dispatch stays cheap. On a miss, source(name) gives the
// SPIR-V, whose bindings and push-constant size are read from the module
// itself (Reflect). A shader that does not build, or whose specialization
// constants are not all given, is a bug in vkgrad: it panics.
func (r *Runtime) Pipeline(name string, source func(string) []byte, spec ...uint32) *Pipeline {
	k := pipelineKey{name: name, n: len(spec)}
	if len(spec) > maxSpec {
		panic(fmt.Sprintf("vulkan: pipeline %s: %d specialization constants, at most %d", name, len(spec), maxSpec))
	}
	copy(k.spec[:], spec)
	defer r.lock("Pipeline")()
	if p, ok := r.pipelines.byKey[k]; ok {
		return p
	}
	label := name
	for _, v := range spec {
		label += fmt.Sprintf(",%d", v)
	}
	p, err := r.pipelines.build(name, label, source(name), spec)
	if err != nil {
		panic(fmt.Sprintf("vulkan: pipeline %s: %v", label, err))
	}
	r.pipelines.byKey[k] = p
	r.pipelines.created++
	return p
}

func (ps *pipelines) build(name, label string, spv []byte, spec []uint32) (*Pipeline, error) {
	d := ps.r.dev
	l, err := Reflect(spv)
	if err != nil {
		return nil, err
	}
	for _, id := range l.SpecIDs {
		if int(id) >= len(spec) {
			return nil, fmt.Errorf("the shader has specialization constant %d; %d given", id, len(spec))
		}
	}
	if l.Bindings > len(dispatchArgs{}.bufs) {
		return nil, fmt.Errorf("%d bindings, at most %d", l.Bindings, len(dispatchArgs{}.bufs))
	}
	if uint32(l.PushSize) > ps.r.props.MaxPushConstants {
		return nil, fmt.Errorf("%d bytes of push constants, the device allows %d", l.PushSize, ps.r.props.MaxPushConstants)
	}
	if ps.r.props.PreserveNaN {
		if spv, err = PreserveNaNInf(spv); err != nil {
			return nil, err
		}
	}
	p := &Pipeline{name: label, bindings: l.Bindings, pushSize: l.PushSize}
	code := make([]uint32, len(spv)/4)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&code[0])), len(spv)), spv)
	module, dsl, layout, pipe, res := createPipeline(ps.r.fns, unsafe.Pointer(d), unsafe.Pointer(ps.cache), code, l.Bindings, l.PushSize, spec, ps.r.pushDesc)
	if err := vkErr(vk.Result(res), "creating the pipeline"); err != nil {
		return nil, err
	}
	p.module, p.dsl, p.layout, p.pipe = vk.ShaderModule(module), vk.DescriptorSetLayout(dsl), vk.PipelineLayout(layout), vk.Pipeline(pipe)
	return p, nil
}

// Dispatch records a dispatch of p over groups workgroups. bufs are bound
// to bindings 0..n-1; writes tells which of them the shader writes. Buffers
// from failed allocations make the dispatch a no-op (the error is kept).
func (r *Runtime) Dispatch(p *Pipeline, bufs []*Buffer, writes []bool, push []byte, groups [3]uint32) {
	defer r.lock("Dispatch")()
	if len(bufs) != p.bindings || len(writes) != len(bufs) {
		panic(fmt.Sprintf("vulkan: dispatch %s: %d buffers for %d bindings", p.name, len(bufs), p.bindings))
	}
	if len(push) != p.pushSize {
		panic(fmt.Sprintf("vulkan: dispatch %s: %d bytes of push constants, the shader declares %d", p.name, len(push), p.pushSize))
	}
	for _, g := range groups {
		if g == 0 {
			return
		}
	}
	lim := r.props.MaxWorkgroupCount
	if groups[0] > lim[0] || groups[1] > lim[1] || groups[2] > lim[2] {
		panic(fmt.Sprintf("vulkan: dispatch %s: grid %v exceeds the device's %v", p.name, groups, lim))
	}
	for _, b := range bufs {
		if b == StatusBuffer {
			continue
		}
		if b.released {
			panic(fmt.Sprintf("vulkan: dispatch %s: use of a released buffer", p.name))
		}
		if b.blk == nil {
			return
		}
		if b.cap > uint64(r.props.MaxStorageRange) {
			panic(fmt.Sprintf("vulkan: dispatch %s: a buffer of %d bytes exceeds the device's storage range of %d", p.name, b.cap, r.props.MaxStorageRange))
		}
	}
	r.stream.dispatch(p, bufs, writes, push, groups)
}
