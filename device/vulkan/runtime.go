//go:build cgo

package vulkan

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	vk "github.com/goki/vulkan"

	"github.com/vkgrad/vkgrad/device"
)

// Runtime is an open Vulkan device. It is safe for concurrent use: one
// mutex orders recording, submission, waiting and read-back (a goroutine
// waiting for the GPU in Download or Sync holds it, so others wait too),
// the memory pools have their own, and Release never takes the first.
type Runtime struct {
	mu sync.Mutex // guards the stream, the pipelines and the profiler

	props    Properties
	inst     vk.Instance
	pd       vk.PhysicalDevice
	dev      vk.Device
	queue    vk.Queue
	qfi      uint32
	in       *instance
	validate bool
	profile  bool
	fns      unsafe.Pointer // the device's command functions (C memory)
	pushDesc bool           // VK_KHR_push_descriptor is enabled
	fallback string

	mem       memory
	stream    stream
	pipelines pipelines
	prof      profiler

	// errs keeps the first failure and pending bad input a kernel
	// reported (see status.go).
	errs device.Errors

	uploads, downloads, upBytes, downBytes, submits, ops atomic.Int64
	closed                                               atomic.Bool
}

var (
	initOnce sync.Once
	initErr  error
)

// initLoader loads the Vulkan loader once per process.
func initLoader() error {
	initOnce.Do(func() {
		p, err := loadLoader()
		if err != nil {
			initErr = err
			return
		}
		vk.SetGetInstanceProcAddr(p)
		if err := vk.Init(); err != nil {
			initErr = fmt.Errorf("vulkan: %w", err)
		}
	})
	return initErr
}

func vkErr(r vk.Result, what string) error {
	if r == vk.Success {
		return nil
	}
	return fmt.Errorf("%s: %v (VkResult %d)", what, vk.Error(r), int32(r))
}

func envOn(name string) bool {
	v := os.Getenv(name)
	return v != "" && v != "0"
}

// instance is a Vulkan instance with, under validation, its messenger and
// the ring its messages collect in.
type instance struct {
	inst vk.Instance
	msgr uint64
	ring unsafe.Pointer
}

// destroy destroys the messenger, the instance and the ring.
func (in *instance) destroy() {
	if in.msgr != 0 {
		destroyMessenger(unsafe.Pointer(in.inst), in.msgr)
	}
	vk.DestroyInstance(in.inst, nil)
	if in.ring != nil {
		freeRing(in.ring)
	}
}

// createInstance creates an instance, with validation when asked. It goes
// through the runtime's own C (createInstanceC): the Go binding would copy
// the layer and extension names into C memory that the garbage collector
// may free during the call.
func createInstance(validate bool) (*instance, error) {
	var layers, exts []string
	var pnext unsafe.Pointer
	in := &instance{}
	if validate {
		if !hasLayerC("VK_LAYER_KHRONOS_validation") {
			return nil, errors.New("VKGRAD_VALIDATE is set but VK_LAYER_KHRONOS_validation is not installed (vulkan-validationlayers)")
		}
		layers = append(layers, "VK_LAYER_KHRONOS_validation")
		exts = append(exts, "VK_EXT_debug_utils", "VK_EXT_validation_features")
		in.ring, pnext = newRing(true)
	}
	// Portability drivers (MoltenVK on Apple machines) are listed only to
	// an instance that asks for them.
	var flags uint32
	if hasExtensionC(nil, nil, portabilityEnumeration) {
		exts = append(exts, portabilityEnumeration)
		flags |= instanceCreateEnumeratePortability
	}
	p, res := createInstanceC(uint32(vk.MakeVersion(1, 2, 0)), flags, pnext, layers, exts)
	if r := vk.Result(res); r != vk.Success {
		if in.ring != nil {
			freeRing(in.ring)
		}
		if r == vk.ErrorIncompatibleDriver {
			return nil, errors.New("no Vulkan device: the loader found no driver (install mesa-vulkan-drivers or a GPU driver)")
		}
		return nil, vkErr(r, "vkCreateInstance")
	}
	inst := vk.Instance(p)
	in.inst = inst
	if err := vk.InitInstance(inst); err != nil {
		in.destroy()
		return nil, err
	}
	if validate {
		m, err := createMessenger(unsafe.Pointer(inst), in.ring)
		if err != nil {
			in.destroy()
			return nil, err
		}
		in.msgr = m
	}
	return in, nil
}

const (
	portabilityEnumeration = "VK_KHR_portability_enumeration"
	// instanceCreateEnumeratePortability is
	// VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR.
	instanceCreateEnumeratePortability = 0x00000001
	// portabilitySubset must be enabled on a device that offers it.
	portabilitySubset = "VK_KHR_portability_subset"
)

// hasDeviceExtension reports whether pd offers the extension.
func hasDeviceExtension(inst vk.Instance, pd vk.PhysicalDevice, name string) bool {
	return hasExtensionC(unsafe.Pointer(inst), unsafe.Pointer(pd), name)
}

// physical is one enumerated device with what choosing it needs.
type physical struct {
	pd    vk.PhysicalDevice
	props Properties
	qfi   int // a queue family with compute, or -1
}

func kindOf(t vk.PhysicalDeviceType) device.Kind {
	switch t {
	case vk.PhysicalDeviceTypeDiscreteGpu:
		return device.KindDiscreteGPU
	case vk.PhysicalDeviceTypeIntegratedGpu:
		return device.KindIntegratedGPU
	case vk.PhysicalDeviceTypeVirtualGpu:
		return device.KindVirtualGPU
	case vk.PhysicalDeviceTypeCpu:
		return device.KindSoftwareGPU
	}
	return device.KindSoftwareGPU
}

func enumerate(inst vk.Instance) ([]physical, error) {
	var n uint32
	if err := vkErr(vk.EnumeratePhysicalDevices(inst, &n, nil), "vkEnumeratePhysicalDevices"); err != nil {
		return nil, err
	}
	pds := make([]vk.PhysicalDevice, n)
	if n > 0 {
		if err := vkErr(vk.EnumeratePhysicalDevices(inst, &n, pds), "vkEnumeratePhysicalDevices"); err != nil {
			return nil, err
		}
	}
	out := make([]physical, len(pds))
	for i, pd := range pds {
		out[i] = physical{pd: pd, props: describe(inst, pd, i), qfi: computeQueue(inst, pd)}
		out[i].props.Compute = out[i].qfi >= 0
	}
	return out, nil
}

// computeQueue is the queue family to compute on, or -1: a compute family
// without graphics (an async compute queue) where there is one.
func computeQueue(inst vk.Instance, pd vk.PhysicalDevice) int {
	flags, _ := queueFamilies(unsafe.Pointer(inst), unsafe.Pointer(pd))
	best := -1
	for i, f := range flags {
		qf := vk.QueueFlagBits(f)
		if qf&vk.QueueComputeBit == 0 {
			continue
		}
		if best < 0 || qf&vk.QueueGraphicsBit == 0 {
			best = i
		}
	}
	return best
}

func describe(inst vk.Instance, pd vk.PhysicalDevice, index int) Properties {
	var p vk.PhysicalDeviceProperties
	vk.GetPhysicalDeviceProperties(pd, &p)
	p.Deref()
	l := p.Limits
	l.Deref()
	props := Properties{
		Name:              vk.ToString(p.DeviceName[:]),
		Type:              kindOf(p.DeviceType),
		Index:             index,
		APIVersion:        fmt.Sprint(vk.Version(p.ApiVersion)),
		VendorID:          p.VendorID,
		DeviceID:          p.DeviceID,
		MaxSharedMemory:   l.MaxComputeSharedMemorySize,
		MaxInvocations:    l.MaxComputeWorkGroupInvocations,
		MaxWorkgroupSize:  l.MaxComputeWorkGroupSize,
		MaxWorkgroupCount: l.MaxComputeWorkGroupCount,
		MaxStorageRange:   l.MaxStorageBufferRange,
		MaxPushConstants:  l.MaxPushConstantsSize,
		MinStorageAlign:   uint64(l.MinStorageBufferOffsetAlignment),
		TimestampPeriod:   l.TimestampPeriod,
	}
	apiMinor := vk.Version(p.ApiVersion).Minor()
	props.Extensions = map[string]bool{}
	for _, e := range []string{"VK_KHR_shader_float_controls", "VK_NV_shader_sm_builtins", "VK_AMD_shader_core_properties",
		"VK_KHR_cooperative_matrix", "VK_NV_cooperative_matrix", "VK_EXT_subgroup_size_control", "VK_KHR_push_descriptor"} {
		props.Extensions[e] = hasDeviceExtension(inst, pd, e)
	}
	floatControls := apiMinor >= 2 || props.Extensions["VK_KHR_shader_float_controls"]
	if c, err := queryCaps(unsafe.Pointer(inst), unsafe.Pointer(pd), floatControls, props.Extensions["VK_NV_shader_sm_builtins"], props.Extensions["VK_AMD_shader_core_properties"]); err == nil {
		props.SubgroupSize, props.MinSubgroup, props.MaxSubgroup = c.SubgroupSize, c.MinSubgroup, c.MaxSubgroup
		// Arithmetic (bit 2) in the compute stage (bit 5).
		props.SubgroupArithmetic = c.SubgroupOps&0x4 != 0 && c.SubgroupStages&0x20 != 0
		props.Float16, props.Storage16 = c.Float16, c.Storage16
		props.DriverName, props.DriverInfo = c.DriverName, c.DriverInfo
		props.PreserveNaN = c.PreserveNaN && apiMinor >= 2
		props.ComputeUnits, props.WarpsPerCU = int(c.ComputeUnits), int(c.WarpsPerCU)
	}
	if q := computeQueue(inst, pd); q >= 0 {
		_, bits := queueFamilies(unsafe.Pointer(inst), unsafe.Pointer(pd))
		props.TimestampBits = bits[q]
	}
	props.PushDescriptors = props.Extensions["VK_KHR_push_descriptor"]
	var mp vk.PhysicalDeviceMemoryProperties
	vk.GetPhysicalDeviceMemoryProperties(pd, &mp)
	mp.Deref()
	for i := 0; i < int(mp.MemoryHeapCount); i++ {
		h := mp.MemoryHeaps[i]
		h.Deref()
		props.Heaps = append(props.Heaps, Heap{Size: uint64(h.Size), DeviceLocal: vk.MemoryHeapFlagBits(h.Flags)&vk.MemoryHeapDeviceLocalBit != 0})
	}
	for i := 0; i < int(mp.MemoryTypeCount); i++ {
		t := mp.MemoryTypes[i]
		t.Deref()
		mt := MemoryType{Flags: MemoryFlags(t.PropertyFlags), Heap: int(t.HeapIndex)}
		props.MemoryTypes = append(props.MemoryTypes, mt)
		if mt.Flags&(MemDeviceLocal|MemHostVisible|MemHostCoherent) == MemDeviceLocal|MemHostVisible|MemHostCoherent {
			props.HostVisibleDeviceMemory = true
		}
	}
	return props
}

// Devices lists the Vulkan devices of the machine, in enumeration order.
func Devices() ([]Properties, error) {
	if err := initLoader(); err != nil {
		return nil, err
	}
	in, err := createInstance(false)
	if err != nil {
		return nil, err
	}
	defer in.destroy()
	phys, err := enumerate(in.inst)
	if err != nil {
		return nil, err
	}
	out := make([]Properties, len(phys))
	for i, p := range phys {
		out[i] = p.props
	}
	return out, nil
}

// Open opens a Vulkan device.
func Open(o Options) (*Runtime, error) {
	if err := initLoader(); err != nil {
		return nil, err
	}
	o.Validate = o.Validate || envOn("VKGRAD_VALIDATE")
	o.ForceStaging = o.ForceStaging || envOn("VKGRAD_FORCE_STAGING")
	o.Profile = o.Profile || envOn("VKGRAD_PROFILE")
	in, err := createInstance(o.Validate)
	if err != nil {
		return nil, err
	}
	inst := in.inst
	fail := func(err error) (*Runtime, error) {
		in.destroy()
		return nil, err
	}
	phys, err := enumerate(inst)
	if err != nil {
		return fail(err)
	}
	props := make([]Properties, len(phys))
	for j := range phys {
		props[j] = phys[j].props
	}
	i, err := Choose(props, o.Index, o.Auto)
	if err != nil {
		return fail(err)
	}
	r := &Runtime{props: phys[i].props, in: in, inst: inst, pd: phys[i].pd, qfi: uint32(phys[i].qfi), validate: o.Validate, profile: o.Profile}
	r.pushDesc = r.props.PushDescriptors && !o.NoPushDescriptors && !envOn("VKGRAD_NO_PUSH_DESCRIPTORS")
	if o.NoSubgroups || envOn("VKGRAD_NO_SUBGROUPS") {
		r.props.SubgroupArithmetic = false
	}
	if err := r.createDevice(); err != nil {
		return fail(err)
	}
	f, err := loadDeviceFns(unsafe.Pointer(inst), unsafe.Pointer(r.dev))
	if err != nil {
		vk.DestroyDevice(r.dev, nil)
		return fail(fmt.Errorf("%s: %w", r.props.Name, err))
	}
	r.fns = f
	if err := r.mem.init(r, o.ForceStaging); err != nil {
		vk.DestroyDevice(r.dev, nil)
		return fail(err)
	}
	if err := r.stream.init(r); err != nil {
		r.mem.destroy()
		vk.DestroyDevice(r.dev, nil)
		return fail(err)
	}
	r.pipelines.init(r)
	if err := r.checkMessages(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// createDevice creates the logical device with one compute queue, through
// the runtime's own C (see createInstance).
func (r *Runtime) createDevice() error {
	var exts []string
	if r.pushDesc {
		exts = append(exts, "VK_KHR_push_descriptor")
	}
	if hasDeviceExtension(r.inst, r.pd, portabilitySubset) {
		exts = append(exts, portabilitySubset)
	}
	p, res := createDeviceC(unsafe.Pointer(r.inst), unsafe.Pointer(r.pd), r.qfi, exts)
	if err := vkErr(vk.Result(res), "vkCreateDevice "+r.props.Name); err != nil {
		return err
	}
	dev := vk.Device(p)
	r.dev = dev
	var q vk.Queue
	vk.GetDeviceQueue(dev, r.qfi, 0, &q)
	r.queue = q
	return nil
}

// Properties describes the device.
func (r *Runtime) Properties() Properties { return r.props }

// SetFallback records why Open("auto") chose this device over others.
func (r *Runtime) SetFallback(s string) { r.fallback = s }

// Info describes the device for device.Info.
func (r *Runtime) Info() device.Info {
	drv := r.props.DriverName
	if r.props.DriverInfo != "" {
		drv += " " + r.props.DriverInfo
	}
	return device.Info{Backend: "vulkan", Name: r.props.Name, Kind: r.props.Type, Index: r.props.Index,
		Driver: drv, Fallback: r.fallback}
}

// fail keeps err as the runtime's error unless one is kept already.
func (r *Runtime) fail(err error) { r.errs.Fail(err) }

// dataError records bad input found by a kernel unless some is pending.
func (r *Runtime) dataError(err error) { r.errs.BadInput(err) }

// result is what Sync and Download return: the kept error, else the
// pending bad input, which it forgets.
func (r *Runtime) result() error { return r.errs.Result() }

// Err returns the first kept error.
func (r *Runtime) Err() error { return r.errs.Err() }

// checkMessages turns validation messages into the kept error.
func (r *Runtime) checkMessages() error {
	if !r.validate {
		return nil
	}
	if n, text := takeMessages(r.in.ring); n > 0 {
		r.fail(fmt.Errorf("vulkan: %d validation message(s):\n%s", n, text))
	}
	return r.Err()
}

// Stats returns the runtime's counters.
func (r *Runtime) Stats() device.Stats {
	live, liveBytes, pooled, fresh, allocs, releases := r.mem.counts()
	return device.Stats{
		LiveBuffers: live, LiveBytes: liveBytes, PooledBytes: pooled, FreshBytes: fresh, Allocs: allocs, Releases: releases,
		Uploads: r.uploads.Load(), Downloads: r.downloads.Load(), UploadBytes: r.upBytes.Load(), DownloadBytes: r.downBytes.Load(),
		Submits: r.submits.Load(), Ops: r.ops.Load(),
	}
}

// lock takes the runtime's mutex for op and returns its unlock; on a
// closed runtime it panics with an error wrapping device.ErrClosed.
func (r *Runtime) lock(op string) func() {
	unlock, err := r.tryLock(op)
	if err != nil {
		panic(err)
	}
	return unlock
}

// tryLock is lock returning the closed device as an error.
func (r *Runtime) tryLock(op string) (func(), error) {
	r.mu.Lock()
	if r.closed.Load() {
		r.mu.Unlock()
		return nil, fmt.Errorf("vulkan: %s: %w", op, device.ErrClosed)
	}
	return r.mu.Unlock, nil
}

// Closed reports whether Close has been called.
func (r *Runtime) Closed() bool { return r.closed.Load() }

// Sync submits recorded work, waits for all of it and returns the first
// kept error; on a closed runtime, device.ErrClosed.
func (r *Runtime) Sync() error {
	unlock, err := r.tryLock("Sync")
	if err != nil {
		return err
	}
	defer unlock()
	return r.syncLocked()
}

func (r *Runtime) syncLocked() error {
	r.stream.flush(true)
	r.checkMessages()
	return r.result()
}

// Close waits for the device, destroys everything the runtime created and
// returns the first kept error (validation messages about leaks included).
// A second Close returns device.ErrClosed.
func (r *Runtime) Close() error {
	unlock, err := r.tryLock("Close")
	if err != nil {
		return err
	}
	defer unlock()
	r.stream.flush(true)
	vk.DeviceWaitIdle(r.dev)
	r.stream.retire(true)
	r.prof.report(r)
	r.pipelines.destroy()
	r.stream.destroy()
	r.mem.destroy()
	vk.DestroyDevice(r.dev, nil)
	freeFns(r.fns)
	// Messages about leaked objects arrive at vkDestroyDevice.
	r.checkMessages()
	r.in.destroy()
	r.closed.Store(true)
	return r.Err()
}

// ClearErr forgets the kept error (for tests that provoke one).
func (r *Runtime) ClearErr() {
	r.errs.Clear()
}
